use eventflow::prelude::*;

struct Flow;

#[workflow]
impl Flow {
    #[step(allow(dead_code))]
    async fn only(&self, ev: StartEvent) -> StopEvent {
        StopEvent::new(ev.input)
    }
}

fn main() {}
