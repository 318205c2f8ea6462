//! The durability choices a user makes and the safety nets below them: best-effort durability,
//! quarantine of runs whose resume gets nowhere, and a store that stalls.

use std::sync::Arc;
use std::time::Duration;

use eventflow::error::ResumeError;
use eventflow::event::DurabilityLost;
use eventflow::prelude::*;
use eventflow::store::{CheckpointStore, Commit, Durability, MemoryStore, RunHeader, RunStatus};
use eventflow::{RunId, WorkflowHandler};
use eventflow_testkit::faults::{Call, Fault, FaultyStore};

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Drafted(String);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Reviewed(String);

/// Three steps.
struct Pipeline;

#[workflow]
impl Pipeline {
    #[step]
    async fn draft(&self, ev: StartEvent<String>) -> Drafted {
        Drafted(ev.input)
    }

    #[step]
    async fn review(&self, ev: Drafted) -> Reviewed {
        Reviewed(ev.0)
    }

    #[step]
    async fn publish(&self, ev: Reviewed) -> StopEvent<String> {
        StopEvent::new(ev.0)
    }
}

fn pipeline(store: &Arc<FaultyStore>, durability: Durability) -> Runner<Pipeline> {
    Runner::new(Pipeline)
        .store(store.clone())
        .checkpoint_every_step(true)
        .durability(durability)
}

/// Runs `input` to its end: the run's id, its result, what its control says of its durability,
/// and every event of its stream.
async fn run_to_end(
    runner: &Runner<Pipeline>,
    input: &str,
) -> (
    RunId,
    Result<String, WorkflowError>,
    Option<String>,
    Vec<AnyEvent>,
) {
    let mut handler: WorkflowHandler<Pipeline> = runner.run(input.to_owned());
    let control = handler.control();
    let mut events = Vec::new();
    while let Some(event) = handler.next().await {
        events.push(event);
    }
    (
        control.run_id(),
        handler.await,
        control.durability_lost(),
        events,
    )
}

fn stored(store: &dyn CheckpointStore, run: RunId) -> (Option<RunStatus>, Vec<String>) {
    let stored = store.load(run).ok().flatten();
    (
        stored.as_ref().map(|s| s.header.status),
        stored
            .map(|s| s.commits.into_iter().map(|c| c.step).collect())
            .unwrap_or_default(),
    )
}

#[tokio::test]
async fn best_effort_goes_on_after_a_failed_commit_and_says_so() {
    // The first commit creates the run; the second, the first step's completion, fails.
    let store = Arc::new(FaultyStore::new().on(Call::Commit, 1, Fault::Fail));
    let runner = pipeline(&store, Durability::BestEffort);
    let (id, result, lost, events) = run_to_end(&runner, "post").await;
    assert_eq!(result.ok().as_deref(), Some("post"), "the run goes on");
    let lost = lost.expect("the control says the run is not durable");
    assert!(lost.contains("injected failure of Commit"), "{lost}");
    let told: Vec<&DurabilityLost> = events.iter().filter_map(|e| e.downcast_ref()).collect();
    assert_eq!(told.len(), 1, "one DurabilityLost on the stream");
    assert_eq!(told[0].run_id, id.to_string());
    assert!(told[0].error.contains("injected failure"), "{:?}", told[0]);
    // Nothing is committed after the loss; the store, up again, records how the run ended.
    let (status, commits) = stored(store.inner(), id);
    assert_eq!(status, Some(RunStatus::Completed));
    assert_eq!(
        commits,
        ["(step)", "(ended)"],
        "no step committed after the loss"
    );
}

#[tokio::test]
async fn best_effort_with_a_store_that_stays_down_still_answers() {
    let store = Arc::new(FaultyStore::new());
    store.break_all(Call::Commit);
    store.break_all(Call::SetStatus);
    let runner = pipeline(&store, Durability::BestEffort);
    let (id, result, lost, _) = run_to_end(&runner, "post").await;
    assert_eq!(result.ok().as_deref(), Some("post"));
    assert!(lost.is_some(), "the caller can tell the store disagrees");
    // The price of best effort, documented: the store still holds the run as running.
    assert_eq!(stored(store.inner(), id).0, Some(RunStatus::Running));
}

