use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Next;

struct Flow;

#[workflow]
impl Flow {
    #[step(name = "work")]
    async fn first(&self, _ev: StartEvent) -> Next {
        Next
    }

    #[step(name = "work")]
    async fn second(&self, _ev: Next) -> StopEvent {
        StopEvent::new(())
    }
}

fn main() {}
