//! The contract between the teams: the events that cross module boundaries.

use eventflow::prelude::*;

/// The feedback team's decision on a product, for whoever acts on it.
#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub(crate) struct TradeEventV2 {
    pub(crate) feedback: String,
    pub(crate) sku: String,
}

/// The orders team's answer to a trade.
#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub(crate) struct OrderSettled {
    pub(crate) sku: String,
    pub(crate) outcome: String,
}
