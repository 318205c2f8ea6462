//! `OneOf!` enums named with `#[step(input = .., output = ..)]`, in a workflow and a free step.

use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Question(String);
#[derive(Clone, Serialize, Deserialize, Event)]
struct ToolCall(String);
#[derive(Clone, Serialize, Deserialize, Event)]
struct ToolResult(String);

struct Agent;

#[workflow(open)]
impl Agent {
    #[step(output = Asked)]
    async fn start(&self, ev: StartEvent<String>) -> OneOf![Question | StopEvent<String>] {
        if ev.input.is_empty() {
            StopEvent::new(String::new()).into()
        } else {
            Question(ev.input).into()
        }
    }

    #[step(input = AgentInput, output = AgentOutput)]
    async fn think(&self, ev: OneOf![Question | ToolResult]) -> OneOf![ToolCall | StopEvent<String>] {
        match ev {
            AgentInput::Question(q) => AgentOutput::from(ToolCall(q.0)),
            AgentInput::ToolResult(r) => StopEvent::new(r.0).into(),
        }
    }
}

#[step(output = ToolOutput)]
async fn call_tool(ev: ToolCall) -> OneOf![ToolResult] {
    ToolOutput::ToolResult(ToolResult(format!("{} done", ev.0)))
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let runner = Runner::builder(Agent)
        .step(CallToolStep)
        .build()
        .expect("a valid graph");
    let answer = runner.run("search".to_owned()).await.expect("a result");
    assert_eq!(answer, "search done");
    let _: fn(Asked) -> AnyEvent = AnyEvent::from;
}
