//! Faults below the steps — a store that fails, panics or loses track of a write, a state
//! that cannot be encoded, a checkpoint over the store's limits — end the run with an error
//! the caller sees, and the store keeps a journal a resume can trust.

use std::sync::Arc;

use eventflow::error::SuspendError;
use eventflow::event::WorkflowNotDurable;
use eventflow::prelude::*;
use eventflow::store::{CheckpointStore, Limits, RunStatus};
use eventflow::{RunId, WorkflowHandler};
use eventflow_testkit::faults::{Call, Fault, FaultyStore};
use serde::ser::Error as _;

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Drafted(String);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Reviewed(String);

/// The run's notes. A note `refuse` makes encoding them fail, a note `explode` makes it panic,
/// and a note `big:N` makes them N bytes larger.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(transparent)]
struct Notes {
    lines: Vec<String>,
}

impl Serialize for Notes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.lines.iter().any(|l| l == "refuse") {
            return Err(S::Error::custom("these notes refuse to be written"));
        }
        assert!(
            !self.lines.iter().any(|l| l == "explode"),
            "the notes exploded while being written"
        );
        let mut lines = self.lines.clone();
        for line in &self.lines {
            if let Some(n) = line.strip_prefix("big:").and_then(|n| n.parse().ok()) {
                lines.push("x".repeat(n));
            }
        }
        serializer.collect_seq(lines)
    }
}

/// Three steps, each noting what it did.
struct Pipeline;

#[workflow(state = Notes)]
impl Pipeline {
    #[step]
    async fn draft(&self, ctx: &Context<Notes>, ev: StartEvent<String>) -> Drafted {
        ctx.state().edit(|n| n.lines.push(ev.input.clone()));
        Drafted(ev.input)
    }

    #[step]
    async fn review(&self, ctx: &Context<Notes>, ev: Drafted) -> Reviewed {
        ctx.state().edit(|n| n.lines.push("reviewed".into()));
        Reviewed(ev.0)
    }

    #[step]
    async fn publish(&self, ev: Reviewed) -> StopEvent<String> {
        StopEvent::new(ev.0)
    }
}

fn runner(store: &Arc<FaultyStore>) -> Runner<Pipeline> {
    Runner::new(Pipeline)
        .store(store.clone())
        .checkpoint_every_step(true)
}

/// Runs `input` to its end; the run's id, its result and the stream's last event.
async fn run(
    store: &Arc<FaultyStore>,
    input: &str,
) -> (RunId, Result<String, WorkflowError>, Option<AnyEvent>) {
    let mut handler: WorkflowHandler<Pipeline> = runner(store).run(input.to_owned());
    let id = handler.run_id();
    let mut last = None;
    while let Some(event) = handler.next().await {
        last = Some(event);
    }
    (id, handler.await, last)
}

fn status(store: &FaultyStore, run: RunId) -> Option<RunStatus> {
    store
        .inner()
        .load(run)
        .ok()
        .flatten()
        .map(|r| r.header.status)
}

