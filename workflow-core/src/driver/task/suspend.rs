//! Suspending a run into its runner's store, and telling the store how a stored run ended.

use std::sync::Arc;
use std::time::Duration;

use crate::driver::Outcome;
use crate::durable::store::{CheckpointStore, Commit, RunStatus, StoreError};
use crate::durable::{self, Checkpoint, Ended};
use crate::engine::collect::Collectors;
use crate::engine::fan::{FanOuts, load_lineage};
use crate::engine::table::StepTable;
use crate::engine::work::Work;
use crate::error::SuspendError;
use crate::error::WorkflowError;
use crate::event::AnyEvent;
use crate::event::EventType;
use crate::id::RunId;
use crate::workflow::Workflow;

use super::RunTask;

/// How a run begins.
pub(crate) enum Begin {
    /// From its start event.
    Start(AnyEvent),
    /// From a checkpoint.
    Resume(Box<Resumed>),
}

/// A run as its checkpoint left it: these inputs (those that were in flight first) run, and
/// new inputs are numbered from `next_execution`.
pub(crate) struct Resumed {
    /// With what is left of a retry's delay.
    pub(crate) executions: Vec<(u32, Work, Option<Duration>)>,
    pub(crate) next_execution: u64,
    pub(crate) fan: FanOuts,
    pub(crate) collectors: Collectors,
    /// How many events the run had streamed.
    pub(crate) streamed: u64,
}

impl Begin {
    /// How a run goes on from `checkpoint`, whose steps are in `table` and whose events
    /// `find` names; or why the checkpoint does not fit.
    pub(crate) fn restore(
        checkpoint: Checkpoint,
        table: &StepTable,
        find: &dyn Fn(&str) -> Option<EventType>,
    ) -> Result<Self, String> {
        let load = |saved| durable::load_event(&saved, find);
        let fan = FanOuts::restore(checkpoint.fan_outs, table, &load)?;
        let mut executions = Vec::new();
        for saved in checkpoint.in_flight.into_iter().chain(checkpoint.queued) {
            let step = table
                .find(&saved.step)
                .ok_or_else(|| format!("it names no step of the workflow: `{}`", saved.step))?;
            let input = durable::load_input(saved.input, find)?;
            let lineage = load_lineage(saved.lineage);
            if !fan.is_open(&lineage) {
                return Err(format!(
                    "an input of step `{}` belongs to no open fan-out",
                    saved.step
                ));
            }
            let mut work = Work::new(input, lineage);
            work.attempt = saved.attempt.max(1);
            work.execution = saved.execution;
            executions.push((step, work, saved.delay_ms.map(Duration::from_millis)));
        }
        let collectors = Collectors::restore(
            checkpoint.collectors,
            &checkpoint.running,
            table,
            find,
            true,
        )?;
        Ok(Self::Resume(Box::new(Resumed {
            executions,
            next_execution: checkpoint.next_execution.max(1),
            fan,
            collectors,
            streamed: checkpoint.streamed,
        })))
    }
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
    /// Commit a checkpoint after every step, so the run survives a crash.
    pub(crate) every_step: bool,
    /// For a child run, the run whose step runs it.
    pub(crate) parent: Option<RunId>,
    /// What the journal holds since its last full checkpoint.
    pub(crate) written: Written,
}

impl Durable {
    /// A run not in `store` yet, starting now; `parent` for a child run.
    pub(crate) fn new(
        store: &Arc<dyn CheckpointStore>,
        every_step: bool,
        parent: Option<RunId>,
    ) -> Self {
        Self {
            store: Arc::clone(store),
            stored: false,
            next_seq: 0,
            used: Duration::ZERO,
            every_step,
            parent,
            written: Written::default(),
        }
    }
}

/// The journal of a run checkpointed after every step, since its last full checkpoint.
#[derive(Debug, Default)]
pub(crate) struct Written {
    /// The commit number of the last full checkpoint, `None` before the first (in this
    /// process: a resumed run writes a full one first).
    pub(crate) full: Option<u64>,
    /// How many changes the deltas since hold.
    pub(crate) changes: usize,
    /// How many inputs, fan-out arrivals and buffered events the full checkpoint held.
    pub(crate) size: usize,
    /// The last commit held events in collectors.
    pub(crate) collecting: bool,
}

impl<W: Workflow> RunTask<W> {
    /// Whether nothing runs but executions waiting, without a timeout, for an event (retries
    /// waiting out their delay are kept with what is left of it).
    pub(super) fn can_suspend(&self) -> bool {
        self.steps.in_flight() == self.shared.waiters.unbounded()
    }

    /// Answers the caller's request to suspend: commits the checkpoint and ends the run here,
    /// or says why not and goes on.
    pub(super) fn suspend(&mut self) {
        let Some(reply) = self.shared.take_suspend() else {
            return;
        };
        match self.commit(RunStatus::Waiting, "(suspended)") {
            Ok(run) => {
                let _ = reply.send(Ok(run));
                self.finish(Err(WorkflowError::Suspended { run }));
            }
            Err(error) => {
                let lost = matches!(error, SuspendError::Store(StoreError::OutOfSequence { .. }));
                let _ = reply.send(Err(error));
                if lost {
                    self.superseded();
                }
            }
        }
    }

