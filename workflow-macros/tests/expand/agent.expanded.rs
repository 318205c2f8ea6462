use eventflow::prelude::*;
#[derive(Clone, Serialize, Deserialize, Event)]
struct ToolCall(String);
const _: () = {
    use ::eventflow::__private as __ef;
    #[automatically_derived]
    impl __ef::Event for ToolCall {
        const NAME: &'static str = "ToolCall";
    }
    #[automatically_derived]
    impl __ef::Start for ToolCall {
        type Input = Self;
        fn from_input(input: Self) -> Self {
            input
        }
    }
    #[automatically_derived]
    impl __ef::Stop for ToolCall {
        type Output = Self;
        fn into_output(self) -> Self {
            self
        }
    }
};
#[derive(Clone, Serialize, Deserialize, Event)]
struct ToolResult(String);
const _: () = {
    use ::eventflow::__private as __ef;
    #[automatically_derived]
    impl __ef::Event for ToolResult {
        const NAME: &'static str = "ToolResult";
    }
    #[automatically_derived]
    impl __ef::Start for ToolResult {
        type Input = Self;
        fn from_input(input: Self) -> Self {
            input
        }
    }
    #[automatically_derived]
    impl __ef::Stop for ToolResult {
        type Output = Self;
        fn into_output(self) -> Self {
            self
        }
    }
};
#[derive(Clone, Serialize, Deserialize, Event)]
struct Observations(Vec<String>);
const _: () = {
    use ::eventflow::__private as __ef;
    #[automatically_derived]
    impl __ef::Event for Observations {
        const NAME: &'static str = "Observations";
    }
    #[automatically_derived]
    impl __ef::Start for Observations {
        type Input = Self;
        fn from_input(input: Self) -> Self {
            input
        }
    }
    #[automatically_derived]
    impl __ef::Stop for Observations {
        type Output = Self;
        fn into_output(self) -> Self {
            self
        }
    }
};
struct Agent;
impl Agent {
    #[allow(clippy::unused_async)]
    async fn model(&self, ev: AgentModelInput) -> AgentModelOutput {
        match ev {
            AgentModelInput::StartEvent(q) => vec![ToolCall(q.input)].into(),
            AgentModelInput::Observations(seen) => {
                StopEvent::new(seen.0.join("; ")).into()
            }
        }
    }
    #[allow(clippy::unused_async)]
    async fn tool(&self, call: ToolCall) -> ToolResult {
        ToolResult(call.0)
    }
    #[allow(clippy::unused_async)]
    async fn observe(&self, results: Vec<ToolResult>) -> Observations {
        Observations(results.into_iter().map(|r| r.0).collect())
    }
}
/// One of the events accepted by step `model` of `Agent`: `OneOf![StartEvent<String> | Observations]`.
#[derive(::eventflow::__private::Clone)]
enum AgentModelInput {
    /// A `StartEvent<String>`.
    StartEvent(StartEvent<String>),
    /// A `Observations`.
    Observations(Observations),
}
const _: () = {
    use ::eventflow::__private as __ef;
    #[automatically_derived]
    impl __ef::From<StartEvent<String>> for AgentModelInput {
        fn from(event: StartEvent<String>) -> Self {
            Self::StartEvent(event)
        }
    }
    #[automatically_derived]
    impl __ef::From<Observations> for AgentModelInput {
        fn from(event: Observations) -> Self {
            Self::Observations(event)
        }
    }
    #[automatically_derived]
    impl __ef::From<AgentModelInput> for __ef::AnyEvent {
        fn from(event: AgentModelInput) -> Self {
            match event {
                AgentModelInput::StartEvent(__ef_event) => {
                    __ef::AnyEvent::new::<StartEvent<String>>(__ef_event)
                }
                AgentModelInput::Observations(__ef_event) => {
                    __ef::AnyEvent::new::<Observations>(__ef_event)
                }
            }
        }
    }
    #[automatically_derived]
    impl __ef::TryFrom<__ef::AnyEvent> for AgentModelInput {
        type Error = __ef::AnyEvent;
        fn try_from(__ef_event: __ef::AnyEvent) -> __ef::Result<Self, __ef::AnyEvent> {
            let __ef_event = match __ef_event.downcast::<StartEvent<String>>() {
                __ef::Ok(__ef_event) => return __ef::Ok(Self::StartEvent(__ef_event)),
                __ef::Err(__ef_event) => __ef_event,
            };
            let __ef_event = match __ef_event.downcast::<Observations>() {
                __ef::Ok(__ef_event) => return __ef::Ok(Self::Observations(__ef_event)),
                __ef::Err(__ef_event) => __ef_event,
            };
            __ef::Err(__ef_event)
        }
    }
    #[automatically_derived]
    impl __ef::fmt::Debug for AgentModelInput {
        fn fmt(&self, f: &mut __ef::fmt::Formatter<'_>) -> __ef::fmt::Result {
            match self {
                Self::StartEvent(_) => f.write_str("StartEvent(..)"),
                Self::Observations(_) => f.write_str("Observations(..)"),
            }
        }
    }
    let _: OneOf![@ __eventflow_used] = ();
};
/// One of the events returned by step `model` of `Agent`: `OneOf![Vec<ToolCall> | StopEvent<String>]`.
#[derive(::eventflow::__private::Clone)]
enum AgentModelOutput {
    /// A fan-out of `ToolCall` events.
    ToolCall(::eventflow::__private::Vec<ToolCall>),
    /// A `StopEvent<String>`.
    StopEvent(StopEvent<String>),
}
const _: () = {
    use ::eventflow::__private as __ef;
    #[automatically_derived]
    impl __ef::From<::eventflow::__private::Vec<ToolCall>> for AgentModelOutput {
        fn from(event: ::eventflow::__private::Vec<ToolCall>) -> Self {
            Self::ToolCall(event)
        }
    }
    #[automatically_derived]
    impl __ef::From<StopEvent<String>> for AgentModelOutput {
        fn from(event: StopEvent<String>) -> Self {
            Self::StopEvent(event)
        }
    }
    #[automatically_derived]
    impl __ef::From<AgentModelOutput> for __ef::Emit {
        fn from(event: AgentModelOutput) -> Self {
            match event {
                AgentModelOutput::ToolCall(__ef_event) => {
                    __ef::emit_many::<ToolCall>(__ef_event)
                }
                AgentModelOutput::StopEvent(__ef_event) => {
                    __ef::emit::<StopEvent<String>>(__ef_event)
                }
            }
        }
    }
    #[automatically_derived]
    impl __ef::fmt::Debug for AgentModelOutput {
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
                        __ef::EventType::of::<Observations>(),
                    ],
                    emits: &[
                        __ef::EventType::of::<ToolCall>(),
                        __ef::EventType::of::<StopEvent<String>>(),
                    ],
                    fans_out: &[__ef::EventType::of::<ToolCall>()],
                    ..__ef::StepSpec::new("model")
                },
                call: |__ef_this, __ef_event, __ef_ctx| {
                    let __ef_this = __ef::Clone::clone(__ef_this);
                    __ef::step_future(async move {
                        let __ef_input_0 = __ef::input_union::<
                            AgentModelInput,
                        >(__ef_event, "model");
                        let __ef_output = __ef_this.model(__ef_input_0).await;
                        __ef::Ok(__ef::emit_arms::<AgentModelOutput>(__ef_output))
                    })
                },
                retry: __ef::None,
            },
            __ef::StepDef {
                spec: __ef::StepSpec {
                    accepts: &[__ef::EventType::of::<ToolCall>()],
                    emits: &[__ef::EventType::of::<ToolResult>()],
                    num_workers: 8,
                    ..__ef::StepSpec::new("tool")
                },
                call: |__ef_this, __ef_event, __ef_ctx| {
                    let __ef_this = __ef::Clone::clone(__ef_this);
                    __ef::step_future(async move {
                        let __ef_input_0 = __ef::input::<ToolCall>(__ef_event, "tool");
                        let __ef_output = __ef_this.tool(__ef_input_0).await;
                        __ef::Ok(__ef::emit::<ToolResult>(__ef_output))
                    })
                },
                retry: __ef::None,
            },
            __ef::StepDef {
                spec: __ef::StepSpec {
                    accepts: &[__ef::EventType::of::<ToolResult>()],
                    emits: &[__ef::EventType::of::<Observations>()],
                    takes: __ef::Takes::Collections {
                        take: __ef::None,
                    },
                    ..__ef::StepSpec::new("observe")
                },
                call: |__ef_this, __ef_event, __ef_ctx| {
                    let __ef_this = __ef::Clone::clone(__ef_this);
                    __ef::step_future(async move {
                        let mut __ef_inputs = __ef::input_collections(
                            __ef_event,
                            "observe",
                        );
                        let __ef_input_0 = __ef_inputs.all::<ToolResult>();
                        let __ef_output = __ef_this.observe(__ef_input_0).await;
                        __ef::Ok(__ef::emit::<Observations>(__ef_output))
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
