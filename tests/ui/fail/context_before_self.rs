use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Middle;

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn start(ctx: &Context, &self, _ev: StartEvent) -> Middle {
        let _ = ctx;
        Middle
    }

    #[step]
    async fn end(&self, _ev: Middle) -> StopEvent {
        StopEvent::new(())
    }
}

fn main() {
    let _ = Runner::new(Flow);
}
