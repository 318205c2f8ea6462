use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Draft(String);

// A real type, named like `Draft`: the graph errors are reported once it resolves.
#[derive(Clone, Serialize, Deserialize, Event)]
struct Drafts(String);

struct Writer;

#[workflow]
impl Writer {
    #[step]
    async fn start(&self, ev: StartEvent<String>) -> Draft {
        Draft(ev.input)
    }

    #[step]
    async fn review(&self, ev: Drafts) -> StopEvent<String> {
        StopEvent::new(ev.0)
    }
}

fn main() {}
