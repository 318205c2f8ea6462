use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct ToolCall(String);

#[derive(Clone, Serialize, Deserialize, Event)]
struct ToolResult(String);

#[derive(Clone, Serialize, Deserialize, Event)]
struct Observations(Vec<String>);

struct Agent;

#[workflow]
impl Agent {
    #[step]
    async fn model(
        &self,
        ev: OneOf![StartEvent<String> | Observations],
    ) -> OneOf![Vec<ToolCall> | StopEvent<String>] {
        match ev {
            AgentModelInput::StartEvent(q) => vec![ToolCall(q.input)].into(),
            AgentModelInput::Observations(seen) => StopEvent::new(seen.0.join("; ")).into(),
        }
    }

    #[step(num_workers = 8)]
    async fn tool(&self, call: ToolCall) -> ToolResult {
        ToolResult(call.0)
    }

    #[step]
    async fn observe(&self, results: Vec<ToolResult>) -> Observations {
        Observations(results.into_iter().map(|r| r.0).collect())
    }
}