#[tokio::test]
async fn required_durability_is_the_default_and_a_kept_run_lost_nothing() {
    let store = Arc::new(FaultyStore::new().on(Call::Commit, 1, Fault::Fail));
    let runner = Runner::new(Pipeline)
        .store(store.clone())
        .checkpoint_every_step(true);
    let (_, result, lost, events) = run_to_end(&runner, "post").await;
    assert!(matches!(result, Err(WorkflowError::Checkpoint { .. })));
    assert_eq!(
        lost, None,
        "a run that stopped did not go on without its store"
    );
    assert!(!events.iter().any(AnyEvent::is::<DurabilityLost>));

    let healthy = Arc::new(FaultyStore::new());
    let runner = pipeline(&healthy, Durability::BestEffort);
    let (_, result, lost, events) = run_to_end(&runner, "post").await;
    assert_eq!(result.ok().as_deref(), Some("post"));
    assert_eq!(lost, None);
    assert!(!events.iter().any(AnyEvent::is::<DurabilityLost>));
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Answer(String);

/// Waits for an answer, or hangs in a step: a process that dies while it runs is the crash
/// loop quarantine guards against. Its `work` step hangs while `hang` is set.
struct Desk {
    hang: bool,
}

#[workflow(external(Answer))]
impl Desk {
    #[step]
    async fn ask(&self, ctx: &Context, ev: StartEvent<String>) -> Result<Drafted, WaitError> {
        if ev.input == "hang" {
            return Ok(Drafted(ev.input));
        }
        let answer = ctx.wait_for_event::<Answer>().await?;
        Ok(Drafted(answer.0))
    }

    #[step]
    async fn work(&self, ev: Drafted) -> StopEvent<String> {
        if self.hang {
            std::future::pending::<()>().await;
        }
        StopEvent::new(ev.0)
    }
}

fn desk(store: &Arc<MemoryStore>) -> Runner<Desk> {
    Runner::new(Desk { hang: true })
        .store(store.clone())
        .checkpoint_every_step(true)
}

fn answering(store: &Arc<MemoryStore>) -> Runner<Desk> {
    Runner::new(Desk { hang: false })
        .store(store.clone())
        .checkpoint_every_step(true)
}

/// Lets the runtime run until the last commit of `run` is `step`.
async fn until_last_commit(store: &MemoryStore, run: RunId, step: &str) {
    for _ in 0..10_000 {
        if stored(store, run).1.last().map(String::as_str) == Some(step) {
            return;
        }
        tokio::task::yield_now().await;
    }
    panic!(
        "the last commit never became {step}: {:?}",
        stored(store, run)
    );
}

#[tokio::test]
async fn a_run_taken_up_again_and_again_without_progress_is_quarantined() {
    let store = Arc::new(MemoryStore::new());
    let first = desk(&store).run("hang".into());
    let run = first.run_id();
    // Its first step is committed; its second hangs, as it would in a process that dies.
    until_last_commit(&store, run, "(step)").await;
    // Each resume is a process that started again, took the run up, and died in the step.
    let guarded = || desk(&store).quarantine_after(3);
    for n in 1..=3 {
        let copy = guarded().resume(run).expect("taken up");
        until_last_commit(&store, run, "(resumed)").await;
        assert_eq!(
            stored(&*store, run)
                .1
                .iter()
                .filter(|s| *s == "(resumed)")
                .count(),
            n
        );
        drop(copy);
    }
    match guarded().resume(run) {
        Err(ResumeError::Quarantined { run: r, reason }) => {
            assert_eq!(r, run);
            assert!(reason.contains("3 times in a row"), "{reason}");
        }
        other => panic!("expected quarantine, got {other:?}"),
    }
    assert_eq!(stored(&*store, run).0, Some(RunStatus::Quarantined));
    // Not taken up again, by either door.
    assert!(matches!(
        desk(&store).resume(run),
        Err(ResumeError::Quarantined { .. })
    ));
    assert_eq!(desk(&store).resume_running().map(|r| r.len()).ok(), Some(0));
    // Released by an operator, once the cause is fixed, it runs to its end.
    store.set_status(run, RunStatus::Running).expect("released");
    let fixed = Runner::new(Desk { hang: false })
        .store(store.clone())
        .checkpoint_every_step(true)
        .quarantine_after(5);
    let resumed = fixed.resume(run).expect("released");
    assert_eq!(resumed.await.ok().as_deref(), Some("hang"));
    assert_eq!(stored(&*store, run).0, Some(RunStatus::Completed));
}

#[tokio::test]
async fn without_a_limit_a_run_is_taken_up_as_often_as_it_is_asked() {
    let store = Arc::new(MemoryStore::new());
    let first = desk(&store).run("hang".into());
    let run = first.run_id();
    until_last_commit(&store, run, "(step)").await;
    for n in 1..=6 {
        drop(desk(&store).resume(run).expect("taken up"));
        until_last_commit(&store, run, "(resumed)").await;
        let claims = stored(&*store, run)
            .1
            .iter()
            .filter(|s| *s == "(resumed)")
            .count();
        assert_eq!(claims, n);
    }
    assert_eq!(stored(&*store, run).0, Some(RunStatus::Running));
}

#[tokio::test]
async fn a_run_waiting_for_an_answer_is_never_quarantined_for_being_taken_up() {
    let store = Arc::new(MemoryStore::new());
    let first = answering(&store).run("ask".into());
    let run = first.run_id();
    tokio::task::yield_now().await;
    // A process that holds the waiting run starts again, many times, before the answer.
    let mut copies = vec![first];
    for _ in 0..6 {
        let copy = answering(&store)
            .quarantine_after(1)
            .resume(run)
            .expect("taken up");
        // Taken up, with only its wait left, it says it waits.
        until_last_commit(&store, run, "(waiting)").await;
        assert_eq!(stored(&*store, run).0, Some(RunStatus::Waiting));
        copies.push(copy);
    }
    let last = copies.pop().expect("a copy");
    last.send_event(Answer("yes".into())).expect("expected");
    assert_eq!(last.await.ok().as_deref(), Some("yes"));
    // The copies taken over stop when they next commit, or never run again.
    for copy in copies {
        copy.cancel();
    }
}

#[tokio::test]
async fn an_unreadable_checkpoint_is_quarantined_at_once() {
    let store = Arc::new(MemoryStore::new());
    let run = RunId::from_u64(7);
    store
        .create(
            &RunHeader::new(run, "Desk", 0),
            &Commit::new(0, "(step)", b"{\"format\": 1, \"garbage\": true}".to_vec()),
        )
        .expect("created");
    assert!(matches!(
        desk(&store).resume(run),
        Err(ResumeError::Corrupt { .. })
    ));
    assert_eq!(stored(&*store, run).0, Some(RunStatus::Quarantined));
    assert!(matches!(
        desk(&store).resume(run),
        Err(ResumeError::Quarantined { .. })
    ));
}

/// A state whose `Deserialize` panics on a poisoned value: the user's code, run by a resume.
#[derive(Debug, Clone, Default, Serialize)]
struct Fragile(String);

impl<'de> Deserialize<'de> for Fragile {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        assert!(text != "poison", "the state's Deserialize panicked");
        Ok(Self(text))
    }
}

