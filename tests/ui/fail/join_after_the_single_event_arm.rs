use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Call(u32);

#[derive(Clone, Serialize, Deserialize, Event)]
struct Answer(u32);

struct Flow;

#[workflow]
impl Flow {
    // `Answer` is one event, not a fan-out: nothing joins it.
    #[step]
    async fn plan(&self, ev: StartEvent<u32>) -> OneOf![Vec<Call> | Answer] {
        Answer(ev.input).into()
    }

    #[step]
    async fn call(&self, ev: Call) -> StopEvent<usize> {
        StopEvent::new(ev.0 as usize)
    }

    #[step]
    async fn gather(&self, answers: Vec<Answer>) -> StopEvent<usize> {
        StopEvent::new(answers.len())
    }
}

fn main() {}
