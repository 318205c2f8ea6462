use eventflow::prelude::*;

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn only(&self, _ev: OneOf![StartEvent | (u8, u8)]) -> StopEvent {
        StopEvent::new(())
    }
}

fn main() {}
