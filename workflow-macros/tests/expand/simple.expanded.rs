impl SimpleWorkflow {
    #[allow(clippy::unused_async)]
    async fn start(&self, ev: StartEvent<String>) -> SecondStepEvent {
        SecondStepEvent {
            payload: ev.input,
        }
    }
    #[allow(clippy::unused_async)]
    async fn second_step(&self, ev: SecondStepEvent) -> StopEvent<String> {
        StopEvent::new(ev.payload)
    }
}
const _: () = {
    use ::eventflow::__private as __ef;
    #[automatically_derived]
    impl __ef::Workflow for SimpleWorkflow {
        type Start = StartEvent<String>;
        type Stop = StopEvent<String>;
        type State = ();
        const NAME: &'static str = "SimpleWorkflow";
        const STEPS: &'static [__ef::StepDef<Self>] = &[
            __ef::StepDef {
                spec: __ef::StepSpec {
                    accepts: &[__ef::EventType::of::<StartEvent<String>>()],
                    emits: &[__ef::EventType::of::<SecondStepEvent>()],
                    ..__ef::StepSpec::new("start")
                },
                call: |__ef_this, __ef_event, __ef_ctx| {
                    let __ef_this = __ef::Clone::clone(__ef_this);
                    __ef::step_future(async move {
                        let __ef_input_0 = __ef::input::<
                            StartEvent<String>,
                        >(__ef_event, "start");
                        let __ef_output = __ef_this.start(__ef_input_0).await;
                        __ef::Ok(__ef::emit::<SecondStepEvent>(__ef_output))
                    })
                },
                retry: __ef::None,
            },
            __ef::StepDef {
                spec: __ef::StepSpec {
                    accepts: &[__ef::EventType::of::<SecondStepEvent>()],
                    emits: &[__ef::EventType::of::<StopEvent<String>>()],
                    ..__ef::StepSpec::new("second_step")
                },
                call: |__ef_this, __ef_event, __ef_ctx| {
                    let __ef_this = __ef::Clone::clone(__ef_this);
                    __ef::step_future(async move {
                        let __ef_input_0 = __ef::input::<
                            SecondStepEvent,
                        >(__ef_event, "second_step");
                        let __ef_output = __ef_this.second_step(__ef_input_0).await;
                        __ef::Ok(__ef::emit::<StopEvent<String>>(__ef_output))
                    })
                },
                retry: __ef::None,
            },
        ];
        fn tool() -> __ef::Option<&'static dyn __ef::Tool> {
            __ef::tool()
        }
    }
    #[automatically_derived]
    impl __ef::CheckedWorkflow for SimpleWorkflow {}
    #[step(__eventflow_used)]
    const _: () = ();
};
