use eventflow::prelude::*;

#[step]
async fn count(ctx: &Context<u64>, ev: StartEvent) -> StopEvent {
    ctx.state().edit(|n| *n += 1);
    StopEvent::new(ev.input)
}

struct Flow;

#[workflow(open, state = String, start = StartEvent, stop = StopEvent)]
impl Flow {}

fn main() {
    let _ = Runner::builder(Flow).step(CountStep).build();
}
