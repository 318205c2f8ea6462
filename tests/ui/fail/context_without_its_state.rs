use eventflow::prelude::*;

struct Counter;

#[workflow(state = u32)]
impl Counter {
    #[step]
    async fn only(&self, ctx: &Context, ev: StartEvent) -> StopEvent {
        let _ = ctx;
        StopEvent::new(ev.input)
    }
}

fn main() {}
