//! What travels with an event through a run, besides the event itself.

use crate::engine::link::Link;
use crate::event::AnyEvent;

/// The history of an event that rules spanning several steps need. Events a step emits or
/// sends inherit the lineage of the input it ran on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Lineage {
    /// How many times an error-recovery step has carried this chain of events on.
    pub(crate) recoveries: u32,
    /// The branch of the innermost fan-out the event belongs to, if any.
    pub(crate) member: Option<Member>,
}

/// One branch of a fan-out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Member {
    pub(crate) fan_out: FanOutId,
    /// The position of the branch's first event in the fan-out.
    pub(crate) index: u32,
}

/// A fan-out of a run. Its slot is reused once the fan-out is joined; the generation tells a
/// later occupant apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FanOutId {
    pub(crate) slot: u32,
    pub(crate) generation: u32,
}

/// An event on its way to the run loop, from a step's context or from outside.
#[derive(Debug)]
pub(crate) struct Envelope {
    pub(crate) event: AnyEvent,
    /// `Some` for a targeted send.
    pub(crate) target: Option<u32>,
    pub(crate) lineage: Lineage,
    /// The sending step, or [`OUTSIDE`](crate::record::recorder::OUTSIDE) for the caller.
    pub(crate) origin: u32,
    /// The sending execution, or 0 from outside the run.
    pub(crate) execution: u64,
    /// The event's place in the trace.
    pub(crate) link: Link,
}
