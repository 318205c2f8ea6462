//! Suspending a run that waits for the outside into a [`CheckpointStore`], and resuming it,
//! possibly in another process.
//!
//! A run of a runner with a store ([`Runner::store`](crate::Runner::store)) can be suspended
//! ([`WorkflowHandler::suspend`](crate::WorkflowHandler::suspend)) once nothing in it runs
//! but steps waiting in [`Context::wait_for_event`](crate::Context::wait_for_event) and
//! retries waiting out their delay: its checkpoint is committed to the store and the run ends
//! there, holding no task or memory. [`Runner::resume`](crate::Runner::resume) continues it
//! from the checkpoint. A run checkpointed after every step commits one after each
//! completion as well.
//!
//! A checkpoint ([`Checkpoint`], versioned JSON) holds the state, the inputs in flight and
//! queued (attempts, retry delays left, fan-out branches), the fan-outs with what reached
//! their joins, half-assembled sets, collections, the time the run's timeout used, the
//! stream's numbering, and the workflow's graph listing and state type, to say what changed
//! if the workflow did. Modules `run::fan::checkpoint` and `collect::checkpoint` turn the
//! run's parts into it and back, checking what they read.
//!
//! What re-runs is exact: a step that emitted an event, or returned, is never run again; a
//! step that was waiting in `wait_for_event` runs again from its start, on the same input, and
//! sees the same [`Context::attempt`](crate::Context::attempt), so the work it does before
//! waiting must be safe to repeat (or keyed on the run id, the step and the attempt).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::event::AnyEvent;
use crate::event::EventType;
use crate::id::RunId;
use crate::step::StepInput;
use crate::store::{RunStatus, StoreError};

/// The layout of checkpoints this version writes and reads.
pub(crate) const FORMAT: u32 = 1;

/// The largest checkpoint a store may hand back: anything bigger is refused before it is
/// parsed, so a hostile record cannot make the decoder allocate without bound.
pub(crate) const MAX_CHECKPOINT: usize = 64 << 20;

/// Why a run could not be suspended.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SuspendError {
    /// The runner keeps no store: see [`Runner::store`](crate::Runner::store).
    #[error("the runner has no store to suspend runs into")]
    NoStore,
    /// The run holds something a checkpoint cannot carry yet.
    #[error("the run cannot be suspended yet: {0}")]
    Unsupported(String),
    /// The run ended before it could be suspended.
    #[error("the run ended before it could be suspended")]
    Ended,
    /// The state or an event could not be encoded.
    #[error("the run's checkpoint could not be encoded: {0}")]
    Encode(String),
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a run could not be resumed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResumeError {
    /// The runner keeps no store.
    #[error("the runner has no store to resume runs from")]
    NoStore,
    /// The store has no such run.
    #[error("run {0} is not in the store")]
    UnknownRun(RunId),
    /// The run is in the store but has no checkpoint to resume from.
    #[error("run {run} has no checkpoint (its status is {status:?})")]
    NoCheckpoint {
        /// The run.
        run: RunId,
        /// Its status in the store.
        status: RunStatus,
    },
    /// The run has already ended.
    #[error("run {run} has already ended ({status:?})")]
    Finished {
        /// The run.
        run: RunId,
        /// How it ended.
        status: RunStatus,
    },
    /// The run is a child run: it goes on when its parent, resumed, runs it again.
    #[error("run {run} is a child of run {parent}: resume run {parent}, which takes it up")]
    Child {
        /// The run.
        run: RunId,
        /// Its parent.
        parent: RunId,
    },
    /// The run belongs to another workflow.
    #[error("run {run} is a run of `{found}`, not of `{expected}`")]
    OtherWorkflow {
        /// The run.
        run: RunId,
        /// The workflow the runner runs.
        expected: &'static str,
        /// The workflow of the stored run.
        found: String,
    },
    /// The workflow changed since the run was suspended: its graph or its state type.
    #[error("the workflow changed since run {run} was suspended: {}", changes.join("; "))]
    WorkflowChanged {
        /// The run.
        run: RunId,
        /// What changed, a sentence each.
        changes: Vec<String>,
    },
    /// The checkpoint does not read back.
    #[error("run {run}: its checkpoint is unreadable: {reason}")]
    Corrupt {
        /// The run.
        run: RunId,
        /// What is wrong with it.
        reason: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An event as a checkpoint holds it: its name, and its value as [`AnyEvent`] serializes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SavedEvent {
    pub(crate) name: String,
    pub(crate) value: serde_json::Value,
}

/// The input of an execution, as a checkpoint holds it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub(crate) enum SavedInput {
    One(SavedEvent),
    Set(Vec<SavedEvent>),
    Collections(Vec<Vec<SavedEvent>>),
}

/// An input to run a step on when the run is resumed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SavedExecution {
    pub(crate) step: String,
    pub(crate) attempt: u32,
    /// The input's number within the run, 0 if it had none yet.
    pub(crate) execution: u64,
    pub(crate) input: SavedInput,
    /// Its recoveries and its branch of a fan-out.
    #[serde(default, skip_serializing_if = "SavedLineage::is_root")]
    pub(crate) lineage: SavedLineage,
    /// For a retry waiting for its delay, what was left of it, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) delay_ms: Option<u64>,
}

