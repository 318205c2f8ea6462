//! Steps as the runtime sees them: a static description plus a function that runs one event.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::any_event::AnyEvent;
use crate::child::ChildWorkflow;
use crate::context::Context;
use crate::error::BoxError;
use crate::event::EventType;
use crate::retry::RetryPolicy;
use crate::state::State;
use crate::workflow::Workflow;

/// How many executions of one step may run at once in one run, unless the step says otherwise.
pub const DEFAULT_NUM_WORKERS: usize = 4;

/// What a step declares about itself: the data behind routing, validation and drawings.
///
/// `#[workflow]` and `#[step]` write one of these for every step, from its signature and its
/// `#[step(...)]` arguments.
///
/// ```
/// use eventflow_core::{EventType, StartEvent, StepSpec, StopEvent};
///
/// const SPEC: StepSpec = StepSpec {
///     accepts: &[EventType::of::<StartEvent<String>>()],
///     emits: &[EventType::of::<StopEvent<String>>()],
///     ..StepSpec::new("start")
/// };
/// assert_eq!(SPEC.name, "start");
/// assert_eq!(SPEC.num_workers, 4);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepSpec {
    /// The step's name, unique within its workflow.
    pub name: &'static str,
    /// The event types the step takes.
    pub accepts: &'static [EventType],
    /// The event types the step may return.
    pub emits: &'static [EventType],
    /// The event types the step may send through its context (`#[step(sends(..))]`).
    pub sends: &'static [EventType],
    /// Emitted event types that no step needs to accept: they only go to the caller's stream
    /// (`#[step(stream_only(..))]`).
    pub stream_only: &'static [EventType],
    /// The most executions of this step that run at once in one run; more events wait in FIFO
    /// order.
    pub num_workers: usize,
    /// The step need not lead to the stop event (`#[step(allow(dead_end))]`).
    pub allow_dead_end: bool,
    /// The step need not be reachable from the start event (`#[step(allow(unreachable))]`).
    pub allow_unreachable: bool,
    /// The step recovers other steps' failures (`#[step(catch_errors(..))]`): it takes a
    /// [`StepFailed`](crate::StepFailed).
    pub catches: Option<Catches>,
    /// The step returns a collection (`-> Vec<E>`): each element is an event, and together
    /// they form one fan-out, which the steps that take `Vec<E>` join.
    pub fans_out: bool,
    /// How the step takes the events in [`accepts`](Self::accepts).
    pub takes: Takes,
    /// The workflows the step runs as children (`#[step(runs(..))]`).
    pub children: &'static [ChildWorkflow],
}

/// How a step takes its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Takes {
    /// One event of any accepted type per execution: `ev: E` or `ev: OneOf![..]`.
    #[default]
    One,
    /// One event of each accepted type, in order: `(a: A, b: B)`. The step runs once per
    /// complete set, pairing events in arrival order within one fan-out.
    EachOf,
    /// The events of each accepted type that one fan-out produced: `(a: Vec<A>, ..)`. The step
    /// runs once per fan-out, when every branch of it has finished.
    Collections {
        /// Run as soon as this many events have arrived, cancelling the rest of the fan-out
        /// (`#[step(take = n)]`); `None` waits for every branch.
        take: Option<usize>,
    },
}

impl Takes {
    /// Whether the step joins the branches of a fan-out.
    pub const fn is_collections(self) -> bool {
        matches!(self, Self::Collections { .. })
    }
}

/// Which failures an error-recovery step handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Catches {
    /// The steps whose failures it handles; empty for every step no other handler claims.
    pub steps: &'static [&'static str],
    /// How many times one chain of events may be recovered before a failure fails the run, so
    /// that a handler whose output fails again cannot loop forever.
    pub max_recoveries: u32,
}

impl StepSpec {
    /// A step named `name` that accepts and emits nothing, with default settings.
    pub const fn new(name: &'static str) -> Self {
        Self {
            name,
            accepts: &[],
            emits: &[],
            sends: &[],
            stream_only: &[],
            num_workers: DEFAULT_NUM_WORKERS,
            allow_dead_end: false,
            allow_unreachable: false,
            catches: None,
            fans_out: false,
            takes: Takes::One,
            children: &[],
        }
    }
}

