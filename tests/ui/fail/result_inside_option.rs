use eventflow::prelude::*;

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn only(&self, ev: StartEvent) -> Option<Result<StopEvent, String>> {
        Some(Ok(StopEvent::new(ev.input)))
    }
}

fn main() {}
