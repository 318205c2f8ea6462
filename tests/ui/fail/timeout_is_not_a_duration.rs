use eventflow::prelude::*;

struct Flow;

#[workflow]
impl Flow {
    #[step(timeout = 30)]
    async fn answer(&self, ev: StartEvent<u32>) -> StopEvent<u32> {
        StopEvent::new(ev.input)
    }
}

fn main() {}
