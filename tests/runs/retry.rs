//! Failing steps: retry policies, error-recovery steps and their budgets.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use eventflow::event::WorkflowFailed;
use eventflow::prelude::*;
use eventflow::retry::{Jitter, Stop, Wait};
use eventflow::step::StepPanic;
use eventflow_testkit::last_event;
use tokio::time::Instant;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Call(u32);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Answered(u32);

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("rate limited")]
struct RateLimited;

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("bad request")]
struct BadRequest;

/// Fails `failures` times, then succeeds; records the attempt number and the (virtual) time of
/// every execution.
struct Flaky {
    failures: u32,
    seen: Mutex<Vec<(u32, u32, Instant)>>,
}

impl Flaky {
    fn new(failures: u32) -> Self {
        Self {
            failures,
            seen: Mutex::new(Vec::new()),
        }
    }

    fn seen(&self) -> Vec<(u32, u32, Instant)> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn attempts(&self) -> Vec<(u32, u32)> {
        self.seen()
            .into_iter()
            .map(|(call, attempt, _)| (call, attempt))
            .collect()
    }

    fn gaps(&self) -> Vec<Duration> {
        self.seen().windows(2).map(|w| w[1].2 - w[0].2).collect()
    }

    fn call(&self, ctx: &Context, ev: &Call) -> Result<StopEvent<u32>, RateLimited> {
        if let Ok(mut seen) = self.seen.lock() {
            seen.push((ev.0, ctx.attempt(), Instant::now()));
        }
        if ctx.attempt() <= self.failures {
            Err(RateLimited)
        } else {
            Ok(StopEvent::new(ctx.attempt()))
        }
    }
}

struct FixedRetry(Flaky);

#[workflow]
impl FixedRetry {
    #[step]
    async fn start(&self, _ev: StartEvent) -> Call {
        Call(1)
    }

    #[step(retry = RetryPolicy::fixed(Duration::from_secs(2)).max_attempts(3))]
    async fn call(&self, ctx: &Context, ev: Call) -> Result<StopEvent<u32>, RateLimited> {
        self.0.call(ctx, &ev)
    }
}

#[tokio::test(start_paused = true)]
async fn a_fixed_delay_retry_runs_the_step_again_after_the_delay() {
    let runner = Runner::new(FixedRetry(Flaky::new(2)));
    assert_eq!(runner.run(()).await.ok(), Some(3));
    let flaky = &runner.workflow().0;
    assert_eq!(flaky.attempts(), [(1, 1), (1, 2), (1, 3)]);
    assert_eq!(
        flaky.gaps(),
        [Duration::from_secs(2), Duration::from_secs(2)]
    );
}

#[tokio::test(start_paused = true)]
async fn retries_stop_after_the_maximum_number_of_executions() {
    let runner = Runner::new(FixedRetry(Flaky::new(10)));
    let mut handler = runner.run(());
    let last = last_event(&mut handler).await;
    let error = handler.await.expect_err("the step keeps failing");
    assert!(
        matches!(error, WorkflowError::StepFailed { attempts: 3, .. }),
        "{error:?}"
    );
    assert_eq!(error.downcast_ref::<RateLimited>(), Some(&RateLimited));
    let failed = last
        .as_ref()
        .and_then(|e| e.downcast_ref::<WorkflowFailed>())
        .map(|f| f.attempts);
    assert_eq!(failed, Some(3));
    assert_eq!(runner.workflow().0.attempts().len(), 3);
}

/// The policy comes from the workflow's own configuration, read once when the runner is built.
struct Configured {
    flaky: Flaky,
    policy: RetryPolicy,
}

#[workflow]
impl Configured {
    #[step]
    async fn start(&self, _ev: StartEvent) -> Call {
        Call(1)
    }

    #[step(retry = self.policy.clone())]
    async fn call(&self, ctx: &Context, ev: Call) -> Result<StopEvent<u32>, RateLimited> {
        self.flaky.call(ctx, &ev)
    }
}

#[tokio::test(start_paused = true)]
async fn a_retry_policy_can_come_from_the_workflow_instance() {
    let patient = Runner::new(Configured {
        flaky: Flaky::new(3),
        policy: RetryPolicy::fixed(Duration::from_secs(1)).max_attempts(4),
    });
    assert_eq!(patient.run(()).await.ok(), Some(4));
    let hasty = Runner::new(Configured {
        flaky: Flaky::new(3),
        policy: RetryPolicy::fixed(Duration::from_secs(1)).max_attempts(2),
    });
    let error = hasty
        .run(())
        .await
        .expect_err("two attempts are not enough");
    assert!(matches!(
        error,
        WorkflowError::StepFailed { attempts: 2, .. }
    ));
}

