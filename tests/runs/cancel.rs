//! Cancellation and timeouts end runs completely: no task or step of a run outlives it, and
//! many ended runs leave nothing behind. A limit on concurrent runs queues the rest.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use eventflow::event::{WorkflowCancelled, WorkflowTimedOut};
use eventflow::prelude::*;
use eventflow_testkit::{DropTracker, last_event};
use tokio::runtime::Handle;
use tokio::sync::Semaphore;

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Work(u32);

/// Fans out to steps that never finish by themselves, each holding a guard while it runs: the
/// count of live guards returns to zero only if every step future was dropped.
struct Endless {
    held: Arc<DropTracker>,
}

#[workflow(external(Work))]
impl Endless {
    #[step(sends(Work))]
    async fn start(&self, ctx: &Context, ev: StartEvent<u32>) {
        for i in 0..ev.input {
            ctx.send_event(Work(i));
        }
    }

    #[step(num_workers = 100)]
    async fn work(&self, ctx: &Context, _ev: Work) -> StopEvent<u32> {
        let _guard = self.held.guard();
        // A clone of the context moved into nothing: dropping the step drops it too.
        let _ctx = ctx.clone();
        tokio::time::sleep(Duration::from_secs(3600)).await;
        StopEvent::new(0)
    }
}

#[tokio::test]
async fn a_cancelled_run_leaves_no_step_and_no_task_behind() {
    let tasks_before = Handle::current().metrics().num_alive_tasks();
    let runner = Runner::new(Endless {
        held: Arc::default(),
    });
    let mut handler = runner.run(10);
    // Let the steps start.
    tokio::task::yield_now().await;
    tokio::task::yield_now().await;
    assert_eq!(runner.workflow().held.live(), 10);
    handler.cancel();
    let last = last_event(&mut handler).await;
    assert!(last.is_some_and(|e| e.is::<WorkflowCancelled>()));
    assert!(matches!(handler.await, Err(WorkflowError::Cancelled)));
    // By the time the caller has the result, every step is gone, and so is the run's task.
    assert_eq!(runner.workflow().held.live(), 0);
    assert_eq!(runner.workflow().held.dropped(), 10);
    assert_eq!(Handle::current().metrics().num_alive_tasks(), tasks_before);
}

#[tokio::test(start_paused = true)]
async fn a_timed_out_run_leaves_no_step_and_no_task_behind() {
    let tasks_before = Handle::current().metrics().num_alive_tasks();
    let runner = Runner::new(Endless {
        held: Arc::default(),
    })
    .timeout(Duration::from_secs(5));
    let mut handler = runner.run(3);
    let timed_out = last_event(&mut handler)
        .await
        .and_then(|e| e.downcast::<WorkflowTimedOut>().ok());
    assert_eq!(
        timed_out.map(|t| t.active_steps),
        Some(vec!["work".to_string()])
    );
    assert!(matches!(handler.await, Err(WorkflowError::TimedOut { .. })));
    assert_eq!(runner.workflow().held.live(), 0);
    assert_eq!(runner.workflow().held.dropped(), 3);
    assert_eq!(Handle::current().metrics().num_alive_tasks(), tasks_before);
}

#[tokio::test(start_paused = true)]
async fn thousands_of_cancelled_and_timed_out_runs_leave_nothing_behind() {
    let tasks_before = Handle::current().metrics().num_alive_tasks();
    let held = Arc::new(DropTracker::new());
    let runner = Runner::new(Endless {
        held: Arc::clone(&held),
    })
    .timeout(Duration::from_secs(1));
    let endless = runner.workflow() as *const Endless as usize;
    for round in 0..20 {
        let handlers: Vec<_> = (0..200).map(|_| runner.run(2)).collect();
        tokio::task::yield_now().await;
        for (i, handler) in handlers.into_iter().enumerate() {
            if i % 2 == round % 2 {
                handler.cancel();
            }
            assert!(handler.await.is_err());
        }
        assert_eq!(held.live(), 0, "round {round}");
    }
    assert_eq!(Handle::current().metrics().num_alive_tasks(), tasks_before);
    // The runner, its workflow and our handle are the only owners left of the shared counter.
    assert_eq!(Arc::strong_count(&held), 2, "{endless:x}");
    drop(runner);
    assert_eq!(Arc::strong_count(&held), 1);
}

// --- a limit on concurrent runs ---------------------------------------------------------------

