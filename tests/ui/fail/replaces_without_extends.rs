use eventflow::prelude::*;

struct Flow;

#[workflow]
impl Flow {
    #[step(replaces)]
    async fn start(&self, _ev: StartEvent) -> StopEvent {
        StopEvent::new(())
    }
}

fn main() {}