/// The history an input carries: how often it was recovered, and its fan-out branch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SavedLineage {
    #[serde(default)]
    pub(crate) recoveries: u32,
    #[serde(default)]
    pub(crate) member: Option<SavedMember>,
}

impl SavedLineage {
    fn is_root(&self) -> bool {
        *self == Self::default()
    }
}

/// A branch of a fan-out: the fan-out's slot and generation, and the branch's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SavedMember {
    pub(crate) slot: u32,
    pub(crate) generation: u32,
    pub(crate) index: u32,
}

/// The fan-outs of a run and the sets its steps assemble.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SavedFanOuts {
    /// The generation of every slot, so a branch of a joined fan-out never matches a later one.
    pub(crate) generations: Vec<u32>,
    pub(crate) open: Vec<SavedFanOut>,
    /// Sets assembled outside any fan-out.
    pub(crate) root_sets: Vec<SavedSet>,
}

impl SavedFanOuts {
    pub(crate) fn is_empty(&self) -> bool {
        self.open.is_empty() && self.root_sets.is_empty()
    }
}

/// A fan-out not joined yet.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SavedFanOut {
    pub(crate) slot: u32,
    /// The step that fanned out.
    pub(crate) step: String,
    pub(crate) parent: SavedLineage,
    pub(crate) members: u32,
    /// Units of work alive in it.
    pub(crate) live: u64,
    /// Events that reached its joins, in arrival order.
    pub(crate) arrivals: Vec<SavedArrival>,
    /// How many events each join received, for `take`.
    pub(crate) counts: Vec<(String, u64)>,
    pub(crate) sets: Vec<SavedSet>,
}

/// An event that reached a join.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SavedArrival {
    pub(crate) step: String,
    pub(crate) param: u32,
    pub(crate) member: u32,
    pub(crate) event: SavedEvent,
}

/// A set of one event per parameter being assembled for a step.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SavedSet {
    pub(crate) step: String,
    /// The waiting events of each parameter, oldest first.
    pub(crate) params: Vec<Vec<(SavedLineage, SavedEvent)>>,
}

/// Events a step buffered with [`Context::collect_events`](crate::Context::collect_events)
/// or [`Context::collect_many`](crate::Context::collect_many), as they were: what running
/// executions buffered or took is sorted out when the run is resumed, from
/// [`Checkpoint::running`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SavedCollector {
    pub(crate) step: String,
    /// Made by `collect_many` (one kind, no slots).
    pub(crate) many: bool,
    /// For each slot of the awaited set, the index of its kind.
    pub(crate) slots: Vec<u32>,
    pub(crate) kinds: Vec<SavedKind>,
    /// Sets taken by executions that had not finished when they were saved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) taken: Vec<SavedTaken>,
}

impl SavedCollector {
    /// Whether `other` is the same collector: the same step awaiting the same set.
    pub(crate) fn same(&self, other: &Self) -> bool {
        self.step == other.step
            && self.many == other.many
            && self.slots == other.slots
            && self.kinds.len() == other.kinds.len()
            && self
                .kinds
                .iter()
                .zip(&other.kinds)
                .all(|(a, b)| a.event == b.event)
    }
}

/// A set an execution took from a collector: each event with its kind and the input that
/// buffered it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SavedTaken {
    pub(crate) execution: u64,
    pub(crate) events: Vec<(u32, u64, SavedEvent)>,
}

/// How a collector changed since the previous commit.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CollectorDelta {
    /// The collector, with its kinds' events left empty.
    pub(crate) collector: SavedCollector,
    /// For each kind: how many events left the front of its queue, and the events added at
    /// its back.
    pub(crate) kinds: Vec<(u64, Vec<(u64, SavedEvent)>)>,
}

/// The events of one type a collector holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SavedKind {
    pub(crate) event: String,
    pub(crate) needed: u64,
    /// Oldest first, each with the number of the input whose execution buffered it.
    pub(crate) queue: Vec<(u64, SavedEvent)>,
}

