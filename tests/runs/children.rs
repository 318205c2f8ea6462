//! Child workflows: typed by their start and stop events, run inside a parent's step, their
//! streams forwarded with paths, cancelled with the parent, failing into the parent's retry.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use eventflow::event::{WorkflowCancelled, WorkflowTimedOut};
use eventflow::prelude::*;
use eventflow::{ChildEvent, StepFailed, Topology};
use eventflow_testkit::{DropTracker, last_event};
use tokio::runtime::Handle;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Note(String);

// --- three generations ---------------------------------------------------------------------

/// The grandchild: notes its input, then answers.
struct Grand;

#[workflow]
impl Grand {
    #[step(stream_only(Note))]
    async fn answer(&self, ctx: &Context, ev: StartEvent<u32>) -> StopEvent<u32> {
        ctx.write_event_to_stream(Note(format!("grand got {}", ev.input)));
        StopEvent::new(ev.input + 1)
    }
}

/// The child: notes, asks the grandchild, notes again.
struct Child {
    grand: Runner<Grand>,
}

#[workflow]
impl Child {
    #[step(runs(Grand), stream_only(Note))]
    async fn relay(
        &self,
        ctx: &Context,
        ev: StartEvent<u32>,
    ) -> Result<StopEvent<u32>, WorkflowError> {
        ctx.write_event_to_stream(Note("child before".into()));
        let answer = ctx.child(&self.grand).run(ev.input * 10).await?;
        ctx.write_event_to_stream(Note("child after".into()));
        Ok(StopEvent::new(answer))
    }
}

struct Parent {
    child: Runner<Child>,
    quiet: bool,
}

#[workflow]
impl Parent {
    #[step(runs(Child), stream_only(Note))]
    async fn start(
        &self,
        ctx: &Context,
        ev: StartEvent<u32>,
    ) -> Result<StopEvent<u32>, WorkflowError> {
        ctx.write_event_to_stream(Note("parent".into()));
        let child = ctx.child(&self.child);
        let child = if self.quiet { child.quiet() } else { child };
        let answer = child.run(ev.input).await?;
        Ok(StopEvent::new(answer))
    }
}

fn parent(quiet: bool) -> Runner<Parent> {
    Runner::new(Parent {
        child: Runner::new(Child {
            grand: Runner::new(Grand),
        }),
        quiet,
    })
}

/// The stream as `path: note` lines, the parent's own events with an empty path.
async fn stream(handler: &mut WorkflowHandler<Parent>) -> Vec<String> {
    let mut lines = Vec::new();
    while let Some(event) = handler.next().await {
        if let Some(Note(note)) = event.downcast_ref::<Note>() {
            lines.push(format!(": {note}"));
        } else if let Some(child) = event.downcast_ref::<ChildEvent>() {
            let note = child
                .downcast_ref::<Note>()
                .map(|n| n.0.clone())
                .unwrap_or_default();
            lines.push(format!("{}: {note}", child.path().join("/")));
        } else {
            lines.push(format!("last: {}", event.name()));
        }
    }
    lines
}

#[tokio::test]
async fn a_child_run_returns_its_result_and_forwards_its_stream_with_paths() {
    let mut handler = parent(false).run(4);
    let lines = stream(&mut handler).await;
    assert_eq!(
        lines,
        [
            ": parent",
            "Child: child before",
            "Child/Grand: grand got 40",
            "Child: child after",
            // The children's stop events stay with their steps: the stream ends with the
            // parent's.
            "last: StopEvent",
        ]
    );
    assert_eq!(handler.await.ok(), Some(41));
}

#[tokio::test]
async fn a_quiet_child_forwards_nothing() {
    let mut handler = parent(true).run(4);
    assert_eq!(stream(&mut handler).await, [": parent", "last: StopEvent"]);
    assert_eq!(handler.await.ok(), Some(41));
}

#[tokio::test]
async fn the_parent_topology_includes_its_children() {
    let t = Topology::of::<Parent>();
    assert_eq!(t.children.len(), 1);
    assert_eq!(t.children[0].workflow, "Child");
    assert_eq!(t.steps[t.children[0].step].name, "start");
    let child = t.children[0].topology.as_ref().expect("the child's graph");
    assert_eq!(child.children[0].workflow, "Grand");
    assert!(t.to_string().contains(
        "step start\n  accepts StartEvent\n  emits StopEvent\n  streams Note\n  runs Child\n"
    ));
}

// --- cancellation and timeouts reach every generation ------------------------------------------

/// Waits forever, holding a guard.
struct Stuck {
    held: Arc<DropTracker>,
}

