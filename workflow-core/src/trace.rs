//! [`RunTrace`]: what happened in one run, for drawings and for tools.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What happened in one run: which steps ran and how often, which events flowed between them,
/// the fan-outs, and a timeline.
///
/// Runs are recorded when the runner is asked to ([`Runner::record_runs`]); read a run's trace
/// with [`RunControl::trace`], or the last finished run's with [`Runner::last_run`]. Counters
/// cover the whole run; the timeline keeps its first [`RunTrace::TIMELINE_LIMIT`] entries.
///
/// [`Runner::record_runs`]: crate::Runner::record_runs
/// [`Runner::last_run`]: crate::Runner::last_run
/// [`RunControl::trace`]: crate::RunControl::trace
///
/// ```
/// use eventflow::prelude::*;
/// use eventflow::trace::{Endpoint, TraceOutcome};
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct Ping(u32);
///
/// struct Bounce;
///
/// #[workflow]
/// impl Bounce {
///     #[step]
///     async fn start(&self, ev: StartEvent<u32>) -> Ping {
///         Ping(ev.input)
///     }
///
///     #[step]
///     async fn bounce(&self, ev: Ping) -> OneOf![Ping | StopEvent<u32>] {
///         if ev.0 == 0 { StopEvent::new(0).into() } else { Ping(ev.0 - 1).into() }
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), WorkflowError> {
/// let runner = Runner::new(Bounce).record_runs(true);
/// runner.run(3).await?;
/// let trace = runner.last_run().expect("a recorded run");
/// assert_eq!(trace.outcome, TraceOutcome::Completed);
/// assert_eq!(trace.step("bounce").map(|s| s.started), Some(4));
/// assert_eq!(trace.count(&Endpoint::step("bounce"), "Ping", &Endpoint::step("bounce")), 3);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RunTrace {
    /// The workflow's name.
    pub workflow: String,
    /// The run's identifier.
    pub run_id: String,
    /// How the run ended, or that it has not.
    pub outcome: TraceOutcome,
    /// Every step of the workflow, in order, with what it did in this run.
    pub steps: Vec<StepActivity>,
    /// Events that flowed, counted per sender, event type and receiver, in order of first flow.
    pub flows: Vec<Flow>,
    /// The fan-outs, per step that made them.
    pub fan_outs: Vec<FanOutActivity>,
    /// What happened, in order: the first [`RunTrace::TIMELINE_LIMIT`] happenings.
    pub timeline: Vec<Happening>,
    /// Happenings left out of the timeline past its limit.
    pub timeline_dropped: u64,
}

impl RunTrace {
    /// How many happenings the timeline keeps.
    pub const TIMELINE_LIMIT: usize = 10_000;

    /// What the step named `name` did.
    pub fn step(&self, name: &str) -> Option<&StepActivity> {
        self.steps.iter().find(|s| s.name == name)
    }

    /// How many events of type `event` went from `from` to `to`.
    pub fn count(&self, from: &Endpoint, event: &str, to: &Endpoint) -> u64 {
        self.flows
            .iter()
            .filter(|f| f.from == *from && f.event == event && f.to == *to)
            .map(|f| f.count)
            .sum()
    }
}

/// How a recorded run ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TraceOutcome {
    /// Still running when the trace was taken.
    Running,
    /// Ended with the stop event.
    Completed,
    /// A step failed for good.
    Failed {
        /// The step.
        step: String,
        /// Its error.
        error: String,
    },
    /// Cancelled by its caller.
    Cancelled,
    /// Its timeout passed.
    TimedOut,
    /// It could never finish.
    Stalled,
}

impl fmt::Display for TraceOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Running => f.write_str("running"),
            Self::Completed => f.write_str("completed"),
            Self::Failed { step, error } => write!(f, "failed in `{step}`: {error}"),
            Self::Cancelled => f.write_str("cancelled"),
            Self::TimedOut => f.write_str("timed out"),
            Self::Stalled => f.write_str("stalled"),
        }
    }
}

/// What one step did in a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StepActivity {
    /// The step's name.
    pub name: String,
    /// Executions started, retries included.
    pub started: u64,
    /// Executions that returned normally.
    pub succeeded: u64,
    /// Executions that failed (returned an error or panicked).
    pub failed: u64,
    /// Failures that were retried.
    pub retried: u64,
    /// Waits for an event from outside the step.
    pub waited: u64,
    /// Where the step's first execution came among the steps that ran: 1 for the first.
    pub order: Option<u32>,
}

