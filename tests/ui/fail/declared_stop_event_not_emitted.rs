use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Answer(String);

struct Flow;

#[workflow(stop = Answer)]
impl Flow {
    #[step]
    async fn only(&self, ev: StartEvent<String>) -> StopEvent<String> {
        StopEvent::new(ev.input)
    }
}

fn main() {}
