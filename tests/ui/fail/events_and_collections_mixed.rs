use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Answer(u32);

#[derive(Clone, Serialize, Deserialize, Event)]
struct Hint(u32);

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn ask(&self, ev: StartEvent<u32>) -> Vec<OneOf![Answer | Hint]> {
        vec![Answer(ev.input).into(), Hint(ev.input).into()]
    }

    #[step]
    async fn gather(&self, answers: Vec<Answer>, hint: Hint) -> StopEvent<usize> {
        StopEvent::new(answers.len() + hint.0 as usize)
    }
}

fn main() {}
