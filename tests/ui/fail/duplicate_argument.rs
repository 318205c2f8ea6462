use eventflow::prelude::*;

struct Flow;

#[workflow]
impl Flow {
    #[step(num_workers = 2, num_workers = 3)]
    async fn only(&self, ev: StartEvent) -> StopEvent {
        StopEvent::new(ev.input)
    }
}

fn main() {}
