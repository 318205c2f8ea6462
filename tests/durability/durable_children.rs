//! Child runs of a checkpointed run: kept in the parent's store, taken up where they were when
//! the parent's step runs again after a crash, their results kept once they completed.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use eventflow::RunId;
use eventflow::error::ResumeError;
use eventflow::prelude::*;
use eventflow::store::{CheckpointStore, MemoryStore, RunStatus};
use eventflow_testkit::crash::{Hang, KeyLog, crash_then_resume};

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Packed(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Labelled(u32);

#[derive(Debug, thiserror::Error)]
#[error("the carrier is down")]
struct CarrierDown;

/// The child: packs, labels and ships an order, each step logged.
struct Shipping {
    log: KeyLog,
    /// Hang in `ship`, in the first process.
    hang_ship: Hang,
    /// `ship` fails, in the first process.
    carrier_down: AtomicBool,
}

#[workflow]
impl Shipping {
    #[step]
    async fn pack(&self, ctx: &Context, ev: StartEvent<u32>) -> Packed {
        self.log.note(ctx);
        Packed(ev.input)
    }

    #[step]
    async fn label(&self, ctx: &Context, ev: Packed) -> Labelled {
        self.log.note(ctx);
        Labelled(ev.0 * 10)
    }

    #[step]
    async fn ship(&self, ctx: &Context, ev: Labelled) -> Result<StopEvent<u32>, CarrierDown> {
        self.log.note(ctx);
        if self.carrier_down.load(Ordering::SeqCst) {
            return Err(CarrierDown);
        }
        self.hang_ship.here().await;
        Ok(StopEvent::new(ev.0 + 1))
    }
}

/// The parent: one step runs the child; it may hang after the child is done, or after the
/// child failed.
struct Shop {
    log: KeyLog,
    shipping: Runner<Shipping>,
    hang_after: Hang,
}

#[workflow]
impl Shop {
    #[step(runs(Shipping))]
    async fn order(
        &self,
        ctx: &Context,
        ev: StartEvent<u32>,
    ) -> Result<StopEvent<u32>, WorkflowError> {
        self.log.note(ctx);
        let shipped = ctx.child(&self.shipping).run(ev.input).await;
        self.hang_after.here().await;
        Ok(StopEvent::new(shipped? + 1000))
    }
}

/// Where the first process hangs (`ship`, or the parent after its child) and whether the
/// carrier is down there; nothing by default.
#[derive(Default)]
struct Setup {
    hang_ship: bool,
    hang_after: bool,
    carrier_down: bool,
}

/// A shop checkpointed into `store`; `reached`, if given, arms the hangs `setup` names.
fn shop(
    store: &Arc<MemoryStore>,
    log: &KeyLog,
    setup: &Setup,
    reached: Option<tokio::sync::oneshot::Sender<()>>,
) -> Runner<Shop> {
    let first = reached.is_some();
    let (ship_hang, after_hang) = match (setup.hang_ship, setup.hang_after) {
        (true, _) => (reached, None),
        (_, true) => (None, reached),
        _ => (None, None),
    };
    let shipping = Runner::new(Shipping {
        log: log.clone(),
        hang_ship: Hang::armed(ship_hang),
        carrier_down: AtomicBool::new(first && setup.carrier_down),
    });
    Runner::new(Shop {
        log: log.clone(),
        shipping,
        hang_after: Hang::armed(after_hang),
    })
    .store(store.clone())
    .checkpoint_every_step(true)
}

/// Runs a shop on `input` until it hangs, lets the process die, resumes the run in a new
/// process; the run, its result and the steps' log.
fn crash_and_resume(store: &Arc<MemoryStore>, setup: &Setup) -> (RunId, Option<u32>, Vec<String>) {
    let log = KeyLog::default();
    let (reached, hanging) = tokio::sync::oneshot::channel();
    let (run, result) = crash_then_resume(
        &shop(store, &log, setup, Some(reached)),
        |runner| runner.run(4),
        hanging,
        &shop(store, &log, setup, None),
        |_| {},
        &**store,
    );
    (run, result.ok(), log.entries())
}

fn children_of(store: &MemoryStore, parent: RunId) -> Vec<(RunId, RunStatus)> {
    store
        .list()
        .unwrap_or_default()
        .into_iter()
        .filter(|h| h.parent == Some(parent))
        .map(|h| (h.run, h.status))
        .collect()
}

#[test]
fn a_child_cut_off_mid_step_goes_on_where_it_was() {
    let store = Arc::new(MemoryStore::new());
    let setup = Setup {
        hang_ship: true,
        ..Setup::default()
    };
    let (run, result, log) = crash_and_resume(&store, &setup);
    assert_eq!(result, Some(1041));
    // The parent's step ran again (same key); in the child, only `ship` did.
    assert_eq!(
        log,
        [
            "label#2@1",
            "order#1@1",
            "order#1@1",
            "pack#1@1",
            "ship#3@1",
            "ship#3@1"
        ]
    );
    let children = children_of(&store, run);
    assert_eq!(
        children.len(),
        1,
        "one child run, taken up rather than started again"
    );
    assert_eq!(children[0].1, RunStatus::Completed);
}

#[test]
fn a_child_that_completed_is_not_run_again_its_result_is_kept() {
    let store = Arc::new(MemoryStore::new());
    let setup = Setup {
        hang_after: true,
        ..Setup::default()
    };
    let (_, result, log) = crash_and_resume(&store, &setup);
    assert_eq!(result, Some(1041));
    assert_eq!(
        log,
        [
            "label#2@1",
            "order#1@1",
            "order#1@1",
            "pack#1@1",
            "ship#3@1"
        ]
    );
}

#[test]
fn a_child_that_failed_before_the_crash_runs_anew_with_the_step() {
    let store = Arc::new(MemoryStore::new());
    let setup = Setup {
        hang_after: true,
        carrier_down: true,
        ..Setup::default()
    };
    let (run, result, log) = crash_and_resume(&store, &setup);
    // The carrier is back in the second process: the new child ships.
    assert_eq!(result, Some(1041));
    assert_eq!(
        log.iter().filter(|l| l.starts_with("pack#")).count(),
        2,
        "{log:?}"
    );
    let mut statuses: Vec<RunStatus> = children_of(&store, run).into_iter().map(|c| c.1).collect();
    statuses.sort_by_key(|s| format!("{s:?}"));
    assert_eq!(statuses, [RunStatus::Completed, RunStatus::Failed]);
}

#[tokio::test]
async fn a_child_run_is_resumed_with_its_parent_not_on_its_own() {
    let store = Arc::new(MemoryStore::new());
    let log = KeyLog::default();
    let setup = Setup::default();
    let runner = shop(&store, &log, &setup, None);
    let handler = runner.run(1);
    let run = handler.run_id();
    assert_eq!(handler.await.ok(), Some(1011));
    let children = children_of(&store, run);
    let [(child, RunStatus::Completed)] = children.as_slice() else {
        panic!("one completed child: {children:?}");
    };
    let shipping = runner.workflow().shipping.clone().store(store.clone());
    match shipping.resume(*child) {
        Err(ResumeError::Child { run: c, parent }) => assert_eq!((c, parent), (*child, run)),
        other => panic!("expected ResumeError::Child, got {:?}", other.err()),
    }
}

#[tokio::test]
async fn a_child_dropped_with_its_cancelled_parent_is_marked_cancelled() {
    let store = Arc::new(MemoryStore::new());
    let log = KeyLog::default();
    let setup = Setup {
        hang_ship: true,
        ..Setup::default()
    };
    let (reached, hanging) = tokio::sync::oneshot::channel();
    let runner = shop(&store, &log, &setup, Some(reached));
    let handler = runner.run(2);
    let run = handler.run_id();
    hanging.await.expect("the child hangs");
    assert_eq!(
        children_of(&store, run)
            .into_iter()
            .map(|c| c.1)
            .collect::<Vec<_>>(),
        [RunStatus::Running]
    );
    handler.cancel();
    assert!(matches!(handler.await, Err(WorkflowError::Cancelled)));
    // Nothing will take it up again: the store says so rather than leaving it running.
    assert_eq!(
        children_of(&store, run)
            .into_iter()
            .map(|c| c.1)
            .collect::<Vec<_>>(),
        [RunStatus::Cancelled]
    );
}
