use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct TradeEvent;

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn start(&self, _ev: StartEvent) -> StopEvent {
        StopEvent::new(())
    }

    #[step]
    async fn trade(&self, _ev: TradeEvent) -> StopEvent {
        StopEvent::new(())
    }
}

fn main() {}
