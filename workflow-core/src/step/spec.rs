//! What a step declares about itself: the data behind routing, validation and drawings.

use std::time::Duration;

use crate::event::EventType;
use crate::step::takes::Takes;
use crate::topology::{DEFAULT_NUM_WORKERS, Topology};

/// What a step declares about itself: the data behind routing, validation and drawings.
///
/// `#[workflow]` and `#[step]` write one of these for every step, from its signature and its
/// `#[step(...)]` arguments.
///
/// ```
/// use eventflow_core::event::EventType;
/// use eventflow_core::step::StepSpec;
/// use eventflow_core::{StartEvent, StopEvent};
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
    /// The emitted event types that come as a fan-out: all of [`emits`](Self::emits) for a
    /// step that returns a collection (`-> Vec<E>`), the `Vec<E>` arms for one that returns
    /// either a collection or an event (`-> OneOf![Vec<E> | F]`). The elements of one
    /// returned collection form one fan-out, which the steps that take `Vec<E>` join.
    pub fans_out: &'static [EventType],
    /// How the step takes the events in [`accepts`](Self::accepts).
    pub takes: Takes,
    /// The workflows the step runs as children (`#[step(runs(..))]`).
    pub children: &'static [ChildWorkflow],
    /// How long one execution may run (`#[step(timeout = ..)]`): one that runs longer is
    /// dropped and fails with [`StepTimedOut`](crate::error::StepTimedOut), which the step's
    /// retry policy and recovery step handle like any failure.
    pub timeout: Option<Duration>,
    /// Executions run on tokio's blocking pool (`#[step(blocking)]`), for a step that blocks
    /// its thread (CPU-bound work, synchronous I/O): the run's loop, its timeout, deadlines
    /// and cancellation go on meanwhile. A cancelled or overrun execution is abandoned, not
    /// stopped: its thread runs the body to its end and its result is dropped.
    pub blocking: bool,
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
            fans_out: &[],
            takes: Takes::One,
            children: &[],
            timeout: None,
            blocking: false,
        }
    }
}

/// A workflow a step runs as its child, declared with `#[step(runs(Child))]` so that the
/// parent's topology (and its drawings) include the child.
#[derive(Debug, Clone, Copy)]
pub struct ChildWorkflow {
    /// The child's name.
    pub name: &'static str,
    /// The child's topology.
    pub topology: fn() -> Topology,
}

/// Children are the same workflow when their names are: function addresses are not stable.
impl PartialEq for ChildWorkflow {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for ChildWorkflow {}

/// What a workflow declares besides its steps: its name and the events at its boundary. The
/// runtime's checks, routing table and topology are made from this and the step descriptions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Boundary {
    pub(crate) workflow: &'static str,
    pub(crate) start: EventType,
    pub(crate) stop: EventType,
    /// From the caller.
    pub(crate) external: &'static [EventType],
    /// From other workflows of a host.
    pub(crate) subscribes: &'static [EventType],
    /// To other workflows of a host.
    pub(crate) publishes: &'static [EventType],
}
