//! Errors of runs, of workflow definitions, of sends, and of suspending and resuming runs.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use crate::durable::store::{RunStatus, StoreError};
use crate::id::RunId;

/// The error type a failing step hands to the runtime.
///
/// A step may return `Result<_, E>` for any `E` that converts into it: every
/// `std::error::Error + Send + Sync + 'static`, `String` and `&str`.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// Why a run ended without a result.
///
/// ```
/// use std::time::Duration;
/// use eventflow_core::WorkflowError;
///
/// let err = WorkflowError::TimedOut {
///     timeout: Duration::from_millis(100),
///     active_steps: vec!["fetch".into()],
/// };
/// assert_eq!(err.to_string(), "the run timed out after 100ms; active steps: `fetch`");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorkflowError {
    /// A step returned an error or panicked.
    ///
    /// The step's own error is the [`source`](StdError::source); get it back with
    /// [`WorkflowError::downcast_ref`]. A panic shows up as a [`StepPanic`].
    #[error("step `{step}` failed: {source}")]
    StepFailed {
        /// The failing step.
        step: String,
        /// The step's error.
        #[source]
        source: BoxError,
        /// How many times the step ran on that event.
        attempts: u32,
        /// Time since the run started.
        elapsed: Duration,
    },
    /// The run's timeout expired.
    #[error("the run timed out after {timeout:?}; {}", ActiveSteps(active_steps))]
    TimedOut {
        /// The configured timeout.
        timeout: Duration,
        /// The steps that were still running, by name.
        active_steps: Vec<String>,
    },
    /// The run was cancelled through its handler.
    #[error("the run was cancelled")]
    Cancelled,
    /// Nothing was left to do, yet no step had emitted the stop event.
    ///
    /// No step was running, no event was queued, no context was held outside a step, and the
    /// workflow accepts no events from outside the run, so the run could never finish.
    #[error(
        "the run stalled: no step is running or queued and none emitted the stop event{}",
        Pending(pending)
    )]
    Stalled {
        /// Collections that were still waiting for events, described for people.
        pending: Vec<String>,
    },
    /// The run was suspended into its runner's store
    /// ([`WorkflowHandler::suspend`](crate::WorkflowHandler::suspend)); it goes on where
    /// [`Runner::resume`](crate::Runner::resume) picks it up.
    #[error("the run was suspended into the store as run {run}")]
    Suspended {
        /// The run, to resume it by.
        run: crate::id::RunId,
    },
    /// The run was resumed elsewhere (another process, or another call to
    /// [`Runner::resume`](crate::Runner::resume)) after this copy of it began: this copy
    /// found out when its next commit was refused, and stopped, so only one copy goes on
    /// committing.
    #[error("run {run} was resumed elsewhere; this copy of it stopped")]
    Superseded {
        /// The run.
        run: crate::id::RunId,
    },
    /// The run's checkpoint could not be committed (the store failed or panicked, the state
    /// could not be encoded, or the checkpoint is over one of the store's limits). The run
    /// stops here rather than go on without a record to resume from; the store keeps the last
    /// commit it accepted, and records the run as failed if it can.
    #[error("run {run}: the checkpoint could not be committed, so the run stopped: {source}")]
    Checkpoint {
        /// The run.
        run: crate::id::RunId,
        /// What went wrong.
        #[source]
        source: SuspendError,
    },
    /// The run ended (`outcome` says how), but the store could not record it and may still
    /// hold the run as running: resuming it from there would run its last steps again. The
    /// caller hears of it instead of a result the store disagrees with.
    #[error("run {run} {outcome}, but the store could not record that it ended: {source}")]
    EndNotRecorded {
        /// The run.
        run: crate::id::RunId,
        /// How the run ended, described for people: `completed`, `failed: ..`.
        outcome: String,
        /// What went wrong.
        #[source]
        source: SuspendError,
    },
    /// The run's task ended without reporting a result: the tokio runtime shut down under it.
    #[error("the run was dropped before it finished (did the tokio runtime shut down?)")]
    Aborted,
    /// A child run kept in the store by a checkpointed parent could not be taken up again
    /// when the parent's step ran again (see [`Context::child`](crate::Context::child)).
    #[error("a child run could not be resumed: {0}")]
    ChildResume(#[source] Box<ResumeError>),
}

