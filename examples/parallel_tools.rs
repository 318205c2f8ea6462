//! Parallel tool calls: the model asks for several tools at once, they run concurrently, and
//! the model answers once it has seen every result.
//!
//! `model` returns `OneOf![Vec<ToolCall> | StopEvent<String>]`: either tool calls, which fan
//! out (each call is a branch of its own), or the answer. `observe` takes `Vec<ToolResult>`,
//! which joins: it runs once every branch has finished, with the results in the order the calls
//! were planned, whatever order they finished in, and hands them back to the model. A tool that
//! finds nothing ends its branch, and the answer is written from the others.
//!
//! `cargo run --example parallel_tools` (add `--fast` to skip the simulated latency)

use std::time::Duration;

use eventflow::prelude::*;

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Question(String);

/// A tool call the model asked for.
#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct ToolCall {
    tool: String,
    input: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct ToolResult {
    tool: String,
    output: String,
}

/// The results of one round of tool calls, for the model.
#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Observations(Vec<ToolResult>);

/// Written to the stream as each tool finishes.
#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct ToolFinished {
    tool: String,
}

struct Agent {
    /// Simulated latency per tool, so that they finish out of order.
    latency: Duration,
}

#[workflow]
impl Agent {
    #[step]
    async fn ask(&self, ev: StartEvent<String>) -> Question {
        Question(ev.input)
    }

    /// A stand-in for the model: it asks for tools for the question, then answers from what
    /// they found.
    #[step]
    async fn model(
        &self,
        ev: OneOf![Question | Observations],
    ) -> OneOf![Vec<ToolCall> | StopEvent<String>] {
        let question = match ev {
            AgentModelInput::Question(question) => question,
            AgentModelInput::Observations(seen) => {
                let facts: Vec<String> = seen
                    .0
                    .into_iter()
                    .map(|r| format!("{}: {}", r.tool, r.output))
                    .collect();
                return StopEvent::new(facts.join("; ")).into();
            }
        };
        let call = |tool: &str, input: &str| ToolCall {
            tool: tool.to_owned(),
            input: input.to_owned(),
        };
        println!("Planning tools for: {}", question.0);
        vec![
            call("weather", "Paris"),
            call("calculator", "18 * 1.8 + 32"),
            call("search", "Eiffel Tower height"),
            call("search", "Paris museums open on Monday"),
        ]
        .into()
    }

    /// Runs every call of the fan-out at once.
    #[step(num_workers = 8, stream_only(ToolFinished))]
    async fn call_tool(&self, ctx: &Context, call: ToolCall) -> Option<ToolResult> {
        let (latency, output) = match (call.tool.as_str(), call.input.as_str()) {
            ("weather", city) => (3, Some(format!("18°C and sunny in {city}"))),
            ("calculator", _) => (1, Some("64.4".to_owned())),
            ("search", q) if q.contains("Eiffel") => (2, Some("330 m".to_owned())),
            _ => (4, None),
        };
        tokio::time::sleep(self.latency * latency).await;
        ctx.write_event_to_stream(ToolFinished {
            tool: format!("{}({})", call.tool, call.input),
        });
        Some(ToolResult {
            tool: call.tool,
            output: output?,
        })
    }

    /// Runs once per round, with the results of every call that found something.
    #[step]
    async fn observe(&self, results: Vec<ToolResult>) -> Observations {
        Observations(results)
    }
}

#[tokio::main]
async fn main() -> Result<(), WorkflowError> {
    let fast = std::env::args().any(|a| a == "--fast");
    let latency = if fast {
        Duration::ZERO
    } else {
        Duration::from_millis(300)
    };
    let mut handler =
        Runner::new(Agent { latency }).run("What should I know for a day in Paris?".to_owned());
    while let Some(event) = handler.next().await {
        if let Some(finished) = event.downcast_ref::<ToolFinished>() {
            println!("finished {}", finished.tool);
        }
    }
    println!("Answer: {}", handler.await?);
    Ok(())
}
