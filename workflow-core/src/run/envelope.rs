//! What travels with an event through a run, besides the event itself.

use crate::any_event::AnyEvent;

/// The history of an event that rules spanning several steps need. Events a step emits or
/// sends inherit the lineage of the input it ran on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Lineage {
    /// How many times an error-recovery step has carried this chain of events on.
    pub(crate) recoveries: u32,
}

/// An event on its way to the run loop, from a step's context or from outside.
#[derive(Debug)]
pub(crate) struct Envelope {
    pub(crate) event: AnyEvent,
    /// `Some` for a targeted send.
    pub(crate) target: Option<u32>,
    pub(crate) lineage: Lineage,
}
