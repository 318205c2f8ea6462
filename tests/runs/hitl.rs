//! A human in the loop: events the caller sends into a run, and steps that wait for them.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use eventflow::SendError;
use eventflow::event::WorkflowStalled;
use eventflow::prelude::*;
use eventflow_testkit::last_event;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct ReviewRequest {
    draft: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Decision {
    approved: bool,
}

// --- an input-required event on the stream, answered by an external event -----------------

/// `write` asks for a review on the stream; the caller's `Decision` goes to `decide`.
struct Review;

#[workflow(external(Decision), state = String)]
impl Review {
    #[step(stream_only(ReviewRequest))]
    async fn write(&self, ctx: &Context<String>, ev: StartEvent<String>) -> ReviewRequest {
        ctx.state().set(ev.input.clone());
        ReviewRequest { draft: ev.input }
    }

    #[step]
    async fn decide(&self, ctx: &Context<String>, ev: Decision) -> StopEvent<String> {
        let draft = ctx.state().get();
        StopEvent::new(if ev.approved {
            format!("published: {draft}")
        } else {
            "rejected".into()
        })
    }
}

#[tokio::test]
async fn a_request_on_the_stream_is_answered_with_an_event_from_the_caller() {
    let mut handler = Runner::new(Review).run("my essay".into());
    let mut requests = Vec::new();
    while let Some(event) = handler.next().await {
        if let Some(request) = event.downcast_ref::<ReviewRequest>() {
            requests.push(request.draft.clone());
            handler
                .send_event(Decision { approved: true })
                .expect("the run is waiting");
        }
    }
    assert_eq!(requests, ["my essay"]);
    assert_eq!(handler.await.ok().as_deref(), Some("published: my essay"));
}

#[tokio::test]
async fn a_run_waiting_for_an_external_event_waits_rather_than_stalls() {
    let runner = Runner::new(Review);
    let mut handler = runner.run("draft".into());
    assert!(
        handler
            .next()
            .await
            .is_some_and(|e| e.is::<ReviewRequest>())
    );
    // Nothing runs now; the run waits for the caller, however long.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let control = handler.control();
    assert!(!control.is_finished());
    let answer = tokio::spawn(async move { control.send_event(Decision { approved: false }) });
    assert_eq!(answer.await.ok(), Some(Ok(())));
    assert_eq!(handler.await.ok().as_deref(), Some("rejected"));
}

#[tokio::test]
async fn sending_to_a_finished_run_or_an_unknown_step_is_an_error() {
    let mut handler = Runner::new(Review).run("x".into());
    assert_eq!(
        handler.send_event_to("nope", Decision { approved: true }),
        Err(SendError::UnknownStep {
            step: "nope".into()
        })
    );
    assert_eq!(
        handler.send_event_to("write", Decision { approved: true }),
        Err(SendError::NotAccepted {
            step: "write".into(),
            event: "Decision"
        })
    );
    let control = handler.control();
    handler
        .send_event_to("decide", Decision { approved: true })
        .expect("accepted");
    while handler.next().await.is_some() {}
    assert_eq!(
        control.send_event(Decision { approved: true }),
        Err(SendError::Finished)
    );
    assert!(control.is_finished());
    assert!(handler.await.is_ok());
}

// --- waiting inside a step ------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Approval {
    id: u32,
    approved: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Request {
    id: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Task(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Outcome(u32, bool);

/// Each task asks for its own approval and waits for it inside the step.
#[derive(Default)]
struct Approvals {
    /// Counts what each execution does before it waits: it must happen once.
    before_wait: AtomicU32,
}

#[workflow(external(Approval))]
impl Approvals {
    #[step(sends(Task))]
    async fn start(&self, ctx: &Context, ev: StartEvent<u32>) {
        for id in 0..ev.input {
            ctx.send_event(Task(id));
        }
    }

    // One worker: a waiting task must not hold it, or the second request would never appear.
    #[step(num_workers = 1, stream_only(Request))]
    async fn ask(&self, ctx: &Context, ev: Task) -> Result<Outcome, WaitError> {
        self.before_wait.fetch_add(1, Ordering::SeqCst);
        let id = ev.0;
        let approval = ctx
            .wait_for_event::<Approval>()
            .matching(move |a| a.id == id)
            .requesting(Request { id })
            .await?;
        Ok(Outcome(id, approval.approved))
    }

    #[step]
    async fn gather(&self, ctx: &Context, ev: Outcome) -> Option<StopEvent<Vec<(u32, bool)>>> {
        let mut all: Vec<(u32, bool)> = ctx
            .collect_many::<Outcome>(ev, 3)?
            .into_iter()
            .map(|o| (o.0, o.1))
            .collect();
        all.sort_unstable();
        Some(StopEvent::new(all))
    }
}

#[tokio::test]
async fn parallel_waiters_resolve_independently_without_replaying_their_step() {
    let runner = Runner::new(Approvals::default());
    let mut handler = runner.run(3);
    let mut requested = Vec::new();
    while let Some(event) = handler.next().await {
        if let Some(request) = event.downcast_ref::<Request>() {
            requested.push(request.id);
            // Answer only once all three wait, in reverse order.
            if requested.len() == 3 {
                for id in [2, 0, 1] {
                    handler
                        .send_event(Approval {
                            id,
                            approved: id != 1,
                        })
                        .expect("the run is waiting");
                }
            }
        }
    }
    assert_eq!(requested, [0, 1, 2]);
    assert_eq!(
        handler.await.ok(),
        Some(vec![(0, true), (1, false), (2, true)])
    );
    assert_eq!(runner.workflow().before_wait.load(Ordering::SeqCst), 3);
}

/// A wait with a timeout, and what the step does when it passes.
struct Patient;

#[workflow(external(Approval))]
impl Patient {
    #[step(stream_only(Request))]
    async fn ask(&self, ctx: &Context, ev: StartEvent<u64>) -> StopEvent<String> {
        let waited = ctx
            .wait_for_event::<Approval>()
            .requesting(Request { id: 7 })
            .timeout(Duration::from_secs(ev.input))
            .await;
        StopEvent::new(match waited {
            Ok(approval) => format!("approved: {}", approval.approved),
            Err(error) => error.to_string(),
        })
    }
}

#[tokio::test(start_paused = true)]
async fn a_wait_can_time_out_and_the_step_decides_what_then() {
    let result = Runner::new(Patient).run(30).await;
    assert_eq!(
        result.ok().as_deref(),
        Some("no `Approval` arrived within 30s")
    );
}

#[tokio::test(start_paused = true)]
async fn an_answer_within_the_timeout_ends_the_wait() {
    let mut handler = Runner::new(Patient).run(30);
    assert!(handler.next().await.is_some_and(|e| e.is::<Request>()));
    tokio::time::sleep(Duration::from_secs(10)).await;
    handler
        .send_event(Approval {
            id: 7,
            approved: true,
        })
        .expect("still waiting");
    assert_eq!(handler.await.ok().as_deref(), Some("approved: true"));
}

/// Waits for an event that only a step could produce, and none will.
struct Forgotten;

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Signal;

#[workflow]
impl Forgotten {
    #[step(sends(Signal))]
    async fn start(&self, ctx: &Context, _ev: StartEvent) -> Result<StopEvent, WaitError> {
        ctx.wait_for_event::<Signal>().await?;
        Ok(StopEvent::new(()))
    }

    #[step(allow(dead_end))]
    async fn signal(&self, _ev: Signal) {}
}

#[tokio::test]
async fn a_run_whose_steps_all_wait_for_events_nobody_can_send_stalls_and_says_so() {
    let mut handler = Runner::new(Forgotten).run(());
    let pending = last_event(&mut handler)
        .await
        .and_then(|e| e.downcast::<WorkflowStalled>().ok())
        .map(|s| s.pending);
    assert_eq!(
        pending,
        Some(vec!["step `start` waits for `Signal`".to_string()])
    );
    assert!(matches!(handler.await, Err(WorkflowError::Stalled { .. })));
}

// --- sends that could never be used, and answers that come before the wait ---------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Answer(u32);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Stray;

/// Works for a while before it asks; the answers may already be there.
#[workflow(external(Answer))]
impl SlowToAsk {
    #[step]
    async fn ask(
        &self,
        ctx: &Context,
        ev: StartEvent<u32>,
    ) -> Result<StopEvent<Vec<u32>>, WaitError> {
        tokio::time::sleep(Duration::from_secs(5)).await;
        let mut got = Vec::new();
        for _ in 0..ev.input {
            let wanted = self.0;
            let answer = ctx
                .wait_for_event::<Answer>()
                .matching(move |a| wanted == 0 || a.0 % wanted == 0)
                .await?;
            got.push(answer.0);
        }
        Ok(StopEvent::new(got))
    }
}

/// Answers are taken only when divisible by `.0` (0: any answer).
struct SlowToAsk(u32);

#[tokio::test(start_paused = true)]
async fn an_answer_sent_before_the_step_waits_is_kept_for_it() {
    let handler = Runner::new(SlowToAsk(0)).run(2);
    handler.send_event(Answer(7)).expect("declared external");
    handler.send_event(Answer(8)).expect("declared external");
    assert_eq!(
        handler.await.ok(),
        Some(vec![7, 8]),
        "in the order they came"
    );
}

#[tokio::test(start_paused = true)]
async fn a_kept_answer_goes_to_the_first_wait_it_satisfies() {
    let handler = Runner::new(SlowToAsk(2)).run(1);
    handler.send_event(Answer(3)).expect("declared external");
    handler.send_event(Answer(4)).expect("declared external");
    assert_eq!(handler.await.ok(), Some(vec![4]));
}

#[tokio::test(start_paused = true)]
async fn answers_are_kept_up_to_the_bound_and_a_send_past_it_is_refused() {
    let handler = Runner::new(SlowToAsk(0)).run(1);
    for n in 0..1024 {
        assert_eq!(handler.send_event(Answer(n)), Ok(()), "answer {n}");
    }
    assert_eq!(
        handler.send_event(Answer(9999)),
        Err(SendError::Full { limit: 1024 })
    );
    // The oldest is taken; nothing was dropped on the way.
    assert_eq!(handler.await.ok(), Some(vec![0]));
}

#[tokio::test(start_paused = true)]
async fn a_send_no_step_can_use_is_refused_and_the_run_goes_on() {
    let handler = Runner::new(SlowToAsk(0)).run(1);
    assert_eq!(
        handler.send_event(Stray),
        Err(SendError::NotExpected { event: "Stray" })
    );
    assert_eq!(handler.send_event(Answer(5)), Ok(()));
    assert_eq!(handler.await.ok(), Some(vec![5]));
    let message = SendError::NotExpected { event: "Stray" }.to_string();
    assert!(
        message.contains("#[workflow(external(Stray))]"),
        "{message}"
    );
}
