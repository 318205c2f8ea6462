// A loop with branches: `OneOf!` in and out, a context, state and step arguments.
#[workflow(state = MonitorState)]
impl FeedbackMonitor {
    #[step]
    async fn begin(
        &self,
        ctx: &Context<MonitorState>,
        ev: OneOf![StartEvent<String> | LoopEvent],
    ) -> OneOf![GetFeedbackEvent | StopEvent<String>] {
        todo!()
    }

    #[step(num_workers = 1, sends(ProgressEvent), stream_only(ProgressEvent))]
    async fn get_feedback(&self, ev: GetFeedbackEvent) -> Result<Option<LoopEvent>, FeedbackError> {
        todo!()
    }
}
