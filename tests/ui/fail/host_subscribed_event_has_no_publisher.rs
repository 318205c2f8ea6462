use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Shipped;

struct Shop;

#[workflow(subscribes(Shipped))]
impl Shop {
    #[step]
    async fn order(&self, ctx: &Context, _ev: StartEvent) -> Result<StopEvent, WaitError> {
        ctx.wait_for_event::<Shipped>().await?;
        Ok(StopEvent::new(()))
    }
}

fn main() {
    // The warehouse that would publish `Shipped` is missing.
    let _host = eventflow::host![Shop => Runner::new(Shop)];
}