#[workflow]
impl Stuck {
    #[step]
    async fn wait(&self, _ev: StartEvent) -> StopEvent {
        let _guard = self.held.guard();
        std::future::pending::<()>().await;
        StopEvent::new(())
    }
}

struct Middle {
    stuck: Runner<Stuck>,
    held: Arc<DropTracker>,
}

#[workflow]
impl Middle {
    #[step(runs(Stuck))]
    async fn wait(&self, ctx: &Context, _ev: StartEvent) -> Result<StopEvent, WorkflowError> {
        let _guard = self.held.guard();
        ctx.child(&self.stuck).run(()).await?;
        Ok(StopEvent::new(()))
    }
}

struct Top {
    middle: Runner<Middle>,
}

#[workflow]
impl Top {
    #[step(runs(Middle))]
    async fn wait(&self, ctx: &Context, _ev: StartEvent) -> Result<StopEvent, WorkflowError> {
        ctx.child(&self.middle).run(()).await?;
        Ok(StopEvent::new(()))
    }
}

fn top(held: &Arc<DropTracker>) -> Runner<Top> {
    Runner::new(Top {
        middle: Runner::new(Middle {
            stuck: Runner::new(Stuck {
                held: Arc::clone(held),
            }),
            held: Arc::clone(held),
        }),
    })
}

#[tokio::test]
async fn cancelling_the_parent_cancels_its_grandchildren() {
    let tasks_before = Handle::current().metrics().num_alive_tasks();
    let held = Arc::new(DropTracker::new());
    let mut handler = top(&held).run(());
    while held.live() < 2 {
        tokio::task::yield_now().await;
    }
    handler.cancel();
    let last = last_event(&mut handler).await;
    assert!(last.is_some_and(|e| e.is::<WorkflowCancelled>()));
    assert!(matches!(handler.await, Err(WorkflowError::Cancelled)));
    assert_eq!(held.live(), 0, "every generation was dropped");
    assert_eq!(held.dropped(), 2);
    assert_eq!(Handle::current().metrics().num_alive_tasks(), tasks_before);
}

#[tokio::test(start_paused = true)]
async fn the_parent_timeout_ends_its_children() {
    let held = Arc::new(DropTracker::new());
    let mut handler = top(&held).timeout(Duration::from_secs(5)).run(());
    let last = last_event(&mut handler).await;
    assert!(last.is_some_and(|e| e.is::<WorkflowTimedOut>()));
    assert_eq!(held.live(), 0);
    assert_eq!(held.dropped(), 2);
}

// --- a failing child is a failing step -------------------------------------------------------

#[derive(Debug, thiserror::Error)]
#[error("the payment was declined")]
struct Declined;

/// Fails its first `failures` runs.
struct Payments {
    runs: AtomicUsize,
    failures: usize,
}

#[workflow]
impl Payments {
    #[step]
    async fn pay(&self, ev: StartEvent<u32>) -> Result<StopEvent<u32>, Declined> {
        if self.runs.fetch_add(1, Ordering::SeqCst) < self.failures {
            return Err(Declined);
        }
        Ok(StopEvent::new(ev.input))
    }
}

struct Checkout {
    payments: Runner<Payments>,
}

#[workflow]
impl Checkout {
    #[step(runs(Payments), retry = RetryPolicy::immediate().max_attempts(3))]
    async fn checkout(
        &self,
        ctx: &Context,
        ev: StartEvent<u32>,
    ) -> Result<StopEvent<String>, WorkflowError> {
        let paid = ctx.child(&self.payments).run(ev.input).await?;
        Ok(StopEvent::new(format!(
            "paid {paid} (attempt {})",
            ctx.attempt()
        )))
    }

    #[step(catch_errors(checkout))]
    async fn refund(&self, failed: StepFailed) -> StopEvent<String> {
        let cause = failed
            .downcast_ref::<WorkflowError>()
            .and_then(|e| e.step().map(str::to_owned))
            .unwrap_or_default();
        StopEvent::new(format!(
            "gave up after {} attempts in `{cause}`",
            failed.attempts()
        ))
    }
}

fn checkout(failures: usize) -> Runner<Checkout> {
    Runner::new(Checkout {
        payments: Runner::new(Payments {
            runs: AtomicUsize::new(0),
            failures,
        }),
    })
}

#[tokio::test]
async fn a_failing_child_goes_through_the_parents_retry() {
    assert_eq!(
        checkout(2).run(7).await.ok().as_deref(),
        Some("paid 7 (attempt 3)")
    );
}

#[tokio::test]
async fn a_child_that_keeps_failing_reaches_the_parents_recovery_step() {
    assert_eq!(
        checkout(5).run(7).await.ok().as_deref(),
        Some("gave up after 3 attempts in `pay`")
    );
}