struct Backoff(Flaky, u64);

#[workflow]
impl Backoff {
    #[step]
    async fn start(&self, _ev: StartEvent) -> Call {
        Call(1)
    }

    #[step(retry = RetryPolicy::new(
        Wait::exponential(Duration::from_millis(100)).max(Duration::from_millis(500)).jitter(Jitter::Equal),
    )
    .stop(Stop::attempts(6) | Stop::elapsed(Duration::from_secs(60)))
    .seed(self.1))]
    async fn call(&self, ctx: &Context, ev: Call) -> Result<StopEvent<u32>, RateLimited> {
        self.0.call(ctx, &ev)
    }
}

#[tokio::test(start_paused = true)]
async fn exponential_backoff_with_seeded_jitter_is_reproducible_and_capped() {
    let runner = Runner::new(Backoff(Flaky::new(5), 7));
    assert_eq!(runner.run(()).await.ok(), Some(6));
    let gaps = runner.workflow().0.gaps();
    assert_eq!(gaps.len(), 5);
    // Equal jitter: between half and all of 100, 200, 400, 500 (capped), 500 ms.
    let caps = [100, 200, 400, 500, 500];
    for (gap, cap) in gaps.iter().zip(caps) {
        let cap = Duration::from_millis(cap);
        assert!(
            *gap >= cap / 2 && *gap <= cap,
            "{gap:?} outside [{:?}, {cap:?}]",
            cap / 2
        );
    }
    // The same seed gives the same delays.
    let again = Runner::new(Backoff(Flaky::new(5), 7));
    assert!(again.run(()).await.is_ok());
    assert_eq!(again.workflow().0.gaps(), gaps);
}

struct Budget(Flaky);

#[workflow]
impl Budget {
    #[step]
    async fn start(&self, _ev: StartEvent) -> Call {
        Call(1)
    }

    #[step(retry = RetryPolicy::fixed(Duration::from_secs(4)).stop(Stop::never()).max_elapsed(Duration::from_secs(10)))]
    async fn call(&self, ctx: &Context, ev: Call) -> Result<StopEvent<u32>, RateLimited> {
        self.0.call(ctx, &ev)
    }
}

#[tokio::test(start_paused = true)]
async fn a_time_budget_stops_retrying() {
    let runner = Runner::new(Budget(Flaky::new(100)));
    let error = runner.run(()).await.expect_err("the budget runs out");
    // Executions at 0 s, 4 s and 8 s; a fourth would start at 12 s, past the 10 s budget.
    assert!(
        matches!(error, WorkflowError::StepFailed { attempts: 3, .. }),
        "{error:?}"
    );
}

/// The budget given before the attempt limit: the limit must not drop it.
struct BudgetFirst(Flaky);

#[workflow]
impl BudgetFirst {
    #[step]
    async fn start(&self, _ev: StartEvent) -> Call {
        Call(1)
    }

    #[step(retry = RetryPolicy::fixed(Duration::from_millis(200)).max_elapsed(Duration::from_millis(600)).max_attempts(10))]
    async fn call(&self, ctx: &Context, ev: Call) -> Result<StopEvent<u32>, RateLimited> {
        self.0.call(ctx, &ev)
    }
}

#[tokio::test(start_paused = true)]
async fn a_time_budget_and_an_attempt_limit_combine_in_either_order() {
    let runner = Runner::new(BudgetFirst(Flaky::new(100)));
    let error = runner.run(()).await.expect_err("the budget runs out");
    // Executions at 0, 200 and 400 ms; a fourth would start at 600 ms, when the budget ends.
    assert!(
        matches!(error, WorkflowError::StepFailed { attempts: 3, .. }),
        "{error:?}"
    );
    assert_eq!(runner.workflow().0.attempts(), [(1, 1), (1, 2), (1, 3)]);
}

struct RateAware(Flaky);

#[workflow]
impl RateAware {
    #[step]
    async fn start(&self, _ev: StartEvent) -> Call {
        Call(1)
    }

