//! `ComplexFeedbackMonitorV2`: the trade is placed by `OrderStation`, a workflow
//! of its own that the monitor runs as a typed child.
//!
//! The monitor holds the order station's runner as a field, built with the monitor: nothing is
//! added after construction. `TradeEventV2` is the child's start event and its `StopEvent` its
//! result. Anything the child streams comes back on the monitor's stream as a `ChildEvent`
//! tagged `OrderStation`; cancelling the monitor or its timeout ends the child too.
//!
//! `cargo run --example complex_feedback_monitor_v2 -- [--seed N] [--fast]`

mod support;

use std::time::Duration;

use eventflow::prelude::*;
use support::Options;
use support::complex::{
    OfflineEvent, OfflineFeedbackEvent, OnlineEvent, OnlineFeedbackEvent, OrderStation,
    PredictionResultEvent, Sources, TradeEvent, TradeEventV2, TrendingPredictionEvent, decide,
};
use support::feedback::Monitor;

struct ComplexFeedbackMonitorV2 {
    sources: Sources,
    order_station: Runner<OrderStation>,
}

#[workflow(state = Monitor)]
impl ComplexFeedbackMonitorV2 {
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

    /// Hands the trade to the order station and waits for it: a failure there is a failure of
    /// this step.
    #[step(runs(OrderStation))]
    async fn trade(
        &self,
        ctx: &Context<Monitor>,
        ev: TradeEvent,
    ) -> Result<StopEvent<String>, WorkflowError> {
        let sku = ctx.state().get().sku;
        ctx.child(&self.order_station)
            .run(TradeEventV2 {
                feedback: ev.payload,
                sku,
            })
            .await?;
        Ok(StopEvent::new("We are done for the day.".to_string()))
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = Options::from_args();
    let feedback_monitor_v2 = Runner::new(ComplexFeedbackMonitorV2 {
        sources: Sources::new(options.seed),
        order_station: Runner::new(OrderStation::default())
            .timeout(Duration::from_secs(10))
            .verbose(true),
    })
    .timeout(Duration::from_secs(20));
    let result = feedback_monitor_v2.run("Apple".to_string()).await?;
    println!("{result}");
    Ok(())
}
