use eventflow::prelude::*;

struct Flow;

#[workflow]
impl Flow {
    #[step(take = 2)]
    async fn only(&self, ev: StartEvent<u32>) -> StopEvent<u32> {
        StopEvent::new(ev.input)
    }
}

fn main() {}
