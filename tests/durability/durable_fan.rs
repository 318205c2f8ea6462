//! Checkpoints of runs in the middle of a fan-out, a set or a collection: suspended and
//! resumed, or cut off by a dying process and resumed, they finish as if never interrupted,
//! and a damaged one is refused, never a panic.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use eventflow::RunId;
use eventflow::error::ResumeError;
use eventflow::prelude::*;
use eventflow::store::{CheckpointStore, Commit, MemoryStore, RunHeader, RunStatus};
use eventflow_testkit::crash::{Hang, KeyLog, crash_then_resume};
use eventflow_testkit::runtime;

// --- a fan-out whose branches wait for people ----------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Draft(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Asked(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Verdict {
    id: u32,
    ok: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Reviewed(u32, bool);

/// Splits a batch into drafts, asks for a verdict on each, and tallies them in draft order.
#[derive(Default)]
struct Reviews {
    /// How many executions of `review` started, per draft.
    started: Mutex<Vec<u32>>,
}

#[workflow(external(Verdict))]
impl Reviews {
    #[step]
    async fn split(&self, ev: StartEvent<u32>) -> Vec<Draft> {
        (0..ev.input).map(Draft).collect()
    }

    #[step(stream_only(Asked), num_workers = 8)]
    async fn review(&self, ctx: &Context, draft: Draft) -> Result<Reviewed, WaitError> {
        if let Ok(mut started) = self.started.lock() {
            started.push(draft.0);
        }
        let id = draft.0;
        let verdict = ctx
            .wait_for_event::<Verdict>()
            .matching(move |v| v.id == id)
            .requesting(Asked(id))
            .await?;
        Ok(Reviewed(id, verdict.ok))
    }

    #[step]
    async fn tally(&self, reviewed: Vec<Reviewed>) -> StopEvent<Vec<(u32, bool)>> {
        StopEvent::new(reviewed.into_iter().map(|r| (r.0, r.1)).collect())
    }
}

/// Reads the stream until `n` questions were asked; their ids, sorted.
async fn asked<W: eventflow::Workflow>(handler: &mut WorkflowHandler<W>, n: usize) -> Vec<u32> {
    let mut ids = Vec::new();
    while ids.len() < n {
        let event = handler.next().await.expect("the run asks");
        if let Some(Asked(id)) = event.downcast_ref::<Asked>() {
            ids.push(*id);
        }
    }
    ids.sort_unstable();
    ids
}

#[tokio::test]
async fn a_fan_out_waiting_for_people_is_suspended_and_joined_in_order_after_resuming() {
    let store = Arc::new(MemoryStore::new());
    let first = Runner::new(Reviews::default()).store(store.clone());
    let mut handler = first.run(4);
    assert_eq!(asked(&mut handler, 4).await, [0, 1, 2, 3]);
    // Draft 2 is judged before the suspension: its branch has reached the join.
    handler
        .send_event(Verdict { id: 2, ok: false })
        .expect("sent");
    let run = handler.suspend().await.expect("suspended");

    let reviews = Reviews::default();
    let second = Runner::new(reviews).store(store.clone());
    let mut resumed = second.resume(run).expect("resumed");
    // Only the three branches still waiting run again, and ask again.
    assert_eq!(asked(&mut resumed, 3).await, [0, 1, 3]);
    for id in [3, 0, 1] {
        resumed
            .send_event(Verdict { id, ok: id != 1 })
            .expect("sent");
    }
    let tally = resumed.await.expect("the run ends");
    assert_eq!(tally, [(0, true), (1, false), (2, false), (3, true)]);
    assert_eq!(
        store.load(run).ok().flatten().map(|s| s.header.status),
        Some(RunStatus::Completed)
    );
}

#[tokio::test]
async fn the_drafts_judged_before_the_suspension_do_not_run_again() {
    let store = Arc::new(MemoryStore::new());
    let mut handler = Runner::new(Reviews::default()).store(store.clone()).run(3);
    asked(&mut handler, 3).await;
    handler
        .send_event(Verdict { id: 0, ok: true })
        .expect("sent");
    handler
        .send_event(Verdict { id: 1, ok: true })
        .expect("sent");
    let run = handler.suspend().await.expect("suspended");

    let second = Runner::new(Reviews::default()).store(store.clone());
    let mut resumed = second.resume(run).expect("resumed");
    assert_eq!(asked(&mut resumed, 1).await, [2]);
    resumed
        .send_event(Verdict { id: 2, ok: true })
        .expect("sent");
    resumed.await.expect("the run ends");
    let started = second
        .workflow()
        .started
        .lock()
        .map(|s| s.clone())
        .unwrap_or_default();
    assert_eq!(started, [2]);
}

