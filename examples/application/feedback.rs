//! The feedback team: reviews a product and decides the trade, then waits for the orders
//! team's answer. Its steps are free functions, assembled into the application's workflow.

use eventflow::prelude::*;

use crate::events::{OrderSettled, TradeEventV2};

/// The feedback gathered on a product.
#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub(crate) struct Reviewed {
    sku: String,
    feedback: String,
}

/// Gathers the feedback on the product of the request.
#[step]
pub(crate) async fn review(ev: StartEvent<String>) -> Reviewed {
    // A stand-in for real sources of feedback: some products are just unpopular.
    let feedback = if ev.input == "Durian" { "Bad" } else { "Good" };
    Reviewed {
        sku: ev.input,
        feedback: feedback.to_string(),
    }
}

/// Announces the trade and answers the request once the orders team has settled it.
#[step(sends(TradeEventV2))]
pub(crate) async fn decide(ctx: &Context, ev: Reviewed) -> Result<StopEvent<String>, WaitError> {
    ctx.send_event(TradeEventV2 {
        feedback: ev.feedback,
        sku: ev.sku,
    });
    let settled = ctx.wait_for_event::<OrderSettled>().await?;
    Ok(StopEvent::new(format!(
        "{}: {}",
        settled.sku, settled.outcome
    )))
}