/// Everything needed to continue a suspended run.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Checkpoint {
    pub(crate) format: u32,
    pub(crate) workflow: String,
    /// The workflow's graph listing, to say what changed if it did.
    pub(crate) topology: String,
    /// `std::any::type_name` of the state type.
    pub(crate) state_type: String,
    pub(crate) state: serde_json::Value,
    /// How much of the run's timeout was used, in milliseconds.
    pub(crate) elapsed_ms: u64,
    /// Executions that were running (or waiting for an event): they run again.
    pub(crate) in_flight: Vec<SavedExecution>,
    /// Inputs waiting for a worker or a retry: they run for the first time (or the next).
    pub(crate) queued: Vec<SavedExecution>,
    /// The number the run's next input gets.
    pub(crate) next_execution: u64,
    /// Fan-outs waiting to be joined, and sets being assembled.
    #[serde(default, skip_serializing_if = "SavedFanOuts::is_empty")]
    pub(crate) fan_outs: SavedFanOuts,
    /// Events buffered by steps collecting them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) collectors: Vec<SavedCollector>,
    /// The inputs whose executions were running: they run again, so what they buffered is
    /// left out of the collectors and the sets they took are put back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) running: Vec<u64>,
    /// How many events the run has written to its stream: the number of the next one.
    #[serde(default)]
    pub(crate) streamed: u64,
}

/// What changed since the previous commit, in a run checkpointed after every step: applied
/// in order to the full checkpoint the journal last holds, it gives the checkpoint of its
/// moment. A commit costs what changed, not what the run holds, so a fan-out of `n` branches
/// costs `O(n)` to checkpoint in all rather than `O(n²)`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Delta {
    pub(crate) format: u32,
    /// The commit number of the full checkpoint this builds on.
    pub(crate) base: u64,
    pub(crate) state: serde_json::Value,
    pub(crate) elapsed_ms: u64,
    pub(crate) next_execution: u64,
    pub(crate) streamed: u64,
    /// Inputs added, changed or gone, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) executions: Vec<ExecutionOp>,
    /// Fan-out slots whose fan-out changed, opened or was joined.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) slots: Vec<SlotDelta>,
    /// The sets outside any fan-out, if they changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) root_sets: Option<Vec<SavedSet>>,
    /// Collectors that changed, with what changed in them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) collectors: Vec<CollectorDelta>,
    /// Executions whose taken sets no longer matter: they finished.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) settled: Vec<u64>,
    /// The inputs whose executions are running, if there are collectors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) running: Option<Vec<u64>>,
}

/// An input added or changed (by its number), or gone.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub(crate) enum ExecutionOp {
    Put(SavedExecution),
    Remove(u64),
}

/// A fan-out slot as it is now.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SlotDelta {
    pub(crate) slot: u32,
    pub(crate) generation: u32,
    /// `None`: the slot is free (its fan-out was joined).
    pub(crate) open: Option<OpenDelta>,
}

/// An open fan-out's changes: its header if it is new in the slot, and its new arrivals.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OpenDelta {
    /// The step, parent and size of a fan-out the journal does not hold yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) new: Option<(String, SavedLineage, u32)>,
    pub(crate) live: u64,
    pub(crate) counts: Vec<(String, u64)>,
    /// Arrivals since the previous commit.
    pub(crate) arrivals: Vec<SavedArrival>,
    pub(crate) sets: Vec<SavedSet>,
}

/// What every record begins with: its layout, and for a delta the full checkpoint it builds
/// on.
#[derive(Deserialize)]
struct Header {
    format: u32,
    #[serde(default)]
    base: Option<u64>,
}

/// The header of a record this version can read, refusing an oversized record before it is
/// parsed and another layout before its fields are.
fn header(bytes: &[u8]) -> Result<Header, String> {
    if bytes.len() > MAX_CHECKPOINT {
        return Err(format!(
            "{} bytes, more than the {MAX_CHECKPOINT} a checkpoint may have",
            bytes.len()
        ));
    }
    let header: Header =
        serde_json::from_slice(bytes).map_err(|e| format!("not a checkpoint: {e}"))?;
    if header.format != FORMAT {
        return Err(format!(
            "checkpoint layout {}, this version reads layout {FORMAT}",
            header.format
        ));
    }
    Ok(header)
}

/// A record of the layout this version reads.
fn read<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    header(bytes)?;
    serde_json::from_slice(bytes).map_err(|e| format!("not a checkpoint: {e}"))
}

