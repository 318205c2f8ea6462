use std::rc::Rc;

use eventflow::prelude::*;

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn only(&self, ev: StartEvent) -> StopEvent {
        let shared = Rc::new(ev.input);
        tokio::task::yield_now().await;
        StopEvent::new(*shared)
    }
}

fn main() {}
