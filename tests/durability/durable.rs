//! Suspending a run that waits for a person into a store, and resuming it with another runner
//! (as another process would): what is kept, what runs again, and what is refused.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use eventflow::RunId;
use eventflow::error::{ResumeError, SuspendError};
use eventflow::event::WorkflowSuspended;
use eventflow::prelude::*;
use eventflow::store::{CheckpointStore, Commit, MemoryStore, RunHeader, RunStatus};
use eventflow_testkit::crash::{Hang, KeyLog, crash_then_resume};
use eventflow_testkit::{drain, runtime};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Approval {
    approved: bool,
    by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct ApprovalRequested {
    draft: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Review {
    draft: String,
    revisions: u32,
}

/// Drafts, asks for approval on the stream, and publishes once a person approves: the waiting
/// happens between steps, so nothing runs while it waits.
#[derive(Default)]
struct Publisher {
    drafts: AtomicUsize,
}

#[workflow(state = Review, external(Approval))]
impl Publisher {
    #[step(stream_only(ApprovalRequested))]
    async fn draft(&self, ctx: &Context<Review>, ev: StartEvent<String>) -> ApprovalRequested {
        self.drafts.fetch_add(1, Ordering::SeqCst);
        let draft = format!("{} (draft)", ev.input);
        ctx.state().edit(|r| {
            r.draft = draft.clone();
            r.revisions += 1;
        });
        ApprovalRequested { draft }
    }

    #[step]
    async fn publish(&self, ctx: &Context<Review>, ev: Approval) -> StopEvent<String> {
        let review = ctx.state().get();
        if ev.approved {
            StopEvent::new(format!(
                "published {} ({} by {})",
                review.draft, review.revisions, ev.by
            ))
        } else {
            StopEvent::new(format!("rejected by {}", ev.by))
        }
    }
}

fn publisher(store: &Arc<MemoryStore>) -> Runner<Publisher> {
    Runner::new(Publisher::default()).store(store.clone())
}

async fn until_requested(handler: &mut WorkflowHandler<Publisher>) -> ApprovalRequested {
    while let Some(event) = handler.next().await {
        if let Some(request) = event.downcast_ref::<ApprovalRequested>() {
            return request.clone();
        }
    }
    panic!("the run ended without asking for approval");
}

#[tokio::test]
async fn a_run_waiting_for_a_person_is_suspended_and_resumed_by_another_runner() {
    let store = Arc::new(MemoryStore::new());
    let first = publisher(&store);
    let mut handler = first.run("Rust 2027".into());
    assert_eq!(
        until_requested(&mut handler).await.draft,
        "Rust 2027 (draft)"
    );
    let run = handler.suspend().await.expect("a waiting run suspends");
    assert_eq!(run, handler.run_id());

    // The suspended run ended here, and said so last.
    let rest = drain(&mut handler).await;
    let last = rest
        .last()
        .and_then(|e| e.downcast_ref::<WorkflowSuspended>());
    assert_eq!(last.map(|s| s.run_id.clone()), Some(run.to_string()));
    assert!(matches!(handler.await, Err(WorkflowError::Suspended { run: r }) if r == run));
    let header = store.load(run).ok().flatten().map(|s| s.header);
    assert_eq!(
        header.map(|h| (h.status, h.workflow)),
        Some((RunStatus::Waiting, "Publisher".into()))
    );

    // Another runner, with a workflow instance of its own, as in a later process.
    let second = publisher(&store);
    let resumed = second.resume(run).expect("the run resumes");
    assert_eq!(resumed.run_id(), run);
    assert_eq!(
        resumed.state(),
        Review {
            draft: "Rust 2027 (draft)".into(),
            revisions: 1
        }
    );
    resumed
        .send_event(Approval {
            approved: true,
            by: "Ada".into(),
        })
        .expect("the resumed run takes the answer");
    assert_eq!(
        resumed.await.ok().as_deref(),
        Some("published Rust 2027 (draft) (1 by Ada)")
    );
    // The draft step finished before the suspension: it never ran again.
    assert_eq!(second.workflow().drafts.load(Ordering::SeqCst), 0);
    assert_eq!(first.workflow().drafts.load(Ordering::SeqCst), 1);
    let status = store.load(run).ok().flatten().map(|s| s.header.status);
    assert_eq!(status, Some(RunStatus::Completed));
    // An ended run is not resumed twice.
    assert!(matches!(
        second.resume(run),
        Err(ResumeError::Finished {
            status: RunStatus::Completed,
            ..
        })
    ));
}

/// Waits for the answer inside its step: a suspension runs the step again from its start.
#[derive(Default)]
struct Gate {
    asked: AtomicUsize,
}

#[workflow(external(Approval))]
impl Gate {
    #[step]
    async fn ask(
        &self,
        ctx: &Context,
        ev: StartEvent<u32>,
    ) -> Result<StopEvent<String>, WaitError> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        let answer = ctx.wait_for_event::<Approval>().await?;
        Ok(StopEvent::new(format!(
            "{} {} on attempt {}",
            ev.input,
            answer.by,
            ctx.attempt()
        )))
    }
}

#[tokio::test]
async fn a_step_waiting_inside_its_execution_runs_again_on_the_same_input() {
    let store = Arc::new(MemoryStore::new());
    let first = Runner::new(Gate::default()).store(store.clone());
    let handler = first.run(7);
    let run = handler.suspend().await.expect("a waiting step suspends");
    assert_eq!(first.workflow().asked.load(Ordering::SeqCst), 1);

    let second = Runner::new(Gate::default()).store(store.clone());
    let resumed = second.resume(run).expect("the run resumes");
    resumed
        .send_event(Approval {
            approved: true,
            by: "Grace".into(),
        })
        .expect("the answer goes in");
    assert_eq!(resumed.await.ok().as_deref(), Some("7 Grace on attempt 1"));
    // The step ran again from its start, on its input: at least once, exactly as documented.
    assert_eq!(second.workflow().asked.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_suspended_run_can_be_suspended_again_and_its_journal_grows() {
    let store = Arc::new(MemoryStore::new());
    let handler = Runner::new(Gate::default()).store(store.clone()).run(1);
    let run = handler.suspend().await.expect("suspended once");
    let again = Runner::new(Gate::default())
        .store(store.clone())
        .resume(run)
        .expect("resumed");
    assert_eq!(again.suspend().await.ok(), Some(run));
    // Suspended, taken up by the second runner, suspended again.
    let steps: Option<Vec<String>> = store
        .load(run)
        .ok()
        .flatten()
        .map(|s| s.commits.into_iter().map(|c| c.step).collect());
    assert_eq!(
        steps.as_deref(),
        Some(
            &[
                "(suspended)".to_owned(),
                "(resumed)".into(),
                "(suspended)".into()
            ][..]
        )
    );
    let last = Runner::new(Gate::default())
        .store(store.clone())
        .resume(run)
        .expect("resumed again");
    last.send_event(Approval {
        approved: true,
        by: "Lin".into(),
    })
    .expect("answer");
    assert_eq!(last.await.ok().as_deref(), Some("1 Lin on attempt 1"));
}

#[tokio::test]
async fn a_run_is_suspended_only_once_nothing_in_it_runs() {
    /// Works a while before it waits.
    struct Slow;

    #[workflow(external(Approval))]
    impl Slow {
        #[step]
        async fn work(&self, ev: StartEvent<u64>) -> ApprovalRequested {
            tokio::time::sleep(Duration::from_millis(ev.input)).await;
            ApprovalRequested {
                draft: "done".into(),
            }
        }

        #[step]
        async fn wait(
            &self,
            ctx: &Context,
            ev: ApprovalRequested,
        ) -> Result<StopEvent<String>, WaitError> {
            let answer = ctx.wait_for_event::<Approval>().await?;
            Ok(StopEvent::new(format!("{} by {}", ev.draft, answer.by)))
        }
    }

    let store = Arc::new(MemoryStore::new());
    let handler = Runner::new(Slow).store(store.clone()).run(20);
    // Asked while `work` runs: the run is suspended after it, with `wait` waiting.
    let run = handler.suspend().await.expect("suspended once idle");
    let resumed = Runner::new(Slow).store(store).resume(run).expect("resumed");
    resumed
        .send_event(Approval {
            approved: true,
            by: "Kay".into(),
        })
        .expect("answer");
    assert_eq!(resumed.await.ok().as_deref(), Some("done by Kay"));
}

#[tokio::test]
async fn suspending_needs_a_store_and_a_run_that_has_not_ended() {
    let handler = Runner::new(Gate::default()).run(1);
    assert!(matches!(
        handler.suspend().await,
        Err(SuspendError::NoStore)
    ));
    // The run goes on as if not asked.
    handler
        .send_event(Approval {
            approved: true,
            by: "Max".into(),
        })
        .expect("still running");
    assert_eq!(handler.await.ok().as_deref(), Some("1 Max on attempt 1"));

    let store = Arc::new(MemoryStore::new());
    let ended = Runner::new(Gate::default()).store(store).run(2);
    ended.cancel();
    assert!(matches!(ended.suspend().await, Err(SuspendError::Ended)));
}

#[tokio::test]
async fn resuming_refuses_what_it_cannot_trust() {
    let store = Arc::new(MemoryStore::new());
    let runner = Runner::new(Gate::default()).store(store.clone());
    let unknown = RunId::from_u64(404);
    assert!(matches!(runner.resume(unknown), Err(ResumeError::UnknownRun(r)) if r == unknown));
    assert!(matches!(
        Runner::new(Gate::default()).resume(unknown),
        Err(ResumeError::NoStore)
    ));

    // A run of another workflow.
    let other = publisher(&store).run("x".into());
    let mut other = other;
    until_requested(&mut other).await;
    let other_run = other.suspend().await.expect("suspended");
    match runner.resume(other_run) {
        Err(ResumeError::OtherWorkflow {
            found, expected, ..
        }) => {
            assert_eq!((found.as_str(), expected), ("Publisher", "Gate"));
        }
        result => panic!("expected OtherWorkflow, got {:?}", result.err()),
    }

    // A checkpoint that is not one: an error naming the run, never a panic.
    let garbage = RunId::from_u64(500);
    store
        .create(
            &RunHeader::new(garbage, "Gate", 0),
            &Commit::new(0, "(start)", b"{}".to_vec()),
        )
        .expect("created");
    for (seq, record) in [
        &b"{\"format\":1"[..],
        b"not json",
        b"{\"format\":99}",
        b"{}",
    ]
    .iter()
    .enumerate()
    {
        store
            .commit(
                garbage,
                &Commit::new(seq as u64 + 1, "(suspended)", record.to_vec()),
                RunStatus::Waiting,
            )
            .expect("committed");
        match runner.resume(garbage) {
            Err(ResumeError::Corrupt { run, reason }) => {
                assert_eq!(run, garbage);
                assert!(!reason.is_empty());
                if seq == 2 {
                    assert!(reason.contains("layout 99"), "{reason}");
                }
            }
            result => panic!("record {seq}: expected Corrupt, got {:?}", result.err()),
        }
    }
}

/// `Gate` as a later release changed it: its step now emits an event of its own.
mod changed {
    use super::Approval;
    use eventflow::prelude::*;

    #[derive(Debug, Clone, Serialize, Deserialize, Event)]
    pub(crate) struct Answered(pub(crate) String);

    pub(crate) struct Gate;

    #[workflow(name = "Gate", external(Approval))]
    impl Gate {
        #[step]
        async fn ask(&self, ctx: &Context, _ev: StartEvent<u32>) -> Result<Answered, WaitError> {
            let answer = ctx.wait_for_event::<Approval>().await?;
            Ok(Answered(answer.by))
        }

        #[step]
        async fn done(&self, ev: Answered) -> StopEvent<String> {
            StopEvent::new(ev.0)
        }
    }
}

#[tokio::test]
async fn a_changed_workflow_does_not_resume_an_old_run_and_says_what_changed() {
    let store = Arc::new(MemoryStore::new());
    let run = Runner::new(Gate::default())
        .store(store.clone())
        .run(1)
        .suspend()
        .await
        .expect("suspended");
    match Runner::new(changed::Gate).store(store.clone()).resume(run) {
        Err(ResumeError::WorkflowChanged { changes, .. }) => assert_eq!(
            changes,
            [
                "step `ask`: `emits StopEvent` removed",
                "step `ask`: `emits Answered` added",
                "step `done` added",
            ]
        ),
        result => panic!("expected WorkflowChanged, got {:?}", result.err()),
    }
    // Nothing was lost: the unchanged workflow still resumes it.
    let resumed = Runner::new(Gate::default())
        .store(store)
        .resume(run)
        .expect("resumes");
    resumed
        .send_event(Approval {
            approved: true,
            by: "Bo".into(),
        })
        .expect("answer");
    assert_eq!(resumed.await.ok().as_deref(), Some("1 Bo on attempt 1"));
}

#[tokio::test(start_paused = true)]
async fn the_timeout_counts_the_time_used_before_the_suspension() {
    let store = Arc::new(MemoryStore::new());
    let runner = Runner::new(Gate::default())
        .store(store.clone())
        .timeout(Duration::from_secs(10));
    let handler = runner.run(1);
    tokio::time::sleep(Duration::from_secs(8)).await;
    let run = handler.suspend().await.expect("suspended");
    // The suspension itself takes no time from the budget: 2 of the 10 seconds remain.
    let resumed = runner.resume(run).expect("resumed");
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(matches!(resumed.await, Err(WorkflowError::TimedOut { .. })));
    let status = store.load(run).ok().flatten().map(|s| s.header.status);
    assert_eq!(status, Some(RunStatus::TimedOut));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

    /// A damaged checkpoint (cut short, bytes changed) is refused with an error, or, if it
    /// still reads as a checkpoint of this workflow, resumes a run that works: never a panic.
    #[test]
    fn a_damaged_checkpoint_is_an_error_or_a_working_run(
        cut in proptest::option::of(0_usize..400),
        flips in proptest::collection::vec((0_usize..400, proptest::prelude::any::<u8>()), 0..4),
    ) {
        // Paused time: a damaged run that can never finish times out at once.
        let runtime = runtime::paused()
            .map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
        runtime.block_on(async {
            let store = Arc::new(MemoryStore::new());
            let run = Runner::new(Gate::default())
                .store(store.clone())
                .run(3)
                .suspend()
                .await
                .expect("suspended");
            let mut record = store
                .load(run)
                .ok()
                .flatten()
                .and_then(|s| s.commits.into_iter().next())
                .map(|c| c.record)
                .expect("a checkpoint");
            if let Some(cut) = cut {
                record.truncate(cut.min(record.len()));
            }
            for (at, byte) in &flips {
                if !record.is_empty() {
                    let at = at % record.len();
                    record[at] = *byte;
                }
            }
            let damaged = RunId::from_u64(1);
            store
                .create(&RunHeader::new(damaged, "Gate", 0), &Commit::new(0, "(suspended)", record))
                .expect("created");
            match Runner::new(Gate::default()).store(store.clone()).resume(damaged) {
                Err(ResumeError::Corrupt { .. } | ResumeError::WorkflowChanged { .. }) => {}
                Err(other) => panic!("unexpected error: {other}"),
                Ok(resumed) => {
                    // It read back as a valid checkpoint: the run must work (or end cleanly).
                    let _ = resumed.send_event(Approval { approved: true, by: "P".into() });
                    let _ = tokio::time::timeout(Duration::from_secs(5), resumed).await;
                }
            }
        });
    }
}

// --- surviving a crash ---------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Fetched(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Priced(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Note(String);

/// Four steps, each logging its idempotency key; `charge` hangs in the first process, which
/// then dies.
struct Order {
    log: KeyLog,
    hang: Hang,
}

#[workflow(state = u32)]
impl Order {
    #[step(sends(Note))]
    async fn fetch(&self, ctx: &Context<u32>, ev: StartEvent<u32>) -> Fetched {
        self.log.note(ctx);
        ctx.send_event(Note("fetched".into()));
        Fetched(ev.input)
    }

    #[step(allow(dead_end))]
    async fn note(&self, ctx: &Context<u32>, ev: Note) {
        self.log.note(ctx);
        ctx.state()
            .edit(|notes| *notes += u32::try_from(ev.0.len()).unwrap_or(0));
    }

    #[step]
    async fn price(&self, ctx: &Context<u32>, ev: Fetched) -> Priced {
        self.log.note(ctx);
        Priced(ev.0 * 10)
    }

    #[step(sends(Note))]
    async fn charge(&self, ctx: &Context<u32>, ev: Priced) -> StopEvent<u32> {
        self.log.note(ctx);
        // Sent while it runs: delivered only once it finishes, committed with it.
        ctx.send_event(Note("charging".into()));
        self.hang.here().await;
        StopEvent::new(ev.0 + ctx.state().get())
    }
}

#[test]
fn a_run_resumes_after_its_process_dies_and_only_the_running_step_runs_again() {
    let store = Arc::new(MemoryStore::new());
    let log = KeyLog::default();
    let order = |reached| {
        Runner::new(Order {
            log: log.clone(),
            hang: Hang::armed(reached),
        })
        .store(store.clone())
        .checkpoint_every_step(true)
    };
    // The first process: the run gets as far as `charge`, which hangs; then the process dies.
    // The second one resumes it.
    let (reached, at_charge) = tokio::sync::oneshot::channel();
    let (run, result) = crash_then_resume(
        &order(Some(reached)),
        |runner| runner.run(4),
        at_charge,
        &order(None),
        |_| {},
        &*store,
    );
    // 4 * 10, plus the note "fetched", committed once before the crash and not repeated
    // (`charge` reads the state before its own note is delivered).
    assert_eq!(result.ok(), Some(40 + 7));
    let log = log.entries();
    let count = |prefix: &str| log.iter().filter(|l| l.starts_with(prefix)).count();
    // `note` ran once, for "fetched": the execution of `charge` that died never delivered
    // its note, and the one that finished delivered it with its stop event, which ends the
    // run before anything else starts.
    assert_eq!(
        (count("fetch#"), count("price#"), count("note#")),
        (1, 1, 1),
        "{log:?}"
    );
    // `charge` ran twice, on the same input and attempt: the same idempotency key.
    let charges: Vec<&String> = log.iter().filter(|l| l.starts_with("charge#")).collect();
    assert_eq!(charges.len(), 2, "{log:?}");
    assert_eq!(charges[0], charges[1]);
    assert_eq!(
        store.load(run).ok().flatten().map(|s| s.header.status),
        Some(RunStatus::Completed)
    );
}

// --- a retry waiting out its delay ------------------------------------------------------------

#[derive(Debug, thiserror::Error)]
#[error("the service is busy")]
struct Busy;

/// Fails on its first attempt; the retry comes ten seconds later.
#[derive(Default)]
struct Flaky {
    attempts: AtomicUsize,
}

#[workflow]
impl Flaky {
    #[step(retry = RetryPolicy::fixed(Duration::from_secs(10)).max_attempts(3))]
    async fn call(&self, ctx: &Context, ev: StartEvent<u32>) -> Result<StopEvent<u32>, Busy> {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        if ctx.attempt() == 1 {
            return Err(Busy);
        }
        Ok(StopEvent::new(ev.input + ctx.attempt()))
    }
}

#[tokio::test(start_paused = true)]
async fn a_retry_waiting_for_its_delay_waits_the_rest_of_it_after_a_resume() {
    let store = Arc::new(MemoryStore::new());
    let handler = Runner::new(Flaky::default()).store(store.clone()).run(40);
    tokio::time::sleep(Duration::from_secs(4)).await;
    let run = handler
        .suspend()
        .await
        .expect("suspended with its retry pending");

    let second = Runner::new(Flaky::default()).store(store);
    let resumed = second.resume(run).expect("resumed");
    let began = tokio::time::Instant::now();
    // The second attempt, with the attempt counted before the suspension.
    assert_eq!(resumed.await.ok(), Some(42));
    // The six seconds left of the delay, not all ten and not none (time is paused: this is
    // the tokio clock, exact).
    assert_eq!(began.elapsed().as_secs(), 6);
    assert_eq!(second.workflow().attempts.load(Ordering::SeqCst), 1);
}

// --- two copies of one run ----------------------------------------------------------------------

#[tokio::test]
async fn a_run_resumed_twice_goes_on_in_the_last_copy_only() {
    let store = Arc::new(MemoryStore::new());
    let runner = Runner::new(Publisher::default())
        .store(store.clone())
        .checkpoint_every_step(true);
    let mut handler = runner.run("essay".into());
    until_requested(&mut handler).await;
    let run = handler.run_id();
    drop(handler);
    // Two processes take the run up: the second one's claim comes after the first's.
    let first = Runner::new(Publisher::default())
        .store(store.clone())
        .checkpoint_every_step(true);
    let second = Runner::new(Publisher::default())
        .store(store.clone())
        .checkpoint_every_step(true);
    let older = first.resume(run).expect("taken up");
    let newer = second.resume(run).expect("taken up again");
    // The older copy gets an answer: its step runs, but its commit is refused, and it stops
    // rather than go on beside the newer copy.
    older
        .send_event(Approval {
            approved: true,
            by: "Ana".into(),
        })
        .expect("sent");
    match older.await {
        Err(WorkflowError::Superseded { run: r }) => assert_eq!(r, run),
        other => panic!("expected Superseded, got {:?}", other.map(|_| ())),
    }
    newer
        .send_event(Approval {
            approved: true,
            by: "Bo".into(),
        })
        .expect("sent");
    assert_eq!(
        newer.await.ok().as_deref(),
        Some("published essay (draft) (1 by Bo)")
    );
    assert_eq!(
        store.load(run).ok().flatten().map(|s| s.header.status),
        Some(RunStatus::Completed)
    );
}

#[tokio::test]
async fn an_older_copy_that_ends_does_not_mark_the_run_ended() {
    let store = Arc::new(MemoryStore::new());
    let runner = || {
        Runner::new(Publisher::default())
            .store(store.clone())
            .checkpoint_every_step(true)
    };
    let mut handler = runner().run("memo".into());
    until_requested(&mut handler).await;
    let run = handler.run_id();
    let newer = runner().resume(run).expect("taken up");
    // The original copy is cancelled after the run was taken up elsewhere: the store keeps
    // the run going, for the newer copy, and the old copy's caller hears that the run is no
    // longer its own (not that it was cancelled, which it was not).
    handler.cancel();
    assert!(matches!(handler.await, Err(WorkflowError::Superseded { run: r }) if r == run));
    // Running, or waiting once the newer copy says it only waits: not ended.
    let status = store.load(run).ok().flatten().map(|s| s.header.status);
    assert!(
        matches!(status, Some(RunStatus::Running | RunStatus::Waiting)),
        "{status:?}"
    );
    newer
        .send_event(Approval {
            approved: false,
            by: "Cy".into(),
        })
        .expect("sent");
    assert_eq!(newer.await.ok().as_deref(), Some("rejected by Cy"));
    assert_eq!(
        store.load(run).ok().flatten().map(|s| s.header.status),
        Some(RunStatus::Completed)
    );
}

#[tokio::test]
async fn a_process_starting_again_resumes_the_runs_that_were_running() {
    let store = Arc::new(MemoryStore::new());
    let runner = || {
        Runner::new(Publisher::default())
            .store(store.clone())
            .checkpoint_every_step(true)
    };
    let first = runner();
    // Cut off while running (its process "dies": the handler is forgotten).
    let mut running = first.run("a".into());
    until_requested(&mut running).await;
    let cut_off = running.run_id();
    std::mem::forget(running);
    // Suspended for a person: resumed when the answer comes, not now.
    let mut waiting = first.run("b".into());
    until_requested(&mut waiting).await;
    waiting.suspend().await.expect("suspended");
    // Finished.
    let mut done = first.run("c".into());
    until_requested(&mut done).await;
    done.send_event(Approval {
        approved: false,
        by: "Di".into(),
    })
    .expect("sent");
    done.await.expect("finished");
    // Another workflow's run, in the same store.
    let _other = Runner::new(Gate::default())
        .store(store.clone())
        .checkpoint_every_step(true)
        .run(1);
    tokio::task::yield_now().await;

    let resumed = runner().resume_running().expect("listed");
    let ids: Vec<RunId> = resumed
        .iter()
        .map(|r| r.as_ref().map(WorkflowHandler::run_id).expect("resumed"))
        .collect();
    assert_eq!(ids, [cut_off]);
    let handler = resumed.into_iter().next().expect("one").expect("resumed");
    handler
        .send_event(Approval {
            approved: true,
            by: "Ed".into(),
        })
        .expect("sent");
    assert_eq!(
        handler.await.ok().as_deref(),
        Some("published a (draft) (1 by Ed)")
    );
}
