use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Done;

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn only(&self, _ev: StartEvent) -> Done {
        Done
    }
}

fn main() {}
