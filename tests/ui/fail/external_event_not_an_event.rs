use eventflow::prelude::*;

struct Answer(u32);

struct Flow;

#[workflow(external(Answer))]
impl Flow {
    #[step]
    async fn answer(&self, ev: StartEvent<u32>) -> StopEvent<u32> {
        StopEvent::new(ev.input)
    }
}

fn main() {}
