use eventflow::prelude::*;

struct Flow;

#[workflow]
impl Flow {
    #[step(input = FlowInput, output = FlowOutput)]
    async fn only(&self, ev: StartEvent) -> StopEvent {
        StopEvent::new(ev.input)
    }
}

fn main() {}
