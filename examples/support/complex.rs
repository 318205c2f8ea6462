//! What the versions of `ComplexFeedbackMonitor` share: its events, the three
//! sources of feedback, the vote over them, and the `OrderStation` workflow that V2 and V3
//! hand the trade to.

use eventflow::prelude::*;

use super::{Dice, InventoryManager};

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub(crate) struct OnlineEvent {
    pub(crate) payload: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub(crate) struct OnlineFeedbackEvent {
    pub(crate) payload: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub(crate) struct OfflineEvent {
    pub(crate) payload: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub(crate) struct OfflineFeedbackEvent {
    pub(crate) payload: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub(crate) struct TrendingPredictionEvent {
    pub(crate) payload: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub(crate) struct PredictionResultEvent {
    pub(crate) payload: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub(crate) struct TradeEvent {
    pub(crate) payload: String,
}

/// What the monitor hands to the order station: the decision and the product.
#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub(crate) struct TradeEventV2 {
    pub(crate) feedback: String,
    pub(crate) sku: String,
}

/// The three sources of feedback: each forms its opinion in its own time.
pub(crate) struct Sources {
    dice: Dice,
}

impl Sources {
    pub(crate) fn new(seed: Option<u64>) -> Self {
        Self {
            dice: Dice::new(seed),
        }
    }

    /// One source's opinion, after the time it takes to form it.
    pub(crate) async fn judge(&self) -> String {
        super::sleep(self.dice.randint(1, 3) as f64).await;
        if self.dice.random() < 0.3 {
            "Bad"
        } else {
            "Good"
        }
        .to_string()
    }
}

/// Counts votes in the order they first appear.
fn count(votes: &[&str]) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for vote in votes {
        match counts.iter_mut().find(|(label, _)| label == vote) {
            Some((_, n)) => *n += 1,
            None => counts.push(((*vote).to_string(), 1)),
        }
    }
    counts
}

/// The trading decision once all three sources have answered: prints the vote and trades on
/// the first label with the most votes.
pub(crate) fn decide(
    (online, offline, prediction): (
        OnlineFeedbackEvent,
        OfflineFeedbackEvent,
        PredictionResultEvent,
    ),
) -> Option<TradeEvent> {
    let voting = count(&[&online.payload, &offline.payload, &prediction.payload]);
    let shown: Vec<String> = voting
        .iter()
        .map(|(label, n)| format!("'{label}': {n}"))
        .collect();
    println!("{{{}}}", shown.join(", "));
    let best = voting.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let feedback = voting
        .into_iter()
        .find(|(_, n)| *n == best)
        .map(|(label, _)| label)?;
    Some(TradeEvent { payload: feedback })
}

/// Places or clears out orders, as a workflow of its own, started by a trade.
#[derive(Default)]
pub(crate) struct OrderStation {
    manager: InventoryManager,
}

#[workflow(start = TradeEventV2)]
impl OrderStation {
    #[step]
    async fn trade(&self, ev: TradeEventV2) -> StopEvent<String> {
        println!("We are now in a new workflow named OrderStation");
        match ev.feedback.as_str() {
            "Good" => self.manager.place_order(&ev.sku).await,
            "Bad" => self.manager.clear_out(&ev.sku).await,
            _ => {}
        }
        StopEvent::new("Done!".to_string())
    }
}
