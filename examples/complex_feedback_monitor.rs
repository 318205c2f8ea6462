//! `ComplexFeedbackMonitor`: three sources judge the feedback at the same time,
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
use support::complex::{
    OfflineEvent, OfflineFeedbackEvent, OnlineEvent, OnlineFeedbackEvent, PredictionResultEvent,
    Sources, TradeEvent, TrendingPredictionEvent, decide,
};
use support::feedback::Monitor;
use support::{InventoryManager, Options};

struct ComplexFeedbackMonitor {
    manager: InventoryManager,
    sources: Sources,
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

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = Options::from_args();
    let workflow = ComplexFeedbackMonitor {
        manager: InventoryManager,
        sources: Sources::new(options.seed),
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
