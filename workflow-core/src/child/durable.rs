//! Child runs of a checkpointed run: kept in the parent's store under an id that the
//! parent's step, running again after a resume, finds again, so a child goes on where it was
//! rather than starting over.

use std::sync::Arc;

use tracing::instrument::Instrumented;

use crate::context::IdempotencyKey;
use crate::driver::task::RunTask;
use crate::durable::Ended;
use crate::durable::store::{CheckpointStore, RunStatus};
use crate::error::ResumeError;
use crate::error::WorkflowError;
use crate::event::Stop;
use crate::handler::{Output, WorkflowHandler};
use crate::id::RunId;
use crate::runner::Runner;
use crate::workflow::Workflow;

/// What the parent's step takes up: a child run to poll, or the result of one that ended.
#[expect(
    clippy::large_enum_variant,
    reason = "made once per child and moved at once into the child's boxed future"
)]
pub(super) enum TakenUp<W: Workflow> {
    Run(Instrumented<RunTask<W>>, WorkflowHandler<W>),
    Done(Result<Output<W>, WorkflowError>),
}

/// The `ordinal`-th child run that the execution `key` starts: a new one, the one a former
/// process left running (resumed from its checkpoint), or the result of the one that
/// completed. A child that failed, was cancelled or timed out is behind a step that runs
/// again: a new child runs in its place.
pub(super) fn take_up<W: Workflow>(
    runner: &Runner<W>,
    store: &Arc<dyn CheckpointStore>,
    key: &IdempotencyKey,
    ordinal: u32,
    start: W::Start,
    state: W::State,
) -> TakenUp<W> {
    let failed =
        |error: ResumeError| TakenUp::Done(Err(WorkflowError::ChildResume(Box::new(error))));
    for generation in 0..u32::MAX {
        let id = child_id(key, W::NAME, ordinal, generation);
        let stored = match store.load(id) {
            Ok(stored) => stored,
            Err(error) => return failed(error.into()),
        };
        let Some(stored) = stored else {
            let (task, handler) = runner.prepare_child(id, key.run, start, state, store);
            return TakenUp::Run(task, handler);
        };
        match stored.header.status {
            RunStatus::Completed => {
                let output = stored
                    .commits
                    .last()
                    .ok_or_else(|| "it has no record".to_owned())
                    .and_then(|last| Ended::read::<W::Stop>(&last.record));
                return match output {
                    Ok(stop) => TakenUp::Done(Ok(stop.into_output())),
                    Err(reason) => failed(ResumeError::Corrupt { run: id, reason }),
                };
            }
            status if status.is_finished() => {}
            _ => {
                return match runner.restore(store, stored, true, Some(key.run)) {
                    Ok((task, handler)) => TakenUp::Run(task, handler),
                    Err(error) => failed(error),
                };
            }
        }
    }
    failed(ResumeError::Corrupt {
        run: key.run,
        reason: format!("step `{}` ran out of child run ids", key.step),
    })
}

/// The id of a child run, the same in every process: the parent's execution, the child's
/// place among those it started, the workflow, and how many earlier children in that place
/// ended without a result. FNV-1a, which never changes between builds.
fn child_id(key: &IdempotencyKey, workflow: &str, ordinal: u32, generation: u32) -> RunId {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for &byte in bytes {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    feed(&key.run.as_u64().to_le_bytes());
    feed(key.step.as_bytes());
    feed(&[0]);
    feed(&key.input.to_le_bytes());
    feed(&key.attempt.to_le_bytes());
    feed(&ordinal.to_le_bytes());
    feed(&generation.to_le_bytes());
    feed(workflow.as_bytes());
    RunId::from_u64(hash.max(1))
}
