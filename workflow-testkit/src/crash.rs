//! A process that dies in the middle of a run, as tests simulate it, and the process after it
//! that resumes the run.
//!
//! The first process is a runtime of its own, dropped with the run in it: the run's tasks go
//! without finishing, and nothing after the last commit reaches the store, as when a process is
//! killed. The second is a new runtime with a new runner, on the same store.
//!
//! ```
//! use std::sync::Arc;
//!
//! use eventflow::prelude::*;
//! use eventflow::store::MemoryStore;
//! use eventflow_testkit::crash::{Hang, KeyLog, crash_then_resume};
//!
//! #[derive(Clone, Serialize, Deserialize, Event)]
//! struct Charged(u32);
//!
//! /// Charges, then writes a receipt, where the first process dies.
//! struct Payment {
//!     log: KeyLog,
//!     hang: Hang,
//! }
//!
//! #[workflow]
//! impl Payment {
//!     #[step]
//!     async fn charge(&self, ctx: &Context, ev: StartEvent<u32>) -> Charged {
//!         self.log.note(ctx);
//!         Charged(ev.input)
//!     }
//!
//!     #[step]
//!     async fn receipt(&self, ctx: &Context, ev: Charged) -> StopEvent<u32> {
//!         self.log.note(ctx);
//!         self.hang.here().await;
//!         StopEvent::new(ev.0)
//!     }
//! }
//!
//! let store = Arc::new(MemoryStore::new());
//! let log = KeyLog::default();
//! let payment = |reached| {
//!     Runner::new(Payment { log: log.clone(), hang: Hang::armed(reached) })
//!         .store(store.clone())
//!         .checkpoint_every_step(true)
//! };
//! let (reached, hanging) = tokio::sync::oneshot::channel();
//! let (_, result) = crash_then_resume(
//!     &payment(Some(reached)),
//!     |runner| runner.run(7),
//!     hanging,
//!     &payment(None),
//!     |_| {},
//!     &*store,
//! );
//! assert_eq!(result.ok(), Some(7));
//! // `charge` was committed before the crash; `receipt` ran again, under the same key.
//! assert_eq!(log.entries(), ["charge#1@1", "receipt#2@1", "receipt#2@1"]);
//! ```

use std::sync::{Arc, Mutex};

use eventflow::run::Output;
use eventflow::store::{CheckpointStore, RunStatus};
use eventflow::{Context, RunId, Runner, Workflow, WorkflowError, WorkflowHandler};
use tokio::sync::oneshot;

/// A point in a step where the run hangs in the first process, which then dies.
///
/// Armed, [`here`](Self::here) says on its channel that the step got there and never returns,
/// so the test knows when to let the process die; disarmed, as in the second process, it
/// returns at once.
#[derive(Debug, Default)]
pub struct Hang {
    on: bool,
    reached: Mutex<Option<oneshot::Sender<()>>>,
}

impl Hang {
    /// Armed if given the sender of `reached`, disarmed if given `None`.
    pub fn armed(reached: Option<oneshot::Sender<()>>) -> Self {
        Self {
            on: reached.is_some(),
            reached: Mutex::new(reached),
        }
    }

    /// Hangs, if armed, after saying so (the first time).
    pub async fn here(&self) {
        if self.on {
            if let Some(reached) = self.reached.lock().ok().and_then(|mut r| r.take()) {
                let _ = reached.send(());
            }
            std::future::pending::<()>().await;
        }
    }
}

/// The idempotency keys of step executions, as `step#input@attempt`: which executions ran, in
/// which process no matter, and which ran again (the same key twice).
///
/// Clones share one log, so the workflows of both processes write to it.
#[derive(Debug, Clone, Default)]
pub struct KeyLog(Arc<Mutex<Vec<String>>>);

impl KeyLog {
    /// Logs the key of the execution `ctx` belongs to.
    pub fn note<S>(&self, ctx: &Context<S>) {
        if let Ok(mut log) = self.0.lock() {
            let key = ctx.idempotency_key();
            log.push(format!("{}#{}@{}", key.step, key.input, key.attempt));
        }
    }

    /// Every key logged, sorted: the order in which branches ran is not the test's to know.
    pub fn entries(&self) -> Vec<String> {
        let mut entries = self.0.lock().map(|l| l.clone()).unwrap_or_default();
        entries.sort();
        entries
    }
}

/// Starts a run with `start` on `first` until `hanging` says a step of it hangs; lets its
/// process die; checks that `store` still has the run as running; resumes it with `second` in
/// a new process, does `then` with the resumed run, and awaits it.
///
/// Gives the run's id and its result. See [the module](self) for an example.
///
/// # Panics
///
/// If the run never hangs, is not stored as running after the crash, or does not resume.
pub fn crash_then_resume<W: Workflow>(
    first: &Runner<W>,
    start: impl FnOnce(&Runner<W>) -> WorkflowHandler<W>,
    hanging: oneshot::Receiver<()>,
    second: &Runner<W>,
    then: impl FnOnce(&WorkflowHandler<W>),
    store: &dyn CheckpointStore,
) -> (RunId, Result<Output<W>, WorkflowError>) {
    let dying = process();
    let run = dying.block_on(async {
        let handler = start(first);
        let id = handler.run_id();
        hanging.await.expect("a step hangs");
        // A dying process runs no destructor: the handler must not cancel the run.
        std::mem::forget(handler);
        id
    });
    drop(dying);
    assert_eq!(
        store.load(run).ok().flatten().map(|s| s.header.status),
        Some(RunStatus::Running),
        "the run cut off is stored as running"
    );
    let result = process().block_on(async {
        let resumed = second.resume(run).expect("the run resumes");
        then(&resumed);
        resumed.await
    });
    (run, result)
}

/// The runtime of one simulated process, with every driver, as a program's own would have.
fn process() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}
