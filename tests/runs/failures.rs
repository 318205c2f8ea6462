//! How runs end when they do not end well: step errors, panics, timeouts, cancellation, stalls.
//! In every case the stream ends with one terminal event and the handler gives the error.

use std::sync::Arc;
use std::time::Duration;

use eventflow::event::{WorkflowCancelled, WorkflowFailed, WorkflowStalled, WorkflowTimedOut};
use eventflow::prelude::*;
use eventflow::step::StepPanic;
use eventflow_testkit::{DropTracker, drain};

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Work(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Hang;

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("the model is overloaded (code {code})")]
struct Overloaded {
    code: u16,
}

/// Collects the whole stream, then the result.
async fn finish<W: eventflow::Workflow>(
    mut handler: WorkflowHandler<W>,
) -> (
    Vec<AnyEvent>,
    Result<eventflow::run::Output<W>, WorkflowError>,
) {
    let events = drain(&mut handler).await;
    (events, handler.await)
}

#[derive(Default)]
struct Failing {
    /// Held by `hang`, which never finishes: a dropped guard means the step was cancelled.
    hang: DropTracker,
}

#[workflow]
impl Failing {
    #[step(sends(Work, Hang))]
    async fn start(&self, ctx: &Context, ev: StartEvent<u32>) {
        ctx.send_event(Hang);
        ctx.send_event(Work(ev.input));
    }

    #[step]
    async fn call_model(&self, ev: Work) -> Result<StopEvent<u32>, Overloaded> {
        tokio::task::yield_now().await;
        match ev.0 {
            0 => Err(Overloaded { code: 529 }),
            1 => panic!("index out of bounds: the len is 1 but the index is 1"),
            n => Ok(StopEvent::new(n)),
        }
    }

    #[step]
    async fn hang(&self, _ev: Hang) -> StopEvent<u32> {
        let _guard = self.hang.guard();
        std::future::pending().await
    }
}

#[tokio::test]
async fn a_step_error_fails_the_run_with_the_step_name_and_the_original_error() {
    let runner = Runner::new(Failing::default());
    let (events, result) = finish(runner.run(0)).await;

    let Err(error) = result else {
        panic!("the run should fail");
    };
    assert_eq!(error.step(), Some("call_model"));
    assert_eq!(
        error.downcast_ref::<Overloaded>(),
        Some(&Overloaded { code: 529 })
    );
    assert_eq!(
        error.to_string(),
        "step `call_model` failed: the model is overloaded (code 529)"
    );
    assert!(matches!(
        error,
        WorkflowError::StepFailed { attempts: 1, .. }
    ));

    let last = events
        .last()
        .and_then(|e| e.downcast_ref::<WorkflowFailed>());
    let last = last.expect("the stream ends with WorkflowFailed");
    assert_eq!(last.step, "call_model");
    assert_eq!(last.error, "the model is overloaded (code 529)");
    assert_eq!(last.attempts, 1);
    // The step that was still running was cancelled.
    assert_eq!(runner.workflow().hang.dropped(), 1);
    assert_eq!(runner.workflow().hang.live(), 0);
}

