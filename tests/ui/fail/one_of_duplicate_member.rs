use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Tick;

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn start(&self, _ev: StartEvent) -> Tick {
        Tick
    }

    #[step]
    async fn tick(&self, _ev: OneOf![Tick | Tick]) -> StopEvent {
        StopEvent::new(())
    }
}

fn main() {}
