//! The named places where the floors above plug into a run. Each is a small trait the engine
//! owns; a run that has no use for one holds `None` and pays a single `Option` check.
//!
//! - [`Observer`]: everything that happens in a run, as it happens: the trace recorder
//!   implements it, and so can anything that watches runs (a live view, an event log).
//! - [`Outbox`]: where events that leave the run go, and who else may still send it events:
//!   the run's host.
//! - [`Inbox`]: how events from outside reach a live run: the run's shared parts implement
//!   it, and a host delivers through it.

use crate::engine::envelope::Envelope;
use crate::engine::link::Link;
use crate::event::AnyEvent;
use crate::id::RunId;
use crate::trace::{AfterFailure, RunTrace, TraceOutcome};

/// One execution of a step: the step's index, the number of the input it runs on within the
/// run, and the attempt (from 1). Together they name it across retries and resumes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Execution {
    pub(crate) step: u32,
    pub(crate) input: u64,
    pub(crate) attempt: u32,
}

/// Watches one run. Steps are named by their index in the step table; a flow's ends may also
/// be [`OUTSIDE`](crate::engine::table::OUTSIDE), [`STREAM`](crate::engine::table::STREAM)
/// or [`END`](crate::engine::table::END).
pub(crate) trait Observer: Send + std::fmt::Debug {
    /// An input of `step` (its first event `event`) waits for one of the step's workers.
    fn queued(&mut self, step: u32, event: &str) {
        let _ = (step, event);
    }
    /// `execution` started on `event`, on worker `worker`.
    fn started(&mut self, execution: Execution, event: &str, worker: u32);
    /// `execution` returned: one event, a fan-out of some, or none.
    fn finished(&mut self, execution: Execution, emitted: Option<&str>, fanned_out: Option<u64>);
    /// `execution` failed, and what the run does about it.
    fn failed(&mut self, execution: Execution, error: &str, then: AfterFailure);
    /// `event` went from `from` to `to`.
    fn flow(&mut self, from: u32, event: &'static str, to: u32);
    /// An execution of `step` waits inside itself for `event`.
    fn waiting(&mut self, step: u32, event: &str);
    /// An execution of `step` that waited got `event`.
    fn resumed(&mut self, step: u32, event: &str);
    /// The fan-out `fan_step` returned has ended, joined or cut short.
    fn fan_out_ended(&mut self, fan_step: u32, cut_short: bool);
    /// `join` runs on the `events` its fan-out gathered.
    fn joined(&mut self, join: u32, events: u64);
    /// Nothing in the run runs: it waits for the outside.
    fn idle(&mut self) {}
    /// `event` went to the stream because no step took it.
    fn unclaimed(&mut self, event: &'static str) {
        let _ = event;
    }
    /// The run ended.
    fn ended(&mut self, outcome: TraceOutcome);
    /// The run's trace so far, for an observer that builds one.
    fn trace(&self) -> Option<RunTrace> {
        None
    }
}

/// Where the events a run hands to others go, and whether others may still send it any.
pub(crate) trait Outbox: Send + Sync + std::fmt::Debug {
    /// Hands `event`, which `link` places in the trace, to the others.
    fn publish(&self, event: &AnyEvent, link: &Link);
    /// The run `run` ended.
    fn ended(&self, run: RunId);
    /// Whether someone else is still live that may send `run` events.
    fn others_live(&self, run: RunId) -> bool;
    /// The run that opened the exchange this run belongs to: when it is another run, nobody
    /// holds this run's handler.
    fn opened_by(&self) -> RunId;
}

/// Where events for a live run arrive from outside it.
pub(crate) trait Inbox: Send + Sync {
    /// Queues `envelope`; `false` if the run has ended.
    fn deliver(&self, envelope: Envelope) -> bool;

    /// Lets the run look again whether it can still finish: a run it may have been waiting
    /// for has ended.
    fn nudge(&self);
}