/// The checkpoint a run's journal ends at: its last full checkpoint with the deltas after it
/// applied, checked as they are; and the commit number of that full checkpoint.
pub(crate) fn fold(records: &[&[u8]]) -> Result<(Checkpoint, u64), String> {
    let last = records.len().checked_sub(1).ok_or("the journal is empty")?;
    // The last record is the full checkpoint, or a delta that names it.
    let full = match header(records[last])?.base {
        None => last,
        Some(base) => usize::try_from(base)
            .ok()
            .filter(|&base| base < last)
            .ok_or_else(|| {
                format!("the last delta builds on commit {base}, which is not before it")
            })?,
    };
    let mut checkpoint = Checkpoint::decode(records[full])?;
    for record in &records[full + 1..] {
        let delta: Delta = read(record)?;
        if delta.base != full as u64 {
            return Err(format!(
                "a delta builds on commit {}, not on the last full checkpoint ({full})",
                delta.base
            ));
        }
        checkpoint.apply(delta)?;
    }
    Ok((checkpoint, full as u64))
}

impl Checkpoint {
    /// A delta that changes nothing: what a process writes when it takes a run up, so that
    /// of two processes taking up the same run, one is refused (its commit is out of
    /// sequence) instead of both going on.
    pub(crate) fn claim(&self, base: u64) -> Result<Vec<u8>, String> {
        serde_json::to_vec(&Delta {
            format: FORMAT,
            base,
            state: self.state.clone(),
            elapsed_ms: self.elapsed_ms,
            next_execution: self.next_execution,
            streamed: self.streamed,
            executions: Vec::new(),
            slots: Vec::new(),
            root_sets: None,
            collectors: Vec::new(),
            settled: Vec::new(),
            running: None,
        })
        .map_err(|e| e.to_string())
    }
}

impl Checkpoint {
    /// Applies `delta`, refusing what does not fit.
    fn apply(&mut self, delta: Delta) -> Result<(), String> {
        self.state = delta.state;
        self.elapsed_ms = delta.elapsed_ms;
        self.next_execution = delta.next_execution;
        self.streamed = delta.streamed;
        if !delta.executions.is_empty() {
            let mut inputs: std::collections::BTreeMap<u64, SavedExecution> = self
                .in_flight
                .drain(..)
                .chain(self.queued.drain(..))
                .map(|e| (e.execution, e))
                .collect();
            for op in delta.executions {
                match op {
                    ExecutionOp::Put(input) => {
                        inputs.insert(input.execution, input);
                    }
                    ExecutionOp::Remove(execution) => {
                        inputs.remove(&execution);
                    }
                }
            }
            self.queued = inputs.into_values().collect();
        }
        let fan = &mut self.fan_outs;
        let slots = fan.generations.len() + delta.slots.len();
        for change in delta.slots {
            let slot = change.slot as usize;
            if slot >= slots {
                return Err(format!("fan-out slot {slot} is out of place"));
            }
            if fan.generations.len() <= slot {
                fan.generations.resize(slot + 1, 0);
            }
            fan.generations[slot] = change.generation;
            let at = fan.open.iter().position(|f| f.slot == change.slot);
            match (change.open, at) {
                (None, Some(at)) => {
                    fan.open.swap_remove(at);
                }
                (None, None) => {}
                (Some(open), at) => {
                    let fan_out = match (open.new, at) {
                        (Some((step, parent, members)), at) => {
                            let fresh = SavedFanOut {
                                slot: change.slot,
                                step,
                                parent,
                                members,
                                live: 0,
                                arrivals: Vec::new(),
                                counts: Vec::new(),
                                sets: Vec::new(),
                            };
                            match at {
                                Some(at) => {
                                    fan.open[at] = fresh;
                                    &mut fan.open[at]
                                }
                                None => {
                                    fan.open.push(fresh);
                                    let last = fan.open.len() - 1;
                                    &mut fan.open[last]
                                }
                            }
                        }
                        (None, Some(at)) => &mut fan.open[at],
                        (None, None) => {
                            return Err(format!(
                                "a delta changes fan-out slot {slot}, which is free"
                            ));
                        }
                    };
                    fan_out.live = open.live;
                    fan_out.counts = open.counts;
                    fan_out.arrivals.extend(open.arrivals);
                    fan_out.sets = open.sets;
                }
            }
        }
        if let Some(root_sets) = delta.root_sets {
            fan.root_sets = root_sets;
        }
        // Sets of finished executions go first: a retry on the same input may have taken a
        // set again since.
        if !delta.settled.is_empty() {
            for collector in &mut self.collectors {
                collector
                    .taken
                    .retain(|t| !delta.settled.contains(&t.execution));
            }
        }
        for change in delta.collectors {
            apply_collector(&mut self.collectors, change)?;
        }
        if let Some(running) = delta.running {
            self.running = running;
        }
        Ok(())
    }
}

