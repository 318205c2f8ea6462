//! Generated code under `clippy::pedantic`: a user who denies it gets no lint from what
//! `#[workflow]` (extendable and extending ones too), `#[step]`, `OneOf!`, `#[derive(Event)]`
//! and `#[event]` write. `cargo clippy --all-targets` checks this file; `cargo test` runs it.

#![deny(clippy::pedantic)]

use std::time::Duration;

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
#[derive(Clone, Serialize, Deserialize, Event)]
enum Progress {
    Halfway,
}

#[eventflow::event]
struct Total(u32);

#[derive(Debug, thiserror::Error)]
#[error("never")]
struct Never;

/// Every step shape of one event at a time.
struct Shapes;

#[workflow(state = Vec<String>, name = "shapes")]
impl Shapes {
    #[step(retry = RetryPolicy::immediate())]
    async fn start(&self, ctx: &Context<Vec<String>>, ev: StartEvent<u32>) -> A {
        ctx.state().edit(|s| s.push("start".into()));
        A(ev.input)
    }

    #[step(num_workers = 1, output = AOutput)]
    async fn a(&self, ev: A, ctx: Context<Vec<String>>) -> Option<OneOf![B | C]> {
        ctx.state().edit(|s| s.push("a".into()));
        Some(if ev.0.is_multiple_of(2) {
            B(ev.0).into()
        } else {
            C(ev.0).into()
        })
    }

    #[step(timeout = Duration::from_secs(5))]
    async fn bc(&self, ev: OneOf![B | C]) -> Result<D, String> {
        match ev {
            ShapesBcInput::B(b) => Ok(D(b.0)),
            ShapesBcInput::C(c) => Ok(D(c.0 + 1)),
        }
    }

    #[step(stream_only(Progress))]
    async fn d(&self, ctx: &Context<Vec<String>>, ev: D) -> Result<Option<E>, Never> {
        ctx.write_event_to_stream(Progress::Halfway);
        Ok(Some(E(ev.0)))
    }

    #[step(sends(F))]
    async fn e(&self, ctx: &Context<Vec<String>>, ev: E) {
        ctx.send_event(F(ev.0));
    }

    #[step(sends(StopEvent<u32>))]
    async fn f(&self, ctx: &Context<Vec<String>>, ev: F) -> Result<(), Never> {
        ctx.send_event(StopEvent::new(ev.0));
        Ok(())
    }

    #[step(catch_errors, max_recoveries = 2)]
    async fn recover(&self, failed: StepFailed) -> StopEvent<u32> {
        StopEvent::new(u32::from(failed.step().is_empty()))
    }
}

/// Fan-outs and joins.
struct Fans;

#[workflow]
impl Fans {
    #[step]
    async fn start(&self, ev: StartEvent<u32>) -> Result<Vec<OneOf![B | C]>, Never> {
        Ok((0..ev.input)
            .map(|i| {
                if i.is_multiple_of(2) {
                    B(i).into()
                } else {
                    C(i).into()
                }
            })
            .collect())
    }

    #[step]
    async fn pair(&self, b: B, _ctx: &Context, c: C) -> D {
        D(b.0 + c.0)
    }

    #[step(take = 3)]
    async fn gather(&self, ds: Vec<D>, bs: Vec<B>) -> StopEvent<usize> {
        StopEvent::new(ds.len() + bs.len())
    }
}

/// The agent shape: a fan-out or one event.
struct Agent;

#[workflow]
impl Agent {
    #[step]
    async fn model(&self, ev: OneOf![StartEvent<u32> | Total]) -> OneOf![Vec<E> | StopEvent<u32>] {
        match ev {
            AgentModelInput::StartEvent(ev) => (0..ev.input).map(E).collect::<Vec<_>>().into(),
            AgentModelInput::Total(total) => StopEvent::new(total.0).into(),
        }
    }

    #[step]
    async fn tool(&self, ev: E) -> F {
        F(ev.0)
    }

    #[step]
    async fn observe(&self, done: Vec<F>) -> Total {
        Total(done.iter().map(|f| f.0).sum())
    }
}

/// An open workflow and free-function steps, with and without a context.
struct Open;

#[workflow(open, stop = StopEvent<u32>)]
impl Open {
    #[step]
    async fn start(&self, ev: StartEvent<u32>) -> A {
        A(ev.input)
    }
}

/// A base for others to extend: its inherited steps' code is generated with it.
struct Relay {
    offset: u32,
}

#[workflow(extendable, state = Vec<String>)]
impl Relay {
    #[step(retry = RetryPolicy::immediate())]
    async fn start(&self, ev: StartEvent<u32>) -> OneOf![A | B] {
        if ev.input == 0 {
            B(0).into()
        } else {
            A(ev.input + self.offset).into()
        }
    }

    #[step]
    async fn a(&self, ctx: &Context<Vec<String>>, ev: A) -> StopEvent<u32> {
        ctx.state().edit(|s| s.push("a".into()));
        StopEvent::new(ev.0)
    }

    #[step]
    async fn b(&self, ev: B) -> StopEvent<u32> {
        StopEvent::new(ev.0)
    }
}

/// Extends `Relay` through `AsRef`, replacing one step and adding one.
struct LoudRelay(Relay);

impl AsRef<Relay> for LoudRelay {
    fn as_ref(&self) -> &Relay {
        &self.0
    }
}

#[workflow(extends(Relay, without(b)), state = Vec<String>)]
impl LoudRelay {
    #[step(replaces)]
    async fn a(&self, ev: A) -> OneOf![C | StopEvent<u32>] {
        C(ev.0 * 10).into()
    }

    #[step]
    async fn c(&self, ev: OneOf![B | C]) -> StopEvent<u32> {
        match ev {
            LoudRelayCInput::B(b) => StopEvent::new(b.0),
            LoudRelayCInput::C(c) => StopEvent::new(c.0),
        }
    }
}

#[step(output = FreeOutput)]
async fn branch(ev: A) -> OneOf![B | StopEvent<u32>] {
    if ev.0 == 0 {
        StopEvent::new(0).into()
    } else {
        B(ev.0).into()
    }
}

#[step]
async fn free_end(ctx: &Context, ev: B) -> StopEvent<u32> {
    let _ = ctx;
    StopEvent::new(ev.0)
}

#[tokio::test]
async fn every_shape_runs() -> Result<(), Box<dyn std::error::Error>> {
    assert_eq!(Runner::new(Shapes).run(4).await?, 4);
    assert_eq!(Runner::new(Fans).run(4).await?, 3);
    assert_eq!(Runner::new(Agent).run(4).await?, 6);
    assert_eq!(Runner::new(Relay { offset: 1 }).run(4).await?, 5);
    assert_eq!(
        Runner::new(LoudRelay(Relay { offset: 1 })).run(4).await?,
        50
    );
    assert_eq!(Runner::new(LoudRelay(Relay { offset: 1 })).run(0).await?, 0);
    let open = Runner::builder(Open)
        .step(BranchStep)
        .step(FreeEndStep)
        .build()?;
    assert_eq!(open.run(7).await?, 7);
    Ok(())
}
