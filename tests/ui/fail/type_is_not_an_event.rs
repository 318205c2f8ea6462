use eventflow::prelude::*;

// Forgot `#[derive(Event)]`.
#[derive(Clone, Serialize, Deserialize)]
struct Feedback(String);

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn start(&self, ev: StartEvent<String>) -> Feedback {
        Feedback(ev.input)
    }

    #[step]
    async fn decide(&self, ev: Feedback) -> StopEvent<String> {
        StopEvent::new(ev.0)
    }
}

fn main() {}
