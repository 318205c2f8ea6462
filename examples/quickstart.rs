//! The smallest workflow: two steps, run verbosely.
//!
//! `cargo run --example quickstart`

use std::time::Duration;

use eventflow::prelude::*;

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct SecondStepEvent {
    payload: String,
}

struct SimpleWorkflow;

#[workflow]
impl SimpleWorkflow {
    #[step]
    async fn start(&self, ev: StartEvent<String>) -> SecondStepEvent {
        SecondStepEvent { payload: ev.input }
    }

    #[step]
    async fn second_step(&self, ev: SecondStepEvent) -> StopEvent<String> {
        StopEvent::new(ev.payload)
    }
}

#[tokio::main]
async fn main() -> Result<(), WorkflowError> {
    let s_wf = Runner::new(SimpleWorkflow)
        .timeout(Duration::from_secs(10))
        .verbose(true);
    let result = s_wf.run("hello world".to_string()).await?;
    println!("{result}");
    Ok(())
}
