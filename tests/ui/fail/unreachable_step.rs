use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Ping;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Pong;

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn start(&self, _ev: StartEvent) -> StopEvent {
        StopEvent::new(())
    }

    // `ping` and `pong` feed each other, but nothing leads into the pair.
    #[step]
    async fn ping(&self, _ev: Pong) -> OneOf![Ping | StopEvent] {
        Ping.into()
    }

    #[step]
    async fn pong(&self, _ev: Ping) -> Pong {
        Pong
    }
}

fn main() {}
