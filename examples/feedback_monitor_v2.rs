//! `FeedbackMonitorWorkflowV2`: the steps report progress on the run's stream
//! instead of printing, and the caller logs each message with a timestamp as it arrives.
//!
//! `cargo run --example feedback_monitor_v2 -- [--seed N] [--fast]`

mod support;

use std::time::Duration;

use eventflow::prelude::*;
use support::feedback::{
    ClearEvent, GetFeedbackEvent, LoopEvent, Monitor, OrderEvent, ProgressEvent,
};
use support::{Dice, InventoryManager, Options};

struct FeedbackMonitorWorkflowV2 {
    total_cycle: u32,
    manager: InventoryManager,
    dice: Dice,
}

fn progress(payload: impl Into<String>) -> ProgressEvent {
    ProgressEvent {
        payload: payload.into(),
    }
}

#[workflow(state = Monitor)]
impl FeedbackMonitorWorkflowV2 {
    #[step(stream_only(ProgressEvent))]
    async fn begin(
        &self,
        ctx: &Context<Monitor>,
        ev: OneOf![StartEvent<String> | LoopEvent],
    ) -> OneOf![GetFeedbackEvent | StopEvent<String>] {
        ctx.write_event_to_stream(progress("We now return to the begin step"));
        if let FeedbackMonitorWorkflowV2BeginInput::StartEvent(ev) = ev {
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

    #[step(stream_only(ProgressEvent))]
    async fn get_feedback(
        &self,
        ctx: &Context<Monitor>,
        ev: GetFeedbackEvent,
    ) -> OneOf![OrderEvent | ClearEvent] {
        ctx.write_event_to_stream(progress(format!(
            "Will get the latest feedback for {}",
            ev.payload
        )));
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

    #[step(stream_only(ProgressEvent))]
    async fn order(&self, ctx: &Context<Monitor>, ev: OrderEvent) -> LoopEvent {
        ctx.write_event_to_stream(progress(format!(
            "We now buy some sku with feedback {}.",
            ev.payload
        )));
        self.manager.place_order(&ctx.state().get().sku).await;
        LoopEvent {
            payload: "Start a new cycle.".into(),
        }
    }

    #[step(stream_only(ProgressEvent))]
    async fn clear(&self, ctx: &Context<Monitor>, ev: ClearEvent) -> LoopEvent {
        ctx.write_event_to_stream(progress(format!(
            "We now sell some sku with feedback {}",
            ev.payload
        )));
        self.manager.clear_out(&ctx.state().get().sku).await;
        LoopEvent {
            payload: "Start a new cycle.".into(),
        }
    }
}

fn streaming_log(message: &str) {
    println!("{} {message}", support::clock());
}

#[tokio::main]
async fn main() -> Result<(), WorkflowError> {
    let options = Options::from_args();
    let workflow = FeedbackMonitorWorkflowV2 {
        total_cycle: 1,
        manager: InventoryManager,
        dice: Dice::new(options.seed),
    };
    let feedback_monitor_v2 = Runner::new(workflow).timeout(Duration::from_secs(10));
    let mut handler = feedback_monitor_v2.run("Apple".to_string());
    while let Some(event) = handler.next().await {
        if let Some(progress) = event.downcast_ref::<ProgressEvent>() {
            streaming_log(&progress.payload);
        }
    }
    let final_result = handler.await?;
    println!("Final result:  {final_result}");
    Ok(())
}