    #[step(retry = RetryPolicy::fixed(Duration::from_millis(10)).max_attempts(4).decide(|failure, planned| {
        (failure.attempts < 3).then_some(planned * failure.attempts * 100)
    }))]
    async fn call(&self, ctx: &Context, ev: Call) -> Result<StopEvent<u32>, RateLimited> {
        self.0.call(ctx, &ev)
    }
}

#[tokio::test(start_paused = true)]
async fn a_custom_retry_decision_picks_each_delay_and_can_give_up() {
    let runner = Runner::new(RateAware(Flaky::new(100)));
    let error = runner.run(()).await.expect_err("the decision gives up");
    assert!(
        matches!(error, WorkflowError::StepFailed { attempts: 3, .. }),
        "{error:?}"
    );
    assert_eq!(
        runner.workflow().0.gaps(),
        [Duration::from_secs(1), Duration::from_secs(2)]
    );
}

/// Hangs on its first `hangs` executions, then answers at once.
struct Slow {
    hangs: u32,
    executions: AtomicU32,
}

impl Slow {
    fn new(hangs: u32) -> Self {
        Self {
            hangs,
            executions: AtomicU32::new(0),
        }
    }

    async fn call(&self, ev: Call) -> StopEvent<u32> {
        let n = self.executions.fetch_add(1, Ordering::SeqCst) + 1;
        if n <= self.hangs {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        StopEvent::new(ev.0 + n)
    }
}

struct Deadline(Slow);

#[workflow]
impl Deadline {
    #[step]
    async fn start(&self, _ev: StartEvent) -> Call {
        Call(100)
    }

