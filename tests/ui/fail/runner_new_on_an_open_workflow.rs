use eventflow::prelude::*;

struct Flow;

#[workflow(open)]
impl Flow {
    #[step]
    async fn only(&self, ev: StartEvent) -> StopEvent {
        StopEvent::new(ev.input)
    }
}

fn main() {
    let _ = Runner::new(Flow);
}
