//! `FeedbackMonitorWorkflow`: branching and looping with events.
//!
//! `begin` starts a cycle or ends the day, `get_feedback` branches to `order` or `clear`, and
//! both loop back to `begin`.
//!
//! `cargo run --example feedback_monitor -- [--seed N] [--fast]`

mod support;

use std::time::Duration;

use eventflow::prelude::*;
use support::feedback::{ClearEvent, GetFeedbackEvent, LoopEvent, Monitor, OrderEvent};
use support::{Dice, InventoryManager, Options};

struct FeedbackMonitorWorkflow {
    total_cycle: u32,
    manager: InventoryManager,
    dice: Dice,
}

#[workflow(state = Monitor)]
impl FeedbackMonitorWorkflow {
    #[step]
    async fn begin(
        &self,
        ctx: &Context<Monitor>,
        ev: OneOf![StartEvent<String> | LoopEvent],
    ) -> OneOf![GetFeedbackEvent | StopEvent<String>] {
        println!("We now return to the begin step");
        if let FeedbackMonitorWorkflowBeginInput::StartEvent(ev) = ev {
            ctx.state().edit(|m| m.sku = ev.input);
        }
        let Monitor { sku, counter } = ctx.state().get();
        if counter < self.total_cycle {
            support::sleep(3.0).await;
            ctx.state().edit(|m| m.counter += 1);
            GetFeedbackEvent { payload: sku }.into()
        } else {
            StopEvent::new("We're done for the day.".to_string()).into()
        }
    }

    #[step]
    async fn get_feedback(&self, ev: GetFeedbackEvent) -> OneOf![OrderEvent | ClearEvent] {
        println!("Will get the latest feedback for {}", ev.payload);
        if self.dice.random() < 0.3 {
            ClearEvent {
                payload: "Bad".into(),
            }
            .into()
        } else {
            OrderEvent {
                payload: "Good".into(),
            }
            .into()
        }
    }

    #[step]
    async fn order(&self, ctx: &Context<Monitor>, ev: OrderEvent) -> LoopEvent {
        println!("We now buy some sku with feedback {}.", ev.payload);
        self.manager.place_order(&ctx.state().get().sku).await;
        LoopEvent {
            payload: "Start a new cycle.".into(),
        }
    }

    #[step]
    async fn clear(&self, ctx: &Context<Monitor>, ev: ClearEvent) -> LoopEvent {
        println!("We now sell some sku with feedback {}", ev.payload);
        self.manager.clear_out(&ctx.state().get().sku).await;
        LoopEvent {
            payload: "Start a new cycle.".into(),
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), WorkflowError> {
    let options = Options::from_args();
    let workflow = FeedbackMonitorWorkflow {
        total_cycle: 1,
        manager: InventoryManager,
        dice: Dice::new(options.seed),
    };
    let feedback_monitor = Runner::new(workflow).timeout(Duration::from_secs(10));
    let result = feedback_monitor.run("Apple".to_string()).await?;
    println!("{result}");
    Ok(())
}
