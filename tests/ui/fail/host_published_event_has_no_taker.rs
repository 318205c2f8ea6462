use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct TradeEventV2;

struct FeedbackMonitor;

#[workflow(publishes(TradeEventV2))]
impl FeedbackMonitor {
    #[step(sends(TradeEventV2))]
    async fn feedback(&self, ctx: &Context, _ev: StartEvent) -> StopEvent {
        ctx.send_event(TradeEventV2);
        StopEvent::new(())
    }
}

struct Reporter;

#[workflow]
impl Reporter {
    #[step]
    async fn report(&self, _ev: StartEvent) -> StopEvent {
        StopEvent::new(())
    }
}

fn main() {
    // Nobody in the host starts from a trade or subscribes to it.
    let _host = eventflow::host![
        FeedbackMonitor => Runner::new(FeedbackMonitor),
        Reporter => Runner::new(Reporter),
    ];
}
