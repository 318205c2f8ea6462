use eventflow::prelude::*;
use eventflow::StepFailed;

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn answer(&self, ev: StartEvent<u32>) -> StopEvent<u32> {
        StopEvent::new(ev.input)
    }

    #[step(catch_errors)]
    async fn fallback(&self, _failed: StepFailed) -> StopEvent<u32> {
        StopEvent::new(0)
    }

    #[step(catch_errors)]
    async fn other_fallback(&self, _failed: StepFailed) -> StopEvent<u32> {
        StopEvent::new(1)
    }
}

fn main() {}
