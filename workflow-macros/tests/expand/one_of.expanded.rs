impl FeedbackMonitor {
    #[allow(clippy::unused_async)]
    async fn begin(
        &self,
        ctx: &Context<MonitorState>,
        ev: FeedbackMonitorBeginInput,
    ) -> FeedbackMonitorBeginOutput {
        todo!()
    }
    #[allow(clippy::unused_async)]
    async fn get_feedback(
        &self,
        ev: GetFeedbackEvent,
    ) -> Result<Option<LoopEvent>, FeedbackError> {
        todo!()
    }
}
/// One of the events accepted by step `begin` of `FeedbackMonitor`: `OneOf![StartEvent<String> | LoopEvent]`.
#[derive(::eventflow::__private::Clone)]
enum FeedbackMonitorBeginInput {
    /// A `StartEvent<String>`.
    StartEvent(StartEvent<String>),
    /// A `LoopEvent`.
    LoopEvent(LoopEvent),
}
const _: () = {
    use ::eventflow::__private as __ef;
    #[automatically_derived]
    impl __ef::From<StartEvent<String>> for FeedbackMonitorBeginInput {
        fn from(event: StartEvent<String>) -> Self {
            Self::StartEvent(event)
        }
    }
    #[automatically_derived]
    impl __ef::From<LoopEvent> for FeedbackMonitorBeginInput {
        fn from(event: LoopEvent) -> Self {
            Self::LoopEvent(event)
        }
    }
    #[automatically_derived]
    impl __ef::From<FeedbackMonitorBeginInput> for __ef::AnyEvent {
        fn from(event: FeedbackMonitorBeginInput) -> Self {
            match event {
                FeedbackMonitorBeginInput::StartEvent(__ef_event) => {
                    __ef::AnyEvent::new::<StartEvent<String>>(__ef_event)
                }
                FeedbackMonitorBeginInput::LoopEvent(__ef_event) => {
                    __ef::AnyEvent::new::<LoopEvent>(__ef_event)
                }
            }
        }
    }
    #[automatically_derived]
    impl __ef::TryFrom<__ef::AnyEvent> for FeedbackMonitorBeginInput {
        type Error = __ef::AnyEvent;
        fn try_from(__ef_event: __ef::AnyEvent) -> __ef::Result<Self, __ef::AnyEvent> {
            let __ef_event = match __ef_event.downcast::<StartEvent<String>>() {
                __ef::Ok(__ef_event) => return __ef::Ok(Self::StartEvent(__ef_event)),
                __ef::Err(__ef_event) => __ef_event,
            };
            let __ef_event = match __ef_event.downcast::<LoopEvent>() {
                __ef::Ok(__ef_event) => return __ef::Ok(Self::LoopEvent(__ef_event)),
                __ef::Err(__ef_event) => __ef_event,
            };
            __ef::Err(__ef_event)
        }
    }
    #[automatically_derived]
    impl __ef::fmt::Debug for FeedbackMonitorBeginInput {
        fn fmt(&self, f: &mut __ef::fmt::Formatter<'_>) -> __ef::fmt::Result {
            match self {
                Self::StartEvent(_) => f.write_str("StartEvent(..)"),
                Self::LoopEvent(_) => f.write_str("LoopEvent(..)"),
            }
        }
    }
    let _: OneOf![@ __eventflow_used] = ();
};
/// One of the events returned by step `begin` of `FeedbackMonitor`: `OneOf![GetFeedbackEvent | StopEvent<String>]`.
#[derive(::eventflow::__private::Clone)]
enum FeedbackMonitorBeginOutput {
    /// A `GetFeedbackEvent`.
    GetFeedbackEvent(GetFeedbackEvent),
    /// A `StopEvent<String>`.
    StopEvent(StopEvent<String>),
}
const _: () = {
    use ::eventflow::__private as __ef;
    #[automatically_derived]
    impl __ef::From<GetFeedbackEvent> for FeedbackMonitorBeginOutput {
        fn from(event: GetFeedbackEvent) -> Self {
            Self::GetFeedbackEvent(event)
        }
    }
    #[automatically_derived]
    impl __ef::From<StopEvent<String>> for FeedbackMonitorBeginOutput {
        fn from(event: StopEvent<String>) -> Self {
            Self::StopEvent(event)
        }
    }
    #[automatically_derived]
    impl __ef::From<FeedbackMonitorBeginOutput> for __ef::AnyEvent {
        fn from(event: FeedbackMonitorBeginOutput) -> Self {
            match event {
                FeedbackMonitorBeginOutput::GetFeedbackEvent(__ef_event) => {
                    __ef::AnyEvent::new::<GetFeedbackEvent>(__ef_event)
                }
                FeedbackMonitorBeginOutput::StopEvent(__ef_event) => {
                    __ef::AnyEvent::new::<StopEvent<String>>(__ef_event)
                }
            }
        }
    }
    #[automatically_derived]
    impl __ef::TryFrom<__ef::AnyEvent> for FeedbackMonitorBeginOutput {
        type Error = __ef::AnyEvent;
        fn try_from(__ef_event: __ef::AnyEvent) -> __ef::Result<Self, __ef::AnyEvent> {
            let __ef_event = match __ef_event.downcast::<GetFeedbackEvent>() {
                __ef::Ok(__ef_event) => {
                    return __ef::Ok(Self::GetFeedbackEvent(__ef_event));
                }
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
    impl __ef::fmt::Debug for FeedbackMonitorBeginOutput {
        fn fmt(&self, f: &mut __ef::fmt::Formatter<'_>) -> __ef::fmt::Result {
            match self {
                Self::GetFeedbackEvent(_) => f.write_str("GetFeedbackEvent(..)"),
                Self::StopEvent(_) => f.write_str("StopEvent(..)"),
            }
        }
    }
    let _: OneOf![@ __eventflow_used] = ();
};
const _: () = {
    use ::eventflow::__private as __ef;
    #[automatically_derived]
    impl __ef::Workflow for FeedbackMonitor {
        type Start = StartEvent<String>;
        type Stop = StopEvent<String>;
        type State = MonitorState;
        const NAME: &'static str = "FeedbackMonitor";
        const STEPS: &'static [__ef::StepDef<Self>] = &[
            __ef::StepDef {
                spec: __ef::StepSpec {
                    accepts: &[
                        __ef::EventType::of::<StartEvent<String>>(),
                        __ef::EventType::of::<LoopEvent>(),
                    ],
                    emits: &[
                        __ef::EventType::of::<GetFeedbackEvent>(),
                        __ef::EventType::of::<StopEvent<String>>(),
                    ],
                    ..__ef::StepSpec::new("begin")
                },
                call: |__ef_this, __ef_event, __ef_ctx| {
                    let __ef_this = __ef::Clone::clone(__ef_this);
                    __ef::step_future(async move {
                        let __ef_input_0 = __ef::input_union::<
                            FeedbackMonitorBeginInput,
                        >(__ef_event, "begin");
                        let __ef_output = __ef_this.begin(&__ef_ctx, __ef_input_0).await;
                        __ef::Ok(
                            __ef::emit_union::<FeedbackMonitorBeginOutput>(__ef_output),
                        )
                    })
                },
                retry: __ef::None,
            },
            __ef::StepDef {
                spec: __ef::StepSpec {
                    accepts: &[__ef::EventType::of::<GetFeedbackEvent>()],
                    emits: &[__ef::EventType::of::<LoopEvent>()],
                    sends: &[__ef::EventType::of::<ProgressEvent>()],
                    stream_only: &[__ef::EventType::of::<ProgressEvent>()],
                    num_workers: 1,
                    ..__ef::StepSpec::new("get_feedback")
                },
                call: |__ef_this, __ef_event, __ef_ctx| {
                    let __ef_this = __ef::Clone::clone(__ef_this);
                    __ef::step_future(async move {
                        let __ef_input_0 = __ef::input::<
                            GetFeedbackEvent,
                        >(__ef_event, "get_feedback");
                        let __ef_output = __ef_this.get_feedback(__ef_input_0).await;
                        match __ef_output {
                            __ef::Ok(__ef_ok) => {
                                __ef::Ok(
                                    match __ef_ok {
                                        __ef::Some(__ef_event) => {
                                            __ef::emit::<LoopEvent>(__ef_event)
                                        }
                                        __ef::None => __ef::Emit::None,
                                    },
                                )
                            }
                            __ef::Err(__ef_error) => {
                                __ef::Err(__ef::error::<FeedbackError>(__ef_error))
                            }
                        }
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
    impl __ef::CheckedWorkflow for FeedbackMonitor {}
    #[step(__eventflow_used)]
    const _: () = ();
};
