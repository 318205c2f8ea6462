//! The engine's state as plain data: what a checkpoint holds of a run's inputs, fan-outs, sets
//! and collectors, and what changed of them since a previous commit. The durable layer puts
//! these into its records; the engine's parts turn themselves into them and back.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::SuspendError;
use crate::event::{AnyEvent, EventType};
use crate::step::io::StepInput;

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

/// An input added or changed (by its number), or gone.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub(crate) enum ExecutionOp {
    Put(SavedExecution),
    Remove(u64),
}
