//! Taking runs up from a store: a run the caller resumes, and a child run that its parent's
//! step, running again after a resume, takes up where it was.

use std::sync::Arc;
use std::time::Duration;

use tracing::instrument::Instrumented;

use crate::driver::task::{Begin, Durable, RunTask};
use crate::durable::commit::guarded;
use crate::durable::store::{CheckpointStore, Commit, RunStatus, StoredRun};
use crate::durable::{self, ResumeError};
use crate::event::AnyEvent;
use crate::handler::WorkflowHandler;
use crate::id::RunId;
use crate::workflow::Workflow;

use crate::runner::Runner;

impl<W: Workflow> Runner<W> {
    /// The run `stored` from its last checkpoint in `store`, ready to be polled: checked
    /// against this workflow, and marked running in the store. `parent` is the run whose
    /// step runs it, for a child run.
    pub(crate) fn restore(
        &self,
        store: &Arc<dyn CheckpointStore>,
        stored: StoredRun,
        every_step: bool,
        parent: Option<RunId>,
    ) -> Result<(Instrumented<RunTask<W>>, WorkflowHandler<W>), ResumeError> {
        let run = stored.header.run;
        if stored.header.workflow != W::NAME {
            return Err(ResumeError::OtherWorkflow {
                run,
                expected: W::NAME,
                found: stored.header.workflow,
            });
        }
        if stored.header.status == RunStatus::Quarantined {
            return Err(ResumeError::Quarantined {
                run,
                reason: "it was quarantined before; set its status back to running to release it"
                    .to_owned(),
            });
        }
        if stored.header.status.is_finished() {
            return Err(ResumeError::Finished {
                run,
                status: stored.header.status,
            });
        }
        if stored.commits.is_empty() {
            return Err(ResumeError::NoCheckpoint {
                run,
                status: stored.header.status,
            });
        }
        let claims = claims_in_a_row(&stored.commits);
        if self.quarantine_after.is_some_and(|most| claims >= most) {
            return Err(quarantine(
                store,
                run,
                format!("it was taken up {claims} times in a row without a step completing"),
            ));
        }
        // A checkpoint that does not read, or whose decoding panics (an event's or the
        // state's `Deserialize` is the user's code), will not read the next time either.
        let read = guarded("reading the checkpoint", || self.read(&stored))
            .map_err(|panic| ResumeError::Corrupt {
                run,
                reason: panic.to_string(),
            })
            .and_then(|read| read);
        let Read {
            state,
            used,
            begin,
            claim,
        } = match read {
            Ok(read) => read,
            Err(ResumeError::Corrupt { run, reason }) => {
                quarantine(
                    store,
                    run,
                    format!("its checkpoint is unreadable: {reason}"),
                );
                return Err(ResumeError::Corrupt { run, reason });
            }
            Err(other) => return Err(other),
        };
        let claim_seq = stored.commits.len() as u64;
        // Its journal here starts with a full checkpoint: the deltas of this process build
        // on one it wrote.
        let durable = Durable {
            stored: true,
            next_seq: claim_seq + 1,
            used,
            claimed: true,
            ..Durable::new(store, every_step, parent).durability(self.durability)
        };
        // Taken up here: a copy elsewhere finds out at its next commit, and stops.
        store.commit(
            run,
            &Commit::new(claim_seq, CLAIM, claim),
            RunStatus::Running,
        )?;
        Ok(self.launch(run, begin, state, None, Some(durable)))
    }

    /// What the run's journal says, or why it does not fit this workflow.
    fn read(&self, stored: &StoredRun) -> Result<Read<W>, ResumeError> {
        let run = stored.header.run;
        let corrupt = |reason: String| ResumeError::Corrupt { run, reason };
        let records: Vec<&[u8]> = stored.commits.iter().map(|c| c.record.as_slice()).collect();
        let (mut checkpoint, full) = durable::fold(&records).map_err(corrupt)?;
        if checkpoint.workflow != W::NAME {
            return Err(corrupt(format!(
                "it names workflow `{}`",
                checkpoint.workflow
            )));
        }
        let (topology, _) = self.engine.listing();
        let state_type = std::any::type_name::<W::State>();
        let mut changes = crate::topology::changes_between(&checkpoint.topology, topology);
        if checkpoint.state_type != state_type {
            changes.push(format!(
                "the state type `{}` became `{state_type}`",
                checkpoint.state_type
            ));
        }
        if !changes.is_empty() {
            return Err(ResumeError::WorkflowChanged { run, changes });
        }
        let claim = checkpoint.claim(full).map_err(corrupt)?;
        let state: W::State = serde_json::from_value(std::mem::take(&mut checkpoint.state))
            .map_err(|e| corrupt(format!("its state: {e}")))?;
        let used = Duration::from_millis(checkpoint.elapsed_ms);
        let begin = Begin::restore(checkpoint, &self.engine.table, &|name| {
            self.event_type(name)
        })
        .map_err(corrupt)?;
        Ok(Read {
            state,
            used,
            begin,
            claim,
        })
    }

    /// A new child run `id` of `parent`, checkpointed after every step into the parent's
    /// `store`.
    pub(crate) fn prepare_child(
        &self,
        id: RunId,
        parent: RunId,
        start: W::Start,
        state: W::State,
        store: &Arc<dyn CheckpointStore>,
    ) -> (Instrumented<RunTask<W>>, WorkflowHandler<W>) {
        let durable = Durable::new(store, true, Some(parent)).durability(self.durability);
        self.launch(
            id,
            Begin::Start(AnyEvent::new(start)),
            state,
            None,
            Some(durable),
        )
    }
}

/// A stored run, read back.
struct Read<W: Workflow> {
    state: W::State,
    /// The part of its timeout it used.
    used: Duration,
    /// How it begins again.
    begin: Begin,
    /// The full checkpoint that claims it.
    claim: Vec<u8>,
}

/// The step name of the commit that takes a run up.
const CLAIM: &str = "(resumed)";

/// How many times in a row the run was taken up, with no step completing (and nothing else
/// committed) after: the claims at the end of its journal.
fn claims_in_a_row(commits: &[Commit]) -> u32 {
    let claims = commits.iter().rev().take_while(|c| c.step == CLAIM).count();
    u32::try_from(claims).unwrap_or(u32::MAX)
}

/// Marks `run` quarantined in the store, and says so.
fn quarantine(store: &Arc<dyn CheckpointStore>, run: RunId, reason: String) -> ResumeError {
    match guarded("the store's set_status", || {
        store.set_status(run, RunStatus::Quarantined)
    }) {
        Ok(Ok(())) => {
            tracing::error!(target: "eventflow::run", run_id = %run, %reason, "the run is quarantined");
        }
        Ok(Err(error)) => {
            tracing::error!(target: "eventflow::run", run_id = %run, %reason, %error, "the run should be quarantined, but the store could not record it");
        }
        Err(error) => {
            tracing::error!(target: "eventflow::run", run_id = %run, %reason, %error, "the run should be quarantined, but the store panicked");
        }
    }
    ResumeError::Quarantined { run, reason }
}
