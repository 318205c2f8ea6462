use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Words(String);

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn start(&self, ev: StartEvent<String>) -> OneOf![Words | StopEvent<u32>] {
        if ev.input.is_empty() {
            StopEvent::new(0).into()
        } else {
            Words(ev.input).into()
        }
    }

    #[step]
    async fn count(&self, ev: Words) -> StopEvent<String> {
        StopEvent::new(ev.0)
    }
}

fn main() {}
