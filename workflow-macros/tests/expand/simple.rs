// Two steps in a line: the smallest workflow.
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