// --- a set of one event of each type -------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Quote(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Budget(u32);

/// Pairs a quote it makes with a budget the caller sends.
struct Pairing;

#[workflow(external(Budget))]
impl Pairing {
    #[step]
    async fn quote(&self, ev: StartEvent<u32>) -> Quote {
        Quote(ev.input * 10)
    }

    #[step]
    async fn decide(&self, quote: Quote, budget: Budget) -> StopEvent<bool> {
        StopEvent::new(quote.0 <= budget.0)
    }
}

#[tokio::test]
async fn half_a_set_is_kept_across_a_suspension() {
    let store = Arc::new(MemoryStore::new());
    let runner = Runner::new(Pairing).store(store.clone());
    let run = runner.run(7).suspend().await.expect("suspended");
    let record = store
        .load(run)
        .ok()
        .flatten()
        .and_then(|s| s.commits.last().map(|c| c.record.clone()))
        .expect("a checkpoint");
    assert!(
        String::from_utf8_lossy(&record).contains("\"Quote\""),
        "the quote waits in the checkpoint"
    );
    let resumed = Runner::new(Pairing)
        .store(store)
        .resume(run)
        .expect("resumed");
    resumed.send_event(Budget(75)).expect("sent");
    assert_eq!(resumed.await.ok(), Some(true));
}

// --- collections ---------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Part(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Progress(u32);

/// Sums the start's value and the parts the caller sends, once it has `3`.
struct Gather;

#[workflow(external(Part))]
impl Gather {
    #[step(stream_only(Progress))]
    async fn gather(
        &self,
        ctx: &Context,
        ev: OneOf![StartEvent<u32> | Part],
    ) -> Option<StopEvent<u32>> {
        let part = match ev {
            GatherGatherInput::StartEvent(start) => Part(start.input),
            GatherGatherInput::Part(part) => part,
        };
        ctx.write_event_to_stream(Progress(part.0));
        let parts = ctx.collect_many::<Part>(part, 3)?;
        Some(StopEvent::new(parts.iter().map(|p| p.0).sum()))
    }
}

#[tokio::test]
async fn a_collection_in_progress_is_suspended_and_completed_after_resuming() {
    let store = Arc::new(MemoryStore::new());
    let mut handler = Runner::new(Gather).store(store.clone()).run(40);
    handler.send_event(Part(1)).expect("sent");
    // Both were collected before the suspension: two progress events.
    for _ in 0..2 {
        let event = handler.next().await.expect("progress");
        assert!(event.downcast_ref::<Progress>().is_some());
    }
    let run = handler.suspend().await.expect("suspended");
    // The stream ends with the suspension, numbered 2.
    let last = handler.next().await.expect("the last event");
    assert!(
        last.downcast_ref::<eventflow::event::WorkflowSuspended>()
            .is_some()
    );
    assert_eq!(handler.stream_sequence(), 3);
    assert!(handler.next().await.is_none());

    let mut resumed = Runner::new(Gather)
        .store(store)
        .resume(run)
        .expect("resumed");
    // Numbering goes on where the first process left it.
    assert_eq!(resumed.stream_sequence(), 3);
    resumed.send_event(Part(2)).expect("sent");
    let progress = resumed.next().await.expect("progress");
    assert_eq!(progress.downcast_ref::<Progress>().map(|p| p.0), Some(2));
    assert_eq!(resumed.stream_sequence(), 4);
    assert_eq!(resumed.await.ok(), Some(43));
}

// --- cut off by a dying process ------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Piece(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Done(u32);

/// Squares pieces in parallel; piece 2 hangs in the first process once the others are done.
struct Squares {
    log: KeyLog,
    hang: Hang,
    done: AtomicUsize,
}

#[workflow]
impl Squares {
    #[step]
    async fn split(&self, ctx: &Context, ev: StartEvent<u32>) -> Vec<Piece> {
        self.log.note(ctx);
        (0..ev.input).map(Piece).collect()
    }

