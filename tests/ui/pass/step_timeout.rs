use std::time::Duration;

use eventflow::prelude::*;

struct Flow;

const LIMIT: Duration = Duration::from_secs(30);

#[workflow]
impl Flow {
    #[step(timeout = Duration::from_millis(1500))]
    async fn first(&self, ev: StartEvent<u32>) -> Middle {
        Middle(ev.input)
    }

    #[step(timeout = LIMIT)]
    async fn second(&self, ev: Middle) -> StopEvent<u32> {
        StopEvent::new(ev.0)
    }
}

#[derive(Clone, Serialize, Deserialize, Event)]
struct Middle(u32);

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let spec = <Flow as eventflow::Workflow>::STEPS[0].spec;
    assert_eq!(spec.timeout, Some(Duration::from_millis(1500)));
    assert_eq!(Runner::new(Flow).run(7).await.ok(), Some(7));
}
