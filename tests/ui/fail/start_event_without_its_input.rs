use eventflow::prelude::*;

struct Echo;

#[workflow]
impl Echo {
    // `StartEvent` is `StartEvent<()>`: its `input` is `()`. The mismatch is in the step's
    // own body, where the macro has no say: rustc's error stands.
    #[step]
    async fn only(&self, ev: StartEvent) -> StopEvent<String> {
        let text: String = ev.input;
        StopEvent::new(text)
    }
}

fn main() {}
