//! The article's `ComplexFeedbackMonitor`: three sources judge the feedback at the same time,
//! and a vote over all three decides the trade.
//!
//! `start` sends one event to each source; the sources run concurrently and answer at
//! different times; `trading_decision` runs for each answer but only decides once
//! `collect_events` holds all three.
//!
//! `cargo run --example complex_feedback_monitor -- [--seed N] [--fast] [--draw DIR]`
//!
//! With `--draw DIR`, the example also writes every possible flow of the workflow (Mermaid,
//! DOT and HTML) to `DIR` before it runs, and the run it made after.

mod support;

use std::time::Duration;

use eventflow::prelude::*;
use support::feedback::Monitor;
use support::{Dice, InventoryManager, Options};

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct OnlineEvent {
    payload: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct OnlineFeedbackEvent {
    payload: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct OfflineEvent {
    payload: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct OfflineFeedbackEvent {
    payload: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct TrendingPredictionEvent {
    payload: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct PredictionResultEvent {
    payload: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct TradeEvent {
    payload: String,
}

struct ComplexFeedbackMonitor {
    manager: InventoryManager,
    dice: Dice,
}

impl ComplexFeedbackMonitor {
    /// One source's opinion, after the time it takes to form it.
    async fn judge(&self) -> String {
        support::sleep(self.dice.randint(1, 3) as f64).await;
        if self.dice.random() < 0.3 {
            "Bad"
        } else {
            "Good"
        }
        .to_string()
    }
}

/// Counts votes in the order they first appear, like Python's `Counter`.
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

#[workflow(state = Monitor)]
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
            payload: self.judge().await,
        }
    }

    #[step]
    async fn offline_feedback(&self, _ev: OfflineEvent) -> OfflineFeedbackEvent {
        OfflineFeedbackEvent {
            payload: self.judge().await,
        }
    }

    #[step]
    async fn trending_predict(&self, _ev: TrendingPredictionEvent) -> PredictionResultEvent {
        PredictionResultEvent {
            payload: self.judge().await,
        }
    }

    #[step]
    async fn trading_decision(
        &self,
        ctx: &Context<Monitor>,
        ev: OneOf![OnlineFeedbackEvent | OfflineFeedbackEvent | PredictionResultEvent],
    ) -> Option<TradeEvent> {
        let (online, offline, prediction) = ctx.collect_events::<(
            OnlineFeedbackEvent,
            OfflineFeedbackEvent,
            PredictionResultEvent,
        )>(ev)?;
        let voting = count(&[&online.payload, &offline.payload, &prediction.payload]);
        let shown: Vec<String> = voting
            .iter()
            .map(|(label, n)| format!("'{label}': {n}"))
            .collect();
        println!("{{{}}}", shown.join(", "));
        // The first label with the most votes, as Python's `max` picks it.
        let best = voting.iter().map(|(_, n)| *n).max().unwrap_or(0);
        let feedback = voting
            .into_iter()
            .find(|(_, n)| *n == best)
            .map(|(label, _)| label)?;
        Some(TradeEvent { payload: feedback })
    }

    #[step]
    async fn trade(&self, ctx: &Context<Monitor>, ev: TradeEvent) -> StopEvent<String> {
        let sku = ctx.state().get().sku;
        // The article matched `'Goode'`, so a good vote never placed an order.
        match ev.payload.as_str() {
            "Good" => self.manager.place_order(&sku).await,
            "Bad" => self.manager.clear_out(&sku).await,
            _ => println!("Do nothing"),
        }
        StopEvent::new("We are done for the day.".to_string())
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = Options::from_args();
    let workflow = ComplexFeedbackMonitor {
        manager: InventoryManager,
        dice: Dice::new(options.seed),
    };
    let feedback_monitor = Runner::new(workflow)
        .timeout(Duration::from_secs(20))
        .verbose(true)
        .record_runs(options.draw.is_some());
    if let Some(dir) = &options.draw {
        let files = eventflow::draw::all_possible_flows(&feedback_monitor, dir)?;
        eprintln!("drew {}", files.html.display());
    }
    let result = feedback_monitor.run("Apple".to_string()).await?;
    println!("{result}");
    if let Some(dir) = &options.draw {
        let files = eventflow::draw::most_recent_execution(&feedback_monitor, dir)?;
        eprintln!("drew {}", files.html.display());
    }
    Ok(())
}
