use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Answer(u32);

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn ask(&self, ev: StartEvent<u32>) -> Vec<Answer> {
        vec![Answer(ev.input)]
    }

    #[step]
    async fn gather(&self, first: Vec<Answer>, again: Vec<Answer>) -> StopEvent<usize> {
        StopEvent::new(first.len() + again.len())
    }
}

fn main() {}
