use eventflow::prelude::*;

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn start(&self, _ev: StartEvent) -> StopEvent {
        StopEvent::new(())
    }

    #[step]
    async fn after(&self, _ev: OneOf![StopEvent | StartEvent]) {}
}

fn main() {}