    #[step(num_workers = 8)]
    async fn work(&self, ctx: &Context, piece: Piece) -> Done {
        self.log.note(ctx);
        if piece.0 == 2 {
            while self.done.load(Ordering::SeqCst) < 3 {
                tokio::task::yield_now().await;
            }
            self.hang.here().await;
        } else {
            self.done.fetch_add(1, Ordering::SeqCst);
        }
        Done(piece.0 * piece.0)
    }

    #[step]
    async fn join(&self, ctx: &Context, done: Vec<Done>) -> StopEvent<Vec<u32>> {
        self.log.note(ctx);
        StopEvent::new(done.into_iter().map(|d| d.0).collect())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Left(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Right(u32);

/// Collects a left and a right; the execution that completes the pair hangs in the first
/// process.
struct Pairs {
    log: KeyLog,
    hang: Hang,
}

#[workflow]
impl Pairs {
    #[step(sends(Left, Right))]
    async fn start(&self, ctx: &Context, ev: StartEvent<u32>) {
        self.log.note(ctx);
        ctx.send_event(Left(ev.input));
        ctx.send_event(Right(ev.input + 1));
    }

    #[step(num_workers = 2)]
    async fn pair(&self, ctx: &Context, ev: OneOf![Left | Right]) -> Option<StopEvent<u32>> {
        self.log.note(ctx);
        let (left, right) = ctx.collect_events::<(Left, Right)>(ev)?;
        self.hang.here().await;
        Some(StopEvent::new(left.0 * 100 + right.0))
    }
}

/// A runner checkpointing `workflow` after every step into `store`.
fn checkpointed<W: eventflow::CheckedWorkflow>(workflow: W, store: &Arc<MemoryStore>) -> Runner<W> {
    Runner::new(workflow)
        .store(store.clone())
        .checkpoint_every_step(true)
}

#[test]
fn a_fan_out_cut_off_mid_branch_runs_only_that_branch_again_and_joins_in_order() {
    let store = Arc::new(MemoryStore::new());
    let log = KeyLog::default();
    let squares = |hang: Option<tokio::sync::oneshot::Sender<()>>| Squares {
        log: log.clone(),
        // In the second process, the others are done already.
        done: AtomicUsize::new(if hang.is_some() { 0 } else { 3 }),
        hang: Hang::armed(hang),
    };
    let (reached, hanging) = tokio::sync::oneshot::channel();
    let (_, result) = crash_then_resume(
        &checkpointed(squares(Some(reached)), &store),
        |runner| runner.run(4),
        hanging,
        &checkpointed(squares(None), &store),
        |_| {},
        &*store,
    );
    assert_eq!(result.ok(), Some(vec![0, 1, 4, 9]));
    // Inputs are numbered as they reach their step: the split is 1, its pieces 2 to 5, the
    // join 6. Piece 2 (input 4) ran twice under one key; nothing else ran again.
    assert_eq!(
        log.entries(),
        [
            "join#6@1",
            "split#1@1",
            "work#2@1",
            "work#3@1",
            "work#4@1",
            "work#4@1",
            "work#5@1"
        ]
    );
}

/// The agent shape: `plan` returns either pieces to work on (a fan-out) or the answer; piece 1
/// hangs in the first process.
struct Planner {
    log: KeyLog,
    hang: Hang,
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Round(Vec<u32>);

#[workflow]
impl Planner {
    #[step]
    async fn plan(
        &self,
        ctx: &Context,
        ev: OneOf![StartEvent<u32> | Round],
    ) -> OneOf![Vec<Piece> | StopEvent<Vec<u32>>] {
        self.log.note(ctx);
        match ev {
            PlannerPlanInput::StartEvent(ev) => (0..ev.input).map(Piece).collect::<Vec<_>>().into(),
            PlannerPlanInput::Round(round) => StopEvent::new(round.0).into(),
        }
    }

    #[step(num_workers = 8)]
    async fn work(&self, ctx: &Context, piece: Piece) -> Done {
        self.log.note(ctx);
        if piece.0 == 1 {
            self.hang.here().await;
        }
        Done(piece.0 + 10)
    }

    #[step]
    async fn join(&self, ctx: &Context, done: Vec<Done>) -> Round {
        self.log.note(ctx);
        Round(done.into_iter().map(|d| d.0).collect())
    }
}

#[test]
fn an_agent_round_cut_off_mid_tool_call_resumes_that_call_only() {
    let store = Arc::new(MemoryStore::new());
    let log = KeyLog::default();
    let planner = |hang| Planner {
        log: log.clone(),
        hang: Hang::armed(hang),
    };
    let (reached, hanging) = tokio::sync::oneshot::channel();
    let (_, result) = crash_then_resume(
        &checkpointed(planner(Some(reached)), &store),
        |runner| runner.run(3),
        hanging,
        &checkpointed(planner(None), &store),
        |_| {},
        &*store,
    );
    assert_eq!(result.ok(), Some(vec![10, 11, 12]));
    // The plan is input 1, its pieces 2 to 4, the join 5 and the second plan 6; only piece 1
    // (input 3) ran again.
    assert_eq!(
        log.entries(),
        [
            "join#5@1", "plan#1@1", "plan#6@1", "work#2@1", "work#3@1", "work#3@1", "work#4@1"
        ]
    );
}

#[test]
fn a_set_taken_by_a_step_that_dies_is_there_again_when_it_runs_again() {
    let store = Arc::new(MemoryStore::new());
    let log = KeyLog::default();
    let pairs = |hang: Option<tokio::sync::oneshot::Sender<()>>| Pairs {
        log: log.clone(),
        hang: Hang::armed(hang),
    };
    let (reached, hanging) = tokio::sync::oneshot::channel();
    let (_, result) = crash_then_resume(
        &checkpointed(pairs(Some(reached)), &store),
        |runner| runner.run(7),
        hanging,
        &checkpointed(pairs(None), &store),
        |_| {},
        &*store,
    );
    assert_eq!(result.ok(), Some(708));
    let entries = log.entries();
    // `start` and the execution of `pair` that buffered its event ran once; the one that took
    // the pair and died ran again under its key.
    assert_eq!(entries.len(), 4, "{entries:?}");
    let pairs: Vec<&String> = entries.iter().filter(|e| e.starts_with("pair#")).collect();
    assert_eq!(pairs.len(), 3, "{entries:?}");
    assert!(
        pairs[0] != pairs[2] && (pairs[0] == pairs[1] || pairs[1] == pairs[2]),
        "{entries:?}"
    );
    assert!(entries.contains(&"start#1@1".to_owned()), "{entries:?}");
}

/// Sums the start's value and the parts sent, three in all; the execution buffering part 1
/// hangs in the first process.
struct Tally {
    hang: Hang,
}

#[workflow(external(Part))]
impl Tally {
    #[step]
    async fn tally(
        &self,
        ctx: &Context,
        ev: OneOf![StartEvent<u32> | Part],
    ) -> Option<StopEvent<u32>> {
        let part = match ev {
            TallyTallyInput::StartEvent(start) => Part(start.input),
            TallyTallyInput::Part(part) => part,
        };
        let n = part.0;
        let parts = ctx.collect_many::<Part>(part, 3);
        if n == 1 {
            self.hang.here().await;
        }
        Some(StopEvent::new(parts?.iter().map(|p| p.0).sum()))
    }
}

#[test]
fn an_event_buffered_by_a_step_that_dies_is_buffered_once() {
    let store = Arc::new(MemoryStore::new());
    let tally = |hang: Option<tokio::sync::oneshot::Sender<()>>| {
        checkpointed(
            Tally {
                hang: Hang::armed(hang),
            },
            &store,
        )
    };
    let (reached, hanging) = tokio::sync::oneshot::channel();
    let (_, result) = crash_then_resume(
        &tally(Some(reached)),
        |runner| {
            let handler = runner.run(40);
            handler.send_event(Part(1)).expect("sent");
            handler
        },
        hanging,
        &tally(None),
        // Part 1 is buffered again by the execution that runs again, not kept from the one
        // that died as well: the set still needs part 2.
        |resumed| resumed.send_event(Part(2)).expect("sent"),
        &*store,
    );
    assert_eq!(result.ok(), Some(43));
}

// --- damaged checkpoints -------------------------------------------------------------------------

/// Every number in a JSON document, by JSON pointer: the slots, generations, counts, branch
/// positions and parameter indexes a hostile checkpoint would change.
fn numbers(value: &serde_json::Value, at: String, found: &mut Vec<String>) {
    match value {
        serde_json::Value::Number(_) => found.push(at),
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                numbers(item, format!("{at}/{i}"), found);
            }
        }
        serde_json::Value::Object(fields) => {
            for (key, item) in fields {
                numbers(
                    item,
                    format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")),
                    found,
                );
            }
        }
        _ => {}
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// A checkpoint of a fan-out with numbers changed (to small values that point at other
    /// slots, branches and parameters, or to huge ones) is refused, or resumes a run that
    /// ends: never a panic, a hang or an allocation sized by a number it read.
    #[test]
    fn a_tampered_fan_out_checkpoint_is_refused_or_runs(
        changes in proptest::collection::vec(
            (proptest::prelude::any::<usize>(), proptest::prelude::any::<u64>()),
            1..4,
        ),
    ) {
        let runtime = runtime::paused()
            .map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
        runtime.block_on(async {
            let store = Arc::new(MemoryStore::new());
            let mut handler = Runner::new(Reviews::default()).store(store.clone()).run(4);
            asked(&mut handler, 4).await;
            handler.send_event(Verdict { id: 2, ok: true }).expect("sent");
            let run = handler.suspend().await.expect("suspended");
            let record = store
                .load(run)
                .ok()
                .flatten()
                .and_then(|s| s.commits.last().map(|c| c.record.clone()))
                .expect("a checkpoint");
            let mut json: serde_json::Value = serde_json::from_slice(&record).expect("JSON");
            let mut pointers = Vec::new();
            numbers(&json, String::new(), &mut pointers);
            for (pick, value) in &changes {
                let pointer = &pointers[pick % pointers.len()];
                // Half the time a small number, which points somewhere that exists.
                let value = if value % 2 == 0 { value / 2 % 6 } else { *value };
                if let Some(slot) = json.pointer_mut(pointer) {
                    *slot = serde_json::Value::from(value);
                }
            }
            let damaged = RunId::from_u64(1);
            let record = serde_json::to_vec(&json).expect("JSON");
            store
                .create(&RunHeader::new(damaged, "Reviews", 0), &Commit::new(0, "(suspended)", record))
                .expect("created");
            match Runner::new(Reviews::default()).store(store.clone()).resume(damaged) {
                Err(ResumeError::Corrupt { .. } | ResumeError::WorkflowChanged { .. }) => {}
                Err(other) => panic!("unexpected error: {other}"),
                Ok(resumed) => {
                    for id in 0..6 {
                        let _ = resumed.send_event(Verdict { id, ok: true });
                    }
                    let _ = tokio::time::timeout(Duration::from_secs(5), resumed).await;
                }
            }
        });
    }
}

// --- the journal grows with what the run did -----------------------------------------------------

/// Splits into pieces that are doubled and joined; nothing hangs.
struct Doubles;

#[workflow]
impl Doubles {
    #[step]
    async fn split(&self, ev: StartEvent<u32>) -> Vec<Piece> {
        (0..ev.input).map(Piece).collect()
    }

    #[step(num_workers = 8)]
    async fn double(&self, piece: Piece) -> Done {
        Done(piece.0 * 2)
    }

    #[step]
    async fn join(&self, done: Vec<Done>) -> StopEvent<u32> {
        StopEvent::new(done.iter().map(|d| d.0).sum())
    }
}

/// The bytes of the journal a checkpointed fan-out of `n` leaves, and how many of its
/// records are full checkpoints.
async fn journal_of(n: u32) -> (usize, usize, usize) {
    let store = Arc::new(MemoryStore::new());
    let runner = Runner::new(Doubles)
        .store(store.clone())
        .checkpoint_every_step(true);
    let handler = runner.run(n);
    let run = handler.run_id();
    assert_eq!(handler.await.ok(), Some(n * (n - 1)));
    let commits = store.load(run).ok().flatten().expect("stored").commits;
    let bytes = commits.iter().map(|c| c.record.len()).sum();
    let full = commits
        .iter()
        .filter(|c| c.record.starts_with(b"{\"format\":1,\"workflow\""))
        .count();
    (bytes, full, commits.len())
}

#[tokio::test]
async fn a_checkpointed_fan_out_writes_a_journal_in_proportion_to_its_size() {
    let (small, small_full, small_commits) = journal_of(100).await;
    let (large, large_full, large_commits) = journal_of(800).await;
    // A commit per completion, and a full checkpoint now and then, not every time.
    assert!(large_commits > 800, "{large_commits} commits");
    assert!(
        small_full >= 1 && small_full < small_commits / 4,
        "{small_full} of {small_commits}"
    );
    assert!(
        large_full < large_commits / 4,
        "{large_full} of {large_commits}"
    );
    // Eight times the branches, about eight times the bytes: linear, where a full
    // checkpoint per commit would be some sixty times.
    let ratio = large as f64 / small as f64;
    assert!(
        ratio < 16.0,
        "8x the branches wrote {ratio:.1}x the bytes ({small} -> {large})"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

    /// A journal of full checkpoints and deltas with a number changed in one of its records
    /// is refused, or resumes a run that ends: never a panic or a hang.
    #[test]
    fn a_tampered_journal_is_refused_or_runs(
        record in proptest::prelude::any::<usize>(),
        pick in proptest::prelude::any::<usize>(),
        value in proptest::prelude::any::<u64>(),
    ) {
        let runtime = runtime::paused()
            .map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
        runtime.block_on(async {
            let store = Arc::new(MemoryStore::new());
            let runner = Runner::new(Reviews::default())
                .store(store.clone())
                .checkpoint_every_step(true);
            let mut handler = runner.run(5);
            asked(&mut handler, 5).await;
            for id in [3, 1] {
                handler.send_event(Verdict { id, ok: true }).expect("sent");
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
            let mut records: Vec<Vec<u8>> = store
                .load(handler.run_id())
                .ok()
                .flatten()
                .expect("stored")
                .commits
                .into_iter()
                .map(|c| c.record)
                .collect();
            assert!(records.len() > 2, "a journal of several commits");
            let at = record % records.len();
            let mut json: serde_json::Value =
                serde_json::from_slice(&records[at]).expect("JSON");
            let mut pointers = Vec::new();
            numbers(&json, String::new(), &mut pointers);
            if !pointers.is_empty() {
                let value = if value % 2 == 0 { value / 2 % 6 } else { value };
                if let Some(slot) = json.pointer_mut(&pointers[pick % pointers.len()]) {
                    *slot = serde_json::Value::from(value);
                }
                records[at] = serde_json::to_vec(&json).expect("JSON");
            }
            let damaged = RunId::from_u64(1);
            let mut commits = records.into_iter().enumerate();
            let (_, first) = commits.next().expect("a first commit");
            store
                .create(&RunHeader::new(damaged, "Reviews", 0), &Commit::new(0, "(start)", first))
                .expect("created");
            for (seq, record) in commits {
                store
                    .commit(damaged, &Commit::new(seq as u64, "(step)", record), RunStatus::Running)
                    .expect("committed");
            }
            match Runner::new(Reviews::default()).store(store.clone()).resume(damaged) {
                Err(ResumeError::Corrupt { .. } | ResumeError::WorkflowChanged { .. }) => {}
                Err(other) => panic!("unexpected error: {other}"),
                Ok(resumed) => {
                    for id in 0..6 {
                        let _ = resumed.send_event(Verdict { id, ok: true });
                    }
                    let _ = tokio::time::timeout(Duration::from_secs(5), resumed).await;
                }
            }
        });
    }
}

/// Sends `n` parts and gathers them with `collect_many`: a fan-in whose count is known only at
/// run time.
struct Gathering {
    n: u32,
}

#[workflow]
impl Gathering {
    #[step(sends(Part))]
    async fn scatter(&self, ctx: &Context, _ev: StartEvent) {
        for n in 0..self.n {
            ctx.send_event(Part(n));
        }
    }

    #[step]
    async fn gather(&self, ctx: &Context, part: Part) -> Option<StopEvent<u32>> {
        let all = ctx.collect_many::<Part>(part, self.n as usize)?;
        Some(StopEvent::new(all.iter().map(|p| p.0).sum()))
    }
}

/// The bytes of the journal a checkpointed gathering of `n` parts leaves.
async fn gathering_journal(n: u32) -> usize {
    let store = Arc::new(MemoryStore::new());
    let handler = checkpointed(Gathering { n }, &store).run(());
    let run = handler.run_id();
    assert_eq!(handler.await.ok(), Some(n * (n - 1) / 2));
    let commits = store.load(run).ok().flatten().expect("stored").commits;
    commits.iter().map(|c| c.record.len()).sum()
}

#[tokio::test]
async fn a_checkpointed_collection_writes_a_journal_in_proportion_to_its_size() {
    let small = gathering_journal(100).await;
    let large = gathering_journal(800).await;
    // Each commit writes the event the collection gained, not the whole collection.
    let ratio = large as f64 / small as f64;
    assert!(
        ratio < 16.0,
        "8x the parts wrote {ratio:.1}x the bytes ({small} -> {large})"
    );
}
