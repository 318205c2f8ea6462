//! Recorded runs: what each step did, which events flowed where, fan-outs, failures, waits, and
//! the timeline.

use std::sync::atomic::{AtomicU32, Ordering};

use eventflow::StepFailed;
use eventflow::prelude::*;
use eventflow::trace::{AfterFailure, Endpoint, RunTrace, TraceOutcome, What};

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Job(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Done(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Progress(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Question;

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Answer(bool);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Summary(u32);

#[derive(Debug, thiserror::Error)]
#[error("flaky")]
struct Flaky;

/// Fans out three jobs; job 1 fails once and is retried, job 2 fails twice (retried once) and is
/// recovered; the summary waits for the caller's answer.
struct Traced {
    failures: AtomicU32,
}

#[workflow(external(Answer))]
impl Traced {
    #[step]
    async fn split(&self, ev: StartEvent<u32>) -> Vec<Job> {
        (0..ev.input).map(Job).collect()
    }

    #[step(retry = RetryPolicy::immediate().max_attempts(2), stream_only(Progress))]
    async fn work(&self, ctx: &Context, job: Job) -> Result<Done, Flaky> {
        ctx.write_event_to_stream(Progress(job.0));
        let fail = match job.0 {
            1 => ctx.attempt() == 1,
            2 => true,
            _ => false,
        };
        if fail {
            self.failures.fetch_add(1, Ordering::SeqCst);
            return Err(Flaky);
        }
        Ok(Done(job.0))
    }

    #[step(catch_errors(work))]
    async fn rescue(&self, failed: StepFailed) -> Option<Done> {
        let job = failed.input()?.downcast_ref::<Job>()?;
        Some(Done(100 + job.0))
    }

    #[step]
    async fn gather(&self, done: Vec<Done>) -> Summary {
        Summary(done.iter().map(|d| d.0).sum())
    }

    #[step(stream_only(Question))]
    async fn confirm(&self, ctx: &Context, ev: Summary) -> Result<StopEvent<u32>, WaitError> {
        let answer = ctx.wait_for_event::<Answer>().requesting(Question).await?;
        Ok(StopEvent::new(if answer.0 { ev.0 } else { 0 }))
    }
}

async fn traced_run() -> (Runner<Traced>, Option<RunTrace>, Option<u32>) {
    let runner = Runner::new(Traced {
        failures: AtomicU32::new(0),
    })
    .record_runs(true);
    let mut handler = runner.run(3);
    let control = handler.control();
    let mut during = None;
    while let Some(event) = handler.next().await {
        if event.is::<Question>() {
            during = control.trace();
            let _ = handler.send_event(Answer(true));
        }
    }
    let result = handler.await.ok();
    (runner, during, result)
}

#[tokio::test]
async fn a_recorded_run_counts_executions_failures_and_waits() {
    let (runner, during, result) = traced_run().await;
    // 0 + 1 (after a retry) + 102 (recovered).
    assert_eq!(result, Some(103));
    let trace = runner.last_run().expect("the run was recorded");
    assert_eq!(trace.workflow, "Traced");
    assert_eq!(trace.outcome, TraceOutcome::Completed);

    let work = trace.step("work").expect("a step");
    assert_eq!(
        (work.started, work.succeeded, work.failed, work.retried),
        (5, 2, 3, 2)
    );
    let confirm = trace.step("confirm").expect("a step");
    assert_eq!((confirm.started, confirm.waited), (1, 1));
    let order: Vec<(&str, Option<u32>)> = trace
        .steps
        .iter()
        .map(|s| (s.name.as_str(), s.order))
        .collect();
    assert_eq!(
        order,
        [
            ("split", Some(1)),
            ("work", Some(2)),
            ("rescue", Some(3)),
            ("gather", Some(4)),
            ("confirm", Some(5))
        ]
    );

    // Taken while the last step waited: the run was still going.
    let during = during.expect("a trace while running");
    assert_eq!(during.outcome, TraceOutcome::Running);
    assert!(matches!(
        during.timeline.last().map(|h| &h.what),
        Some(What::Waiting { step, event }) if step == "confirm" && event == "Answer"
    ));
}

#[tokio::test]
async fn a_recorded_run_counts_the_events_between_steps() {
    let (runner, _, _) = traced_run().await;
    let trace = runner.last_run().expect("the run was recorded");
    let step = Endpoint::step;
    assert_eq!(
        trace.count(&Endpoint::Outside, "StartEvent", &step("split")),
        1
    );
    assert_eq!(trace.count(&step("split"), "Job", &step("work")), 3);
    assert_eq!(trace.count(&step("work"), "Done", &step("gather")), 2);
    assert_eq!(trace.count(&step("work"), "StepFailed", &step("rescue")), 1);
    assert_eq!(trace.count(&step("rescue"), "Done", &step("gather")), 1);
    assert_eq!(trace.count(&step("work"), "Progress", &Endpoint::Stream), 5);
    assert_eq!(
        trace.count(&Endpoint::Outside, "Answer", &step("confirm")),
        1
    );
    assert_eq!(
        trace.count(&step("confirm"), "StopEvent", &Endpoint::End),
        1
    );

    let fan_out = &trace.fan_outs[0];
    assert_eq!(
        (
            fan_out.step.as_str(),
            fan_out.fan_outs,
            fan_out.events,
            fan_out.joined
        ),
        ("split", 1, 3, 1)
    );
    assert!(trace.timeline.iter().any(|h| matches!(
        &h.what,
        What::Failed { step, then: AfterFailure::Recover(by), .. } if step == "work" && by == "rescue"
    )));
    assert!(trace.timeline.iter().any(|h| matches!(
        &h.what,
        What::Joined { step, events: 3 } if step == "gather"
    )));
    assert!(matches!(
        trace.timeline.last().map(|h| &h.what),
        Some(What::Ended(TraceOutcome::Completed))
    ));
    // The timeline is in order of time.
    assert!(trace.timeline.windows(2).all(|w| w[0].at <= w[1].at));
}

#[tokio::test]
async fn runs_are_not_recorded_unless_asked() {
    let runner = Runner::new(Traced {
        failures: AtomicU32::new(0),
    });
    let handler = runner.run(0);
    assert!(handler.control().trace().is_none());
    handler.cancel();
    let _ = handler.await;
    assert!(runner.last_run().is_none());
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Ping(u32);

struct Bounce;

#[workflow]
impl Bounce {
    #[step]
    async fn start(&self, ev: StartEvent<u32>) -> Ping {
        Ping(ev.input)
    }

    #[step]
    async fn bounce(&self, ev: Ping) -> Result<OneOf![Ping | StopEvent<u32>], String> {
        match ev.0 {
            0 => Err("reached zero".to_string()),
            n => Ok(Ping(n - 1).into()),
        }
    }
}

#[tokio::test]
async fn a_long_run_keeps_every_count_and_the_start_of_its_timeline() {
    let runner = Runner::new(Bounce).record_runs(true);
    let error = runner.run(6_000).await.expect_err("the last bounce fails");
    assert_eq!(error.step(), Some("bounce"));
    let trace = runner.last_run().expect("recorded");
    assert_eq!(
        trace.outcome,
        TraceOutcome::Failed {
            step: "bounce".into(),
            error: "reached zero".into()
        }
    );
    assert_eq!(trace.step("bounce").map(|s| s.started), Some(6_001));
    assert_eq!(trace.timeline.len(), RunTrace::TIMELINE_LIMIT);
    // Two happenings per execution, plus the start's, the failure's and the end's.
    let all = 2 * 6_002 + 1;
    assert_eq!(
        trace.timeline_dropped,
        all - RunTrace::TIMELINE_LIMIT as u64
    );
}

#[tokio::test]
async fn a_trace_round_trips_through_json() -> Result<(), serde_json::Error> {
    let (runner, _, _) = traced_run().await;
    let trace = runner.last_run().expect("recorded");
    let back: RunTrace = serde_json::from_str(&serde_json::to_string(&trace)?)?;
    assert_eq!(back, trace);
    Ok(())
}
