// A step written as a free function, to be added to a workflow when its runner is built.
#[step]
pub async fn check_stock(ctx: &Context<Inventory>, ev: OneOf![OrderPlaced | Restocked]) -> Option<InStock> {
    todo!()
}
