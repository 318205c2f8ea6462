use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Call(u32);

#[derive(Clone, Serialize, Deserialize, Event)]
struct Answer(u32);

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn plan(&self, ev: StartEvent<u32>) -> Vec<Call> {
        vec![Call(ev.input)]
    }

    #[step]
    async fn gather(&self, _calls: OneOf![Vec<Call> | Answer]) -> StopEvent<u32> {
        StopEvent::new(0)
    }
}

fn main() {}
