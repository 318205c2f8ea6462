use eventflow::prelude::*;

struct Flow;

#[workflow(state = u32)]
impl Flow {
    #[step]
    async fn only(&self, ctx: &Context<String>, ev: StartEvent) -> StopEvent {
        let _ = ctx;
        StopEvent::new(ev.input)
    }
}

fn main() {}
