//! What the versions of `ComplexFeedbackMonitor` share: the monitor itself, which V2 and V3
//! extend, its events, the three sources of feedback, the vote over them, and the
//! `OrderStation` workflow that V2 and V3 hand the trade to.

use eventflow::prelude::*;

use super::feedback::Monitor;
use super::{Dice, InventoryManager};

/// `ComplexFeedbackMonitor`: three sources judge the feedback at the same time, and a vote
/// over all three decides the trade.
///
/// `start` sends one event to each source; the sources run concurrently and answer at
/// different times; `trading_decision` runs for each answer but only decides once
/// `collect_events` holds all three. `extendable`: V2 and V3 reuse its steps and replace
/// `trade`.
pub(crate) struct ComplexFeedbackMonitor {
    pub(crate) manager: InventoryManager,
    pub(crate) sources: Sources,
}

impl ComplexFeedbackMonitor {
    pub(crate) fn new(seed: Option<u64>) -> Self {
        Self {
            manager: InventoryManager,
            sources: Sources::new(seed),
        }
    }
}

#[workflow(extendable, state = Monitor)]
impl ComplexFeedbackMonitor {
    #[step(sends(OnlineEvent, OfflineEvent, TrendingPredictionEvent))]
    async fn start(&self, ctx: &Context<Monitor>, ev: StartEvent<String>) {
        ctx.state().edit(|m| m.sku = ev.input.clone());
        ctx.send_event(OnlineEvent {
            payload: ev.input.clone(),
        });
        ctx.send_event(OfflineEvent {
            payload: ev.input.clone(),
        });
        ctx.send_event(TrendingPredictionEvent { payload: ev.input });
    }

    #[step]
    async fn online_feedback(&self, _ev: OnlineEvent) -> OnlineFeedbackEvent {
        OnlineFeedbackEvent {
            payload: self.sources.judge().await,
        }
    }

    #[step]
    async fn offline_feedback(&self, _ev: OfflineEvent) -> OfflineFeedbackEvent {
        OfflineFeedbackEvent {
            payload: self.sources.judge().await,
        }
    }

    #[step]
    async fn trending_predict(&self, _ev: TrendingPredictionEvent) -> PredictionResultEvent {
        PredictionResultEvent {
            payload: self.sources.judge().await,
        }
    }

    #[step]
    async fn trading_decision(
        &self,
        ctx: &Context<Monitor>,
        ev: OneOf![OnlineFeedbackEvent | OfflineFeedbackEvent | PredictionResultEvent],
    ) -> Option<TradeEvent> {
        let collected = ctx.collect_events::<(
            OnlineFeedbackEvent,
            OfflineFeedbackEvent,
            PredictionResultEvent,
        )>(ev)?;
        decide(collected)
    }

    #[step]
    async fn trade(&self, ctx: &Context<Monitor>, ev: TradeEvent) -> StopEvent<String> {
        let sku = ctx.state().get().sku;
        match ev.payload.as_str() {
            "Good" => self.manager.place_order(&sku).await,
            "Bad" => self.manager.clear_out(&sku).await,
            _ => println!("Do nothing"),
        }
        StopEvent::new("We are done for the day.".to_string())
    }
}

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
