//! Run-state events: what a run's step executions are doing, on its stream, for callers that
//! ask for them with [`Runner::stream_run_state`](crate::Runner::stream_run_state): progress
//! views, debuggers, servers. Each carries the stream sequence number it is streamed under.

use serde::{Deserialize, Serialize};

use crate::event::Event;

/// Where a step execution is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StepPhase {
    /// Its input waits for one of the step's workers.
    Queued,
    /// It runs, on a worker.
    Started,
    /// It returned.
    Finished,
    /// It failed (an error, a panic or an overrun); what follows is a retry, a recovery or
    /// the end of the run.
    Failed,
}

/// A step execution changed phase.
///
/// An execution is named by its step, its [`input_number`](Self::input_number) and its
/// [`attempt`](Self::attempt), as the events it writes to the stream are by
/// [`WorkflowHandler::stream_origin`](crate::WorkflowHandler::stream_origin): when an attempt
/// fails, a view can discard what that attempt streamed (partial tokens of a model call), and
/// [`retry_after_ms`](Self::retry_after_ms) says that another attempt follows.
///
/// ```
/// use eventflow::prelude::*;
/// use eventflow::event::{StepPhase, StepStateChanged};
///
/// struct Echo;
///
/// #[workflow]
/// impl Echo {
///     #[step]
///     async fn echo(&self, ev: StartEvent<u8>) -> StopEvent<u8> {
///         StopEvent::new(ev.input)
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut handler = Runner::new(Echo).stream_run_state(true).run(1);
/// let mut phases = Vec::new();
/// while let Some(event) = handler.next().await {
///     if let Some(state) = event.downcast_ref::<StepStateChanged>() {
///         phases.push((state.step.clone(), state.phase));
///     }
/// }
/// assert_eq!(
///     phases,
///     [("echo".to_owned(), StepPhase::Started), ("echo".to_owned(), StepPhase::Finished)]
/// );
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepStateChanged {
    /// The stream sequence number of this event.
    pub sequence: u64,
    /// The step.
    pub step: String,
    /// Where the execution is now.
    pub phase: StepPhase,
    /// The event it runs on (the first, for a set or a join), for `Queued` and `Started`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// The number of the input the execution runs on, within the run (as in
    /// [`IdempotencyKey::input`](crate::run::IdempotencyKey::input)), for `Started`, `Finished`
    /// and `Failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_number: Option<u64>,
    /// The attempt, from 1, for `Started`, `Finished` and `Failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<u32>,
    /// The worker it runs on, from 0, for `Started`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker: Option<u32>,
    /// The event it returned, for `Finished`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// The error, rendered, for `Failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// For `Failed`, when the step runs again on the same input: the delay before the next
    /// attempt, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
}

/// Nothing in the run runs: it waits for the outside (an answer, a retry's delay, a worker of
/// another run's host).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunIdle {
    /// The stream sequence number of this event.
    pub sequence: u64,
}

/// An event no step took and no step waited for, which therefore went to the stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventUnclaimed {
    /// The stream sequence number of this event.
    pub sequence: u64,
    /// The event's name.
    pub event: String,
}

#[diagnostic::do_not_recommend]
impl Event for StepStateChanged {
    const NAME: &'static str = "StepStateChanged";
}

#[diagnostic::do_not_recommend]
impl Event for RunIdle {
    const NAME: &'static str = "RunIdle";
}

#[diagnostic::do_not_recommend]
impl Event for EventUnclaimed {
    const NAME: &'static str = "EventUnclaimed";
}
