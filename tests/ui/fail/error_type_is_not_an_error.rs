use eventflow::prelude::*;

struct NotAnError;

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn only(&self, ev: StartEvent) -> Result<StopEvent, NotAnError> {
        Ok(StopEvent::new(ev.input))
    }
}

fn main() {}