    /// A run that is in the store ended here: the store says how.
    pub(super) fn ended_in_store(&self, outcome: &Outcome<W>) {
        let Some(durable) = self.durable.as_ref().filter(|d| d.stored) else {
            return;
        };
        let status = match outcome {
            Ok(_) => RunStatus::Completed,
            // Suspended: the checkpoint was just committed as waiting. Superseded: the copy
            // that took the run up records how it ends.
            Err(WorkflowError::Suspended { .. } | WorkflowError::Superseded { .. }) => return,
            Err(WorkflowError::Cancelled) => RunStatus::Cancelled,
            Err(WorkflowError::TimedOut { .. }) => RunStatus::TimedOut,
            Err(_) => RunStatus::Failed,
        };
        // A commit, not a status change: in sequence, so a copy of the run that was taken up
        // elsewhere cannot mark it ended.
        let record = match outcome {
            Ok(stop) => serde_json::to_value(stop).map(Some),
            Err(_) => Ok(None),
        }
        .and_then(|stop| {
            serde_json::to_vec(&Ended {
                format: durable::FORMAT,
                status: status.as_str().to_owned(),
                stop,
            })
        });
        let written = match record {
            Ok(record) => {
                let commit = Commit::new(durable.next_seq, "(ended)", record);
                durable.store.commit(self.shared.id, &commit, status)
            }
            Err(error) => {
                tracing::warn!(target: "eventflow::run", run_id = %self.shared.id, %error, "the stop event could not be encoded; only the status is recorded");
                durable.store.set_status(self.shared.id, status)
            }
        };
        match written {
            Ok(()) => self.end_children(durable),
            Err(StoreError::OutOfSequence { .. }) => {
                tracing::debug!(target: "eventflow::run", run_id = %self.shared.id, "the run was taken up elsewhere; that copy records how it ends");
            }
            Err(error) => {
                tracing::warn!(target: "eventflow::run", run_id = %self.shared.id, %error, "the store could not record how the run ended");
            }
        }
    }
}

impl<W: Workflow> RunTask<W> {
    /// The run ended: a child run it left unfinished (its step was dropped, by a cancel, a
    /// timeout or a failure elsewhere) will never be taken up, so the store says it was
    /// cancelled.
    fn end_children(&self, durable: &Durable) {
        let started =
            self.shared.children.get().is_some_and(|children| {
                children.started.load(std::sync::atomic::Ordering::Relaxed)
            });
        if !started {
            return;
        }
        let run = self.shared.id;
        let orphans = durable.store.list().map(|runs| {
            runs.into_iter()
                .filter(|h| h.parent == Some(run) && !h.status.is_finished())
                .map(|h| h.run)
                .collect::<Vec<_>>()
        });
        for child in orphans.unwrap_or_default() {
            if let Err(error) = durable.store.set_status(child, RunStatus::Cancelled) {
                tracing::warn!(target: "eventflow::run", run_id = %run, child = %child, %error, "the store could not record that a child run was dropped");
            }
        }
    }
}

impl<W: Workflow> RunTask<W> {
    /// Routes what `finished` sent while it ran, now that it has finished, or drops it if it
    /// failed: a retry sends it again.
    pub(super) fn release(&mut self, finished: &crate::driver::steps::Finished) {
        let Some(held) = self.held.remove(&finished.meta.execution) else {
            return;
        };
        if !matches!(finished.outcome, Ok(Ok(_))) {
            return;
        }
        for envelope in held {
            if self.is_done() {
                return;
            }
            let from = crate::engine::route::Source {
                step: envelope.origin,
                link: envelope.link,
            };
            self.route(envelope.event, envelope.target, envelope.lineage, &from);
        }
    }

    /// The store refused a commit as out of sequence: another copy of the run took it up
    /// since. This copy stops, committing nothing more.
    fn superseded(&mut self) {
        let run = self.shared.id;
        tracing::warn!(target: "eventflow::run", run_id = %run, "the run was resumed elsewhere; this copy stops");
        self.finish(Err(WorkflowError::Superseded { run }));
    }

    /// In a run checkpointed after every step, commits what happened since the last
    /// checkpoint. A moment a checkpoint cannot carry yet (a fan-out in progress) is skipped:
    /// the run then resumes from the last one it could.
    pub(super) fn checkpoint_if_dirty(&mut self) {
        if !self.dirty || self.is_done() || !self.durable.as_ref().is_some_and(|d| d.every_step) {
            return;
        }
        self.dirty = false;
        match self.commit(RunStatus::Running, "(step)") {
            Ok(_) => {}
            Err(SuspendError::Store(StoreError::OutOfSequence { .. })) => {
                self.superseded();
            }
            Err(SuspendError::Unsupported(reason)) => {
                tracing::debug!(target: "eventflow::run", run_id = %self.shared.id, %reason, "no checkpoint at this moment");
            }
            Err(error) => {
                tracing::warn!(target: "eventflow::run", run_id = %self.shared.id, %error, "the checkpoint could not be committed");
            }
        }
    }
}

impl<W: Workflow> RunTask<W> {
    /// In a run checkpointed after every step, ends a turn of the loop: commits what it did
    /// (at most one step's completion, and what came from outside), then starts what that
    /// queued. Nothing runs between a completion and its commit, so a committed completion is
    /// the last word on its step. Whether anything started.
    pub(super) fn settle(&mut self) -> bool {
        if !self.durable.as_ref().is_some_and(|d| d.every_step) || self.is_done() {
            return false;
        }
        self.checkpoint_if_dirty();
        self.steps.release_starts(&self.engine, &self.shared)
    }
}
