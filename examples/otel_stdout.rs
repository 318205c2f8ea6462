//! A run exported as an OpenTelemetry trace, printed to standard output.
//!
//! Three tool calls are fanned out and joined; the printed trace has a span for the run, one
//! per step execution under it, and the join's span links to the three calls it collected.
//!
//! `cargo run --example otel_stdout --features opentelemetry`

use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Call(String);

#[derive(Clone, Serialize, Deserialize, Event)]
struct Answer(String);

struct Tools;

#[workflow]
impl Tools {
    #[step]
    async fn plan(&self, ev: StartEvent<Vec<String>>) -> Vec<Call> {
        ev.input.into_iter().map(Call).collect()
    }

    #[step(num_workers = 3)]
    async fn call(&self, call: Call) -> Answer {
        Answer(call.0.to_uppercase())
    }

    #[step]
    async fn answer(&self, answers: Vec<Answer>) -> StopEvent<String> {
        let answers: Vec<String> = answers.into_iter().map(|a| a.0).collect();
        StopEvent::new(answers.join(", "))
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let provider = eventflow::telemetry::install_stdout("otel-stdout-example")?;
    let calls = vec!["search".to_string(), "weather".into(), "calculator".into()];
    let answer = Runner::new(Tools).run(calls).await?;
    eprintln!("answer: {answer}");
    // Prints what is buffered.
    provider.shutdown()?;
    Ok(())
}
