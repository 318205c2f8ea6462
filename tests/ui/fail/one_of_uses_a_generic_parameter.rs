use eventflow::prelude::*;

struct Flow<T> {
    marker: std::marker::PhantomData<T>,
}

#[workflow]
impl<T: Send + Sync + 'static> Flow<T> {
    #[step]
    async fn only(&self, _ev: StartEvent) -> OneOf![StopEvent | StartEvent<T>] {
        StopEvent::new(()).into()
    }
}

fn main() {}
