//! The orders team: places or clears out orders, as a workflow of its own, and answers.

use std::sync::atomic::{AtomicU32, Ordering};

use eventflow::prelude::*;

use crate::events::{OrderSettled, TradeEventV2};

/// Started by each trade; answers with how it was settled.
#[derive(Default)]
pub(crate) struct OrderStation {
    next_order: AtomicU32,
}

#[workflow(start = TradeEventV2, publishes(OrderSettled))]
impl OrderStation {
    #[step(sends(OrderSettled))]
    async fn trade(&self, ctx: &Context, ev: TradeEventV2) -> StopEvent {
        let outcome = match ev.feedback.as_str() {
            "Good" => {
                let order = self.next_order.fetch_add(1, Ordering::Relaxed) + 1;
                format!("order #{order} placed")
            }
            _ => "stock cleared out".to_string(),
        };
        ctx.send_event(OrderSettled {
            sku: ev.sku,
            outcome,
        });
        StopEvent::new(())
    }
}
