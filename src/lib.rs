//! Event-driven async workflows, checked at compile time.
//!
//! A workflow is a set of steps that react to events. Each step is an `async` method whose
//! signature says which events it accepts and which it emits; `#[workflow]` reads those
//! signatures, builds the routing table and rejects a broken event graph at compile time, with
//! the error on the offending token. A small tokio runtime runs it: branches, loops, concurrent
//! steps, typed fan-out and fan-in, a stream of progress events for the caller, retries and
//! error recovery, waits for a human's answer, timeouts and cancellation.
//!
//! ```
//! use eventflow::prelude::*;
//!
//! #[derive(Clone, Serialize, Deserialize, Event)]
//! struct Draft { text: String }
//!
//! struct Writer;
//!
//! #[workflow]
//! impl Writer {
//!     #[step]
//!     async fn write(&self, ev: StartEvent<String>) -> Draft {
//!         Draft { text: format!("A story about {}", ev.input) }
//!     }
//!
//!     #[step]
//!     async fn review(&self, ev: Draft) -> OneOf![Draft | StopEvent<String>] {
//!         if ev.text.ends_with('.') { StopEvent::new(ev.text).into() } else { Draft { text: ev.text + "." }.into() }
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), WorkflowError> {
//! let story = Runner::new(Writer).run("a crab".to_string()).await?;
//! assert_eq!(story, "A story about a crab.");
//! # Ok(())
//! # }
//! ```
//!
//! A step can loop, keep typed state for the run and stream progress to the caller:
//!
//! ```
//! use eventflow::prelude::*;
//!
//! #[derive(Clone, Serialize, Deserialize, Event)]
//! struct Tick;
//!
//! #[derive(Clone, Serialize, Deserialize, Event)]
//! struct LoopEvent;
//!
//! #[derive(Clone, Serialize, Deserialize, Event)]
//! struct Progress(String);
//!
//! struct Countdown;
//!
//! #[workflow(state = u32)]
//! impl Countdown {
//!     // Starts the count, or continues it; ticks again or stops.
//!     #[step(stream_only(Progress))]
//!     async fn count(
//!         &self,
//!         ctx: &Context<u32>,
//!         ev: OneOf![StartEvent<u32> | LoopEvent],
//!     ) -> OneOf![Tick | StopEvent<String>] {
//!         if let CountdownCountInput::StartEvent(start) = ev {
//!             ctx.state().set(start.input);
//!         }
//!         let left = ctx.state().edit(|n| {
//!             *n = n.saturating_sub(1);
//!             *n
//!         });
//!         ctx.write_event_to_stream(Progress(format!("{left} left")));
//!         if left == 0 {
//!             StopEvent::new("liftoff".to_string()).into()
//!         } else {
//!             Tick.into()
//!         }
//!     }
//!
//!     #[step]
//!     async fn tick(&self, _ev: Tick) -> LoopEvent {
//!         LoopEvent
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), WorkflowError> {
//! let mut handler = Runner::new(Countdown).run(3);
//! let mut lines = Vec::new();
//! while let Some(event) = handler.next().await {
//!     if let Some(Progress(text)) = event.downcast_ref::<Progress>() {
//!         lines.push(text.clone());
//!     }
//! }
//! assert_eq!(lines, ["2 left", "1 left", "0 left"]);
//! assert_eq!(handler.await?, "liftoff");
//! # Ok(())
//! # }
//! ```
//!
//! # Concepts
//!
//! - **Events** are plain data types with `#[derive(Clone, Serialize, Deserialize, Event)]`,
//!   or with [`#[eventflow::event]`](macro@event), which derives the same without a serde
//!   dependency in your crate.
//!   A run begins with a start event, [`StartEvent<T>`] unless the workflow names its own, and
//!   ends with the first stop event, [`StopEvent<T>`] unless it names its own: `run(input)` takes
//!   the `T` of the start event and awaiting the run gives the `T` of the stop event.
//! - **Steps** are routed by the exact type of each event to every step that accepts it. A step
//!   may accept several types (`OneOf![A | B]`), emit one of several (`-> OneOf![B | C]`), emit
//!   nothing this time (`-> Option<B>`), fail (`-> Result<B, E>`), and send any number of events
//!   through its [`Context`]. See [`workflow`](macro@workflow) for every form.
//! - A [`Runner`] holds a workflow instance and runs it: [`Runner::run`] returns a
//!   [`WorkflowHandler`], which streams the run's events and is awaited for its result.
//! - Steps can be free functions in other modules, added to a workflow when its runner is built
//!   ([`step`](macro@step)); the same rules are then checked at that point.
//!
//! # Run control
//!
//! - **Fan-out and fan-in.** A step returning `Vec<E>` fans out; a step taking `Vec<E>` runs
//!   once per fan-out, when every branch has finished, with the survivors in fan-out order;
//!   `#[step(take = n)]` takes the first `n` and cancels the rest. A step taking `(a: A, b: B)`
//!   runs once per complete set. See [`workflow`](macro@workflow#fan-out-and-fan-in).
//! - **Failures.** A step that returns `Err` or panics fails. `#[step(retry = ..)]` retries it
//!   with a [`RetryPolicy`]; a `#[step(catch_errors(..))]` step receives a [`StepFailed`] and
//!   carries the run on; otherwise the run fails: its stream ends with [`WorkflowFailed`](event::WorkflowFailed) and
//!   awaiting it gives [`WorkflowError::StepFailed`], from which the step's own error downcasts.
//! - **Ending a run.** [`WorkflowHandler::cancel`] and [`Runner::timeout`] end a run with
//!   [`WorkflowCancelled`](event::WorkflowCancelled) or [`WorkflowTimedOut`](event::WorkflowTimedOut); every step execution of the run is dropped
//!   by the time the caller has the result. [`Runner::max_concurrent_runs`] makes further runs
//!   wait for their turn.
//! - **A human in the loop.** A step asks the caller with a `stream_only` event and waits for
//!   the answer with [`Context::wait_for_event`]: it is suspended, not replayed, and holds no
//!   worker meanwhile. The caller answers with [`WorkflowHandler::send_event`]; the workflow
//!   declares such events with `#[workflow(external(..))]`. An answer that arrives before its
//!   step waits is kept for the first wait it satisfies (up to 1,024 per run; a send past that
//!   is refused with [`SendError::Full`], never dropped). A send of a
//!   type no step accepts and the workflow does not declare is refused with
//!   [`SendError::NotExpected`] rather than lost.
//! - **State.** `#[workflow(state = S)]` gives each run a serde-serializable `S`, read and
//!   edited atomically through [`Context::state`], and readable by the caller before and after
//!   the run ([`Runner::run_with_state`], [`RunControl::state`]).
//!
//! # Composition
//!
//! Workflows compose in two ways, both declared by types and both checked.
//!
//! - **A child workflow** is a workflow a step runs as part of its own work:
//!   `ctx.child(&self.orders).run(input).await` gives the child's typed result. The parent
//!   holds the child's [`Runner`] like any other field, built with the parent, and declares it
//!   with `#[step(runs(OrderStation))]` so the topology shows it. The child has its own state
//!   and routing; its stream is forwarded into the parent's as [`ChildEvent`]s tagged with its
//!   path (`parent/child/grandchild`), but its stop event never ends the parent's stream.
//!   Cancelling or timing out the parent ends the child with it, and a failing child is a
//!   failure of the step that ran it, retried and recovered like any other.
//! - **Workflows in a [`Host`]** talk by events without knowing each other. A workflow lists
//!   what it hands out with `#[workflow(publishes(TradeEventV2))]` and what it takes from the
//!   others with `subscribes(..)`. When a step sends a published event, the host delivers it:
//!   - it **starts a run** of every other workflow whose start event it is (a workflow with
//!     `#[workflow(start = TradeEventV2)]`), and
//!   - it **reaches the live runs** of every other workflow that subscribes to it, **in the same
//!     conversation**.
//!
//!   A conversation is what a call to [`Host::run`] starts: that run, the runs its published
//!   events start, the runs those start, and so on. So a request published by one run and the
//!   reply published by the run it started find each other without ids in the events; two
//!   conversations never see each other's events. A subscriber takes the reply with
//!   [`Context::wait_for_event`] (with a predicate if it waits for several). A run waiting for
//!   a reply that no live run of its conversation can publish any more fails as stalled.
//!
//!   [`host!`] builds a host and checks at compile time that every published event is taken by
//!   another workflow of the host and every subscribed one published by another;
//!   [`Host::builder`] checks the same when a host is assembled at run time.
//!   [`Host::topology`] gives the workflows and the events crossing between them as data, for
//!   drawings and tools.
//!
//! ```
//! use eventflow::prelude::*;
//!
//! #[derive(Clone, Serialize, Deserialize, Event)]
//! struct TradeEventV2 {
//!     feedback: String,
//! }
//!
//! struct FeedbackMonitor;
//!
//! #[workflow(publishes(TradeEventV2))]
//! impl FeedbackMonitor {
//!     #[step(sends(TradeEventV2))]
//!     async fn feedback(&self, ctx: &Context, ev: StartEvent<String>) -> StopEvent<String> {
//!         ctx.send_event(TradeEventV2 { feedback: ev.input });
//!         StopEvent::new("We are done for the day.".into())
//!     }
//! }
//!
//! struct OrderStation;
//!
//! #[workflow(start = TradeEventV2)]
//! impl OrderStation {
//!     #[step]
//!     async fn trade(&self, ev: TradeEventV2) -> StopEvent<String> {
//!         StopEvent::new(format!("ordered after {} feedback", ev.feedback))
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let host = eventflow::host![
//!     FeedbackMonitor => Runner::new(FeedbackMonitor),
//!     OrderStation => Runner::new(OrderStation),
//! ]
//! .expect("checked at compile time");
//! let done = host.run::<FeedbackMonitor>("Good".into()).expect("in the host").await;
//! assert_eq!(done.ok().as_deref(), Some("We are done for the day."));
//! host.idle().await; // the order station's run, started by the trade, has finished
//! # }
//! ```
//!
//! # Suspending and resuming runs
//!
//! A run that waits for a person need not wait in memory. With a store on its runner
//! ([`Runner::store`]: [`store::MemoryStore`], or `store::SqliteStore` with the `sqlite`
//! feature), [`WorkflowHandler::suspend`] commits the run's checkpoint as soon as nothing in
//! it runs but steps waiting for events, and ends it there; [`Runner::resume`], in this
//! process or another, continues it. The contract:
//!
//! - a step that finished (returned or emitted) is never run again;
//! - a step that was waiting inside its execution ([`Context::wait_for_event`]) runs again from
//!   its start, on the same input and with the same [`Context::attempt`], so what it does
//!   before it waits must be safe to repeat; a workflow that asks by emitting an event and
//!   takes the answer in another step (see the `approval` example) re-runs nothing;
//! - everything else is kept: the state; the inputs waiting for a worker or a retry (with
//!   their attempts, and what is left of a retry's delay); the fan-outs not joined yet, with what their branches already delivered
//!   to the join; half-assembled sets of a step taking one event of each type; the events
//!   steps buffered with [`Context::collect_events`] and [`Context::collect_many`]; the time
//!   the run's timeout has used; and the numbering of the stream
//!   ([`WorkflowHandler::stream_sequence`]), which a resumed run goes on with;
//! - a workflow whose graph or state type changed since is refused with
//!   [`ResumeError::WorkflowChanged`](error::ResumeError::WorkflowChanged), naming each change; an unreadable or inconsistent
//!   checkpoint is [`ResumeError::Corrupt`](error::ResumeError::Corrupt), never a panic.
//!
//! With [`Runner::checkpoint_every_step`], every run is in the store from its start and its
//! checkpoint is committed after each step (as what changed since the previous commit, with
//! a full checkpoint now and then, so the journal grows with what the run did), so it
//! survives the process: after a crash or a deploy, [`Runner::resume`] continues it, and
//! [`Runner::resume_running`] takes up every run that was running. The same contract holds,
//! exactly: a step whose completion was committed never runs again and its emissions are
//! neither lost nor duplicated; a step that was running runs again on the same input, and
//! [`Context::idempotency_key`] (run, step, input number, attempt) is the same each time, to
//! do its side effects once. What a running step sends is delivered when it finishes,
//! committed with it. What a running step did to the run goes with it: an event it buffered
//! in a collection is left out of the checkpoint and a set it took is put back, since it does
//! both again; its edits of the state, though, are like its other side effects, done again,
//! so a step that may run again sets state rather than adds to it, or keys its edit. A crash
//! test kills a process running such runs (fan-outs and joins, loops, branches, retries,
//! collections, waits) at random moments and checks all of this from the steps' own log
//! (`tests/durability/crash.rs`).
//!
//! A step's expensive or one-time calls (a model, a payment) go through
//! [`Context::journal`] (or [`Context::journal_ok`], which records only successes): the
//! call's result is committed to the run's journal as soon as it returns, before the step goes
//! on, and the same attempt of the step, run again after a crash or a suspend, gets the
//! recorded result without making the call again. A call the process died in is made again,
//! with the same idempotency key; a retry (the next attempt) makes its calls again. A test
//! kills a process with SIGKILL in the call and after it, on SQLite, and counts the requests
//! (`tests/durability/journal.rs`).
//!
//! An event sent to a run from outside ([`WorkflowHandler::send_event`]) is the run's once
//! the run has taken it in and committed the step it started; one sent just before the
//! process died may not be, so send it again to the resumed run (a step that waits with
//! [`Context::wait_for_event`] runs again and asks again, which is the cue).
//!
//! Taking a run up is a commit in sequence with its others, so of two copies of one run (a
//! process thought dead, or `resume` called twice) only the one taken up last goes on
//! committing: the other stops at its next commit with [`WorkflowError::Superseded`].
//!
//! Child runs ([`Context::child`]) of a checkpointed run are checkpointed too, in the same
//! store, and taken up where they were when their parent's step runs again: a completed
//! child is not run again, a running one goes on from its checkpoint. Resuming a child run
//! on its own is refused ([`ResumeError::Child`](error::ResumeError::Child)): its parent takes it up.
//!
//! Not yet: runs started by a host are checkpointed only if their own runner is, and a
//! resumed one is outside its host's conversation.
//!
//! # Why `OneOf![A | B]`
//!
//! A step that takes "an `A` or a `B`" needs a Rust type. The options were a generic
//! `Either`-like enum (variants named `A`/`B` by position, no `From` from each member because
//! the members may be the same type, so every return is wrapped by hand), a trait object (no
//! exhaustive `match`, and the macro could not see the members to check the graph), or a
//! user-declared enum (which the macro cannot see inside, since a macro only sees the impl).
//! `OneOf!` is valid Rust syntax (a macro in type position), so formatters and rust-analyzer
//! handle it; `#[workflow]` sees its members, checks them in the graph, and replaces it with a
//! generated enum whose variants carry the members' own names, with `From` impls so that a
//! step returns `b.into()`. The enum's name is predictable from the step: workflow type + step
//! name in CamelCase + `Input` or `Output`, e.g. `FeedbackMonitorBeginInput` for the parameter
//! of step `begin` of `FeedbackMonitor`. Prefixing the workflow keeps two workflows of one
//! module from colliding. A step that wants a name of its own gives it:
//! `#[step(input = AgentInput, output = AgentOutput)]`.
//!
//! # Streamed events
//!
//! The handler yields [`AnyEvent`]s: everything steps wrote with
//! [`Context::write_event_to_stream`], emitted events that no step accepts, and finally one
//! terminal event (the stop event, or [`WorkflowFailed`](event::WorkflowFailed), [`WorkflowCancelled`](event::WorkflowCancelled),
//! [`WorkflowTimedOut`](event::WorkflowTimedOut), [`WorkflowStalled`](event::WorkflowStalled)). Match them by downcasting:
//! `event.downcast_ref::<Progress>()`. The stream always ends.
//!
//! # Seeing a workflow
//!
//! [`Topology::of`] (or [`Runner::topology`]) is a workflow's graph as data, and
//! [`draw`] draws it (and recorded runs, see [`Runner::record_runs`]) as Mermaid, Graphviz DOT
//! and a self-contained HTML page. [`testing::assert_topology_snapshot`] turns a graph change
//! into a failing test until the snapshot is updated. [`draw::host_flows`] draws a host's
//! workflows and the events crossing between them ([`Host::topology`]).
//!
//! Every run is described to `tracing`: a span per run (target `eventflow::run`), a child span
//! per step execution (`eventflow::step`, at `DEBUG`) with the step, its input event, attempt
//! and worker, events for what it returns, streams and waits for, and spans for events in
//! flight (`eventflow::event`) that the executions taking them follow from, so a trace shows
//! joins as a graph. The `opentelemetry` feature exports all of it (`eventflow::telemetry`).
//!
//! # Verbose mode
//!
//! [`Runner::verbose`] prints a line as each step starts and finishes. It is a `tracing`
//! subscriber of the step events above, in front of the program's own:
//!
//! ```text
//! Running step start with StartEvent
//! Step start produced event SecondStepEvent
//! Running step second_step with SecondStepEvent
//! Step second_step produced event StopEvent
//! ```
//!
//! # Semantics worth knowing
//!
//! - An event is delivered to **every** step that accepts its type; [`Context::send_event_to`]
//!   targets one step.
//! - A step runs at most `num_workers` executions at once per run (default 4); further events
//!   wait in FIFO order.
//! - The first stop event ends the run and drops the steps still running. What the step that
//!   returned it sent with [`Context::send_event`] starts no step (an event no step takes
//!   still reaches the stream): no step runs halfway after the run has ended.
//! - An empty set (`ctx.collect_events::<()>`, `[E; 0]`, `collect_many(ev, 0)`) is complete at
//!   once.
//! - A run with nothing running, nothing queued and no way to receive another event fails at
//!   once with [`WorkflowError::Stalled`], naming the collections still waiting, instead of
//!   idling until a timeout.
//! - Runs have no timeout unless [`Runner::timeout`] sets one.
//! - A step that panics fails like a step that returns an error; the runtime carries on.
//!
//! # Types are compared by name at compile time
//!
//! A macro sees tokens, not types, so the compile-time check knows an event by its last path
//! segment and generic arguments: `events::Order` and `Order` are one event. Two distinct types
//! with the same name in one workflow would confuse the check (not the routing, which compares
//! `TypeId`s); give them distinct names.

pub use eventflow_core::{
    AnyEvent, CheckedWorkflow, ChildEvent, Context, Event, Host, OpenWorkflow, RetryPolicy,
    RunControl, RunId, Runner, RunnerBuilder, SendError, StartEvent, StepFailed, StopEvent,
    Topology, WaitError, Workflow, WorkflowError, WorkflowHandler,
};
pub use eventflow_core::{child, error, event, host, observe, retry, run, step, topology, trace};
pub use eventflow_macros::{Event, event, step, workflow};

mod export;
pub mod testing;

/// Reliability: what durable runs guarantee, their limits, and what you see for each fault.
#[doc = include_str!("reliability.md")]
pub mod reliability {}

/// Drawings of workflows and of their runs: Mermaid, Graphviz DOT and self-contained HTML.
#[cfg(feature = "draw")]
pub use eventflow_draw as draw;

#[cfg(feature = "opentelemetry")]
pub mod telemetry;

/// Where durable runs are kept: the [`CheckpointStore`](store::CheckpointStore) contract,
/// an in-memory store, and with the `sqlite` feature the embedded SQLite store. See
/// [`Runner::store`], [`Runner::checkpoint_every_step`], [`WorkflowHandler::suspend`] and
/// [`Runner::resume`].
pub mod store {
    pub use eventflow_core::store::*;
    #[cfg(feature = "sqlite")]
    pub use eventflow_store::SqliteStore;
}

/// A [`Host`] of the named workflows, each run by its runner; checks at compile time that
/// every event crossing between them has a sender and a receiver.
///
/// `host![A => runner_a, B => runner_b]` gives `Result<Host, ValidationError>` (the same rules
/// checked again when built, where they always pass). A broken host does not compile:
///
/// ```compile_fail
/// use eventflow::prelude::*;
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct Order(String);
///
/// struct Shop;
///
/// #[workflow(publishes(Order))]
/// impl Shop {
///     #[step(sends(Order))]
///     async fn order(&self, ctx: &Context, ev: StartEvent<String>) -> StopEvent {
///         ctx.send_event(Order(ev.input));
///         StopEvent::new(())
///     }
/// }
///
/// // error: workflow `Shop` publishes `Order`, but no other workflow of the host starts from
/// // it or subscribes to it
/// let host = eventflow::host![Shop => Runner::new(Shop)];
/// ```
#[macro_export]
macro_rules! host {
    ($($workflow:ty => $runner:expr),+ $(,)?) => {{
        const _: () = {
            let check = $crate::__private::check_host(&[
                $($crate::__private::HostInterface::of::<$workflow>()),+
            ]);
            if let ::core::option::Option::Some(error) = check.error() {
                ::core::panic!("{}", error);
            }
        };
        $crate::Host::builder()$(.workflow::<$workflow>($runner))+.build()
    }};
}

/// A step parameter or return type that is one of several events: `OneOf![A | B]`.
///
/// Only meaningful in the signature of a `#[step]`, where `#[workflow]` (or `#[step]` on a free
/// function) replaces it by a generated enum; see [`workflow`](macro@workflow) for its name and
/// conversions. Anywhere else it is a compile error.
///
/// ```compile_fail
/// type Loose = eventflow::OneOf![eventflow::StartEvent | eventflow::StopEvent];
/// ```
#[macro_export]
macro_rules! OneOf {
    // What `#[workflow]` leaves in place of a `OneOf!` it replaced.
    (@__eventflow_used) => { () };
    ($($members:tt)*) => {
        ::core::compile_error!(
            "`OneOf![..]` is only valid in the signature of a `#[step]` inside a `#[workflow]` impl, or of a free-function `#[step]`"
        )
    };
}

/// Everything a workflow module needs: `use eventflow::prelude::*;`.
///
/// Besides eventflow's items it brings `serde`'s derives (events derive them) and
/// `futures::StreamExt` (to call `.next()` on a [`WorkflowHandler`]).
pub mod prelude {
    pub use crate::OneOf;
    pub use crate::retry::RetryPolicy;
    pub use crate::{
        AnyEvent, Context, Event, Runner, StartEvent, StepFailed, StopEvent, WaitError,
        WorkflowError, WorkflowHandler, step, workflow,
    };
    #[doc(no_inline)]
    pub use eventflow_core::__private::{Deserialize, Serialize};
    #[doc(no_inline)]
    pub use futures::StreamExt as _;
}

/// What the macros' generated code refers to. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use eventflow_core::__private::*;
    pub use eventflow_macros::__extend_workflow as extend_workflow;

    /// The facade's program-wide tool, which every `#[workflow]` reports to: topology and
    /// trace export for the `eventflow` command, when the environment asks for it.
    pub fn tool() -> Option<&'static dyn eventflow_core::observe::Tool> {
        crate::export::tool()
    }
}

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
