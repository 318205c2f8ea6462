//! What a durable run carries: how it begins (anew or from a checkpoint), its store, and
//! what it has written there.

use std::sync::Arc;
use std::time::Duration;

use crate::durable::store::{CheckpointStore, Durability, Limits};
use crate::durable::{self, Checkpoint};
use crate::engine::collect::Collectors;
use crate::engine::fan::{FanOuts, load_lineage};
use crate::engine::table::StepTable;
use crate::engine::work::Work;
use crate::event::AnyEvent;
use crate::event::EventType;
use crate::id::RunId;

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
    /// What the journaled calls of the attempts that run again returned.
    pub(crate) calls: Vec<crate::engine::calls::SavedCall>,
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
            calls: checkpoint.calls,
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
    /// What a commit to the store may hold, asked once per run.
    pub(crate) limits: Limits,
    /// What the run does when a commit is not kept.
    pub(crate) durability: Durability,
    /// Why the run went on without its store, after a commit it did not keep, in best-effort
    /// durability: it commits nothing more.
    pub(crate) lost: Option<String>,
    /// Taken up from the store here, with nothing committed since the claim: once the run
    /// has only waits left, it says so, so that being taken up again does not count as a
    /// resume that got nowhere.
    pub(crate) claimed: bool,
    /// Steps waiting for their journaled calls' results to be committed.
    pub(crate) acks: Vec<crate::driver::shared::CallAck>,
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
            limits: store.limits(),
            durability: Durability::Required,
            lost: None,
            claimed: false,
            acks: Vec::new(),
        }
    }

    /// This run, doing `durability` when a commit is not kept.
    pub(crate) fn durability(mut self, durability: Durability) -> Self {
        self.durability = durability;
        self
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
