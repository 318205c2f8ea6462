use eventflow::prelude::*;

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn text(&self, ev: StartEvent<String>) -> StopEvent<String> {
        StopEvent::new(ev.input)
    }

    #[step]
    async fn number(&self, ev: StartEvent<u32>) -> StopEvent<String> {
        StopEvent::new(ev.input.to_string())
    }
}

fn main() {}
