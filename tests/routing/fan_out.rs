//! Typed fan-out and fan-in: a step that returns `Vec<E>` fans out, a step that takes `Vec<E>`
//! joins every branch of that fan-out, and a step that takes `(a: A, b: B)` runs once per
//! complete set.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use eventflow::StepFailed;
use eventflow::event::WorkflowStalled;
use eventflow::prelude::*;
use eventflow_testkit::{DropTracker, last_event};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Job(u32);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Done(u32);

/// Fans out one job per number; a job finishes (after a delay of its own) unless it is
/// divisible by `skip`, in which case its branch ends with no event.
struct Squares {
    skip: u32,
}

#[workflow]
impl Squares {
    #[step]
    async fn split(&self, ev: StartEvent<Vec<u32>>) -> Vec<Job> {
        ev.input.into_iter().map(Job).collect()
    }

    #[step(num_workers = 8)]
    async fn square(&self, job: Job) -> Option<Done> {
        // Later jobs finish first: arrival order is the reverse of fan-out order.
        tokio::time::sleep(Duration::from_millis(u64::from(100 - job.0.min(100)))).await;
        (!job.0.is_multiple_of(self.skip)).then(|| Done(job.0 * job.0))
    }

    #[step]
    async fn gather(&self, done: Vec<Done>) -> StopEvent<Vec<u32>> {
        StopEvent::new(done.into_iter().map(|d| d.0).collect())
    }
}

#[tokio::test(start_paused = true)]
async fn a_join_gets_every_branch_in_fan_out_order() {
    let runner = Runner::new(Squares { skip: u32::MAX });
    let result = runner.run(vec![1, 2, 3, 4, 5]).await.ok();
    assert_eq!(result, Some(vec![1, 4, 9, 16, 25]));
}

#[tokio::test(start_paused = true)]
async fn a_branch_that_returns_nothing_leaves_the_collection() {
    let runner = Runner::new(Squares { skip: 2 });
    let result = runner.run(vec![1, 2, 3, 4, 5]).await.ok();
    assert_eq!(result, Some(vec![1, 9, 25]));
}

#[tokio::test(start_paused = true)]
async fn an_empty_fan_out_runs_the_join_once_with_nothing() {
    let runner = Runner::new(Squares { skip: u32::MAX });
    assert_eq!(runner.run(vec![]).await.ok(), Some(vec![]));
    // Every branch ending with nothing is the same as an empty fan-out.
    let runner = Runner::new(Squares { skip: 1 });
    assert_eq!(runner.run(vec![1, 2, 3]).await.ok(), Some(vec![]));
}

// --- joins with several collections, and sets ---------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
enum Call {
    Search(String),
    Add(i64, i64),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Found(String);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Sum(i64);

/// Tool calls of two kinds, each answered by a step of its own, joined by kind.
struct Tools;

#[workflow]
impl Tools {
    #[step]
    async fn plan(&self, _ev: StartEvent) -> Vec<Call> {
        vec![
            Call::Search("rust".into()),
            Call::Add(2, 3),
            Call::Search("tokio".into()),
            Call::Add(10, 20),
        ]
    }

    #[step(num_workers = 4)]
    async fn call(&self, call: Call) -> OneOf![Found | Sum] {
        match call {
            Call::Search(q) => Found(format!("results for {q}")).into(),
            Call::Add(a, b) => Sum(a + b).into(),
        }
    }

