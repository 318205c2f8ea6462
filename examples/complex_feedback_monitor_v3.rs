//! `ComplexFeedbackMonitorV3`: the monitor sends a `TradeEventV2` and the
//! `OrderStation` workflow's step handles it. Two workflows, one host, no shared context and
//! no child instance handed over by hand.
//!
//! The monitor declares that it publishes `TradeEventV2`; the order station's start event is
//! `TradeEventV2`. The `host!` macro checks at compile time that the trade has a taker, and the
//! host starts an order station run for each trade the monitor sends.
//!
//! V3 is the monitor with its `trade` replaced (`#[workflow(extends(ComplexFeedbackMonitor, ..))]`
//! and `#[step(replaces)]`), as V2 is.
//!
//! `cargo run --example complex_feedback_monitor_v3 -- [--seed N] [--fast]`

mod support;

use std::time::Duration;

use eventflow::prelude::*;
use support::Options;
use support::complex::{ComplexFeedbackMonitor, OrderStation, TradeEvent, TradeEventV2};
use support::feedback::Monitor;

/// The monitor's steps, with a trade that goes to the host.
struct ComplexFeedbackMonitorV3 {
    base: ComplexFeedbackMonitor,
}

#[workflow(extends(ComplexFeedbackMonitor, via = base), publishes(TradeEventV2))]
impl ComplexFeedbackMonitorV3 {
    /// Sends the trade to whichever workflow of the host takes it, and is done for the day.
    #[step(replaces, sends(TradeEventV2))]
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
            base: ComplexFeedbackMonitor::new(options.seed),
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
