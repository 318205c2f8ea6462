use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Middle;

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn start(&self, _ev: StartEvent) -> Middle {
        let middle = ;
        middle
    }

    #[step]
    async fn end(&self, _ev: Middle) -> StopEvent {
        StopEvent::new(())
    }
}

fn main() {
    // The workflow still exists: no follow-on error here.
    let _ = Runner::new(Flow);
}
