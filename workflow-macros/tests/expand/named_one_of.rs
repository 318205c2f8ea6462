// `OneOf!` enums named by the step: `input = ..` and `output = ..`.
#[workflow]
impl Agent {
    #[step(input = AgentInput, output = AgentOutput)]
    async fn think(&self, ev: OneOf![StartEvent<String> | ToolResult]) -> OneOf![ToolCall | StopEvent<String>] {
        todo!()
    }

    #[step]
    async fn call_tool(&self, ev: ToolCall) -> ToolResult {
        todo!()
    }
}
