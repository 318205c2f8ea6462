use eventflow::prelude::*;

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn only<T: Default>(&self, ev: StartEvent) -> StopEvent {
        let _ = T::default();
        StopEvent::new(ev.input)
    }
}

fn main() {}
