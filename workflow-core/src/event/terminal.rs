//! The events that close a run's stream when it does not end with its stop event.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::event::Event;

/// Last stream item of a run that failed: a step returned an error or panicked.
///
/// ```
/// use eventflow_core::AnyEvent;
/// use eventflow_core::event::WorkflowFailed;
///
/// # fn last_item() -> AnyEvent { AnyEvent::new(WorkflowFailed { step: "fetch".into(), error: "boom".into(), attempts: 1, elapsed: Default::default() }) }
/// let ev: AnyEvent = last_item();
/// if let Some(failed) = ev.downcast_ref::<WorkflowFailed>() {
///     assert_eq!(failed.step, "fetch");
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkflowFailed {
    /// The failing step.
    pub step: String,
    /// The step's error, rendered with `Display`.
    pub error: String,
    /// How many times the step ran on that event.
    pub attempts: u32,
    /// Time from the start of the run to the failure.
    pub elapsed: Duration,
}

/// Last stream item of a run cancelled through its handler.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkflowCancelled {}

/// Last stream item of a run whose timeout expired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkflowTimedOut {
    /// The configured timeout.
    pub timeout: Duration,
    /// The steps that were still running, by name.
    pub active_steps: Vec<String>,
}

/// Last stream item of a run that could never finish; see
/// [`WorkflowError::Stalled`](crate::WorkflowError::Stalled).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkflowStalled {
    /// Collections that were still waiting for events.
    pub pending: Vec<String>,
}

/// Last stream item of a run suspended into its runner's store; see
/// [`WorkflowError::Suspended`](crate::WorkflowError::Suspended).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkflowSuspended {
    /// The run, as [`RunId`](crate::RunId) prints it: what to resume it by.
    pub run_id: String,
}

/// Last stream item of a run resumed elsewhere, which this copy stopped; see
/// [`WorkflowError::Superseded`](crate::WorkflowError::Superseded).
///
/// ```
/// use eventflow_core::{AnyEvent, RunId};
/// use eventflow_core::event::WorkflowSuperseded;
///
/// let run = RunId::from_u64(7);
/// let last = AnyEvent::new(WorkflowSuperseded { run_id: run.to_string() });
/// let superseded = last.downcast_ref::<WorkflowSuperseded>().expect("the last item");
/// assert_eq!(superseded.run_id.parse::<RunId>().ok(), Some(run));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkflowSuperseded {
    /// The run, as [`RunId`](crate::RunId) prints it.
    pub run_id: String,
}

/// Last stream item of a run whose store could not keep it: a checkpoint could not be
/// committed, or how the run ended could not be recorded; see
/// [`WorkflowError::Checkpoint`](crate::WorkflowError::Checkpoint) and
/// [`WorkflowError::EndNotRecorded`](crate::WorkflowError::EndNotRecorded).
///
/// ```
/// use eventflow_core::AnyEvent;
/// use eventflow_core::event::WorkflowNotDurable;
///
/// let last = AnyEvent::new(WorkflowNotDurable {
///     run_id: "7".into(),
///     error: "the store failed: disk full".into(),
/// });
/// assert!(last.downcast_ref::<WorkflowNotDurable>().is_some());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkflowNotDurable {
    /// The run, as [`RunId`](crate::RunId) prints it.
    pub run_id: String,
    /// The error, rendered.
    pub error: String,
}

/// A run in best-effort durability
/// ([`Durability::BestEffort`](crate::store::Durability::BestEffort)) went on without its
/// store, because a commit was not kept: what it does from here is lost if its process dies.
/// Not the last item of the stream: the run goes on.
///
/// ```
/// use eventflow_core::AnyEvent;
/// use eventflow_core::event::DurabilityLost;
///
/// let lost = AnyEvent::new(DurabilityLost {
///     sequence: 3,
///     run_id: "7".into(),
///     error: "the store failed: disk full".into(),
/// });
/// assert!(lost.downcast_ref::<DurabilityLost>().is_some());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DurabilityLost {
    /// The stream sequence number of this event.
    pub sequence: u64,
    /// The run, as [`RunId`](crate::RunId) prints it.
    pub run_id: String,
    /// Why the commit was not kept, rendered.
    pub error: String,
}

#[diagnostic::do_not_recommend]
impl Event for DurabilityLost {
    const NAME: &'static str = "DurabilityLost";
}

#[diagnostic::do_not_recommend]
impl Event for WorkflowNotDurable {
    const NAME: &'static str = "WorkflowNotDurable";
}

#[diagnostic::do_not_recommend]
impl Event for WorkflowSuperseded {
    const NAME: &'static str = "WorkflowSuperseded";
}

#[diagnostic::do_not_recommend]
impl Event for WorkflowSuspended {
    const NAME: &'static str = "WorkflowSuspended";
}

#[diagnostic::do_not_recommend]
impl Event for WorkflowFailed {
    const NAME: &'static str = "WorkflowFailed";
}

#[diagnostic::do_not_recommend]
impl Event for WorkflowCancelled {
    const NAME: &'static str = "WorkflowCancelled";
}

#[diagnostic::do_not_recommend]
impl Event for WorkflowTimedOut {
    const NAME: &'static str = "WorkflowTimedOut";
}

#[diagnostic::do_not_recommend]
impl Event for WorkflowStalled {
    const NAME: &'static str = "WorkflowStalled";
}