fn commits(store: &FaultyStore, run: RunId) -> Vec<String> {
    store
        .inner()
        .load(run)
        .ok()
        .flatten()
        .map(|r| r.commits.into_iter().map(|c| c.step).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn an_uninterrupted_run_commits_every_step_and_its_end() {
    let store = Arc::new(FaultyStore::new());
    let (id, result, _) = run(&store, "post").await;
    assert_eq!(result.ok().as_deref(), Some("post"));
    assert_eq!(status(&store, id), Some(RunStatus::Completed));
    assert_eq!(
        commits(&store, id).last().map(String::as_str),
        Some("(ended)")
    );
}

#[tokio::test]
async fn a_failed_commit_fails_the_run_and_the_store_records_it() {
    // The first commit is the run's creation; the second, a step's completion, fails.
    let store = Arc::new(FaultyStore::new().on(Call::Commit, 1, Fault::Fail));
    let (id, result, last) = run(&store, "post").await;
    let error = result.expect_err("the run cannot go on without its checkpoint");
    assert!(
        matches!(
            &error,
            WorkflowError::Checkpoint {
                source: SuspendError::Store(_),
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("injected failure of Commit"),
        "{error}"
    );
    assert!(last.is_some_and(|e| e.is::<WorkflowNotDurable>()));
    // The store recorded the end it could, after the last commit it accepted.
    assert_eq!(status(&store, id), Some(RunStatus::Failed));
    let resumed = runner(&store).resume_running().map(|all| all.len());
    assert_eq!(resumed.ok(), Some(0), "a failed run is not taken up again");
}

#[tokio::test]
async fn a_store_that_stays_down_is_an_error_not_a_success() {
    // The run gets into the store; every commit after that fails.
    let store = Arc::new(FaultyStore::new());
    store.break_all(Call::Commit);
    store.break_all(Call::SetStatus);
    let (id, result, _) = run(&store, "post").await;
    let error = result.expect_err("not Ok while the store holds the run as running");
    assert!(
        matches!(error, WorkflowError::Checkpoint { .. }),
        "{error:?}"
    );
    assert_eq!(status(&store, id), Some(RunStatus::Running));
}

#[tokio::test]
async fn an_end_the_store_cannot_record_is_an_error() {
    // Every step commits; the last commit call, the run's end, fails.
    let store = Arc::new(FaultyStore::new());
    let (_, result, _) = run(&store, "post").await;
    assert!(result.is_ok());
    let ends = store.calls(Call::Commit);
    let store = Arc::new(FaultyStore::new().on(Call::Commit, ends, Fault::Fail));
    let (id, result, _) = run(&store, "post").await;
    let error = result.expect_err("the caller hears the store disagrees");
    assert!(
        matches!(&error, WorkflowError::EndNotRecorded { outcome, .. } if outcome == "completed"),
        "{error:?}"
    );
    assert_eq!(status(&store, id), Some(RunStatus::Running));
}

#[tokio::test]
async fn a_commit_that_landed_although_the_store_said_no_counts_as_written() {
    let store = Arc::new(FaultyStore::new().on(Call::Commit, 1, Fault::LandThenFail));
    let (id, result, _) = run(&store, "post").await;
    // Reading the store back showed the commit there: not superseded, not failed.
    assert_eq!(result.ok().as_deref(), Some("post"));
    assert_eq!(status(&store, id), Some(RunStatus::Completed));
    assert!(store.calls(Call::Load) >= 1, "the store was read back");
}

#[tokio::test]
async fn a_commit_whose_outcome_cannot_be_learned_says_so() {
    let store = Arc::new(FaultyStore::new().on(Call::Commit, 1, Fault::Fail).on(
        Call::Load,
        1,
        Fault::Fail,
    ));
    let (_, result, _) = run(&store, "post").await;
    let error = result.expect_err("unknown is not success");
    assert!(
        matches!(
            &error,
            WorkflowError::Checkpoint {
                source: SuspendError::OutcomeUnknown(_),
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_panicking_store_fails_the_run_with_an_error_naming_it() {
    let store = Arc::new(FaultyStore::new().on(Call::Commit, 1, Fault::Panic));
    let (id, result, _) = run(&store, "post").await;
    let error = result.expect_err("a panic in the store is an error, not an aborted task");
    assert!(
        matches!(
            &error,
            WorkflowError::Checkpoint {
                source: SuspendError::Panicked {
                    place: "the store's commit",
                    ..
                },
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(status(&store, id), Some(RunStatus::Failed));
}

#[tokio::test]
async fn a_state_that_cannot_be_encoded_fails_the_run_and_keeps_the_last_commit() {
    let store = Arc::new(FaultyStore::new());
    let (id, result, _) = run(&store, "refuse").await;
    let error = result.expect_err("no success without a checkpoint");
    assert!(
        matches!(&error, WorkflowError::Checkpoint { source: SuspendError::Encode(e), .. } if e.contains("refuse to be written")),
        "{error:?}"
    );
    assert_eq!(status(&store, id), Some(RunStatus::Failed));
}

#[tokio::test]
async fn a_panicking_serialize_is_an_error_naming_where() {
    let store = Arc::new(FaultyStore::new());
    let (_, result, _) = run(&store, "explode").await;
    let error = result.expect_err("a panic while encoding is an error");
    assert!(
        matches!(&error, WorkflowError::Checkpoint { source: SuspendError::Panicked { place: "encoding the checkpoint", message }, .. } if message.contains("exploded")),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_checkpoint_over_the_size_limit_is_refused_before_it_is_written() {
    let limits = Limits::default().max_commit_bytes(4096);
    let store = Arc::new(FaultyStore::new().with_limits(limits));
    let (id, result, _) = run(&store, "big:10000").await;
    let error = result.expect_err("over the limit");
    assert!(
        matches!(&error, WorkflowError::Checkpoint { source: SuspendError::OverLimit { limit: "size in bytes", max: 4096, value, .. }, .. } if *value > 10_000),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("Limits::max_commit_bytes"),
        "{error}"
    );
    // Nothing over the limit reached the store.
    let stored = store.inner().load(id).ok().flatten();
    assert!(stored.is_none_or(|r| r.commits.iter().all(|c| c.record.len() <= 4096)));
}

#[tokio::test]
async fn within_the_limit_the_same_run_completes() {
    let store =
        Arc::new(FaultyStore::new().with_limits(Limits::default().max_commit_bytes(1 << 20)));
    let (_, result, _) = run(&store, "big:10000").await;
    assert_eq!(result.ok().as_deref(), Some("big:10000"));
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Go;

/// Waits for the caller's go, then ends.
struct Waiter;

#[workflow(external(Go))]
impl Waiter {
    #[step]
    async fn wait(&self, ctx: &Context, _ev: StartEvent) -> Result<StopEvent<u32>, WaitError> {
        ctx.wait_for_event::<Go>().await?;
        Ok(StopEvent::new(7))
    }
}

#[tokio::test]
async fn a_copy_taken_over_elsewhere_is_superseded_even_at_its_last_step() {
    let store = Arc::new(FaultyStore::new());
    let runner = Runner::new(Waiter)
        .store(store.clone())
        .checkpoint_every_step(true);
    let first = runner.run(());
    let id = first.run_id();
    while status(&store, id).is_none() {
        tokio::task::yield_now().await;
    }
    // Another process takes the run up while this copy still waits.
    let second = runner.resume(id).expect("the run resumes");
    assert_eq!(first.send_event(Go), Ok(()));
    let result = first.await;
    assert!(
        matches!(result, Err(WorkflowError::Superseded { run }) if run == id),
        "the old copy must not hand out a result: {result:?}"
    );
    // The copy that owns the run finishes it.
    assert_eq!(second.send_event(Go), Ok(()));
    assert_eq!(second.await.ok(), Some(7));
    assert_eq!(status(&store, id), Some(RunStatus::Completed));
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Nested(usize);

/// Keeps a value nested `depth` levels deep in its state.
struct Nester;

#[workflow(state = serde_json::Value)]
impl Nester {
    #[step]
    async fn nest(&self, ctx: &Context<serde_json::Value>, ev: StartEvent<usize>) -> Nested {
        let mut value = serde_json::Value::Null;
        for _ in 0..ev.input {
            value = serde_json::Value::Array(vec![value]);
        }
        ctx.state().edit(|s| *s = value);
        Nested(ev.input)
    }

    #[step]
    async fn done(&self, ev: Nested) -> StopEvent<usize> {
        StopEvent::new(ev.0)
    }
}

#[tokio::test]
async fn a_state_nested_deeper_than_a_resume_reads_is_refused_when_written() {
    let store = Arc::new(FaultyStore::new());
    let runner = Runner::new(Nester)
        .store(store.clone())
        .checkpoint_every_step(true);
    let result = runner.run(200).await;
    assert!(
        matches!(
            &result,
            Err(WorkflowError::Checkpoint {
                source: SuspendError::OverLimit {
                    limit: "nesting depth",
                    max: 120,
                    ..
                },
                ..
            })
        ),
        "{result:?}"
    );
    // Within the limit, the run completes (its checkpoints read back: see `durable`).
    assert_eq!(runner.run(100).await.ok(), Some(100));
}

/// Asks inside its step and waits for the answer.
struct Asker;

#[workflow(external(Go))]
impl Asker {
    #[step]
    async fn ask(&self, ctx: &Context, ev: StartEvent<u32>) -> Result<StopEvent<u32>, WaitError> {
        ctx.wait_for_event::<Go>().await?;
        Ok(StopEvent::new(ev.input))
    }
}

/// An answer sent the moment `resume_running` hands the run back, before its step has run
/// again to wait for it, is kept and delivered: resume and send do not race. Many rounds, on
/// a multi-thread runtime, so that the send lands at every point of the resumed run's start.
#[test]
fn an_answer_sent_right_after_resume_running_is_delivered() {
    for round in 0..100u32 {
        let store = Arc::new(FaultyStore::new());
        let runner = || {
            Runner::new(Asker)
                .store(store.clone())
                .checkpoint_every_step(true)
        };
        // A process starts the run and dies while its step waits.
        let dying = eventflow_testkit::runtime::threaded().expect("a runtime");
        let id = dying.block_on(async {
            let handler = runner().run(round);
            let id = handler.run_id();
            while status(&store, id).is_none() {
                tokio::task::yield_now().await;
            }
            std::mem::forget(handler);
            id
        });
        drop(dying);
        let next = eventflow_testkit::runtime::threaded().expect("a runtime");
        let result = next.block_on(async {
            let mut resumed = runner().resume_running().expect("the store lists runs");
            assert_eq!(resumed.len(), 1, "round {round}");
            let handler = resumed.pop().and_then(Result::ok).expect("the run resumes");
            assert_eq!(handler.send_event(Go), Ok(()), "round {round}");
            // A guard against a hang, which is the failure this test looks for.
            tokio::time::timeout(std::time::Duration::from_secs(30), handler).await
        });
        assert!(
            matches!(result, Ok(Ok(n)) if n == round),
            "round {round} of run {id}: {result:?}"
        );
    }
}

/// Found by the fault property test: a commit that landed while the store said it failed,
/// and a read-back that failed too. The outcome is unknown, so the run stops with that error
/// (not a guessed `Superseded` when its own landed commit makes its end out of sequence), and
/// the store, holding it as running, lets the next process finish it.
#[tokio::test]
async fn an_unknown_outcome_stays_unknown_and_the_run_is_finished_on_resume() {
    let store = Arc::new(
        FaultyStore::new()
            .on(Call::Commit, 1, Fault::LandThenFail)
            .on(Call::Load, 1, Fault::Fail),
    );
    let (id, result, _) = run(&store, "post").await;
    assert!(
        matches!(
            &result,
            Err(WorkflowError::Checkpoint {
                source: SuspendError::OutcomeUnknown(_),
                ..
            })
        ),
        "{result:?}"
    );
    assert_eq!(status(&store, id), Some(RunStatus::Running));
    let mut resumed = runner(&store)
        .resume_running()
        .expect("the store lists runs");
    assert_eq!(resumed.len(), 1);
    let handler = match resumed.pop() {
        Some(Ok(handler)) => handler,
        other => panic!(
            "the run is taken up: {:?}",
            other.map(|r| r.map(|h| h.run_id()))
        ),
    };
    assert_eq!(handler.await.ok().as_deref(), Some("post"));
    assert_eq!(status(&store, id), Some(RunStatus::Completed));
}
