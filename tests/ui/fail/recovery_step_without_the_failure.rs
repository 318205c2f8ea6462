use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Oops;

struct Flow;

#[workflow]
impl Flow {
    #[step(sends(Oops))]
    async fn answer(&self, ctx: &Context, ev: StartEvent<u32>) -> StopEvent<u32> {
        ctx.send_event(Oops);
        StopEvent::new(ev.input)
    }

    #[step(catch_errors(answer))]
    async fn fallback(&self, _ev: Oops) -> StopEvent<u32> {
        StopEvent::new(0)
    }
}

fn main() {}