struct Keeper;

#[workflow(state = Fragile, external(Answer))]
impl Keeper {
    #[step]
    async fn keep(
        &self,
        ctx: &Context<Fragile>,
        ev: StartEvent<String>,
    ) -> Result<StopEvent<String>, WaitError> {
        ctx.state().edit(|s| s.0.clone_from(&ev.input));
        let answer = ctx.wait_for_event::<Answer>().await?;
        Ok(StopEvent::new(answer.0))
    }
}

#[tokio::test]
async fn a_panic_while_reading_a_checkpoint_is_an_error_and_a_quarantine() {
    let store = Arc::new(MemoryStore::new());
    let runner = Runner::new(Keeper).store(store.clone());
    let handler = runner.run("poison".into());
    let run = handler.suspend().await.expect("suspended");
    assert!(handler.await.is_err());
    match runner.resume(run) {
        Err(ResumeError::Corrupt { reason, .. }) => {
            assert!(reason.contains("Deserialize panicked"), "{reason}");
        }
        other => panic!("expected a clear error, got {other:?}"),
    }
    assert_eq!(stored(&*store, run).0, Some(RunStatus::Quarantined));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_that_stalls_delays_the_run_and_loses_nothing() {
    let store = Arc::new(FaultyStore::new().on(Call::Commit, 1, Fault::Stall));
    let handler = pipeline(&store, Durability::Required).run("post".into());
    let run = handler.run_id();
    while store.stalled() == 0 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    // The run's task is held by the store's call: the cancel takes effect once it returns.
    handler.cancel();
    assert_eq!(store.stalled(), 1);
    store.release();
    assert!(matches!(handler.await, Err(WorkflowError::Cancelled)));
    let (status, commits) = stored(store.inner(), run);
    assert_eq!(status, Some(RunStatus::Cancelled));
    assert_eq!(commits.first().map(String::as_str), Some("(step)"));
    assert_eq!(commits.last().map(String::as_str), Some("(ended)"));
    assert_eq!(
        pipeline(&store, Durability::Required)
            .resume_running()
            .map(|r| r.len())
            .ok(),
        Some(0),
        "a cancelled run is not taken up again"
    );
}
