//! `#[step(blocking)]`: a step that blocks its thread runs on tokio's blocking pool, so the
//! run's timeout, a step's deadline and cancellation still end the run while it blocks. Each
//! test runs on a current-thread runtime, where a blocking step not marked so would block the
//! run's only thread and the test would never end.

use std::sync::Mutex;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use eventflow::error::StepTimedOut;
use eventflow::prelude::*;
use eventflow::step::StepPanic;

/// Blocks its thread until the test lets it go, or returns at once when told `quick`.
struct Crunch {
    release: Mutex<Receiver<()>>,
    started: Mutex<Sender<()>>,
}

#[workflow]
impl Crunch {
    #[step(blocking)]
    async fn crunch(&self, ev: StartEvent<String>) -> StopEvent<String> {
        let _ = self.started.lock().map(|s| s.send(()));
        if ev.input != "quick" {
            let _ = self.release.lock().map(|r| r.recv());
        }
        assert!(ev.input != "panic", "the crunch went wrong");
        StopEvent::new(ev.input.to_uppercase())
    }
}

/// A workflow whose step blocks, the sender that releases it, and the receiver that says it
/// started.
fn crunch() -> (Crunch, Sender<()>, Receiver<()>) {
    let (release, blocked) = channel();
    let (started, seen) = channel();
    let workflow = Crunch {
        release: Mutex::new(blocked),
        started: Mutex::new(started),
    };
    (workflow, release, seen)
}

#[tokio::test]
async fn a_blocking_step_returns_its_result() {
    let (workflow, _release, _) = crunch();
    let result = Runner::new(workflow).run("quick".to_owned()).await;
    assert_eq!(result.ok().as_deref(), Some("QUICK"));
}

#[tokio::test]
async fn the_run_timeout_fires_while_a_step_blocks() {
    let (workflow, release, _) = crunch();
    let result = Runner::new(workflow)
        .timeout(Duration::from_millis(20))
        .run("slow".to_owned())
        .await;
    assert!(
        matches!(&result, Err(WorkflowError::TimedOut { active_steps, .. }) if active_steps == &["crunch".to_owned()]),
        "{result:?}"
    );
    // The abandoned thread ends once let go.
    let _ = release.send(());
}

#[tokio::test]
async fn a_cancel_ends_the_run_while_a_step_blocks() {
    let (workflow, release, started) = crunch();
    let runner = Runner::new(workflow);
    let handler = runner.run("slow".to_owned());
    let control = handler.control();
    // Once the step's thread is blocked.
    tokio::task::spawn_blocking(move || started.recv().is_ok())
        .await
        .ok();
    control.cancel();
    assert!(matches!(handler.await, Err(WorkflowError::Cancelled)));
    let _ = release.send(());
}

/// Its step blocks past its own deadline.
struct Deadline {
    release: Mutex<Receiver<()>>,
}

#[workflow]
impl Deadline {
    #[step(blocking, timeout = Duration::from_millis(20))]
    async fn crunch(&self, _ev: StartEvent) -> StopEvent {
        let _ = self.release.lock().map(|r| r.recv());
        StopEvent::new(())
    }
}

#[tokio::test]
async fn a_steps_deadline_fires_while_it_blocks() {
    let (release, blocked) = channel();
    let result = Runner::new(Deadline {
        release: Mutex::new(blocked),
    })
    .run(())
    .await;
    let timed_out = result
        .as_ref()
        .err()
        .and_then(WorkflowError::downcast_ref::<StepTimedOut>);
    assert!(timed_out.is_some(), "{result:?}");
    let _ = release.send(());
}

#[tokio::test]
async fn a_panic_on_the_blocking_pool_fails_the_step() {
    let (workflow, release, _) = crunch();
    // Let go at once: the step panics after its wait.
    let _ = release.send(());
    let result = Runner::new(workflow).run("panic".to_owned()).await;
    let panic = result
        .as_ref()
        .err()
        .and_then(WorkflowError::downcast_ref::<StepPanic>)
        .map(|p| p.message().to_owned());
    assert_eq!(panic.as_deref(), Some("the crunch went wrong"));
}
