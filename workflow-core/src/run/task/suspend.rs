//! Suspending a run into its runner's store, and telling the store how a stored run ended.

use std::sync::Arc;
use std::time::Duration;

use crate::any_event::AnyEvent;
use crate::durable::{self, Checkpoint, SavedExecution, SuspendError};
use crate::error::WorkflowError;
use crate::handler::Outcome;
use crate::id::RunId;
use crate::run::steps::Work;
use crate::step::StepSpec;
use crate::store::{CheckpointStore, Commit, RunHeader, RunStatus};
use crate::topology::Topology;
use crate::workflow::Workflow;

use super::RunTask;

/// How a run begins.
pub(crate) enum Begin {
    /// From its start event.
    Start(AnyEvent),
    /// From a checkpoint: these executions, which were waiting, run again.
    Resume(Vec<(u32, Work)>),
}

/// A run that can be suspended into a store.
pub(crate) struct Durable {
    pub(crate) store: Arc<dyn CheckpointStore>,
    /// Whether the run is in the store: it was suspended before.
    pub(crate) stored: bool,
    /// The number of the run's next commit.
    pub(crate) next_seq: u64,
    /// The part of the run's timeout used before this loop took the run over.
    pub(crate) used: Duration,
}

impl<W: Workflow> RunTask<W> {
    /// Whether nothing runs but executions waiting, without a timeout, for an event.
    pub(super) fn can_suspend(&self) -> bool {
        self.steps.in_flight() == self.shared.waiters.unbounded() && !self.steps.has_retries()
    }

    /// Answers the caller's request to suspend: commits the checkpoint and ends the run here,
    /// or says why not and goes on.
    pub(super) fn suspend(&mut self) {
        let Some(reply) = self.shared.take_suspend() else {
            return;
        };
        match self.commit_checkpoint() {
            Ok(run) => {
                let _ = reply.send(Ok(run));
                self.finish(Err(WorkflowError::Suspended { run }));
            }
            Err(error) => {
                let _ = reply.send(Err(error));
            }
        }
    }

    fn commit_checkpoint(&mut self) -> Result<RunId, SuspendError> {
        if self.durable.is_none() {
            return Err(SuspendError::NoStore);
        }
        let topology = self.engine_topology();
        let checkpoint = self.checkpoint(&topology)?;
        let record = checkpoint.encode()?;
        let run = self.shared.id;
        let Some(durable) = self.durable.as_mut() else {
            return Err(SuspendError::NoStore);
        };
        if !durable.stored {
            let fingerprint = topology.fingerprint();
            durable
                .store
                .create(&RunHeader::new(run, W::NAME, fingerprint))?;
            durable.stored = true;
        }
        durable.store.commit(
            run,
            &Commit::new(durable.next_seq, "(suspended)", record),
            RunStatus::Waiting,
        )?;
        durable.next_seq += 1;
        Ok(run)
    }

    /// What the run needs to go on, if a checkpoint can carry all of it.
    fn checkpoint(&self, topology: &Topology) -> Result<Checkpoint, SuspendError> {
        if !self.fan.is_empty() {
            return Err(SuspendError::Unsupported(
                "a fan-out or a set of events is in progress".into(),
            ));
        }
        let pending = self.shared.pending_collections();
        if !pending.is_empty() {
            return Err(SuspendError::Unsupported(format!(
                "events are being collected: {}",
                pending.join("; ")
            )));
        }
        let table = &self.engine.table;
        let mut waiting = Vec::new();
        for (step, attempt, input) in self.steps.in_flight_inputs() {
            let name = table.spec(step).name;
            let input = input.ok_or_else(|| {
                SuspendError::Unsupported(format!("the input of step `{name}` was not kept"))
            })?;
            waiting.push(SavedExecution {
                step: name.to_owned(),
                attempt,
                input: durable::save_input(input)?,
            });
        }
        let state = serde_json::to_value(self.shared.state.get())
            .map_err(|e| SuspendError::Encode(format!("the state: {e}")))?;
        let used = self.durable.as_ref().map_or(Duration::ZERO, |d| d.used);
        let elapsed = used + self.began.map_or(Duration::ZERO, |b| b.elapsed());
        Ok(Checkpoint {
            format: durable::FORMAT,
            workflow: W::NAME.to_owned(),
            topology: topology.to_string(),
            state_type: std::any::type_name::<W::State>().to_owned(),
            state,
            elapsed_ms: durable::millis(elapsed),
            waiting,
        })
    }

    /// The graph the run executes, free-function steps included.
    fn engine_topology(&self) -> Topology {
        let specs: Vec<&StepSpec> = self.engine.table.specs.to_vec();
        let retries: Vec<bool> = self.engine.retries.iter().map(Option::is_some).collect();
        Topology::build::<W>(&specs, &retries)
    }

    /// A run that is in the store ended here: the store says how.
    pub(super) fn ended_in_store(&self, outcome: &Outcome<W>) {
        let Some(durable) = self.durable.as_ref().filter(|d| d.stored) else {
            return;
        };
        let status = match outcome {
            Ok(_) => RunStatus::Completed,
            // The checkpoint was just committed as waiting.
            Err(WorkflowError::Suspended { .. }) => return,
            Err(WorkflowError::Cancelled) => RunStatus::Cancelled,
            Err(WorkflowError::TimedOut { .. }) => RunStatus::TimedOut,
            Err(_) => RunStatus::Failed,
        };
        if let Err(error) = durable.store.set_status(self.shared.id, status) {
            tracing::warn!(target: "eventflow::run", run_id = %self.shared.id, %error, "the store could not record how the run ended");
        }
    }
}
