//! An application made of modules written by different teams, each contributing steps or
//! whole workflows that listen and emit by events, assembled in one host and started by a
//! request handler.
//!
//! - `events`: the contract between the teams, the only module they all use.
//! - `feedback`: the feedback team's steps, assembled into the `Application` workflow below
//!   (steps as free functions, added to the workflow when its runner is built).
//! - `orders`: the orders team's `OrderStation` workflow, started by each trade.
//! - `notifications`: the notifications team's `Notifier` workflow, also started by each
//!   trade.
//!
//! No module names another team's workflow: the trade reaches the order station and the
//! notifier because they start from it, and the order station's answer reaches the very
//! request that asked, because each request is a conversation of its own.
//!
//! `cargo run --example application`

mod events;
mod feedback;
mod notifications;
mod orders;

use std::error::Error;

use eventflow::Host;
use eventflow::prelude::*;
use events::{OrderSettled, TradeEventV2};

/// The pipeline the request handler starts: its steps come from the feedback team.
struct Application;

#[workflow(
    open,
    start = StartEvent<String>,
    stop = StopEvent<String>,
    publishes(TradeEventV2),
    subscribes(OrderSettled)
)]
impl Application {}

/// Assembles the host: every team's part, checked at compile time by `host!`.
fn application() -> Result<Host, Box<dyn Error>> {
    let pipeline = Runner::builder(Application)
        .step(feedback::ReviewStep)
        .step(feedback::DecideStep)
        .build()?;
    let host = eventflow::host![
        Application => pipeline,
        orders::OrderStation => Runner::new(orders::OrderStation::default()),
        notifications::Notifier => Runner::new(notifications::Notifier::default()),
    ]?;
    Ok(host)
}

/// What a web handler does with a request: start the application and answer with its result.
async fn handle_trade_request(host: &Host, sku: &str) -> Result<String, Box<dyn Error>> {
    Ok(host.run::<Application>(sku.to_string())?.await?)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let host = application()?;
    // Three requests at once; each gets its own answer.
    let (apple, durian, fig) = tokio::join!(
        handle_trade_request(&host, "Apple"),
        handle_trade_request(&host, "Durian"),
        handle_trade_request(&host, "Fig"),
    );
    for answer in [apple, durian, fig] {
        println!("{}", answer?);
    }
    host.idle().await;
    if let Some(notifier) = host.runner::<notifications::Notifier>() {
        for message in notifier.workflow().sent() {
            println!("notified: {message}");
        }
    }
    Ok(())
}
