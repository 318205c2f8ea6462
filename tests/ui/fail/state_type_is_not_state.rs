use eventflow::prelude::*;

// Not `Default` nor serializable.
#[derive(Clone)]
struct Memory {
    facts: Vec<String>,
}

struct Flow;

#[workflow(state = Memory)]
impl Flow {
    #[step]
    async fn only(&self, ctx: &Context<Memory>, ev: StartEvent) -> StopEvent {
        let _ = ctx.state().read(|m| m.facts.len());
        StopEvent::new(ev.input)
    }
}

fn main() {}
