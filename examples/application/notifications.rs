//! The notifications team: tells the buyers about every trade, as a workflow of its own.

use std::sync::Mutex;

use eventflow::prelude::*;

use crate::events::TradeEventV2;

/// Started by each trade, next to the order station.
#[derive(Default)]
pub(crate) struct Notifier {
    sent: Mutex<Vec<String>>,
}

impl Notifier {
    /// The notifications sent so far, sorted.
    pub(crate) fn sent(&self) -> Vec<String> {
        let mut sent = self.sent.lock().map(|s| s.clone()).unwrap_or_default();
        sent.sort();
        sent
    }
}

#[workflow(start = TradeEventV2)]
impl Notifier {
    #[step]
    async fn notify(&self, ev: TradeEventV2) -> StopEvent {
        if let Ok(mut sent) = self.sent.lock() {
            sent.push(format!("{} feedback on {}", ev.feedback, ev.sku));
        }
        StopEvent::new(())
    }
}
