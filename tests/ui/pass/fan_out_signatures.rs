//! Every signature shape of fan-outs and joins, in one workflow that runs.

use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct B(u32);
#[derive(Clone, Serialize, Deserialize, Event)]
struct C(u32);
#[derive(Clone, Serialize, Deserialize, Event)]
struct D(u32);

#[derive(Debug, thiserror::Error)]
#[error("never")]
struct Never;

struct Shapes;

#[workflow]
impl Shapes {
    // A fallible fan-out of a union.
    #[step]
    async fn start(&self, ev: StartEvent<u32>) -> Result<Vec<OneOf![B | C]>, Never> {
        Ok((0..ev.input)
            .map(|i| if i % 2 == 0 { B(i).into() } else { C(i).into() })
            .collect())
    }

    // One of each type, with the context between the events.
    #[step]
    async fn pair(&self, b: B, _ctx: &Context, c: C) -> D {
        D(b.0 + c.0)
    }

    // Collections of two types, joined at the first three events: both `B`s, then the
    // first `D`.
    #[step(take = 3)]
    async fn gather(&self, ds: Vec<D>, bs: Vec<B>) -> StopEvent<usize> {
        StopEvent::new(ds.len() + bs.len())
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let runner = Runner::new(Shapes);
    assert_eq!(runner.run(4).await.ok(), Some(3));
}
