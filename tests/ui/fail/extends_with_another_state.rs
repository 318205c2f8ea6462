use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Drafted;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Reviewed;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Notes;

struct Pipeline;

#[workflow(extendable, state = Notes)]
impl Pipeline {
    #[step]
    async fn draft(&self, _ev: StartEvent) -> Drafted {
        Drafted
    }

    #[step]
    async fn review(&self, _ev: Drafted) -> Reviewed {
        Reviewed
    }

    #[step]
    async fn publish(&self, _ev: Reviewed) -> StopEvent {
        StopEvent::new(())
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Other;

struct Derived {
    base: Pipeline,
}

#[workflow(extends(Pipeline, via = base), state = Other)]
impl Derived {}

fn main() {}
