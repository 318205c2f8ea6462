use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Progress;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Audit;

struct Flow;

#[workflow]
impl Flow {
    #[step(sends(Audit))]
    async fn start(&self, _ev: StartEvent) -> OneOf![Progress | StopEvent] {
        StopEvent::new(()).into()
    }
}

fn main() {}
