use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Call(u32);

#[derive(Clone, Serialize, Deserialize, Event)]
struct Answer(u32);

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn plan(&self, ev: StartEvent<u32>) -> OneOf![Vec<Vec<Call>> | StopEvent<u32>] {
        StopEvent::new(ev.input).into()
    }
}

fn main() {}
