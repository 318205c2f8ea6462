//! `ComplexFeedbackMonitorV2`: the trade is placed by `OrderStation`, a workflow
//! of its own that the monitor runs as a typed child.
//!
//! The monitor holds the order station's runner as a field, built with the monitor: nothing is
//! added after construction. `TradeEventV2` is the child's start event and its `StopEvent` its
//! result. Anything the child streams comes back on the monitor's stream as a `ChildEvent`
//! tagged `OrderStation`; cancelling the monitor or its timeout ends the child too.
//!
//! Like the article's subclass, V2 is the monitor with one step replaced:
//! `#[workflow(extends(ComplexFeedbackMonitor, via = base))]` keeps the base's steps, which run
//! on the `base` field, and `#[step(replaces)]` swaps in the new `trade`. The graph of the
//! result is checked at compile time as if all its steps were written here.
//!
//! `cargo run --example complex_feedback_monitor_v2 -- [--seed N] [--fast]`

mod support;

use std::time::Duration;

use eventflow::prelude::*;
use support::Options;
use support::complex::{ComplexFeedbackMonitor, OrderStation, TradeEvent, TradeEventV2};
use support::feedback::Monitor;

/// The monitor's steps, with the trade placed by a child workflow: the base's other steps
/// run on `base`.
struct ComplexFeedbackMonitorV2 {
    base: ComplexFeedbackMonitor,
    order_station: Runner<OrderStation>,
}

#[workflow(extends(ComplexFeedbackMonitor, via = base))]
impl ComplexFeedbackMonitorV2 {
    /// Hands the trade to the order station and waits for it: a failure there is a failure of
    /// this step.
    #[step(replaces, runs(OrderStation))]
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
        base: ComplexFeedbackMonitor::new(options.seed),
        order_station: Runner::new(OrderStation::default())
            .timeout(Duration::from_secs(10))
            .verbose(true),
    })
    .timeout(Duration::from_secs(20));
    let result = feedback_monitor_v2.run("Apple".to_string()).await?;
    println!("{result}");
    Ok(())
}
