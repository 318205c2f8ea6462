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
//! if the workflow did. Modules `engine::fan::checkpoint` and `engine::collect::checkpoint` turn the
//! run's parts into it and back, checking what they read.
//!
//! The tree: `store` (the contract a store implements, and the in-memory store), this module
//! (the record format: full checkpoints, deltas, ended records, and folding a journal back
//! into a checkpoint), `run` (what a durable run carries: its store, what it has written, how
//! it begins), `commit` (writing a checkpoint or a delta), `suspend` (when a run commits,
//! suspends and tells the store how it ended) and `resume` (taking a run up again). The
//! engine's parts turn themselves into the snapshot data these records hold.
//!
//! What re-runs is exact: a step that emitted an event, or returned, is never run again; a
//! step that was waiting in `wait_for_event` runs again from its start, on the same input, and
//! sees the same [`Context::attempt`](crate::Context::attempt), so the work it does before
//! waiting must be safe to repeat (or keyed on the run id, the step and the attempt), or go
//! through [`Context::journal`](crate::Context::journal), whose recorded results it gets back
//! (`calls`, with the engine's `calls` for the bookkeeping).

mod calls;
pub(crate) mod commit;
mod resume;
pub(crate) mod run;
pub mod store;
pub(crate) mod suspend;

use serde::{Deserialize, Serialize};

use crate::engine::calls::{SavedCall, retain_live};
pub(crate) use crate::engine::snapshot::{
    CollectorDelta, ExecutionOp, SavedCollector, SavedExecution, SavedFanOut, SavedFanOuts,
    SavedSet, SlotDelta, load_event, load_input, millis,
};
use crate::error::{ResumeError, SuspendError};

/// The layout of checkpoints this version writes and reads.
pub(crate) const FORMAT: u32 = 1;

// The largest checkpoint a store may hand back: anything bigger is refused before it is
// parsed, so a hostile record cannot make the decoder allocate without bound. It lives with
// the store's limits, which the writer checks.
use store::MAX_CHECKPOINT;

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
    /// What the journaled calls of the running attempts returned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) calls: Vec<SavedCall>,
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
    /// Journaled calls that returned since the previous commit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) calls: Vec<SavedCall>,
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
            calls: Vec::new(),
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
        self.calls.extend(delta.calls);
        // The calls of attempts that ended are not asked for again.
        let live: Vec<(u64, u32)> = self
            .in_flight
            .iter()
            .chain(&self.queued)
            .map(|e| (e.execution, e.attempt))
            .collect();
        retain_live(&mut self.calls, &live);
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
