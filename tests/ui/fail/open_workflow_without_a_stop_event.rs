use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Query;

struct Flow;

#[workflow(open)]
impl Flow {
    #[step]
    async fn ask(&self, _ev: StartEvent) -> Query {
        Query
    }
}

fn main() {}
