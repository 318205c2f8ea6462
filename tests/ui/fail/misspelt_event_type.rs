use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Draft(String);

struct Writer;

#[workflow]
impl Writer {
    #[step]
    async fn start(&self, ev: StartEvent<String>) -> Draft {
        Draft(ev.input)
    }

    // `Draf` is a typo for `Draft`.
    #[step]
    async fn review(&self, ev: Draf) -> StopEvent<String> {
        StopEvent::new(ev.0)
    }
}

fn main() {}
