//! `ComplexFeedbackMonitor`: three sources judge the feedback at the same time,
//! and a vote over all three decides the trade.
//!
//! `start` sends one event to each source; the sources run concurrently and answer at
//! different times; `trading_decision` runs for each answer but only decides once
//! `collect_events` holds all three.
//!
//! The workflow is in `support/complex.rs`, since V2 and V3 extend it.
//!
//! `cargo run --example complex_feedback_monitor -- [--seed N] [--fast] [--draw DIR]`
//!
//! With `--draw DIR`, the example also writes every possible flow of the workflow (Mermaid,
//! DOT and HTML) to `DIR` before it runs, and the run it made after.

mod support;

use std::time::Duration;

use eventflow::prelude::*;
use support::Options;
use support::complex::ComplexFeedbackMonitor;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = Options::from_args();
    let workflow = ComplexFeedbackMonitor::new(options.seed);
    let feedback_monitor = Runner::new(workflow)
        .timeout(Duration::from_secs(20))
        .verbose(true)
        .record_runs(options.draw.is_some());
    if let Some(dir) = &options.draw {
        let files = eventflow::draw::all_possible_flows(&feedback_monitor, dir)?;
        eprintln!("drew {}", files.html.display());
    }
    let result = feedback_monitor.run("Apple".to_string()).await?;
    println!("{result}");
    if let Some(dir) = &options.draw {
        let files = eventflow::draw::most_recent_execution(&feedback_monitor, dir)?;
        eprintln!("drew {}", files.html.display());
    }
    Ok(())
}
