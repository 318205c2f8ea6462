impl Agent {
    #[allow(clippy::unused_async)]
    async fn think(&self, ev: AgentInput) -> AgentOutput {
        todo!()
    }
    #[allow(clippy::unused_async)]
    async fn call_tool(&self, ev: ToolCall) -> ToolResult {
        todo!()
    }
}
/// One of the events accepted by step `think` of `Agent`: `OneOf![StartEvent<String> | ToolResult]`.
#[derive(::eventflow::__private::Clone)]
enum AgentInput {
    /// A `StartEvent<String>`.
    StartEvent(StartEvent<String>),
    /// A `ToolResult`.
    ToolResult(ToolResult),
}
const _: () = {
    use ::eventflow::__private as __ef;
    #[automatically_derived]
    impl __ef::From<StartEvent<String>> for AgentInput {
        fn from(event: StartEvent<String>) -> Self {
            Self::StartEvent(event)
        }
    }
    #[automatically_derived]
    impl __ef::From<ToolResult> for AgentInput {
        fn from(event: ToolResult) -> Self {
            Self::ToolResult(event)
        }
    }
    #[automatically_derived]
    impl __ef::From<AgentInput> for __ef::AnyEvent {
        fn from(event: AgentInput) -> Self {
            match event {
                AgentInput::StartEvent(__ef_event) => {
                    __ef::AnyEvent::new::<StartEvent<String>>(__ef_event)
                }
                AgentInput::ToolResult(__ef_event) => {
                    __ef::AnyEvent::new::<ToolResult>(__ef_event)
                }
            }
        }
    }
    #[automatically_derived]
    impl __ef::TryFrom<__ef::AnyEvent> for AgentInput {
        type Error = __ef::AnyEvent;
        fn try_from(__ef_event: __ef::AnyEvent) -> __ef::Result<Self, __ef::AnyEvent> {
            let __ef_event = match __ef_event.downcast::<StartEvent<String>>() {
                __ef::Ok(__ef_event) => return __ef::Ok(Self::StartEvent(__ef_event)),
                __ef::Err(__ef_event) => __ef_event,
            };
            let __ef_event = match __ef_event.downcast::<ToolResult>() {
                __ef::Ok(__ef_event) => return __ef::Ok(Self::ToolResult(__ef_event)),
                __ef::Err(__ef_event) => __ef_event,
            };
            __ef::Err(__ef_event)
        }
    }
    #[automatically_derived]
    impl __ef::fmt::Debug for AgentInput {
        fn fmt(&self, f: &mut __ef::fmt::Formatter<'_>) -> __ef::fmt::Result {
            match self {
                Self::StartEvent(_) => f.write_str("StartEvent(..)"),
                Self::ToolResult(_) => f.write_str("ToolResult(..)"),
            }
        }
    }
    let _: OneOf![@ __eventflow_used] = ();
};
/// One of the events returned by step `think` of `Agent`: `OneOf![ToolCall | StopEvent<String>]`.
#[derive(::eventflow::__private::Clone)]
enum AgentOutput {
    /// A `ToolCall`.
    ToolCall(ToolCall),
    /// A `StopEvent<String>`.
    StopEvent(StopEvent<String>),
}
const _: () = {
    use ::eventflow::__private as __ef;
    #[automatically_derived]
    impl __ef::From<ToolCall> for AgentOutput {
        fn from(event: ToolCall) -> Self {
            Self::ToolCall(event)
        }
    }
    #[automatically_derived]
    impl __ef::From<StopEvent<String>> for AgentOutput {
        fn from(event: StopEvent<String>) -> Self {
            Self::StopEvent(event)
        }
    }
    #[automatically_derived]
    impl __ef::From<AgentOutput> for __ef::AnyEvent {
        fn from(event: AgentOutput) -> Self {
            match event {
                AgentOutput::ToolCall(__ef_event) => {
                    __ef::AnyEvent::new::<ToolCall>(__ef_event)
                }
                AgentOutput::StopEvent(__ef_event) => {
                    __ef::AnyEvent::new::<StopEvent<String>>(__ef_event)
                }
            }
        }
    }
    #[automatically_derived]
    impl __ef::TryFrom<__ef::AnyEvent> for AgentOutput {
        type Error = __ef::AnyEvent;
        fn try_from(__ef_event: __ef::AnyEvent) -> __ef::Result<Self, __ef::AnyEvent> {
            let __ef_event = match __ef_event.downcast::<ToolCall>() {
                __ef::Ok(__ef_event) => return __ef::Ok(Self::ToolCall(__ef_event)),
                __ef::Err(__ef_event) => __ef_event,
            };
            let __ef_event = match __ef_event.downcast::<StopEvent<String>>() {
                __ef::Ok(__ef_event) => return __ef::Ok(Self::StopEvent(__ef_event)),
                __ef::Err(__ef_event) => __ef_event,
            };
            __ef::Err(__ef_event)
        }
    }
    #[automatically_derived]
    impl __ef::fmt::Debug for AgentOutput {
        fn fmt(&self, f: &mut __ef::fmt::Formatter<'_>) -> __ef::fmt::Result {
            match self {
                Self::ToolCall(_) => f.write_str("ToolCall(..)"),
                Self::StopEvent(_) => f.write_str("StopEvent(..)"),
            }
        }
    }
    let _: OneOf![@ __eventflow_used] = ();
};
const _: () = {
    use ::eventflow::__private as __ef;
    #[automatically_derived]
    impl __ef::Workflow for Agent {
        type Start = StartEvent<String>;
        type Stop = StopEvent<String>;
        type State = ();
        const NAME: &'static str = "Agent";
        const STEPS: &'static [__ef::StepDef<Self>] = &[
            __ef::StepDef {
                spec: __ef::StepSpec {
                    accepts: &[
                        __ef::EventType::of::<StartEvent<String>>(),
                        __ef::EventType::of::<ToolResult>(),
                    ],
                    emits: &[
                        __ef::EventType::of::<ToolCall>(),
                        __ef::EventType::of::<StopEvent<String>>(),
                    ],
                    ..__ef::StepSpec::new("think")
                },
                call: |__ef_this, __ef_event, __ef_ctx| {
                    let __ef_this = __ef::Clone::clone(__ef_this);
                    __ef::step_future(async move {
                        let __ef_input_0 = __ef::input_union::<
                            AgentInput,
                        >(__ef_event, "think");
                        let __ef_output = __ef_this.think(__ef_input_0).await;
                        __ef::Ok(__ef::emit_union::<AgentOutput>(__ef_output))
                    })
                },
                retry: __ef::None,
            },
            __ef::StepDef {
                spec: __ef::StepSpec {
                    accepts: &[__ef::EventType::of::<ToolCall>()],
                    emits: &[__ef::EventType::of::<ToolResult>()],
                    ..__ef::StepSpec::new("call_tool")
                },
                call: |__ef_this, __ef_event, __ef_ctx| {
                    let __ef_this = __ef::Clone::clone(__ef_this);
                    __ef::step_future(async move {
                        let __ef_input_0 = __ef::input::<
                            ToolCall,
                        >(__ef_event, "call_tool");
                        let __ef_output = __ef_this.call_tool(__ef_input_0).await;
                        __ef::Ok(__ef::emit::<ToolResult>(__ef_output))
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
    impl __ef::CheckedWorkflow for Agent {}
    #[step(__eventflow_used)]
    const _: () = ();
};
