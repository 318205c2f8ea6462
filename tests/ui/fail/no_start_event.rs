use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Begin;

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn only(&self, _ev: Begin) -> StopEvent {
        StopEvent::new(())
    }
}

fn main() {}
