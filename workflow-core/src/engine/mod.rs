//! The engine: the ground floor of a run.
//!
//! Everything a run decides lives here as plain data and the code that changes it, with no
//! futures, no tasks and no I/O: the step table events are routed by ([`table`]), the history
//! each input carries ([`envelope`], [`link`]), fan-outs and what reached their joins
//! ([`fan`]), sets and collections being assembled ([`collect`]), steps waiting inside their
//! execution for an event ([`waiters`]), inputs queued, retried and resumed ([`work`]), and
//! the state of all of these as serializable data ([`snapshot`]), which is what the durable
//! layer commits and what a resumed run starts from.
//!
//! The shape: the driver above (`driver`) owns the tokio side (step futures, timers, the
//! inbox) and feeds the engine what happened (an event arrived, an execution finished or
//! failed, a retry's delay passed, a cancel); the engine's parts answer with what to do next
//! (start these inputs, hand this event to the stream or a waiting step, join this fan-out,
//! cut that one short). Nothing here knows about runners, handlers, hosts, children, stores
//! or recording: those plug in from above, and a run that has none of them pays one `Option`
//! check for each.
//!
//! The rule, checked in CI: no file under `engine/` imports from `driver`, `runner`,
//! `handler`, `context`, `wait`, `child`, `host`, `durable`, `record`, `observe`, `workflow`
//! or `topology`.

pub(crate) mod calls;
pub(crate) mod collect;
pub(crate) mod envelope;
pub(crate) mod failure;
pub(crate) mod fan;
pub(crate) mod journal;
pub(crate) mod link;
pub(crate) mod queues;
pub(crate) mod route;
pub(crate) mod seams;
pub(crate) mod snapshot;
pub(crate) mod stream;
pub(crate) mod table;
pub(crate) mod waiters;
pub(crate) mod work;

use std::sync::{Mutex, MutexGuard, PoisonError};

pub(crate) fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // These locks guard plain bookkeeping that no user code runs under; a poisoned one still
    // holds consistent data.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests;
