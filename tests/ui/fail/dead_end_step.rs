use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Log(String);

struct Flow;

#[workflow]
impl Flow {
    #[step(sends(Log))]
    async fn start(&self, ctx: &Context, _ev: StartEvent) -> StopEvent {
        ctx.send_event(Log("started".into()));
        StopEvent::new(())
    }

    #[step]
    async fn log(&self, ev: Log) {
        println!("{}", ev.0);
    }
}

fn main() {}
