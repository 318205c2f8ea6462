use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Shipped;

struct Shop;

// Subscribing marks `Shipped` as coming from other workflows; the typo `subscribes(Shiped)`
// is what this catches: a name that is not an event type.
#[workflow(subscribes(Shiped))]
impl Shop {
    #[step]
    async fn order(&self, ctx: &Context, _ev: StartEvent) -> Result<StopEvent, WaitError> {
        ctx.wait_for_event::<Shipped>().await?;
        Ok(StopEvent::new(()))
    }
}

fn main() {}
