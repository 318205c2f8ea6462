use eventflow::prelude::*;

struct Tools;

impl Tools {
    #[step]
    async fn search(&self, ev: StartEvent) -> StopEvent {
        StopEvent::new(ev.input)
    }
}

fn main() {}
