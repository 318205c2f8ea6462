//! How a step takes its events: the one piece of a step's description that its topology
//! repeats.

use serde::{Deserialize, Serialize};

/// How a step takes its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Takes {
    /// One event of any accepted type per execution: `ev: E` or `ev: OneOf![..]`.
    #[default]
    One,
    /// One event of each accepted type, in order: `(a: A, b: B)`. The step runs once per
    /// complete set, pairing events in arrival order within one fan-out.
    EachOf,
    /// The events of each accepted type that one fan-out produced: `(a: Vec<A>, ..)`. The step
    /// runs once per fan-out, when every branch of it has finished.
    Collections {
        /// Run as soon as this many events have arrived, cancelling the rest of the fan-out
        /// (`#[step(take = n)]`); `None` waits for every branch.
        take: Option<usize>,
    },
}

impl Takes {
    /// Whether the step joins the branches of a fan-out.
    pub const fn is_collections(self) -> bool {
        matches!(self, Self::Collections { .. })
    }
}
