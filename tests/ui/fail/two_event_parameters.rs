use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Other;

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn only(&self, ev: StartEvent, other: Other) -> StopEvent {
        let _ = other;
        StopEvent::new(ev.input)
    }
}

fn main() {}
