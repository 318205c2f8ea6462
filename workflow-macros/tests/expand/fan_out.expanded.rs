use eventflow::prelude::*;
#[derive(Clone, Serialize, Deserialize, Event)]
struct Call(String);
const _: () = {
    use ::eventflow::__private as __ef;
    #[automatically_derived]
    impl __ef::Event for Call {
        const NAME: &'static str = "Call";
    }
    #[automatically_derived]
    impl __ef::Start for Call {
        type Input = Self;
        fn from_input(input: Self) -> Self {
            input
        }
    }
    #[automatically_derived]
    impl __ef::Stop for Call {
        type Output = Self;
        fn into_output(self) -> Self {
            self
        }
    }
};
#[derive(Clone, Serialize, Deserialize, Event)]
struct Found(String);
const _: () = {
    use ::eventflow::__private as __ef;
    #[automatically_derived]
    impl __ef::Event for Found {
        const NAME: &'static str = "Found";
    }
    #[automatically_derived]
    impl __ef::Start for Found {
        type Input = Self;
        fn from_input(input: Self) -> Self {
            input
        }
    }
    #[automatically_derived]
    impl __ef::Stop for Found {
        type Output = Self;
        fn into_output(self) -> Self {
            self
        }
    }
};
#[derive(Clone, Serialize, Deserialize, Event)]
struct Hint(String);
const _: () = {
    use ::eventflow::__private as __ef;
    #[automatically_derived]
    impl __ef::Event for Hint {
        const NAME: &'static str = "Hint";
    }
    #[automatically_derived]
    impl __ef::Start for Hint {
        type Input = Self;
        fn from_input(input: Self) -> Self {
            input
        }
    }
    #[automatically_derived]
    impl __ef::Stop for Hint {
        type Output = Self;
        fn into_output(self) -> Self {
            self
        }
    }
};
struct Tools;
impl Tools {
    #[allow(clippy::unused_async)]
    async fn plan(&self, ev: StartEvent<Vec<String>>) -> Vec<Call> {
        ev.input.into_iter().map(Call).collect()
    }
    #[allow(clippy::unused_async)]
    async fn call(&self, call: Call) -> ToolsCallOutput {
        Found(call.0).into()
    }
    #[allow(clippy::unused_async)]
    async fn answer(&self, found: Vec<Found>, hints: Vec<Hint>) -> StopEvent<usize> {
        StopEvent::new(found.len() + hints.len())
    }
}
/// One of the events returned by step `call` of `Tools`: `OneOf![Found | Hint]`.
#[derive(::eventflow::__private::Clone)]
enum ToolsCallOutput {
    /// A `Found`.
    Found(Found),
    /// A `Hint`.
    Hint(Hint),
}
const _: () = {
    use ::eventflow::__private as __ef;
    #[automatically_derived]
    impl __ef::From<Found> for ToolsCallOutput {
        fn from(event: Found) -> Self {
            Self::Found(event)
        }
    }
    #[automatically_derived]
    impl __ef::From<Hint> for ToolsCallOutput {
        fn from(event: Hint) -> Self {
            Self::Hint(event)
        }
    }
    #[automatically_derived]
    impl __ef::From<ToolsCallOutput> for __ef::AnyEvent {
        fn from(event: ToolsCallOutput) -> Self {
            match event {
                ToolsCallOutput::Found(__ef_event) => {
                    __ef::AnyEvent::new::<Found>(__ef_event)
                }
                ToolsCallOutput::Hint(__ef_event) => {
                    __ef::AnyEvent::new::<Hint>(__ef_event)
                }
            }
        }
    }
    #[automatically_derived]
    impl __ef::TryFrom<__ef::AnyEvent> for ToolsCallOutput {
        type Error = __ef::AnyEvent;
        fn try_from(__ef_event: __ef::AnyEvent) -> __ef::Result<Self, __ef::AnyEvent> {
            let __ef_event = match __ef_event.downcast::<Found>() {
                __ef::Ok(__ef_event) => return __ef::Ok(Self::Found(__ef_event)),
                __ef::Err(__ef_event) => __ef_event,
            };
            let __ef_event = match __ef_event.downcast::<Hint>() {
                __ef::Ok(__ef_event) => return __ef::Ok(Self::Hint(__ef_event)),
                __ef::Err(__ef_event) => __ef_event,
            };
            __ef::Err(__ef_event)
        }
    }
    #[automatically_derived]
    impl __ef::fmt::Debug for ToolsCallOutput {
        fn fmt(&self, f: &mut __ef::fmt::Formatter<'_>) -> __ef::fmt::Result {
            match self {
                Self::Found(_) => f.write_str("Found(..)"),
                Self::Hint(_) => f.write_str("Hint(..)"),
            }
        }
    }
    let _: OneOf![@ __eventflow_used] = ();
};
const _: () = {
    use ::eventflow::__private as __ef;
    #[automatically_derived]
    impl __ef::Workflow for Tools {
        type Start = StartEvent<Vec<String>>;
        type Stop = StopEvent<usize>;
        type State = ();
        const NAME: &'static str = "Tools";
        const STEPS: &'static [__ef::StepDef<Self>] = &[
            __ef::StepDef {
                spec: __ef::StepSpec {
                    accepts: &[__ef::EventType::of::<StartEvent<Vec<String>>>()],
                    emits: &[__ef::EventType::of::<Call>()],
                    fans_out: &[__ef::EventType::of::<Call>()],
                    ..__ef::StepSpec::new("plan")
                },
                call: |__ef_this, __ef_event, __ef_ctx| {
                    let __ef_this = __ef::Clone::clone(__ef_this);
                    __ef::step_future(async move {
                        let __ef_input_0 = __ef::input::<
                            StartEvent<Vec<String>>,
                        >(__ef_event, "plan");
                        let __ef_output = __ef_this.plan(__ef_input_0).await;
                        __ef::Ok(__ef::emit_many::<Call>(__ef_output))
                    })
                },
                retry: __ef::None,
            },
            __ef::StepDef {
                spec: __ef::StepSpec {
                    accepts: &[__ef::EventType::of::<Call>()],
                    emits: &[
                        __ef::EventType::of::<Found>(),
                        __ef::EventType::of::<Hint>(),
                    ],
                    num_workers: 8,
                    ..__ef::StepSpec::new("call")
                },
                call: |__ef_this, __ef_event, __ef_ctx| {
                    let __ef_this = __ef::Clone::clone(__ef_this);
                    __ef::step_future(async move {
                        let __ef_input_0 = __ef::input::<Call>(__ef_event, "call");
                        let __ef_output = __ef_this.call(__ef_input_0).await;
                        __ef::Ok(__ef::emit_union::<ToolsCallOutput>(__ef_output))
                    })
                },
                retry: __ef::None,
            },
            __ef::StepDef {
                spec: __ef::StepSpec {
                    accepts: &[
                        __ef::EventType::of::<Found>(),
                        __ef::EventType::of::<Hint>(),
                    ],
                    emits: &[__ef::EventType::of::<StopEvent<usize>>()],
                    takes: __ef::Takes::Collections {
                        take: __ef::Some(3),
                    },
                    ..__ef::StepSpec::new("answer")
                },
                call: |__ef_this, __ef_event, __ef_ctx| {
                    let __ef_this = __ef::Clone::clone(__ef_this);
                    __ef::step_future(async move {
                        let mut __ef_inputs = __ef::input_collections(
                            __ef_event,
                            "answer",
                        );
                        let __ef_input_0 = __ef_inputs.all::<Found>();
                        let __ef_input_1 = __ef_inputs.all::<Hint>();
                        let __ef_output = __ef_this
                            .answer(__ef_input_0, __ef_input_1)
                            .await;
                        __ef::Ok(__ef::emit::<StopEvent<usize>>(__ef_output))
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
    impl __ef::CheckedWorkflow for Tools {}
    #[step(__eventflow_used)]
    const _: () = ();
};
