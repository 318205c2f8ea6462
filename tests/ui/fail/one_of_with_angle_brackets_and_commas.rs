use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Approved;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Rejected;

struct Review;

// `OneOf<A, B>` parses as a type, so the macro reads it and says what to write.
#[workflow]
impl Review {
    #[step]
    async fn start(&self, _ev: StartEvent) -> OneOf<Approved, Rejected> {
        Approved.into()
    }

    #[step]
    async fn approved(&self, _ev: Approved) -> StopEvent {
        StopEvent::new(())
    }

    #[step]
    async fn rejected(&self, _ev: Rejected) -> StopEvent {
        StopEvent::new(())
    }
}

fn main() {
    let _ = Runner::new(Review);
}
