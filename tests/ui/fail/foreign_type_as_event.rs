use eventflow::prelude::*;

struct Flow;

#[workflow]
impl Flow {
    // `String` and `u32` are not events, and cannot be made events here.
    #[step]
    async fn start(&self, ev: StartEvent<String>) -> String {
        ev.input
    }

    #[step]
    async fn count(&self, ev: String) -> u32 {
        u32::try_from(ev.len()).unwrap_or(u32::MAX)
    }

    #[step]
    async fn end(&self, ev: u32) -> StopEvent<u32> {
        StopEvent::new(ev)
    }
}

fn main() {}