    #[step(timeout = Duration::from_secs(2))]
    async fn call(&self, ev: Call) -> StopEvent<u32> {
        self.0.call(ev).await
    }
}

#[tokio::test(start_paused = true)]
async fn a_step_past_its_deadline_fails_naming_the_step_and_the_deadline() {
    let began = Instant::now();
    let error = Runner::new(Deadline(Slow::new(1)))
        .run(())
        .await
        .expect_err("the step overruns");
    let WorkflowError::StepFailed {
        step,
        source,
        attempts,
        ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!((step.as_str(), *attempts), ("call", 1));
    let timed_out = source.downcast_ref::<eventflow::error::StepTimedOut>();
    assert_eq!(
        timed_out.map(|t| (t.step, t.limit)),
        Some(("call", Duration::from_secs(2)))
    );
    assert_eq!(began.elapsed(), Duration::from_secs(2));
    let quick = Runner::new(Deadline(Slow::new(0))).run(()).await;
    assert_eq!(
        quick.ok(),
        Some(101),
        "a step within its deadline is untouched"
    );
}

struct DeadlineRetried(Slow);

#[workflow]
impl DeadlineRetried {
    #[step]
    async fn start(&self, _ev: StartEvent) -> Call {
        Call(100)
    }

    #[step(timeout = Duration::from_secs(2), retry = RetryPolicy::fixed(Duration::from_secs(1)))]
    async fn call(&self, ev: Call) -> StopEvent<u32> {
        self.0.call(ev).await
    }
}

#[tokio::test(start_paused = true)]
async fn an_overrun_is_retried_like_any_failure() {
    let began = Instant::now();
    let runner = Runner::new(DeadlineRetried(Slow::new(2)));
    assert_eq!(runner.run(()).await.ok(), Some(103));
    // Two overruns of 2 s, each followed by a 1 s wait, then the third execution answers.
    assert_eq!(began.elapsed(), Duration::from_secs(6));
    assert_eq!(runner.workflow().0.executions.load(Ordering::SeqCst), 3);
}

struct DeadlineRecovered(Slow);

#[workflow]
impl DeadlineRecovered {
    #[step]
    async fn start(&self, _ev: StartEvent) -> Call {
        Call(100)
    }

    #[step(timeout = Duration::from_millis(500))]
    async fn call(&self, ev: Call) -> StopEvent<u32> {
        self.0.call(ev).await
    }

    #[step(catch_errors(call))]
    async fn fallback(&self, failed: StepFailed) -> StopEvent<u32> {
        assert!(
            failed.message().contains("deadline of 500ms"),
            "{}",
            failed.message()
        );
        StopEvent::new(0)
    }
}

#[tokio::test(start_paused = true)]
async fn an_overrun_goes_to_the_recovery_step() {
    let runner = Runner::new(DeadlineRecovered(Slow::new(1)));
    assert_eq!(runner.run(()).await.ok(), Some(0));
}

struct Selective {
    executions: AtomicU32,
}

#[workflow]
impl Selective {
    #[step]
    async fn start(&self, ev: StartEvent<bool>) -> Call {
        Call(u32::from(ev.input))
    }

    #[step(retry = RetryPolicy::immediate().max_attempts(5).retry_on::<RateLimited>())]
    async fn call(
        &self,
        ctx: &Context,
        ev: Call,
    ) -> Result<StopEvent<u32>, eventflow::error::BoxError> {
        self.executions.fetch_add(1, Ordering::SeqCst);
        match (ev.0, ctx.attempt()) {
            (1, attempt) if attempt < 3 => Err(Box::new(RateLimited)),
            (1, attempt) => Ok(StopEvent::new(attempt)),
            _ => Err(Box::new(BadRequest)),
        }
    }
}

#[tokio::test]
async fn only_errors_the_predicate_selects_are_retried() {
    let runner = Runner::new(Selective {
        executions: AtomicU32::new(0),
    });
    assert_eq!(runner.run(true).await.ok(), Some(3));
    assert_eq!(runner.workflow().executions.swap(0, Ordering::SeqCst), 3);

    let error = runner.run(false).await.expect_err("not retried");
    assert_eq!(error.downcast_ref::<BadRequest>(), Some(&BadRequest));
    assert_eq!(runner.workflow().executions.load(Ordering::SeqCst), 1);
}

/// With one worker, a retried event runs again before events queued behind it.
struct Ordered {
    log: Mutex<Vec<(u32, u32)>>,
}

#[workflow]
impl Ordered {
    #[step(sends(Call))]
    async fn start(&self, ctx: &Context, _ev: StartEvent) {
        for i in 1..=3 {
            ctx.send_event(Call(i));
        }
    }

    #[step(num_workers = 1, retry = RetryPolicy::immediate().max_attempts(2))]
    async fn call(&self, ctx: &Context, ev: Call) -> Result<Answered, RateLimited> {
        if let Ok(mut log) = self.log.lock() {
            log.push((ev.0, ctx.attempt()));
        }
        tokio::task::yield_now().await;
        if ev.0 == 1 && ctx.attempt() == 1 {
            Err(RateLimited)
        } else {
            Ok(Answered(ev.0 + 10))
        }
    }

    #[step]
    async fn done(&self, ctx: &Context, ev: Answered) -> Option<StopEvent<u32>> {
        let all = ctx.collect_many::<Answered>(ev, 3)?;
        Some(StopEvent::new(all.iter().map(|c| c.0).sum()))
    }
}

#[tokio::test]
async fn a_retried_event_goes_to_the_head_of_its_step_queue() {
    let runner = Runner::new(Ordered {
        log: Mutex::new(Vec::new()),
    });
    assert_eq!(runner.run(()).await.ok(), Some(36));
    let log = runner
        .workflow()
        .log
        .lock()
        .map(|l| l.clone())
        .unwrap_or_default();
    assert_eq!(log, [(1, 1), (1, 2), (2, 1), (3, 1)]);
}

struct Panicky {
    executions: AtomicU32,
}

#[workflow]
impl Panicky {
    #[step(retry = RetryPolicy::immediate().max_attempts(2))]
    async fn only(&self, ctx: &Context, _ev: StartEvent) -> StopEvent<u32> {
        self.executions.fetch_add(1, Ordering::SeqCst);
        assert!(ctx.attempt() > 1, "first attempt panics");
        StopEvent::new(ctx.attempt())
    }
}

#[tokio::test]
async fn a_panicking_step_is_retried_like_a_failing_one() {
    let runner = Runner::new(Panicky {
        executions: AtomicU32::new(0),
    });
    assert_eq!(runner.run(()).await.ok(), Some(2));
    assert_eq!(runner.workflow().executions.load(Ordering::SeqCst), 2);
}

// --- error recovery ------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Draft(String);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Summary(String);

/// Summarising fails for drafts that say "fail"; the recovery step answers with a canned
/// summary, or (for "loop") sends the same draft back, which fails again.
struct Recovering {
    recovered: Mutex<Vec<(String, String, String, u32)>>,
}

#[workflow]
impl Recovering {
    #[step]
    async fn start(&self, ev: StartEvent<String>) -> Draft {
        Draft(ev.input)
    }

    #[step(retry = RetryPolicy::immediate().max_attempts(2))]
    async fn summarize(&self, ev: Draft) -> Result<Summary, RateLimited> {
        if ev.0.contains("fail") || ev.0.contains("loop") {
            Err(RateLimited)
        } else {
            Ok(Summary(ev.0.to_uppercase()))
        }
    }

    #[step]
    async fn publish(&self, ev: Summary) -> StopEvent<String> {
        StopEvent::new(ev.0)
    }

    #[step(catch_errors(summarize), max_recoveries = 2)]
    async fn fallback(&self, failed: StepFailed) -> OneOf![Summary | Draft] {
        let draft = failed
            .input()
            .and_then(|e| e.downcast_ref::<Draft>())
            .map(|d| d.0.clone())
            .unwrap_or_default();
        if let Ok(mut recovered) = self.recovered.lock() {
            recovered.push((
                failed.step().to_owned(),
                draft.clone(),
                failed.message().to_owned(),
                failed.attempts(),
            ));
        }
        assert!(failed.downcast_ref::<RateLimited>().is_some());
        if draft.contains("loop") {
            Draft(draft).into()
        } else {
            Summary(format!("summary unavailable for {draft:?}")).into()
        }
    }
}

#[tokio::test]
async fn a_recovery_step_receives_the_failure_and_carries_the_run_on() {
    let runner = Runner::new(Recovering {
        recovered: Mutex::new(Vec::new()),
    });
    assert_eq!(
        runner.run("hello".into()).await.ok().as_deref(),
        Some("HELLO")
    );
    let result = runner.run("fail".into()).await;
    assert_eq!(
        result.ok().as_deref(),
        Some(r#"summary unavailable for "fail""#)
    );
    let recovered = runner
        .workflow()
        .recovered
        .lock()
        .map(|r| r.clone())
        .unwrap_or_default();
    assert_eq!(
        recovered,
        [(
            "summarize".to_string(),
            "fail".to_string(),
            "rate limited".to_string(),
            2
        )]
    );
}

#[tokio::test]
async fn a_loop_of_failures_ends_when_the_recovery_budget_is_spent() {
    let runner = Runner::new(Recovering {
        recovered: Mutex::new(Vec::new()),
    });
    let error = runner
        .run("loop".into())
        .await
        .expect_err("the budget runs out");
    assert_eq!(error.step(), Some("summarize"));
    // Two recoveries, then the third failure of the chain fails the run.
    let recovered = runner
        .workflow()
        .recovered
        .lock()
        .map(|r| r.len())
        .unwrap_or_default();
    assert_eq!(recovered, 2);
}

struct CatchAll;

#[workflow]
impl CatchAll {
    #[step]
    async fn start(&self, ev: StartEvent<u32>) -> Call {
        Call(ev.input)
    }

    #[step]
    async fn divide(&self, ev: Call) -> StopEvent<u32> {
        StopEvent::new(100 / ev.0)
    }

    #[step(catch_errors)]
    async fn rescue(&self, failed: StepFailed) -> Result<StopEvent<u32>, String> {
        if failed.downcast_ref::<StepPanic>().is_some() {
            Ok(StopEvent::new(0))
        } else {
            Err(format!("cannot rescue {}", failed.step()))
        }
    }
}

#[tokio::test]
async fn a_catch_all_recovery_step_handles_panics_of_any_step() {
    let runner = Runner::new(CatchAll);
    assert_eq!(runner.run(4).await.ok(), Some(25));
    assert_eq!(runner.run(0).await.ok(), Some(0));
}

struct FailingRecovery;

#[workflow]
impl FailingRecovery {
    #[step]
    async fn start(&self, _ev: StartEvent) -> Result<StopEvent, RateLimited> {
        Err(RateLimited)
    }

    #[step(catch_errors)]
    async fn rescue(&self, _failed: StepFailed) -> Result<StopEvent, BadRequest> {
        Err(BadRequest)
    }
}

#[tokio::test]
async fn a_failing_recovery_step_fails_the_run() {
    let error = Runner::new(FailingRecovery)
        .run(())
        .await
        .expect_err("the recovery fails");
    assert_eq!(error.step(), Some("rescue"));
    assert_eq!(error.downcast_ref::<BadRequest>(), Some(&BadRequest));
}
