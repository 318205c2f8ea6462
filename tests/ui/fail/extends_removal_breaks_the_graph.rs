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

struct Derived {
    base: Pipeline,
}

// Without `review`, nothing accepts `Drafted`, and nothing emits the `Reviewed` that
// `publish` waits for.
#[workflow(extends(Pipeline, via = base, without(review)))]
impl Derived {}

fn main() {}