/// One end of a [`Flow`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Endpoint {
    /// The caller: the start event, and events sent through the handler.
    Outside,
    /// A step.
    Step(String),
    /// The caller's stream.
    Stream,
    /// The end of the run: the stop event.
    End,
}

impl Endpoint {
    /// The step named `name`.
    pub fn step(name: impl Into<String>) -> Self {
        Self::Step(name.into())
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Outside => f.write_str("the caller"),
            Self::Step(name) => f.write_str(name),
            Self::Stream => f.write_str("the stream"),
            Self::End => f.write_str("the end"),
        }
    }
}

/// Events of one type that went from one endpoint to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Flow {
    /// Who sent or returned them.
    pub from: Endpoint,
    /// Their type's name.
    pub event: String,
    /// Who received them.
    pub to: Endpoint,
    /// How many.
    pub count: u64,
}

/// The fan-outs one step made in a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FanOutActivity {
    /// The step that fanned out.
    pub step: String,
    /// How many fan-outs it made.
    pub fan_outs: u64,
    /// How many events they held in all.
    pub events: u64,
    /// How many of them were joined.
    pub joined: u64,
    /// How many of those were cut short by a join that took what it needed.
    pub cut_short: u64,
}

/// One entry of a run's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Happening {
    /// Time since the run started.
    pub at: Duration,
    /// What happened.
    pub what: What,
}

/// What a [`Happening`] was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum What {
    /// A step execution started on an event.
    Started {
        /// The step.
        step: String,
        /// The event (the first, for a step taking several).
        event: String,
        /// 1 for a first execution, more for a retry.
        attempt: u32,
    },
    /// A step execution returned.
    Finished {
        /// The step.
        step: String,
        /// The event it returned, if one.
        emitted: Option<String>,
        /// How many events it fanned out, if it fanned out.
        fanned_out: Option<u64>,
    },
    /// A step execution failed.
    Failed {
        /// The step.
        step: String,
        /// Its error.
        error: String,
        /// What happens next.
        then: AfterFailure,
    },
    /// A step started waiting for an event.
    Waiting {
        /// The step.
        step: String,
        /// The event waited for.
        event: String,
    },
    /// A waiting step received its event.
    Resumed {
        /// The step.
        step: String,
        /// The event.
        event: String,
    },
    /// A join ran with what a fan-out collected.
    Joined {
        /// The join step.
        step: String,
        /// How many events it received.
        events: u64,
    },
    /// An event went to the caller's stream.
    Streamed {
        /// The event.
        event: String,
    },
    /// The run ended.
    Ended(TraceOutcome),
}

/// What follows a failed step execution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AfterFailure {
    /// The step runs again on the same event after this delay.
    Retry(Duration),
    /// The failure goes to this error-recovery step.
    Recover(String),
    /// The run fails.
    FailRun,
}

impl fmt::Display for Happening {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:>9.3}s  ", self.at.as_secs_f64())?;
        match &self.what {
            What::Started {
                step,
                event,
                attempt,
            } => {
                write!(f, "{step} started on {event}")?;
                if *attempt > 1 {
                    write!(f, " (attempt {attempt})")?;
                }
                Ok(())
            }
            What::Finished {
                step,
                emitted,
                fanned_out,
            } => match (emitted, fanned_out) {
                (_, Some(n)) => write!(f, "{step} fanned out {n} events"),
                (Some(event), None) => write!(f, "{step} returned {event}"),
                (None, None) => write!(f, "{step} returned nothing"),
            },
            What::Failed { step, error, then } => {
                write!(f, "{step} failed: {error}; ")?;
                match then {
                    AfterFailure::Retry(delay) => write!(f, "retrying in {delay:?}"),
                    AfterFailure::Recover(by) => write!(f, "recovering in {by}"),
                    AfterFailure::FailRun => f.write_str("the run fails"),
                }
            }
            What::Waiting { step, event } => write!(f, "{step} waits for {event}"),
            What::Resumed { step, event } => write!(f, "{step} received {event}"),
            What::Joined { step, events } => write!(f, "{step} joins {events} events"),
            What::Streamed { event } => write!(f, "{event} to the stream"),
            What::Ended(outcome) => write!(f, "run {outcome}"),
        }
    }
}
