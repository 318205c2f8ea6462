use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Drafted;

struct Pipeline;

// Not `extendable`.
#[workflow]
impl Pipeline {
    #[step]
    async fn draft(&self, _ev: StartEvent) -> Drafted {
        Drafted
    }

    #[step]
    async fn publish(&self, _ev: Drafted) -> StopEvent {
        StopEvent::new(())
    }
}

struct Derived {
    base: Pipeline,
}

#[workflow(extends(Pipeline, via = base))]
impl Derived {}

fn main() {}