    #[step]
    async fn answer(&self, found: Vec<Found>, sums: Vec<Sum>) -> StopEvent<String> {
        let found: Vec<String> = found.into_iter().map(|f| f.0).collect();
        let sums: Vec<i64> = sums.into_iter().map(|s| s.0).collect();
        StopEvent::new(format!("{found:?} {sums:?}"))
    }
}

#[tokio::test]
async fn a_join_takes_one_collection_per_event_type() {
    let result = Runner::new(Tools).run(()).await.ok();
    assert_eq!(
        result.as_deref(),
        Some(r#"["results for rust", "results for tokio"] [5, 30]"#)
    );
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Left(u32);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Right(u32);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Pair(u32, u32);

/// Fans out lefts and rights in the given order; a step pairs them, one of each per run, and
/// a join gathers the pairs.
struct Pairs;

#[workflow]
impl Pairs {
    #[step]
    async fn start(&self, ev: StartEvent<Vec<i32>>) -> Vec<OneOf![Left | Right]> {
        // Positive numbers are lefts, negative ones rights.
        ev.input
            .into_iter()
            .map(|n| {
                if n >= 0 {
                    Left(n.unsigned_abs()).into()
                } else {
                    Right(n.unsigned_abs()).into()
                }
            })
            .collect()
    }

    #[step]
    async fn pair(&self, left: Left, right: Right) -> Pair {
        Pair(left.0, right.0)
    }

    #[step]
    async fn finish(&self, pairs: Vec<Pair>) -> StopEvent<Vec<(u32, u32)>> {
        StopEvent::new(pairs.into_iter().map(|p| (p.0, p.1)).collect())
    }
}

#[tokio::test]
async fn a_step_taking_one_of_each_type_runs_once_per_complete_set_in_arrival_order() {
    let runner = Runner::new(Pairs);
    let result = runner.run(vec![1, 2, -10, 3, -20, -30]).await.ok();
    assert_eq!(result, Some(vec![(1, 10), (2, 20), (3, 30)]));
}

#[tokio::test]
async fn an_incomplete_set_stalls_the_run_and_says_what_it_waits_for() {
    let runner = Runner::new(Pairs);
    let mut handler = runner.run(vec![1, -10, 2]);
    let stalled = last_event(&mut handler)
        .await
        .and_then(|e| e.downcast::<WorkflowStalled>().ok());
    assert_eq!(
        stalled.map(|s| s.pending),
        Some(vec![
            "step `pair` has `Left` and waits for `Right`".to_string()
        ])
    );
    assert!(matches!(handler.await, Err(WorkflowError::Stalled { .. })));
}

// --- nested fan-outs ----------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Doc {
    name: String,
    chunks: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Chunk {
    doc: String,
    text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct ChunkSummary {
    doc: String,
    words: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct DocSummary {
    doc: String,
    words: usize,
    chunks: usize,
}

/// Documents fan out into chunks; chunks are joined per document, documents per corpus.
struct Corpus;

#[workflow]
impl Corpus {
    #[step]
    async fn documents(&self, ev: StartEvent<Vec<Doc>>) -> Vec<Doc> {
        ev.input
    }

    #[step]
    async fn chunk(&self, doc: Doc) -> Vec<Chunk> {
        let name = doc.name;
        doc.chunks
            .into_iter()
            .map(|text| Chunk {
                doc: name.clone(),
                text,
            })
            .collect()
    }

    #[step(num_workers = 16)]
    async fn count(&self, chunk: Chunk) -> ChunkSummary {
        tokio::task::yield_now().await;
        ChunkSummary {
            doc: chunk.doc,
            words: chunk.text.split_whitespace().count(),
        }
    }

    #[step]
    async fn summarize_doc(&self, chunks: Vec<ChunkSummary>) -> Option<DocSummary> {
        let doc = chunks.first()?.doc.clone();
        assert!(chunks.iter().all(|c| c.doc == doc), "{chunks:?}");
        Some(DocSummary {
            doc,
            words: chunks.iter().map(|c| c.words).sum(),
            chunks: chunks.len(),
        })
    }

    #[step]
    async fn summarize_corpus(
        &self,
        docs: Vec<DocSummary>,
    ) -> StopEvent<Vec<(String, usize, usize)>> {
        StopEvent::new(
            docs.into_iter()
                .map(|d| (d.doc, d.words, d.chunks))
                .collect(),
        )
    }
}

fn doc(name: &str, chunks: &[&str]) -> Doc {
    Doc {
        name: name.into(),
        chunks: chunks.iter().map(|c| (*c).to_owned()).collect(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_fan_outs_join_per_inner_collection() {
    let docs = vec![
        doc("a", &["one two", "three"]),
        doc("empty", &[]),
        doc("b", &["four five six", "seven", "eight nine"]),
    ];
    let result = Runner::new(Corpus).run(docs).await.ok();
    assert_eq!(
        result,
        Some(vec![("a".into(), 3, 2), ("b".into(), 6, 3)]),
        "the empty document's join ran with nothing and ended its branch"
    );
}

// --- take the first n --------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Ask {
    provider: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Reply {
    provider: u32,
}

/// Asks every provider; provider `i` answers after `i` seconds. The first two replies win.
struct Race {
    /// Held by each call while it runs.
    running: DropTracker,
    finished: AtomicUsize,
}

#[workflow]
impl Race {
    #[step]
    async fn ask_all(&self, ev: StartEvent<Vec<u32>>) -> Vec<Ask> {
        ev.input
            .into_iter()
            .map(|provider| Ask { provider })
            .collect()
    }

    #[step(num_workers = 10)]
    async fn ask(&self, ask: Ask) -> Reply {
        let _running = self.running.guard();
        tokio::time::sleep(Duration::from_secs(u64::from(ask.provider))).await;
        self.finished.fetch_add(1, Ordering::SeqCst);
        Reply {
            provider: ask.provider,
        }
    }

    #[step(take = 2)]
    async fn fastest(&self, replies: Vec<Reply>) -> StopEvent<Vec<u32>> {
        StopEvent::new(replies.into_iter().map(|r| r.provider).collect())
    }
}

#[tokio::test(start_paused = true)]
async fn take_runs_the_join_with_the_first_n_and_cancels_the_rest() {
    let runner = Runner::new(Race {
        running: DropTracker::new(),
        finished: AtomicUsize::new(0),
    });
    let result = runner.run(vec![5, 3, 9, 1, 7]).await.ok();
    // The two fastest, in fan-out order.
    assert_eq!(result, Some(vec![3, 1]));
    let race = runner.workflow();
    assert_eq!(race.finished.load(Ordering::SeqCst), 2);
    assert_eq!(race.running.live(), 0, "the slower calls were dropped");
}

#[tokio::test(start_paused = true)]
async fn take_with_fewer_branches_than_n_joins_what_there_is() {
    let runner = Runner::new(Race {
        running: DropTracker::new(),
        finished: AtomicUsize::new(0),
    });
    assert_eq!(runner.run(vec![4]).await.ok(), Some(vec![4]));
}

// --- failures and recovery inside a fan-out -----------------------------------------------

#[derive(Debug, thiserror::Error)]
#[error("job {0} failed")]
struct JobFailed(u32);

/// Odd jobs fail; a recovery step turns the failure into a result inside the same branch.
struct Recovered {
    retried: AtomicUsize,
}

#[workflow]
impl Recovered {
    #[step]
    async fn split(&self, ev: StartEvent<u32>) -> Vec<Job> {
        (0..ev.input).map(Job).collect()
    }

    #[step(num_workers = 3, retry = RetryPolicy::immediate().max_attempts(2))]
    async fn work(&self, ctx: &Context, job: Job) -> Result<Done, JobFailed> {
        if ctx.attempt() > 1 {
            self.retried.fetch_add(1, Ordering::SeqCst);
        }
        if job.0 % 2 == 1 {
            Err(JobFailed(job.0))
        } else {
            Ok(Done(job.0))
        }
    }

    #[step(catch_errors(work), max_recoveries = 1)]
    async fn fallback(&self, failed: StepFailed) -> Option<Done> {
        let job = failed.input()?.downcast_ref::<Job>()?;
        Some(Done(1000 + job.0))
    }

    #[step]
    async fn gather(&self, done: Vec<Done>) -> StopEvent<Vec<u32>> {
        StopEvent::new(done.into_iter().map(|d| d.0).collect())
    }
}

#[tokio::test]
async fn a_recovered_failure_stays_in_its_branch() {
    let runner = Runner::new(Recovered {
        retried: AtomicUsize::new(0),
    });
    let result = runner.run(5).await.ok();
    assert_eq!(result, Some(vec![0, 1001, 2, 1003, 4]));
    // Every odd job was retried once before its recovery.
    assert_eq!(runner.workflow().retried.load(Ordering::SeqCst), 2);
}

// --- waits inside a fan-out ---------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Draft(u32);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct NeedsReview(u32);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Verdict {
    draft: u32,
    approved: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Approved(u32);

/// Each draft of a fan-out waits for its own verdict from the caller; one worker is enough,
/// since a waiting execution does not hold it.
struct Review;

#[workflow(external(Verdict))]
impl Review {
    #[step]
    async fn drafts(&self, ev: StartEvent<u32>) -> Vec<Draft> {
        (1..=ev.input).map(Draft).collect()
    }

    #[step(num_workers = 1, stream_only(NeedsReview))]
    async fn review(&self, ctx: &Context, draft: Draft) -> Result<Option<Approved>, WaitError> {
        let id = draft.0;
        let verdict = ctx
            .wait_for_event::<Verdict>()
            .matching(move |v| v.draft == id)
            .requesting(NeedsReview(id))
            .await?;
        Ok(verdict.approved.then_some(Approved(id)))
    }

    #[step]
    async fn publish(&self, approved: Vec<Approved>) -> StopEvent<Vec<u32>> {
        StopEvent::new(approved.into_iter().map(|a| a.0).collect())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_branch_of_a_fan_out_waits_for_its_own_answer() {
    let mut handler = Runner::new(Review).run(4);
    let mut asked = Vec::new();
    while asked.len() < 4 {
        let Some(event) = handler.next().await else {
            break;
        };
        if let Some(NeedsReview(id)) = event.downcast_ref::<NeedsReview>() {
            asked.push(*id);
        }
    }
    asked.sort_unstable();
    assert_eq!(asked, [1, 2, 3, 4]);
    // Answer in reverse order; odd drafts are rejected.
    for id in asked.into_iter().rev() {
        let verdict = Verdict {
            draft: id,
            approved: id % 2 == 0,
        };
        assert!(handler.send_event(verdict).is_ok());
    }
    assert_eq!(handler.await.ok(), Some(vec![2, 4]));
}

// --- a join's event arriving outside any fan-out ------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Score(u32);

/// Scores come from a fan-out, or one at a time from the caller.
struct Scores {
    batches: Mutex<Vec<Vec<u32>>>,
}

#[workflow(external(Score))]
impl Scores {
    #[step]
    async fn fan(&self, ev: StartEvent<u32>) -> Vec<Score> {
        (0..ev.input).map(Score).collect()
    }

    #[step]
    async fn total(&self, scores: Vec<Score>) -> Option<StopEvent<u32>> {
        let batch: Vec<u32> = scores.iter().map(|s| s.0).collect();
        let done = batch.len() == 1 && batch[0] == 99;
        if let Ok(mut batches) = self.batches.lock() {
            batches.push(batch);
        }
        done.then(|| StopEvent::new(99))
    }
}

#[tokio::test]
async fn outside_any_fan_out_an_event_is_a_collection_of_its_own() {
    let runner = Runner::new(Scores {
        batches: Mutex::new(Vec::new()),
    });
    let handler = runner.run(3);
    assert!(handler.send_event(Score(99)).is_ok());
    assert_eq!(handler.await.ok(), Some(99));
    let mut batches = runner
        .workflow()
        .batches
        .lock()
        .map(|b| b.clone())
        .unwrap_or_default();
    batches.sort();
    assert_eq!(batches, [vec![0, 1, 2], vec![99]]);
}