/// What one execution of a step produced.
#[derive(Debug)]
#[non_exhaustive]
pub enum Emit {
    /// No event: this branch of the run ends here.
    None,
    /// One event, routed to every step that accepts it.
    One(AnyEvent),
    /// A fan-out: each event starts a branch, and the steps that take collections of them run
    /// once every branch has finished.
    Many(Vec<AnyEvent>),
}

/// What one step execution receives.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum StepInput {
    /// One event of a type the step accepts ([`Takes::One`]).
    One(AnyEvent),
    /// One event per accepted type, in order ([`Takes::EachOf`]).
    Set(Vec<AnyEvent>),
    /// One collection per accepted type, in order, each in fan-out order
    /// ([`Takes::Collections`]).
    Collections(Vec<Vec<AnyEvent>>),
}

impl StepInput {
    /// The first event of the input.
    pub fn first(&self) -> Option<&AnyEvent> {
        match self {
            Self::One(event) => Some(event),
            Self::Set(events) => events.first(),
            Self::Collections(collections) => collections.iter().flatten().next(),
        }
    }

    /// The event, for a step that takes one.
    pub fn into_event(self) -> Option<AnyEvent> {
        match self {
            Self::One(event) => Some(event),
            Self::Set(_) | Self::Collections(_) => None,
        }
    }

    /// Every event of the input, in order.
    pub fn into_events(self) -> Vec<AnyEvent> {
        match self {
            Self::One(event) => vec![event],
            Self::Set(events) => events,
            Self::Collections(collections) => collections.into_iter().flatten().collect(),
        }
    }

    /// How many events the input holds.
    pub fn len(&self) -> usize {
        match self {
            Self::One(_) => 1,
            Self::Set(events) => events.len(),
            Self::Collections(collections) => collections.iter().map(Vec::len).sum(),
        }
    }

    /// Whether the input holds no event (an empty fan-out).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The future of one step execution.
pub type StepFuture = Pin<Box<dyn Future<Output = Result<Emit, BoxError>> + Send + 'static>>;

/// Runs a step of workflow `W` on its input.
///
/// The runtime only passes events whose type is in the step's [`StepSpec::accepts`].
pub type StepFn<W> = fn(&Arc<W>, StepInput, Context<<W as Workflow>::State>) -> StepFuture;

/// A step of workflow `W`: its description and the function that runs it.
pub struct StepDef<W: Workflow> {
    /// The step's description.
    pub spec: StepSpec,
    /// Runs the step on one input.
    pub call: StepFn<W>,
    /// Builds the step's retry policy (`#[step(retry = ..)]`) from the workflow, once per
    /// runner.
    pub retry: Option<fn(&W) -> RetryPolicy>,
}

impl<W: Workflow> StepDef<W> {
    /// A step that is not retried.
    pub const fn new(spec: StepSpec, call: StepFn<W>) -> Self {
        Self {
            spec,
            call,
            retry: None,
        }
    }
}

impl<W: Workflow> fmt::Debug for StepDef<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StepDef")
            .field("spec", &self.spec)
            .finish_non_exhaustive()
    }
}

/// A step written as a free function with `#[step]`, to be added to a workflow whose state is
/// `S` with [`RunnerBuilder::step`](crate::RunnerBuilder::step).
///
/// `#[step]` on `async fn check_stock(..)` implements this for a generated unit struct named
/// `CheckStockStep`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a step for a workflow with state `{S}`",
    note = "free-function steps are the `<Name>Step` structs that `#[step]` generates; a step that takes `&Context<T>` only joins workflows whose state is `T`"
)]
pub trait FreeStep<S: State>: Send + Sync + 'static {
    /// The step's description.
    fn spec(&self) -> &'static StepSpec;
    /// Runs the step on one input.
    fn call(input: StepInput, ctx: Context<S>) -> StepFuture;
    /// The step's retry policy, if it has one.
    fn retry(&self) -> Option<RetryPolicy> {
        None
    }
}
