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

/// The agent shape, a fan-out or one event, in its `Result<Option<..>>` form.
struct Agent;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Total(u32);

#[workflow]
impl Agent {
    #[step]
    async fn model(
        &self,
        ev: OneOf![StartEvent<u32> | Total],
    ) -> Result<Option<OneOf![Vec<B> | StopEvent<u32>]>, Never> {
        Ok(Some(match ev {
            AgentModelInput::StartEvent(ev) => (0..ev.input).map(B).collect::<Vec<_>>().into(),
            AgentModelInput::Total(total) => StopEvent::new(total.0).into(),
        }))
    }

    #[step]
    async fn tool(&self, b: B) -> D {
        D(b.0)
    }

    #[step]
    async fn join(&self, ds: Vec<D>) -> Total {
        Total(ds.iter().map(|d| d.0).sum())
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let runner = Runner::new(Shapes);
    assert_eq!(runner.run(4).await.ok(), Some(3));
    assert_eq!(Runner::new(Agent).run(4).await.ok(), Some(6));
}
