use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Orphan;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Unheard;

struct Flow;

#[workflow]
impl Flow {
    #[step(retries = 3)]
    async fn start(&self, _ev: StartEvent) -> StopEvent {
        StopEvent::new(())
    }

    #[step]
    fn sync_step(&self, _ev: Orphan) -> Unheard {
        Unheard
    }

    #[step]
    async fn no_self(_ev: Orphan) -> StopEvent {
        StopEvent::new(())
    }
}

struct Graph;

#[workflow]
impl Graph {
    #[step]
    async fn start(&self, _ev: StartEvent) -> OneOf![Unheard | StopEvent] {
        StopEvent::new(()).into()
    }

    #[step]
    async fn orphan(&self, _ev: Orphan) -> StopEvent {
        StopEvent::new(())
    }
}

fn main() {
    // Both workflows still exist for the rest of the program: no follow-on errors here.
    let _ = Runner::new(Flow);
    let _ = Runner::new(Graph);
}
