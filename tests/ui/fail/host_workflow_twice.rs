use eventflow::prelude::*;

struct Reporter;

#[workflow]
impl Reporter {
    #[step]
    async fn report(&self, _ev: StartEvent) -> StopEvent {
        StopEvent::new(())
    }
}

fn main() {
    let _host = eventflow::host![
        Reporter => Runner::new(Reporter),
        Reporter => Runner::new(Reporter),
    ];
}
