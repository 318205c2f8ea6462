use eventflow::prelude::*;

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn only(ev: StartEvent) -> StopEvent {
        StopEvent::new(ev.input)
    }
}

fn main() {}
