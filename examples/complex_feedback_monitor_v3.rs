//! `ComplexFeedbackMonitorV3`: the monitor sends a `TradeEventV2` and the
//! `OrderStation` workflow's step handles it. Two workflows, one host, no shared context and
//! no child instance handed over by hand.
//!
//! The monitor declares that it publishes `TradeEventV2`; the order station's start event is
//! `TradeEventV2`. The `host!` macro checks at compile time that the trade has a taker, and the
//! host starts an order station run for each trade the monitor sends.
//!
//! `cargo run --example complex_feedback_monitor_v3 -- [--seed N] [--fast]`

mod support;

use std::time::Duration;

use eventflow::prelude::*;
use support::Options;
use support::complex::{
    OfflineEvent, OfflineFeedbackEvent, OnlineEvent, OnlineFeedbackEvent, OrderStation,
    PredictionResultEvent, Sources, TradeEvent, TradeEventV2, TrendingPredictionEvent, decide,
};
use support::feedback::Monitor;

struct ComplexFeedbackMonitorV3 {
    sources: Sources,
}

#[workflow(state = Monitor, publishes(TradeEventV2))]
impl ComplexFeedbackMonitorV3 {
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

    /// Sends the trade to whichever workflow of the host takes it, and is done for the day.
    #[step(sends(TradeEventV2))]
    async fn trade(&self, ctx: &Context<Monitor>, ev: TradeEvent) -> StopEvent<String> {
        let sku = ctx.state().get().sku;
        ctx.send_event(TradeEventV2 {
            feedback: ev.payload,
            sku,
        });
        StopEvent::new("We are done for the day.".to_string())
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = Options::from_args();
    let host = eventflow::host![
        ComplexFeedbackMonitorV3 => Runner::new(ComplexFeedbackMonitorV3 {
            sources: Sources::new(options.seed),
        })
        .timeout(Duration::from_secs(20)),
        OrderStation => Runner::new(OrderStation::default())
            .timeout(Duration::from_secs(10))
            .verbose(true),
    ]?;
    let result = host
        .run::<ComplexFeedbackMonitorV3>("Apple".to_string())?
        .await?;
    println!("{result}");
    // The order station's run, started by the trade, finishes on its own.
    host.idle().await;
    Ok(())
}