impl WorkflowError {
    /// The failing step's own error, if this is a [`StepFailed`](Self::StepFailed) of type `E`.
    ///
    /// ```
    /// use eventflow_core::WorkflowError;
    ///
    /// #[derive(Debug, thiserror::Error)]
    /// #[error("rate limited")]
    /// struct RateLimited;
    ///
    /// let err = WorkflowError::StepFailed {
    ///     step: "call_llm".into(),
    ///     source: Box::new(RateLimited),
    ///     attempts: 1,
    ///     elapsed: Default::default(),
    /// };
    /// assert!(err.downcast_ref::<RateLimited>().is_some());
    /// assert_eq!(err.step(), Some("call_llm"));
    /// ```
    pub fn downcast_ref<E: StdError + 'static>(&self) -> Option<&E> {
        match self {
            Self::StepFailed { source, .. } => source.downcast_ref(),
            _ => None,
        }
    }

    /// The name of the failing step, for [`StepFailed`](Self::StepFailed).
    pub fn step(&self) -> Option<&str> {
        match self {
            Self::StepFailed { step, .. } => Some(step),
            _ => None,
        }
    }
}

struct ActiveSteps<'a>(&'a [String]);

impl fmt::Display for ActiveSteps<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("no step was active");
        }
        f.write_str("active steps: ")?;
        write_list(f, self.0)
    }
}

struct Pending<'a>(&'a [String]);

impl fmt::Display for Pending<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return Ok(());
        }
        f.write_str("; still waiting: ")?;
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            f.write_str(item)?;
        }
        Ok(())
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, items: &[String]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "`{item}`")?;
    }
    Ok(())
}

/// The error of a step that panicked; find it with [`WorkflowError::downcast_ref`].
///
/// ```
/// use eventflow_core::step::StepPanic;
///
/// let panic = StepPanic::new("index out of bounds");
/// assert_eq!(panic.message(), "index out of bounds");
/// assert_eq!(panic.to_string(), "panicked: index out of bounds");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("panicked: {message}")]
pub struct StepPanic {
    message: String,
}

impl StepPanic {
    /// A panic with the given message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The panic message.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn from_payload(payload: &(dyn std::any::Any + Send)) -> Self {
        let message = if let Some(s) = payload.downcast_ref::<&'static str>() {
            (*s).to_owned()
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.clone()
        } else {
            "a non-string panic payload".to_owned()
        };
        Self { message }
    }
}

/// A workflow whose event graph breaks the rules, found when it was built.
///
/// Workflows whose steps are all methods of one `#[workflow]` impl are checked at compile
/// time instead; this error comes from [`RunnerBuilder::build`](crate::RunnerBuilder::build),
/// which runs the same rules over steps added at run time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    workflow: &'static str,
    problems: Vec<String>,
}

impl ValidationError {
    pub(crate) fn new(workflow: &'static str, problems: Vec<String>) -> Self {
        Self { workflow, problems }
    }

    /// Every problem found, one sentence each.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "workflow `{}` is invalid:", self.workflow)?;
        for problem in &self.problems {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

impl StdError for ValidationError {}

/// Why sending an event into a run was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// No step has that name.
    #[error("no step is named `{step}`")]
    UnknownStep {
        /// The requested step.
        step: String,
    },
    /// The step exists but does not accept the event's type.
    #[error("step `{step}` does not accept `{event}`")]
    NotAccepted {
        /// The requested step.
        step: String,
        /// The event's name.
        event: &'static str,
    },
    /// The run has ended.
    #[error("the run has ended")]
    Finished,
    /// No step of the workflow takes the event's type and the workflow does not declare it as
    /// taken from outside (`#[workflow(external(..))]`, which steps that wait for it need): the
    /// run could never use it.
    #[error(
        "the run never takes `{event}`: no step accepts it, and the workflow does not declare it with `#[workflow(external({event}))]` for a step to wait for"
    )]
    NotExpected {
        /// The event's name.
        event: &'static str,
    },
    /// The run already keeps as many answers for waits that have not begun as it may.
    #[error("the run already keeps {limit} events for waits that have not begun")]
    Full {
        /// How many it keeps.
        limit: usize,
    },
}

/// A journaled call ([`Context::journal`](crate::Context::journal)) whose result could not be
/// recorded or read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JournalError {
    /// The call's result could not be serialized: nothing was recorded.
    #[error("the result of journaled call `{call}` could not be recorded: {reason}")]
    Encode {
        /// The call's name.
        call: String,
        /// Why.
        reason: String,
    },
    /// A recorded result does not read back as the type the step asks for: the step's code
    /// changed since it was recorded.
    #[error("the recorded result of journaled call `{call}` does not read back: {reason}")]
    Decode {
        /// The call's name.
        call: String,
        /// Why.
        reason: String,
    },
}