// --- siblings are isolated -------------------------------------------------------------------

/// Counts in its own state, slowly.
struct Counter;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Count(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Tick(u32);

#[workflow(state = Count)]
impl Counter {
    #[step]
    async fn start(&self, ev: StartEvent<u32>) -> Tick {
        Tick(ev.input)
    }

    #[step]
    async fn tick(&self, ctx: &Context<Count>, ev: Tick) -> OneOf![Tick | StopEvent<u32>] {
        tokio::task::yield_now().await;
        let count = ctx.state().edit(|c| {
            c.0 += 1;
            c.0
        });
        if ev.0 == 0 {
            StopEvent::new(count).into()
        } else {
            Tick(ev.0 - 1).into()
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Job(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Counted(u32);

struct Siblings {
    counter: Runner<Counter>,
}

#[workflow]
impl Siblings {
    #[step]
    async fn split(&self, ev: StartEvent<Vec<u32>>) -> Vec<Job> {
        ev.input.into_iter().map(Job).collect()
    }

    #[step(runs(Counter), num_workers = 8)]
    async fn count(&self, ctx: &Context, job: Job) -> Result<Counted, WorkflowError> {
        Ok(Counted(ctx.child(&self.counter).run(job.0).await?))
    }

    #[step]
    async fn gather(&self, counted: Vec<Counted>) -> StopEvent<Vec<u32>> {
        StopEvent::new(counted.into_iter().map(|c| c.0).collect())
    }
}

#[tokio::test]
async fn sibling_children_running_at_once_share_nothing() {
    let runner = Runner::new(Siblings {
        counter: Runner::new(Counter),
    });
    // Each child counts its own ticks, interleaved with its siblings'.
    assert_eq!(
        runner.run(vec![3, 0, 5, 1]).await.ok(),
        Some(vec![4, 1, 6, 2])
    );
}

// --- a child with its own start and stop events ------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Order {
    sku: String,
    feedback: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Receipt(String);

struct OrderStation;

#[workflow(start = Order, stop = Receipt)]
impl OrderStation {
    #[step]
    async fn trade(&self, ev: Order) -> Receipt {
        match ev.feedback.as_str() {
            "Good" => Receipt(format!("ordered {}", ev.sku)),
            _ => Receipt(format!("cleared {}", ev.sku)),
        }
    }
}

struct Monitor {
    orders: Runner<OrderStation>,
}

#[workflow]
impl Monitor {
    #[step(runs(OrderStation))]
    async fn trade(
        &self,
        ctx: &Context,
        ev: StartEvent<String>,
    ) -> Result<StopEvent<String>, WorkflowError> {
        let order = Order {
            sku: "Apple".into(),
            feedback: ev.input,
        };
        // The child's own start event goes in; its own stop event comes back.
        let receipt: Receipt = ctx.child(&self.orders).named("orders").run(order).await?;
        Ok(StopEvent::new(receipt.0))
    }
}

#[tokio::test]
async fn a_child_is_typed_by_its_own_start_and_stop_events() {
    let runner = Runner::new(Monitor {
        orders: Runner::new(OrderStation),
    });
    assert_eq!(
        runner.run("Good".into()).await.ok().as_deref(),
        Some("ordered Apple")
    );
    assert_eq!(
        runner.run("Bad".into()).await.ok().as_deref(),
        Some("cleared Apple")
    );
}

// --- a workflow that runs itself ---------------------------------------------------------------

struct Countdown {
    inner: std::sync::OnceLock<Runner<Countdown>>,
}

#[workflow]
impl Countdown {
    #[step(runs(Countdown))]
    async fn down(
        &self,
        ctx: &Context,
        ev: StartEvent<u32>,
    ) -> Result<StopEvent<u32>, WorkflowError> {
        if ev.input == 0 {
            return Ok(StopEvent::new(0));
        }
        let inner = self.inner.get_or_init(|| {
            Runner::new(Countdown {
                inner: std::sync::OnceLock::new(),
            })
        });
        Ok(StopEvent::new(
            1 + ctx.child(inner).run(ev.input - 1).await?,
        ))
    }
}

#[tokio::test]
async fn a_recursive_workflow_runs_and_its_topology_ends() {
    let runner = Runner::new(Countdown {
        inner: std::sync::OnceLock::new(),
    });
    assert_eq!(runner.run(4).await.ok(), Some(4));
    let t = Topology::of::<Countdown>();
    assert_eq!(t.children[0].workflow, "Countdown");
    assert!(t.children[0].topology.is_none());
}
