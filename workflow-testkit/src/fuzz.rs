//! The checkpoint fuzz target's harness, shared by `fuzz/fuzz_targets/checkpoint.rs` (run with
//! cargo-fuzz on nightly) and a stable test that replays the checked-in corpus on every
//! test run: any bytes a store may hand back as a run's checkpoint, resumed, give a clear
//! error or a run that works, and never a panic, a hang or an unbounded allocation.
//!
//! ```
//! // Garbage is refused as corrupt; the harness panics only on an unexpected outcome.
//! eventflow_testkit::fuzz::resume_checkpoint(b"{\"format\": 99}");
//! ```

use std::sync::{Arc, OnceLock};

use eventflow::RunId;
use eventflow::error::ResumeError;
use eventflow::prelude::*;
use eventflow::store::{CheckpointStore, Commit, MemoryStore, RunHeader, RunStatus};

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Approval {
    approved: bool,
    by: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Tally {
    asked: u32,
    notes: Vec<String>,
}

/// Waits for an approval inside its step, with some state: the shape of the seeds.
struct Gate;

#[workflow(state = Tally, external(Approval))]
impl Gate {
    #[step]
    async fn ask(
        &self,
        ctx: &Context<Tally>,
        ev: StartEvent<u32>,
    ) -> Result<StopEvent<String>, WaitError> {
        ctx.state().edit(|t| t.asked += 1);
        let answer = ctx.wait_for_event::<Approval>().await?;
        Ok(StopEvent::new(format!("{} {}", ev.input, answer.by)))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Item(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Asked(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Verdict {
    id: u32,
    ok: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Judged(u32, bool);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Note(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Extra(u32);

/// A fan-out whose branches wait, its join, a set and a collection: the shape of the other
/// seeds, which are real checkpoints of it at several moments.
struct Batch;

#[workflow(external(Verdict, Extra))]
impl Batch {
    #[step]
    async fn split(&self, ev: StartEvent<u32>) -> Vec<Item> {
        (0..ev.input % 8).map(Item).collect()
    }

    #[step(stream_only(Asked), num_workers = 8)]
    async fn judge(&self, ctx: &Context, item: Item) -> Result<Judged, WaitError> {
        let id = item.0;
        let verdict = ctx
            .wait_for_event::<Verdict>()
            .matching(move |v| v.id == id)
            .requesting(Asked(id))
            .await?;
        Ok(Judged(id, verdict.ok))
    }

    #[step]
    async fn tally(&self, judged: Vec<Judged>) -> Note {
        Note(u32::try_from(judged.iter().filter(|j| j.1).count()).unwrap_or(u32::MAX))
    }

    #[step]
    async fn pair(&self, note: Note, extra: Extra) -> StopEvent<u32> {
        StopEvent::new(note.0 * 100 + extra.0)
    }

    #[step]
    async fn gather(&self, ctx: &Context, extra: Extra) -> Option<StopEvent<u32>> {
        let all = ctx.collect_many::<Extra>(extra, 3)?;
        Some(StopEvent::new(all.iter().map(|e| e.0).sum()))
    }
}

async fn resume_gate(data: &[u8]) {
    let store = Arc::new(MemoryStore::new());
    let run = RunId::from_u64(1);
    let created = store.create(
        &RunHeader::new(run, "Gate", 0),
        &Commit::new(0, "(suspended)", data.to_vec()),
    );
    if created.is_err() {
        return;
    }
    match Runner::new(Gate).store(store).resume(run) {
        Err(ResumeError::Corrupt { .. } | ResumeError::WorkflowChanged { .. }) => {}
        Err(other) => panic!("unexpected error for a damaged checkpoint: {other}"),
        Ok(resumed) => {
            let _ = resumed.send_event(Approval {
                approved: true,
                by: "fuzz".into(),
            });
            let _ = tokio::time::timeout(std::time::Duration::from_secs(1), resumed).await;
        }
    }
}

async fn resume_batch(data: &[u8]) {
    let store = Arc::new(MemoryStore::new());
    let run = RunId::from_u64(1);
    let created = store.create(
        &RunHeader::new(run, "Batch", 0),
        &Commit::new(0, "(suspended)", data.to_vec()),
    );
    if created.is_err() {
        return;
    }
    match Runner::new(Batch).store(store).resume(run) {
        Err(ResumeError::Corrupt { .. } | ResumeError::WorkflowChanged { .. }) => {}
        Err(other) => panic!("unexpected error for a damaged checkpoint: {other}"),
        Ok(resumed) => {
            for id in 0..8 {
                let _ = resumed.send_event(Verdict {
                    id,
                    ok: id % 2 == 0,
                });
            }
            for n in 0..3 {
                let _ = resumed.send_event(Extra(n));
            }
            let _ = tokio::time::timeout(std::time::Duration::from_secs(1), resumed).await;
        }
    }
}

/// The first commits of a `Batch` run checkpointed after every step: a full checkpoint, then
/// deltas. The fuzzer's bytes are resumed as the journal's next record.
fn journal() -> &'static [Vec<u8>] {
    static JOURNAL: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    JOURNAL.get_or_init(|| {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
        else {
            return Vec::new();
        };
        runtime.block_on(async {
            let store = Arc::new(MemoryStore::new());
            let runner = Runner::new(Batch)
                .store(store.clone())
                .checkpoint_every_step(true);
            let handler = runner.run(3);
            let run = handler.run_id();
            // Once the judges wait: an answer kept for a step that has not waited yet holds
            // back checkpoints until it is taken.
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            let _ = handler.send_event(Verdict { id: 1, ok: true });
            let _ = handler.send_event(Extra(4));
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            let records: Vec<Vec<u8>> = store
                .load(run)
                .ok()
                .flatten()
                .map(|s| s.commits.into_iter().map(|c| c.record).collect())
                .unwrap_or_default();
            // The harness itself: a journal of a full checkpoint and deltas to build on.
            assert!(
                records.len() > 2,
                "the journal has {} records",
                records.len()
            );
            records
        })
    })
}

async fn resume_journal(journal: &[Vec<u8>], data: &[u8]) {
    let Some((first, rest)) = journal.split_first() else {
        return;
    };
    let store = Arc::new(MemoryStore::new());
    let run = RunId::from_u64(1);
    if store
        .create(
            &RunHeader::new(run, "Batch", 0),
            &Commit::new(0, "(start)", first.clone()),
        )
        .is_err()
    {
        return;
    }
    for (seq, record) in (1u64..).zip(rest.iter().chain(std::iter::once(&data.to_vec()))) {
        if store
            .commit(
                run,
                &Commit::new(seq, "(step)", record.clone()),
                RunStatus::Running,
            )
            .is_err()
        {
            return;
        }
    }
    match Runner::new(Batch).store(store).resume(run) {
        Err(ResumeError::Corrupt { .. } | ResumeError::WorkflowChanged { .. }) => {}
        Err(other) => panic!("unexpected error for a damaged journal: {other}"),
        Ok(resumed) => {
            for id in 0..8 {
                let _ = resumed.send_event(Verdict { id, ok: true });
            }
            for n in 0..3 {
                let _ = resumed.send_event(Extra(n));
            }
            let _ = tokio::time::timeout(std::time::Duration::from_secs(1), resumed).await;
        }
    }
}

/// Resumes `data` as a checkpoint of each of the harness's workflows and as the next record of
/// a real journal, on a paused runtime of its own.
///
/// # Panics
///
/// If resuming gives an error other than [`ResumeError::Corrupt`] or
/// [`ResumeError::WorkflowChanged`], or anything below panics: what the fuzzer looks for.
pub fn resume_checkpoint(data: &[u8]) {
    // Made outside the runtime below: making it runs a runtime of its own.
    let journal = journal();
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
    else {
        return;
    };
    runtime.block_on(async {
        resume_gate(data).await;
        resume_batch(data).await;
        resume_journal(journal, data).await;
    });
}
