//! Every signature shape a step may have, in one workflow that runs.

use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct A(u32);
#[derive(Clone, Serialize, Deserialize, Event)]
struct B(u32);
#[derive(Clone, Serialize, Deserialize, Event)]
struct C(u32);
#[derive(Clone, Serialize, Deserialize, Event)]
struct D(u32);
#[derive(Clone, Serialize, Deserialize, Event)]
struct E(u32);
#[derive(Clone, Serialize, Deserialize, Event)]
struct F(u32);

#[derive(Debug, thiserror::Error)]
#[error("never")]
struct Never;

mod fallible {
    /// An alias named `Result`, as `anyhow::Result` is: recognised by its name.
    pub type Result<T> = std::result::Result<T, super::Never>;
}

struct Shapes;

#[workflow(state = Vec<String>, name = "shapes")]
impl Shapes {
    // Context first, one event, plain return.
    #[step]
    async fn start(&self, ctx: &Context<Vec<String>>, ev: StartEvent<u32>) -> A {
        ctx.state().edit(|s| s.push("start".into()));
        A(ev.input)
    }

    // Event first, context after, owned context, `Option` of a union.
    #[step(num_workers = 1)]
    async fn a(&self, ev: A, ctx: Context<Vec<String>>) -> Option<OneOf![B | C]> {
        ctx.state().edit(|s| s.push("a".into()));
        Some(if ev.0 % 2 == 0 { B(ev.0).into() } else { C(ev.0).into() })
    }

    // A union parameter, `Result` with a `String` error.
    #[step]
    async fn bc(&self, ev: OneOf![B | C]) -> Result<D, String> {
        match ev {
            ShapesBcInput::B(b) => Ok(D(b.0)),
            ShapesBcInput::C(c) => Ok(D(c.0 + 1)),
        }
    }

    // `Result<Option<..>>` through an alias of `Result`.
    #[step]
    async fn d(&self, ev: D) -> fallible::Result<Option<E>> {
        Ok(Some(E(ev.0)))
    }

    // No return value: the event is sent instead.
    #[step(sends(F))]
    async fn e(&self, ctx: &Context<Vec<String>>, ev: E) {
        ctx.send_event(F(ev.0));
    }

    // `Result<(), E>`: fallible and emitting nothing, sending the stop event.
    #[step(sends(StopEvent<u32>))]
    async fn f(&self, ctx: &Context<Vec<String>>, ev: F) -> Result<(), Never> {
        ctx.send_event(StopEvent::new(ev.0));
        Ok(())
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let runner = Runner::new(Shapes);
    assert_eq!(runner.run(4).await.ok(), Some(4));
    assert_eq!(runner.run(3).await.ok(), Some(4));
}
