//! Taking runs up from a store: a run the caller resumes, and a child run that its parent's
//! step, running again after a resume, takes up where it was.

use std::sync::Arc;
use std::time::Duration;

use tracing::instrument::Instrumented;

use crate::driver::task::{Begin, Durable, RunTask};
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
        if stored.header.status.is_finished() {
            return Err(ResumeError::Finished {
                run,
                status: stored.header.status,
            });
        }
        let corrupt = |reason: String| ResumeError::Corrupt { run, reason };
        if stored.commits.is_empty() {
            return Err(ResumeError::NoCheckpoint {
                run,
                status: stored.header.status,
            });
        }
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
        let claim_seq = stored.commits.len() as u64;
        // Its journal here starts with a full checkpoint: the deltas of this process build
        // on one it wrote.
        let durable = Durable {
            stored: true,
            next_seq: claim_seq + 1,
            used: Duration::from_millis(checkpoint.elapsed_ms),
            ..Durable::new(store, every_step, parent)
        };
        let begin = Begin::restore(checkpoint, &self.engine.table, &|name| {
            self.event_type(name)
        })
        .map_err(corrupt)?;
        // Taken up here: a copy elsewhere finds out at its next commit, and stops.
        store.commit(
            run,
            &Commit::new(claim_seq, "(resumed)", claim),
            RunStatus::Running,
        )?;
        Ok(self.launch(run, begin, state, None, Some(durable)))
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
        let durable = Durable::new(store, true, Some(parent));
        self.launch(
            id,
            Begin::Start(AnyEvent::new(start)),
            state,
            None,
            Some(durable),
        )
    }
}
