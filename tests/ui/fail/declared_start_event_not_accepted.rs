use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Query(String);

struct Flow;

#[workflow(start = Query)]
impl Flow {
    #[step]
    async fn only(&self, ev: StartEvent<String>) -> StopEvent<String> {
        StopEvent::new(ev.input)
    }
}

fn main() {}
