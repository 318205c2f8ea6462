use eventflow::prelude::*;

struct Flow;

#[workflow]
impl Flow {
    #[step(max_recoveries = 3)]
    async fn answer(&self, ev: StartEvent<u32>) -> StopEvent<u32> {
        StopEvent::new(ev.input)
    }
}

fn main() {}
