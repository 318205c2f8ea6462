use eventflow::prelude::*;

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn only(&self, ev: StartEvent<u32>) -> OneOf![StopEvent<u32> | StopEvent<String>] {
        StopEvent::new(ev.input).into()
    }
}

fn main() {}
