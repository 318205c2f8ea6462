use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Query(String);

#[step]
async fn answer(ev: Query) -> StopEvent<String> {
    StopEvent::new(ev.0)
}

struct Oracle;

// Not `#[workflow(open)]`: its graph is complete as written.
#[workflow]
impl Oracle {
    #[step]
    async fn ask(&self, ev: StartEvent<String>) -> StopEvent<String> {
        StopEvent::new(ev.input)
    }
}

fn main() {
    let _ = Runner::builder(Oracle).step(AnswerStep).build();
}
