//! Journaled calls (`Context::journal`, `Context::journal_ok`): a call's result is committed as
//! soon as it returns, and a step that runs again on the same attempt (after a resume) gets it
//! back without the call being made again.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use eventflow::error::{BoxError, JournalError};
use eventflow::prelude::*;
use eventflow::store::{CheckpointStore, Durability, MemoryStore, RunStatus};
use eventflow_testkit::faults::{Call, Fault, FaultyStore};

/// A service that counts the requests it serves.
#[derive(Default)]
struct Service {
    served: AtomicU32,
}

impl Service {
    async fn ask(&self, prompt: &str) -> String {
        let n = self.served.fetch_add(1, Ordering::SeqCst) + 1;
        format!("{prompt} #{n}")
    }

    fn served(&self) -> u32 {
        self.served.load(Ordering::SeqCst)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Go;

/// Asks the service, then waits for `Go` before it answers: a step that runs again after a
/// resume, or whose copy is taken over while it waits.
struct Asker {
    service: Arc<Service>,
}

#[workflow(external(Go))]
impl Asker {
    #[step]
    async fn ask(
        &self,
        ctx: &Context,
        ev: StartEvent<String>,
    ) -> Result<StopEvent<String>, BoxError> {
        let reply = ctx.journal("model", self.service.ask(&ev.input)).await?;
        ctx.wait_for_event::<Go>().await?;
        Ok(StopEvent::new(reply))
    }
}

fn asker(service: &Arc<Service>, store: &Arc<MemoryStore>, every_step: bool) -> Runner<Asker> {
    Runner::new(Asker {
        service: service.clone(),
    })
    .store(store.clone())
    .checkpoint_every_step(every_step)
}

fn steps(store: &dyn CheckpointStore, run: eventflow::RunId) -> Vec<String> {
    store
        .load(run)
        .ok()
        .flatten()
        .map(|s| s.commits.into_iter().map(|c| c.step).collect())
        .unwrap_or_default()
}

async fn until(mut ready: impl FnMut() -> bool) {
    for _ in 0..10_000 {
        if ready() {
            return;
        }
        tokio::task::yield_now().await;
    }
    panic!("never happened");
}

#[tokio::test]
async fn a_step_run_again_after_a_takeover_gets_the_recorded_result() {
    let service = Arc::new(Service::default());
    let store = Arc::new(MemoryStore::new());
    let first = asker(&service, &store, true).run("q".into());
    let run = first.run_id();
    // The result is committed before the step goes on to wait.
    until(|| steps(&*store, run).contains(&"(call)".to_owned())).await;
    assert_eq!(service.served(), 1);
    // Another process takes the run up: the step runs again, on the same attempt.
    let second = asker(&service, &store, true).resume(run).expect("taken up");
    second.send_event(Go).expect("sent");
    assert_eq!(
        second.await.ok().as_deref(),
        Some("q #1"),
        "the recorded answer"
    );
    assert_eq!(service.served(), 1, "the service was asked once");
    first.cancel();
}

#[tokio::test]
async fn a_suspended_run_carries_its_calls() {
    let service = Arc::new(Service::default());
    let store = Arc::new(MemoryStore::new());
    let runner = asker(&service, &store, false);
    let handler = runner.run("q".into());
    until(|| service.served() == 1).await;
    tokio::task::yield_now().await;
    let run = handler.suspend().await.expect("suspended");
    let resumed = runner.resume(run).expect("resumed");
    resumed.send_event(Go).expect("sent");
    assert_eq!(resumed.await.ok().as_deref(), Some("q #1"));
    assert_eq!(service.served(), 1);
    assert_eq!(
        store.load(run).ok().flatten().map(|s| s.header.status),
        Some(RunStatus::Completed)
    );
}

#[tokio::test]
async fn without_a_store_the_call_is_made_and_returned() {
    let service = Arc::new(Service::default());
    let handler = Runner::new(Asker {
        service: service.clone(),
    })
    .run("q".into());
    until(|| service.served() == 1).await;
    handler.send_event(Go).expect("sent");
    assert_eq!(handler.await.ok().as_deref(), Some("q #1"));
}

/// Calls the service under one name twice, then under another; fails its first attempt after
/// the calls, so the retry shows what an attempt keeps.
struct Twice {
    service: Arc<Service>,
}

#[workflow]
impl Twice {
    #[step(retry = RetryPolicy::immediate().max_attempts(2))]
    async fn ask(
        &self,
        ctx: &Context,
        ev: StartEvent<String>,
    ) -> Result<StopEvent<Vec<String>>, BoxError> {
        let a = ctx.journal("a", self.service.ask(&ev.input)).await?;
        let again = ctx.journal("a", self.service.ask(&ev.input)).await?;
        let b = ctx.journal("b", self.service.ask(&ev.input)).await?;
        if ctx.attempt() == 1 {
            return Err("the first attempt fails after its calls".into());
        }
        Ok(StopEvent::new(vec![a, again, b]))
    }
}

#[tokio::test]
async fn names_tell_calls_apart_and_a_retry_calls_again() {
    let service = Arc::new(Service::default());
    let store = Arc::new(MemoryStore::new());
    let runner = Runner::new(Twice {
        service: service.clone(),
    })
    .store(store)
    .checkpoint_every_step(true);
    let answers = runner.run("q".into()).await.expect("answered");
    // Attempt 1 made calls 1 and 2; attempt 2 made its own, 3 and 4.
    assert_eq!(answers, ["q #3", "q #3", "q #4"]);
    assert_eq!(service.served(), 4);
}

/// Asks a flaky service: its error is not recorded, so the retry asks again.
struct Flaky {
    service: Arc<Service>,
}

#[derive(Debug, thiserror::Error)]
enum AskError {
    #[error("the service is busy")]
    Busy,
    #[error(transparent)]
    Journal(#[from] JournalError),
}

#[workflow]
impl Flaky {
    #[step(retry = RetryPolicy::immediate().max_attempts(3))]
    async fn ask(
        &self,
        ctx: &Context,
        ev: StartEvent<String>,
    ) -> Result<StopEvent<String>, AskError> {
        let reply = ctx
            .journal_ok("model", async {
                let reply = self.service.ask(&ev.input).await;
                if reply.ends_with("#1") {
                    Err(AskError::Busy)
                } else {
                    Ok(reply)
                }
            })
            .await?;
        Ok(StopEvent::new(reply))
    }
}

#[tokio::test]
async fn journal_ok_records_only_success() {
    let service = Arc::new(Service::default());
    let store = Arc::new(MemoryStore::new());
    let runner = Runner::new(Flaky {
        service: service.clone(),
    })
    .store(store.clone())
    .checkpoint_every_step(true);
    let handler = runner.run("q".into());
    let run = handler.run_id();
    assert_eq!(handler.await.ok().as_deref(), Some("q #2"));
    // One commit of a call: the success; the busy answer was never recorded.
    let calls = steps(&*store, run)
        .iter()
        .filter(|s| *s == "(call)")
        .count();
    assert_eq!(calls, 1);
}

/// Records a number, then asks for the same call as text.
struct Retyped;

#[workflow]
impl Retyped {
    #[step]
    async fn ask(&self, ctx: &Context, _ev: StartEvent<()>) -> Result<StopEvent<String>, BoxError> {
        let _: u32 = ctx.journal("x", async { 7 }).await?;
        let text: String = ctx.journal("x", async { String::from("seven") }).await?;
        Ok(StopEvent::new(text))
    }
}

#[tokio::test]
async fn a_recorded_result_of_another_type_is_a_clear_error() {
    let store = Arc::new(MemoryStore::new());
    let runner = Runner::new(Retyped)
        .store(store)
        .checkpoint_every_step(true);
    let error = runner.run(()).await.expect_err("a String is not a u32");
    let text = error.to_string();
    assert!(
        text.contains("journaled call `x` does not read back"),
        "{text}"
    );
}

/// A result whose `Serialize` fails.
#[derive(Debug, Deserialize)]
struct Unwritable;

impl Serialize for Unwritable {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("cannot be written"))
    }
}

struct Encoder;

#[workflow]
impl Encoder {
    #[step]
    async fn ask(
        &self,
        ctx: &Context,
        _ev: StartEvent<()>,
    ) -> Result<StopEvent<String>, JournalError> {
        ctx.journal("x", async { Unwritable }).await?;
        Ok(StopEvent::new("recorded".into()))
    }
}

#[tokio::test]
async fn a_result_that_cannot_be_written_is_a_clear_error() {
    let store = Arc::new(MemoryStore::new());
    let runner = Runner::new(Encoder)
        .store(store)
        .checkpoint_every_step(true);
    let error = runner.run(()).await.expect_err("not recorded");
    assert!(error.to_string().contains("cannot be written"), "{error}");
}

/// Asks the service; no wait.
struct Once {
    service: Arc<Service>,
}

#[workflow]
impl Once {
    #[step]
    async fn ask(
        &self,
        ctx: &Context,
        ev: StartEvent<String>,
    ) -> Result<StopEvent<String>, BoxError> {
        Ok(StopEvent::new(
            ctx.journal("model", self.service.ask(&ev.input)).await?,
        ))
    }
}

#[tokio::test]
async fn a_call_the_store_does_not_keep_fails_the_run_or_is_reported() {
    // Commit 0 creates the run; commit 1 is the call's.
    let service = Arc::new(Service::default());
    let store = Arc::new(FaultyStore::new().on(Call::Commit, 1, Fault::Fail));
    let runner = Runner::new(Once {
        service: service.clone(),
    })
    .store(store.clone())
    .checkpoint_every_step(true);
    let error = runner.run("q".into()).await.expect_err("not kept");
    assert!(
        matches!(error, WorkflowError::Checkpoint { .. }),
        "{error:?}"
    );

    let store = Arc::new(FaultyStore::new().on(Call::Commit, 1, Fault::Fail));
    let runner = Runner::new(Once {
        service: service.clone(),
    })
    .store(store.clone())
    .checkpoint_every_step(true)
    .durability(Durability::BestEffort);
    let handler = runner.run("q".into());
    let control = handler.control();
    assert_eq!(handler.await.ok().as_deref(), Some("q #2"));
    assert!(control.durability_lost().is_some());
}

/// Runs the journal worker with `pause` and, unless it is `none`, kills it (SIGKILL) once it
/// got there; the worker's output otherwise.
fn worker(dir: &std::path::Path, pause: &str) -> Option<String> {
    use std::process::{Command, Stdio};
    let paused = dir.join("paused");
    let _ = std::fs::remove_file(&paused);
    let mut child = Command::new(eventflow_testkit::example("journal_worker"))
        .args(["--db", &dir.join("runs.db").to_string_lossy()])
        .args(["--dir", &dir.to_string_lossy(), "--pause", pause])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("journal_worker: {e}"));
    if pause == "none" {
        let out = child.wait_with_output().expect("the worker ends");
        assert!(
            out.status.success(),
            "the worker failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return Some(String::from_utf8_lossy(&out.stdout).trim().to_owned());
    }
    // Polled, not timed: a worker that never gets there fails the test after a long while.
    for _ in 0..6000 {
        if paused.exists() {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the worker ended before pausing: {status}");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let _ = child.kill();
    panic!("the worker never reached {pause}");
}

fn requests(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("requests"))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn killed_after_the_call_returned_the_resumed_step_does_not_call_again() {
    let dir = eventflow_testkit::ScratchDir::new("journal-after");
    assert_eq!(worker(&dir, "after-call"), None);
    assert_eq!(requests(&dir).len(), 1, "served once before the kill");
    assert_eq!(worker(&dir, "none").as_deref(), Some("a draft of an essay"));
    assert_eq!(
        requests(&dir).len(),
        1,
        "the resumed step used the recorded result"
    );
}

#[test]
fn killed_during_the_call_the_call_is_made_again_with_the_same_key() {
    let dir = eventflow_testkit::ScratchDir::new("journal-during");
    assert_eq!(worker(&dir, "in-call"), None);
    assert_eq!(worker(&dir, "none").as_deref(), Some("a draft of an essay"));
    let served = requests(&dir);
    assert_eq!(
        served.len(),
        2,
        "asked again: the first answer was never recorded"
    );
    assert_eq!(served[0], served[1], "with the same idempotency key");
}
