use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Call(String);

#[derive(Clone, Serialize, Deserialize, Event)]
struct Found(String);

#[derive(Clone, Serialize, Deserialize, Event)]
struct Hint(String);

struct Tools;

#[workflow]
impl Tools {
    #[step]
    async fn plan(&self, ev: StartEvent<Vec<String>>) -> Vec<Call> {
        ev.input.into_iter().map(Call).collect()
    }

    #[step(num_workers = 8)]
    async fn call(&self, call: Call) -> OneOf![Found | Hint] {
        Found(call.0).into()
    }

    #[step(take = 3)]
    async fn answer(&self, found: Vec<Found>, hints: Vec<Hint>) -> StopEvent<usize> {
        StopEvent::new(found.len() + hints.len())
    }
}