/// Why a run could not be suspended.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SuspendError {
    /// The runner keeps no store: see [`Runner::store`](crate::Runner::store).
    #[error("the runner has no store to suspend runs into")]
    NoStore,
    /// The run holds something a checkpoint cannot carry yet.
    #[error("the run cannot be suspended yet: {0}")]
    Unsupported(String),
    /// The run ended before it could be suspended.
    #[error("the run ended before it could be suspended")]
    Ended,
    /// The state or an event could not be encoded.
    #[error("the run's checkpoint could not be encoded: {0}")]
    Encode(String),
    /// The checkpoint is over a limit of the store: written, it could not be read back.
    #[error("the checkpoint's {limit} is {value}, over the store's limit of {max} (`{setting}`)")]
    OverLimit {
        /// What is measured: `size in bytes`, `nesting depth`.
        limit: &'static str,
        /// The checkpoint's.
        value: usize,
        /// The store's.
        max: usize,
        /// The [`Limits`](crate::store::Limits) field that sets it.
        setting: &'static str,
    },
    /// Code below the step panicked while the checkpoint was made or committed: the store, or
    /// an event's or the state's `Serialize`.
    #[error("{place} panicked: {message}")]
    Panicked {
        /// Where: `the store's commit`, `encoding the checkpoint`.
        place: &'static str,
        /// The panic message.
        message: String,
    },
    /// The store failed in a way that may or may not have kept the commit, and reading the
    /// store back could not tell.
    #[error("the store failed and could not say whether the commit was kept: {0}")]
    OutcomeUnknown(String),
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a run could not be resumed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResumeError {
    /// The runner keeps no store.
    #[error("the runner has no store to resume runs from")]
    NoStore,
    /// The store has no such run.
    #[error("run {0} is not in the store")]
    UnknownRun(RunId),
    /// The run is in the store but has no checkpoint to resume from.
    #[error("run {run} has no checkpoint (its status is {status:?})")]
    NoCheckpoint {
        /// The run.
        run: RunId,
        /// Its status in the store.
        status: RunStatus,
    },
    /// The run has already ended.
    #[error("run {run} has already ended ({status:?})")]
    Finished {
        /// The run.
        run: RunId,
        /// How it ended.
        status: RunStatus,
    },
    /// The run is a child run: it goes on when its parent, resumed, runs it again.
    #[error("run {run} is a child of run {parent}: resume run {parent}, which takes it up")]
    Child {
        /// The run.
        run: RunId,
        /// Its parent.
        parent: RunId,
    },
    /// The run belongs to another workflow.
    #[error("run {run} is a run of `{found}`, not of `{expected}`")]
    OtherWorkflow {
        /// The run.
        run: RunId,
        /// The workflow the runner runs.
        expected: &'static str,
        /// The workflow of the stored run.
        found: String,
    },
    /// The workflow changed since the run was suspended: its graph or its state type.
    #[error("the workflow changed since run {run} was suspended: {}", changes.join("; "))]
    WorkflowChanged {
        /// The run.
        run: RunId,
        /// What changed, a sentence each.
        changes: Vec<String>,
    },
    /// The checkpoint does not read back. The run is quarantined: see
    /// [`Runner::quarantine_after`](crate::Runner::quarantine_after).
    #[error("run {run}: its checkpoint is unreadable: {reason}")]
    Corrupt {
        /// The run.
        run: RunId,
        /// What is wrong with it.
        reason: String,
    },
    /// The run is quarantined: taken up too many times in a row without getting further, or
    /// its checkpoint was unreadable. It is not taken up until an operator sets its status back
    /// to running. See [`Runner::quarantine_after`](crate::Runner::quarantine_after).
    #[error("run {run} is quarantined: {reason}")]
    Quarantined {
        /// The run.
        run: RunId,
        /// Why, when this call quarantined it; otherwise that it was before.
        reason: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A wait that ended without its event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WaitError {
    /// The timeout passed first.
    #[error("no `{event}` arrived within {waited:?}")]
    TimedOut {
        /// The event waited for.
        event: &'static str,
        /// The timeout.
        waited: Duration,
    },
}

/// A step execution ran past its deadline (`#[step(timeout = ..)]`). It is the step's error:
/// the step's retry policy and recovery step see it like any other failure.
///
/// ```
/// use std::time::Duration;
///
/// use eventflow::prelude::*;
/// use eventflow::error::StepTimedOut;
///
/// struct Search;
///
/// #[workflow]
/// impl Search {
///     #[step(timeout = Duration::from_secs(5))]
///     async fn search(&self, ev: StartEvent<String>) -> StopEvent<String> {
///         std::future::pending::<()>().await;
///         StopEvent::new(ev.input)
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let Err(WorkflowError::StepFailed { source, .. }) = Runner::new(Search).run("q".into()).await
/// else {
///     panic!("the step never answers");
/// };
/// let timed_out = source.downcast_ref::<StepTimedOut>();
/// assert_eq!(timed_out.map(|t| t.limit), Some(Duration::from_secs(5)));
/// assert_eq!(source.to_string(), "step `search` ran past its deadline of 5s");
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("step `{step}` ran past its deadline of {limit:?}")]
#[non_exhaustive]
pub struct StepTimedOut {
    /// The step.
    pub step: &'static str,
    /// Its deadline.
    pub limit: Duration,
}
