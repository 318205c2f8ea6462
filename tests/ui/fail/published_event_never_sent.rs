use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct TradeEventV2;

struct FeedbackMonitor;

// The workflow promises other workflows a trade, but no step ever sends one.
#[workflow(publishes(TradeEventV2))]
impl FeedbackMonitor {
    #[step]
    async fn feedback(&self, _ev: StartEvent) -> StopEvent {
        StopEvent::new(())
    }
}

fn main() {}
