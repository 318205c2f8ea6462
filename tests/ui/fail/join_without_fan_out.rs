use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Answer(u32);

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn ask(&self, ev: StartEvent<u32>) -> Answer {
        Answer(ev.input)
    }

    #[step]
    async fn gather(&self, answers: Vec<Answer>) -> StopEvent<usize> {
        StopEvent::new(answers.len())
    }
}

fn main() {}
