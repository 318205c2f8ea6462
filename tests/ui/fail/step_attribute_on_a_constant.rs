use eventflow::prelude::*;

struct Flow;

#[workflow]
impl Flow {
    #[step]
    const LIMIT: u32 = 3;

    #[step]
    async fn only(&self, ev: StartEvent) -> StopEvent {
        StopEvent::new(ev.input)
    }
}

fn main() {}