#[tokio::test]
async fn a_panicking_step_fails_its_run_and_nothing_else() {
    let runner = Runner::new(Failing::default());
    let (events, result) = finish(runner.run(1)).await;
    let error = result.expect_err("the run should fail");
    assert_eq!(error.step(), Some("call_model"));
    let panic = error.downcast_ref::<StepPanic>().expect("a StepPanic");
    assert_eq!(
        panic.message(),
        "index out of bounds: the len is 1 but the index is 1"
    );
    assert!(events.last().is_some_and(AnyEvent::is::<WorkflowFailed>));

    // The runtime and the runner carry on.
    assert_eq!(runner.run(5).await.ok(), Some(5));
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Slow;

struct Sleepy;

#[workflow]
impl Sleepy {
    #[step]
    async fn start(&self, ev: StartEvent<u64>) -> Slow {
        tokio::time::sleep(Duration::from_secs(ev.input)).await;
        Slow
    }

    #[step]
    async fn slow(&self, _ev: Slow) -> StopEvent<String> {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        StopEvent::new("too late".into())
    }
}

#[tokio::test(start_paused = true)]
async fn the_run_timeout_fails_the_run_naming_the_steps_still_active() {
    let runner = Runner::new(Sleepy).timeout(Duration::from_secs(10));
    let (events, result) = finish(runner.run(1)).await;
    match result {
        Err(WorkflowError::TimedOut {
            timeout,
            active_steps,
        }) => {
            assert_eq!(timeout, Duration::from_secs(10));
            assert_eq!(active_steps, ["slow"]);
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    let last = events
        .last()
        .and_then(|e| e.downcast_ref::<WorkflowTimedOut>());
    assert_eq!(
        last.map(|t| t.active_steps.clone()),
        Some(vec!["slow".to_string()])
    );
    assert_eq!(events.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn the_timeout_message_reads_well() {
    let runner = Runner::new(Sleepy).timeout(Duration::from_millis(100));
    let error = runner.run(1).await.err().map(|e| e.to_string());
    assert_eq!(
        error.as_deref(),
        Some("the run timed out after 100ms; active steps: `start`")
    );
}

#[tokio::test]
async fn cancel_drops_running_steps_and_ends_the_stream() {
    let runner = Runner::new(Failing::default());
    let mut handler = runner.run(0);
    handler.cancel();
    handler.cancel();
    let events = drain(&mut handler).await;
    assert!(matches!(handler.await, Err(WorkflowError::Cancelled)));
    assert_eq!(events.len(), 1);
    assert!(events[0].is::<WorkflowCancelled>());
}

#[tokio::test]
async fn cancel_after_the_run_ended_changes_nothing() {
    let runner = Runner::new(Counted::default());
    let mut handler = runner.run(7);
    // The stream ends when the run is over.
    let events = drain(&mut handler).await;
    handler.cancel();
    assert_eq!(handler.await.ok(), Some(7));
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].downcast_ref::<StopEvent<u32>>(),
        Some(&StopEvent::new(7))
    );
}

// --- stalls ----------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Vote(bool);

struct Quorum;

#[workflow]
impl Quorum {
    #[step(sends(Vote))]
    async fn start(&self, ctx: &Context, ev: StartEvent<u32>) {
        for i in 0..ev.input {
            ctx.send_event(Vote(i % 2 == 0));
        }
    }

    #[step]
    async fn tally(&self, ctx: &Context, ev: Vote) -> Option<StopEvent<usize>> {
        let votes = ctx.collect_many::<Vote>(ev, 3)?;
        Some(StopEvent::new(votes.iter().filter(|v| v.0).count()))
    }
}

#[tokio::test]
async fn a_run_that_can_never_finish_fails_at_once_saying_what_it_waits_for() {
    let runner = Runner::new(Quorum);
    assert_eq!(runner.run(3).await.ok(), Some(2));

    let (events, result) = finish(runner.run(2)).await;
    let expected = "step `tally` collected 2 of 3 events and still lacks 1 × `Vote`";
    match result {
        Err(WorkflowError::Stalled { pending }) => assert_eq!(pending, [expected]),
        other => panic!("expected a stall, got {other:?}"),
    }
    let last = events
        .last()
        .and_then(|e| e.downcast_ref::<WorkflowStalled>());
    assert_eq!(
        last.map(|s| s.pending.clone()),
        Some(vec![expected.to_string()])
    );
}

struct Detached;

#[workflow]
impl Detached {
    // The step returns at once; a task it spawned holds the context and ends the run later.
    #[step(sends(StopEvent<u32>))]
    async fn start(&self, ctx: &Context, ev: StartEvent<u32>) {
        let ctx = ctx.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(5)).await;
            ctx.send_event(StopEvent::new(ev.input * 2));
        });
    }
}

#[tokio::test(start_paused = true)]
async fn a_context_moved_into_a_task_keeps_the_run_waiting_for_it() {
    assert_eq!(Runner::new(Detached).run(21).await.ok(), Some(42));
}

// --- the handler -----------------------------------------------------------------------------

#[derive(Default)]
struct Counted {
    done: Arc<tokio::sync::Notify>,
}

#[workflow]
impl Counted {
    #[step]
    async fn only(&self, ev: StartEvent<u32>) -> StopEvent<u32> {
        self.done.notify_one();
        StopEvent::new(ev.input)
    }
}

#[tokio::test]
async fn dropping_the_handler_does_not_stop_the_run() {
    let runner = Runner::new(Counted::default());
    drop(runner.run(1));
    runner.workflow().done.notified().await;
}

#[tokio::test]
async fn run_ids_are_distinct() {
    let runner = Runner::new(Counted::default());
    let a = runner.run(1);
    let b = runner.run(2);
    assert_ne!(a.run_id(), b.run_id());
    assert_eq!((a.await.ok(), b.await.ok()), (Some(1), Some(2)));
}