/// Applies one collector's changes to the saved collectors.
fn apply_collector(
    collectors: &mut Vec<SavedCollector>,
    change: CollectorDelta,
) -> Result<(), String> {
    let at = match collectors.iter().position(|c| c.same(&change.collector)) {
        Some(at) => at,
        None => {
            let mut fresh = change.collector.clone();
            fresh.taken.clear();
            collectors.push(fresh);
            collectors.len() - 1
        }
    };
    let collector = &mut collectors[at];
    if change.kinds.len() != collector.kinds.len()
        || change.collector.kinds.len() != collector.kinds.len()
    {
        return Err(format!(
            "a change to step `{}`'s collection does not fit it",
            collector.step
        ));
    }
    for ((kind, (drained, added)), shape) in collector
        .kinds
        .iter_mut()
        .zip(change.kinds)
        .zip(&change.collector.kinds)
    {
        let drained = usize::try_from(drained).unwrap_or(usize::MAX);
        if drained > kind.queue.len() {
            return Err(format!(
                "a change takes {drained} events from a queue of {}",
                kind.queue.len()
            ));
        }
        kind.queue.drain(..drained);
        kind.queue.extend(added);
        kind.needed = shape.needed;
    }
    collector.taken.extend(change.collector.taken);
    Ok(())
}

/// The last record of a run that ended: how, and for one that completed, its stop event,
/// which a parent running it as a child again takes as the child's result.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Ended {
    pub(crate) format: u32,
    pub(crate) status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) stop: Option<serde_json::Value>,
}

impl Ended {
    /// The stop event of a completed run's last record, or why not.
    pub(crate) fn read<S: crate::event::Event>(bytes: &[u8]) -> Result<S, String> {
        let record: Self = read(bytes)?;
        let stop = record.stop.ok_or("it has no stop event")?;
        serde_json::from_value(stop).map_err(|e| format!("its stop event: {e}"))
    }
}

impl Checkpoint {
    pub(crate) fn encode(&self) -> Result<Vec<u8>, SuspendError> {
        serde_json::to_vec(self).map_err(|e| SuspendError::Encode(e.to_string()))
    }

    /// Reads a checkpoint back, refusing oversized records and other layouts.
    pub(crate) fn decode(bytes: &[u8]) -> Result<Self, String> {
        read(bytes)
    }
}

pub(crate) fn save_event(event: &AnyEvent) -> Result<SavedEvent, SuspendError> {
    Ok(SavedEvent {
        name: event.name().to_owned(),
        value: serde_json::to_value(event)
            .map_err(|e| SuspendError::Encode(format!("event `{}`: {e}", event.name())))?,
    })
}

pub(crate) fn save_input(input: &StepInput) -> Result<SavedInput, SuspendError> {
    let all = |events: &[AnyEvent]| events.iter().map(save_event).collect::<Result<Vec<_>, _>>();
    Ok(match input {
        StepInput::One(event) => SavedInput::One(save_event(event)?),
        StepInput::Set(events) => SavedInput::Set(all(events)?),
        StepInput::Collections(collections) => SavedInput::Collections(
            collections
                .iter()
                .map(|c| all(c))
                .collect::<Result<Vec<_>, _>>()?,
        ),
    })
}

/// Reads saved events back with the types `find` names.
pub(crate) fn load_input(
    input: SavedInput,
    find: &dyn Fn(&str) -> Option<EventType>,
) -> Result<StepInput, String> {
    let one = |saved: SavedEvent| load_event(&saved, find);
    let all = |events: Vec<SavedEvent>| events.into_iter().map(one).collect::<Result<Vec<_>, _>>();
    Ok(match input {
        SavedInput::One(event) => StepInput::One(one(event)?),
        SavedInput::Set(events) => StepInput::Set(all(events)?),
        SavedInput::Collections(collections) => StepInput::Collections(
            collections
                .into_iter()
                .map(all)
                .collect::<Result<Vec<_>, _>>()?,
        ),
    })
}

/// Reads a saved event back as the type `find` names.
pub(crate) fn load_event(
    saved: &SavedEvent,
    find: &dyn Fn(&str) -> Option<EventType>,
) -> Result<AnyEvent, String> {
    let ty = find(&saved.name)
        .ok_or_else(|| format!("the workflow has no event named `{}`", saved.name))?;
    let json = serde_json::to_vec(&saved.value).map_err(|e| e.to_string())?;
    ty.decode_json(&json)
        .map_err(|e| format!("event `{}`: {e}", saved.name))
}

/// Milliseconds in `duration`, saturating.
pub(crate) fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
