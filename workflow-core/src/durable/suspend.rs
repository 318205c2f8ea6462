//! Suspending a run into its runner's store, and telling the store how a stored run ended.

use crate::driver::Outcome;
use crate::durable::commit::{guarded, resolve};
use crate::durable::store::{Commit, Durability, RunStatus, StoreError};
use crate::durable::{self, Ended};
use crate::engine::lock;
use crate::error::SuspendError;
use crate::error::WorkflowError;
use crate::event::{AnyEvent, DurabilityLost};
use crate::workflow::Workflow;

use crate::driver::task::RunTask;
use crate::durable::run::Durable;

impl<W: Workflow> RunTask<W> {
    /// Whether nothing runs but executions waiting, without a timeout, for an event (retries
    /// waiting out their delay are kept with what is left of it).
    pub(crate) fn can_suspend(&self) -> bool {
        self.steps.in_flight() == self.shared.waiters.unbounded()
    }

    /// Answers the caller's request to suspend: commits the checkpoint and ends the run here,
    /// or says why not and goes on.
    pub(crate) fn suspend(&mut self) {
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

    /// A run that is in the store ended here: the store says how, and the outcome the
    /// caller gets agrees with it. A copy that was taken up elsewhere (its end is refused as
    /// out of sequence) is superseded; an end the store could not record is an error, so
    /// that nobody takes a result for a run the store still holds as running.
    pub(crate) fn ended_in_store(&self, outcome: Outcome<W>) -> Outcome<W> {
        let Some(durable) = self.durable.as_ref().filter(|d| d.stored) else {
            return outcome;
        };
        let run = self.shared.id;
        let status = match &outcome {
            Ok(_) => RunStatus::Completed,
            // Suspended: the checkpoint was just committed as waiting. Superseded: the copy
            // that took the run up records how it ends.
            Err(WorkflowError::Suspended { .. } | WorkflowError::Superseded { .. }) => {
                return outcome;
            }
            Err(WorkflowError::Cancelled) => RunStatus::Cancelled,
            Err(WorkflowError::TimedOut { .. }) => RunStatus::TimedOut,
            Err(_) => RunStatus::Failed,
        };
        let ended = self.record_end(durable, &outcome, status);
        if let (Some(lost), Err(error)) = (&durable.lost, &ended) {
            // Best-effort durability: the caller was told the run is not durable.
            tracing::warn!(target: "eventflow::run", run_id = %run, %error, %lost, "the store could not record how the run ended either");
            return outcome;
        }
        match ended {
            Ok(()) => {
                self.end_children(durable);
                outcome
            }
            // After a checkpoint whose outcome is unknown, the commit that is there may be
            // this copy's own: the caller keeps hearing that the store failed, not a guess.
            Err(SuspendError::Store(StoreError::OutOfSequence { .. }))
                if matches!(outcome, Err(WorkflowError::Checkpoint { .. })) =>
            {
                outcome
            }
            Err(SuspendError::Store(StoreError::OutOfSequence { .. })) => {
                tracing::debug!(target: "eventflow::run", run_id = %run, "the run was taken up elsewhere; that copy records how it ends");
                Err(WorkflowError::Superseded { run })
            }
            Err(error) => {
                tracing::warn!(target: "eventflow::run", run_id = %run, %error, "the store could not record how the run ended");
                let ended = match &outcome {
                    Ok(_) => "completed".to_owned(),
                    // The caller already hears that the store failed.
                    Err(WorkflowError::Checkpoint { .. }) => return outcome,
                    Err(ended) => format!("ended ({ended})"),
                };
                Err(WorkflowError::EndNotRecorded {
                    run,
                    outcome: ended,
                    source: error,
                })
            }
        }
    }

    /// Commits how the run ended: a commit, not a status change, so that it is in sequence
    /// and a copy of the run that was taken up elsewhere cannot mark it ended.
    fn record_end(
        &self,
        durable: &Durable,
        outcome: &Outcome<W>,
        status: RunStatus,
    ) -> Result<(), SuspendError> {
        let run = self.shared.id;
        let record = guarded("encoding the stop event", || {
            match outcome {
                Ok(stop) => serde_json::to_value(stop).map(Some),
                Err(_) => Ok(None),
            }
            .and_then(|stop| {
                serde_json::to_vec(&Ended {
                    format: durable::FORMAT,
                    status: status.as_str().to_owned(),
                    stop,
                })
            })
        })?;
        let store = &*durable.store;
        match record {
            Ok(record) => {
                let commit = Commit::new(durable.next_seq, "(ended)", record);
                match guarded("the store's commit", || store.commit(run, &commit, status))? {
                    Ok(()) => Ok(()),
                    Err(error) => resolve(store, run, &commit, error),
                }
            }
            Err(error) => {
                tracing::warn!(target: "eventflow::run", run_id = %run, %error, "the stop event could not be encoded; only the status is recorded");
                guarded("the store's set_status", || store.set_status(run, status))?
                    .map_err(SuspendError::from)
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
    pub(crate) fn release(&mut self, finished: &crate::driver::steps::Finished) {
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
    pub(crate) fn checkpoint_if_dirty(&mut self) {
        if !self.dirty || self.is_done() || !self.durable.as_ref().is_some_and(|d| d.every_step) {
            return;
        }
        self.dirty = false;
        let committed = self.commit(RunStatus::Running, "(step)");
        self.after_commit(committed);
    }

    /// Commits the results of journaled calls that came in, then tells their steps: a step
    /// goes on from a journaled call only once its result is in the store (or the run will
    /// never commit it: it ended, or went on without its store).
    pub(crate) fn commit_calls(&mut self) {
        let fresh = self
            .shared
            .calls()
            .is_some_and(|calls| lock(calls).has_fresh());
        if fresh && !self.is_done() {
            let committed = self.commit(RunStatus::Running, "(call)");
            self.after_commit(committed);
        }
        if let Some(durable) = self.durable.as_mut() {
            for ack in durable.acks.drain(..) {
                let _ = ack.send(());
            }
        }
    }

    /// A run taken up from the store that has only waits left says so in the store, as
    /// waiting: taken up again later, it does not count as a resume that got nowhere (see
    /// `Runner::quarantine_after`), and `resume_running` leaves it for its answer.
    pub(crate) fn confirm_claim(&mut self) {
        if !self.durable.as_ref().is_some_and(|d| d.claimed) || self.is_done() {
            return;
        }
        // A retry waiting out its delay is the run's own work: it stays running in the store,
        // so that `resume_running` takes it up after a crash.
        if !self.can_suspend() || self.steps.pending_retries().next().is_some() {
            return;
        }
        let committed = self.commit(RunStatus::Waiting, "(waiting)");
        if let Some(durable) = self.durable.as_mut() {
            // Asked once per claim, whatever came of it.
            durable.claimed = false;
        }
        self.after_commit(committed);
    }

    /// What a commit outside a suspend request comes to: nothing if it was kept or skipped;
    /// the end of this copy if the run was taken up elsewhere; otherwise the end of the run,
    /// or, in best-effort durability, a run that goes on without its store.
    fn after_commit(&mut self, committed: Result<crate::id::RunId, SuspendError>) {
        let error = match committed {
            Ok(_) => return,
            Err(SuspendError::Store(
                StoreError::OutOfSequence { .. } | StoreError::DuplicateRun(_),
            )) => {
                self.superseded();
                return;
            }
            Err(SuspendError::Unsupported(reason)) => {
                tracing::debug!(target: "eventflow::run", run_id = %self.shared.id, %reason, "no checkpoint at this moment");
                return;
            }
            Err(error) => error,
        };
        let run = self.shared.id;
        let best_effort = self
            .durable
            .as_ref()
            .is_some_and(|d| d.durability == Durability::BestEffort);
        if best_effort {
            self.lose_durability(&error);
            return;
        }
        tracing::warn!(target: "eventflow::run", run_id = %run, %error, "the checkpoint could not be committed; the run stops");
        self.finish(Err(WorkflowError::Checkpoint { run, source: error }));
    }

    /// In best-effort durability, a commit was not kept: the run goes on in memory, commits
    /// nothing more, and tells its caller.
    fn lose_durability(&mut self, error: &SuspendError) {
        let run = self.shared.id;
        tracing::warn!(target: "eventflow::run", run_id = %run, %error, "the checkpoint could not be committed; the run goes on without its store");
        let reason = error.to_string();
        if let Some(durable) = self.durable.as_mut() {
            durable.lost = Some(reason.clone());
        }
        self.shared.lose_durability(&reason);
        let run_id = run.to_string();
        self.shared.stream.publish_numbered(|sequence| {
            AnyEvent::new(DurabilityLost {
                sequence,
                run_id,
                error: reason,
            })
        });
    }
}

impl<W: Workflow> RunTask<W> {
    /// In a run checkpointed after every step, ends a turn of the loop: commits what it did
    /// (at most one step's completion, and what came from outside), then starts what that
    /// queued. Nothing runs between a completion and its commit, so a committed completion is
    /// the last word on its step. Whether anything started.
    pub(crate) fn settle(&mut self) -> bool {
        if !self.durable.as_ref().is_some_and(|d| d.every_step) || self.is_done() {
            return false;
        }
        self.checkpoint_if_dirty();
        self.steps.release_starts(&self.engine, &self.shared)
    }
}