struct Gated {
    gate: Arc<Semaphore>,
    running: AtomicUsize,
    peak: AtomicUsize,
}

#[workflow]
impl Gated {
    #[step]
    async fn only(&self, ev: StartEvent<u32>) -> StopEvent<u32> {
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        let permit = self.gate.acquire().await;
        drop(permit);
        self.running.fetch_sub(1, Ordering::SeqCst);
        StopEvent::new(ev.input)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_most_the_limit_of_runs_execute_at_once_and_the_others_wait() {
    let gate = Arc::new(Semaphore::new(0));
    let runner = Runner::new(Gated {
        gate: Arc::clone(&gate),
        running: AtomicUsize::new(0),
        peak: AtomicUsize::new(0),
    })
    .max_concurrent_runs(2);
    let handlers: Vec<_> = (0..6).map(|i| runner.clone().run(i)).collect();
    while runner.workflow().running.load(Ordering::SeqCst) < 2 {
        tokio::task::yield_now().await;
    }
    // Let the runs through one at a time: never more than two in a step at once.
    gate.add_permits(6);
    let mut results = Vec::new();
    for handler in handlers {
        results.push(handler.await.ok());
    }
    assert_eq!(results, (0..6).map(Some).collect::<Vec<_>>());
    assert_eq!(runner.workflow().peak.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_run_waiting_for_its_turn_can_be_cancelled() {
    let gate = Arc::new(Semaphore::new(0));
    let runner = Runner::new(Gated {
        gate: Arc::clone(&gate),
        running: AtomicUsize::new(0),
        peak: AtomicUsize::new(0),
    })
    .max_concurrent_runs(1);
    let first = runner.run(1);
    let second = runner.run(2);
    tokio::task::yield_now().await;
    second.cancel();
    assert!(matches!(second.await, Err(WorkflowError::Cancelled)));
    gate.add_permits(1);
    assert_eq!(first.await.ok(), Some(1));
    assert_eq!(runner.workflow().peak.load(Ordering::SeqCst), 1);
}

// --- a handler that cancels its run when dropped ------------------------------------------

fn endless(held: &Arc<DropTracker>) -> Runner<Endless> {
    Runner::new(Endless {
        held: Arc::clone(held),
    })
}

/// Lets the run start its steps, or take a cancel, on the paused clock.
async fn settle() {
    tokio::time::sleep(Duration::from_secs(1)).await;
}

#[tokio::test(start_paused = true)]
async fn a_handler_dropped_with_cancel_on_drop_cancels_its_run() {
    let held = Arc::new(DropTracker::new());
    let handler = endless(&held).run(3).cancel_on_drop();
    let control = handler.control();
    settle().await;
    assert_eq!(held.live(), 3, "three steps hold resources");
    drop(handler);
    settle().await;
    assert!(control.is_finished());
    assert_eq!(held.live(), 0, "every step was dropped");
    assert_eq!(held.dropped(), 3);
}

#[tokio::test(start_paused = true)]
async fn by_default_a_dropped_handler_leaves_its_run_running() {
    let held = Arc::new(DropTracker::new());
    let handler = endless(&held).run(2);
    let control = handler.control();
    drop(handler);
    settle().await;
    assert!(!control.is_finished());
    assert_eq!(held.live(), 2);
    control.cancel();
    settle().await;
    assert_eq!(held.live(), 0);
}

#[tokio::test(start_paused = true)]
async fn the_result_future_keeps_the_promise_to_cancel() {
    let held = Arc::new(DropTracker::new());
    let handler = endless(&held).run(2).cancel_on_drop();
    let control = handler.control();
    let result = handler.into_future();
    settle().await;
    assert!(
        !control.is_finished(),
        "turning into a future is not dropping"
    );
    assert_eq!(held.live(), 2);
    drop(result);
    settle().await;
    assert!(control.is_finished());
    assert_eq!(held.live(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_run_awaited_to_its_end_is_not_cancelled_by_the_drop() {
    let held = Arc::new(DropTracker::new());
    let outcome = endless(&held).run(0).cancel_on_drop();
    // No work, and nobody left to send any once the handler became its result: the run
    // stalls on its own and says so, rather than ending as cancelled.
    let error = outcome.await.expect_err("nothing can finish the run");
    assert!(matches!(error, WorkflowError::Stalled { .. }), "{error:?}");
}
