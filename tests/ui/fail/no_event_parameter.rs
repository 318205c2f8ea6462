use eventflow::prelude::*;

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn start(&self, ev: StartEvent) -> StopEvent {
        StopEvent::new(ev.input)
    }

    #[step]
    async fn tick(&self, ctx: &Context) -> StopEvent {
        let _ = ctx;
        StopEvent::new(())
    }
}

fn main() {}
