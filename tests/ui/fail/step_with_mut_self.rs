use eventflow::prelude::*;

struct Flow {
    counter: u32,
}

#[workflow]
impl Flow {
    #[step]
    async fn only(&mut self, ev: StartEvent) -> StopEvent {
        self.counter += 1;
        StopEvent::new(ev.input)
    }
}

fn main() {}
