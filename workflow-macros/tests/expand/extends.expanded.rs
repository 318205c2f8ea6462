impl Pipeline {
    #[allow(clippy::unused_async)]
    async fn draft(&self, ev: StartEvent<String>) -> PipelineDraftOutput {
        Drafted(ev.input).into()
    }
    #[allow(clippy::unused_async)]
    async fn review(&self, ctx: &Context<Notes>, ev: Drafted) -> Reviewed {
        Reviewed(ev.0)
    }
    #[allow(clippy::unused_async)]
    async fn skip(&self, _ev: Skipped) -> StopEvent<String> {
        StopEvent::new(String::new())
    }
    #[allow(clippy::unused_async)]
    async fn publish(&self, ev: Reviewed) -> StopEvent<String> {
        StopEvent::new(ev.0)
    }
}
/// One of the events returned by step `draft` of `Pipeline`: `OneOf![Drafted | Skipped]`.
#[derive(::eventflow::__private::Clone)]
enum PipelineDraftOutput {
    /// A `Drafted`.
    Drafted(Drafted),
    /// A `Skipped`.
    Skipped(Skipped),
}
const _: () = {
    use ::eventflow::__private as __ef;
    #[automatically_derived]
    impl __ef::From<Drafted> for PipelineDraftOutput {
        fn from(event: Drafted) -> Self {
            Self::Drafted(event)
        }
    }
    #[automatically_derived]
    impl __ef::From<Skipped> for PipelineDraftOutput {
        fn from(event: Skipped) -> Self {
            Self::Skipped(event)
        }
    }
    #[automatically_derived]
    impl __ef::From<PipelineDraftOutput> for __ef::AnyEvent {
        fn from(event: PipelineDraftOutput) -> Self {
            match event {
                PipelineDraftOutput::Drafted(__ef_event) => {
                    __ef::AnyEvent::new::<Drafted>(__ef_event)
                }
                PipelineDraftOutput::Skipped(__ef_event) => {
                    __ef::AnyEvent::new::<Skipped>(__ef_event)
                }
            }
        }
    }
    #[automatically_derived]
    impl __ef::TryFrom<__ef::AnyEvent> for PipelineDraftOutput {
        type Error = __ef::AnyEvent;
        fn try_from(__ef_event: __ef::AnyEvent) -> __ef::Result<Self, __ef::AnyEvent> {
            let __ef_event = match __ef_event.downcast::<Drafted>() {
                __ef::Ok(__ef_event) => return __ef::Ok(Self::Drafted(__ef_event)),
                __ef::Err(__ef_event) => __ef_event,
            };
            let __ef_event = match __ef_event.downcast::<Skipped>() {
                __ef::Ok(__ef_event) => return __ef::Ok(Self::Skipped(__ef_event)),
                __ef::Err(__ef_event) => __ef_event,
            };
            __ef::Err(__ef_event)
        }
    }
    #[automatically_derived]
    impl __ef::fmt::Debug for PipelineDraftOutput {
        fn fmt(&self, f: &mut __ef::fmt::Formatter<'_>) -> __ef::fmt::Result {
            match self {
                Self::Drafted(_) => f.write_str("Drafted(..)"),
                Self::Skipped(_) => f.write_str("Skipped(..)"),
            }
        }
    }
    let _: OneOf![@ __eventflow_used] = ();
};
const _: () = {
    use ::eventflow::__private as __ef;
    #[automatically_derived]
    impl __ef::Workflow for Pipeline {
        type Start = StartEvent<String>;
        type Stop = StopEvent<String>;
        type State = Notes;
        const NAME: &'static str = "Pipeline";
        const STEPS: &'static [__ef::StepDef<Self>] = &[
            __ef::StepDef {
                spec: __ef::StepSpec {
                    accepts: &[__ef::EventType::of::<StartEvent<String>>()],
                    emits: &[
                        __ef::EventType::of::<Drafted>(),
                        __ef::EventType::of::<Skipped>(),
                    ],
                    ..__ef::StepSpec::new("draft")
                },
                call: |__ef_this, __ef_event, __ef_ctx| {
                    let __ef_this = __ef::Clone::clone(__ef_this);
                    __ef::step_future(async move {
                        let __ef_input_0 = __ef::input::<
                            StartEvent<String>,
                        >(__ef_event, "draft");
                        let __ef_output = __ef_this.draft(__ef_input_0).await;
                        __ef::Ok(__ef::emit_union::<PipelineDraftOutput>(__ef_output))
                    })
                },
                retry: __ef::None,
            },
            __ef::StepDef {
                spec: __ef::StepSpec {
                    accepts: &[__ef::EventType::of::<Drafted>()],
                    emits: &[__ef::EventType::of::<Reviewed>()],
                    ..__ef::StepSpec::new("review")
                },
                call: |__ef_this, __ef_event, __ef_ctx| {
                    let __ef_this = __ef::Clone::clone(__ef_this);
                    __ef::step_future(async move {
                        let __ef_input_0 = __ef::input::<Drafted>(__ef_event, "review");
                        let __ef_output = __ef_this
                            .review(&__ef_ctx, __ef_input_0)
                            .await;
                        __ef::Ok(__ef::emit::<Reviewed>(__ef_output))
                    })
                },
                retry: __ef::Some(|__ef_self: &Self| -> __ef::RetryPolicy {
                    RetryPolicy::immediate().max_attempts(__ef_self.attempts)
                }),
            },
            __ef::StepDef {
                spec: __ef::StepSpec {
                    accepts: &[__ef::EventType::of::<Skipped>()],
                    emits: &[__ef::EventType::of::<StopEvent<String>>()],
                    ..__ef::StepSpec::new("skip")
                },
                call: |__ef_this, __ef_event, __ef_ctx| {
                    let __ef_this = __ef::Clone::clone(__ef_this);
                    __ef::step_future(async move {
                        let __ef_input_0 = __ef::input::<Skipped>(__ef_event, "skip");
                        let __ef_output = __ef_this.skip(__ef_input_0).await;
                        __ef::Ok(__ef::emit::<StopEvent<String>>(__ef_output))
                    })
                },
                retry: __ef::None,
            },
            __ef::StepDef {
                spec: __ef::StepSpec {
                    accepts: &[__ef::EventType::of::<Reviewed>()],
                    emits: &[__ef::EventType::of::<StopEvent<String>>()],
                    ..__ef::StepSpec::new("publish")
                },
                call: |__ef_this, __ef_event, __ef_ctx| {
                    let __ef_this = __ef::Clone::clone(__ef_this);
                    __ef::step_future(async move {
                        let __ef_input_0 = __ef::input::<
                            Reviewed,
                        >(__ef_event, "publish");
                        let __ef_output = __ef_this.publish(__ef_input_0).await;
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
    impl __ef::CheckedWorkflow for Pipeline {}
    #[step(__eventflow_used)]
    const _: () = ();
};
const _: () = {
    use ::eventflow::__private as __ef;
    #[automatically_derived]
    impl __ef::Extendable for Pipeline {}
    #[automatically_derived]
    impl<__EfH> __ef::Inherit<__EfH, 0usize> for Pipeline
    where
        __EfH: __ef::Workflow<State = <Pipeline as __ef::Workflow>::State>
            + __ef::Inherits<Pipeline>,
    {
        const STEP: __ef::StepDef<__EfH> = __ef::StepDef {
            spec: __ef::StepSpec {
                accepts: &[__ef::EventType::of::<StartEvent<String>>()],
                emits: &[
                    __ef::EventType::of::<Drafted>(),
                    __ef::EventType::of::<Skipped>(),
                ],
                ..__ef::StepSpec::new("draft")
            },
            call: |__ef_this, __ef_event, __ef_ctx| {
                let __ef_this = __ef::Clone::clone(__ef_this);
                __ef::step_future(async move {
                    let __ef_input_0 = __ef::input::<
                        StartEvent<String>,
                    >(__ef_event, "draft");
                    let __ef_output = <__EfH as __ef::Inherits<Self>>::base(&*__ef_this)
                        .draft(__ef_input_0)
                        .await;
                    __ef::Ok(__ef::emit_union::<PipelineDraftOutput>(__ef_output))
                })
            },
            retry: __ef::None,
        };
    }
    #[automatically_derived]
    impl<__EfH> __ef::Inherit<__EfH, 1usize> for Pipeline
    where
        __EfH: __ef::Workflow<State = <Pipeline as __ef::Workflow>::State>
            + __ef::Inherits<Pipeline>,
    {
        const STEP: __ef::StepDef<__EfH> = __ef::StepDef {
            spec: __ef::StepSpec {
                accepts: &[__ef::EventType::of::<Drafted>()],
                emits: &[__ef::EventType::of::<Reviewed>()],
                ..__ef::StepSpec::new("review")
            },
            call: |__ef_this, __ef_event, __ef_ctx| {
                let __ef_this = __ef::Clone::clone(__ef_this);
                __ef::step_future(async move {
                    let __ef_input_0 = __ef::input::<Drafted>(__ef_event, "review");
                    let __ef_output = <__EfH as __ef::Inherits<Self>>::base(&*__ef_this)
                        .review(&__ef_ctx, __ef_input_0)
                        .await;
                    __ef::Ok(__ef::emit::<Reviewed>(__ef_output))
                })
            },
            retry: __ef::Some(|__ef_holder: &__EfH| -> __ef::RetryPolicy {
                let __ef_self: &Self = <__EfH as __ef::Inherits<
                    Self,
                >>::base(__ef_holder);
                RetryPolicy::immediate().max_attempts(__ef_self.attempts)
            }),
        };
    }
    #[automatically_derived]
    impl<__EfH> __ef::Inherit<__EfH, 2usize> for Pipeline
    where
        __EfH: __ef::Workflow<State = <Pipeline as __ef::Workflow>::State>
            + __ef::Inherits<Pipeline>,
    {
        const STEP: __ef::StepDef<__EfH> = __ef::StepDef {
            spec: __ef::StepSpec {
                accepts: &[__ef::EventType::of::<Skipped>()],
                emits: &[__ef::EventType::of::<StopEvent<String>>()],
                ..__ef::StepSpec::new("skip")
            },
            call: |__ef_this, __ef_event, __ef_ctx| {
                let __ef_this = __ef::Clone::clone(__ef_this);
                __ef::step_future(async move {
                    let __ef_input_0 = __ef::input::<Skipped>(__ef_event, "skip");
                    let __ef_output = <__EfH as __ef::Inherits<Self>>::base(&*__ef_this)
                        .skip(__ef_input_0)
                        .await;
                    __ef::Ok(__ef::emit::<StopEvent<String>>(__ef_output))
                })
            },
            retry: __ef::None,
        };
    }
    #[automatically_derived]
    impl<__EfH> __ef::Inherit<__EfH, 3usize> for Pipeline
    where
        __EfH: __ef::Workflow<State = <Pipeline as __ef::Workflow>::State>
            + __ef::Inherits<Pipeline>,
    {
        const STEP: __ef::StepDef<__EfH> = __ef::StepDef {
            spec: __ef::StepSpec {
                accepts: &[__ef::EventType::of::<Reviewed>()],
                emits: &[__ef::EventType::of::<StopEvent<String>>()],
                ..__ef::StepSpec::new("publish")
            },
            call: |__ef_this, __ef_event, __ef_ctx| {
                let __ef_this = __ef::Clone::clone(__ef_this);
                __ef::step_future(async move {
                    let __ef_input_0 = __ef::input::<Reviewed>(__ef_event, "publish");
                    let __ef_output = <__EfH as __ef::Inherits<Self>>::base(&*__ef_this)
                        .publish(__ef_input_0)
                        .await;
                    __ef::Ok(__ef::emit::<StopEvent<String>>(__ef_output))
                })
            },
            retry: __ef::None,
        };
    }
};
/// Hands the steps of `Pipeline` to a workflow declared `#[workflow(extends(Pipeline))]`. Generated by `#[workflow(extendable)]`.
#[doc(hidden)]
#[allow(unused_macros)]
macro_rules! __eventflow_extend_Pipeline {
    ($($__ef_derived:tt)*) => {
        ::eventflow::__private::extend_workflow! { (extendable, state = Notes) impl
        Pipeline { #[step()] async fn draft(& self, ev : StartEvent < String >) ->
        OneOf![Drafted | Skipped] {} #[step(retry = RetryPolicy::immediate()
        .max_attempts(self.attempts))] async fn review(& self, ctx : & Context < Notes >,
        ev : Drafted) -> Reviewed {} #[step()] async fn skip(& self, _ev : Skipped) ->
        StopEvent < String > {} #[step()] async fn publish(& self, ev : Reviewed) ->
        StopEvent < String > {} } $($__ef_derived)* }
    };
}
#[doc(hidden)]
#[allow(unused_imports)]
pub(crate) use __eventflow_extend_Pipeline as Pipeline;
impl Strict {
    #[allow(clippy::unused_async)]
    async fn publish(&self, ev: Reviewed) -> StrictPublishOutput {
        Flagged(ev.0).into()
    }
    #[allow(clippy::unused_async)]
    async fn flag(&self, ev: Flagged) -> StopEvent<String> {
        StopEvent::new(ev.0)
    }
    #[allow(clippy::unused_async)]
    async fn ignore(&self, _ev: Skipped) -> StopEvent<String> {
        StopEvent::new("ignored".to_owned())
    }
}
/// One of the events returned by step `publish` of `Strict`: `OneOf![Flagged | StopEvent<String>]`.
#[derive(::eventflow::__private::Clone)]
enum StrictPublishOutput {
    /// A `Flagged`.
    Flagged(Flagged),
    /// A `StopEvent<String>`.
    StopEvent(StopEvent<String>),
}
const _: () = {
    use ::eventflow::__private as __ef;
    #[automatically_derived]
    impl __ef::From<Flagged> for StrictPublishOutput {
        fn from(event: Flagged) -> Self {
            Self::Flagged(event)
        }
    }
    #[automatically_derived]
    impl __ef::From<StopEvent<String>> for StrictPublishOutput {
        fn from(event: StopEvent<String>) -> Self {
            Self::StopEvent(event)
        }
    }
    #[automatically_derived]
    impl __ef::From<StrictPublishOutput> for __ef::AnyEvent {
        fn from(event: StrictPublishOutput) -> Self {
            match event {
                StrictPublishOutput::Flagged(__ef_event) => {
                    __ef::AnyEvent::new::<Flagged>(__ef_event)
                }
                StrictPublishOutput::StopEvent(__ef_event) => {
                    __ef::AnyEvent::new::<StopEvent<String>>(__ef_event)
                }
            }
        }
    }
    #[automatically_derived]
    impl __ef::TryFrom<__ef::AnyEvent> for StrictPublishOutput {
        type Error = __ef::AnyEvent;
        fn try_from(__ef_event: __ef::AnyEvent) -> __ef::Result<Self, __ef::AnyEvent> {
            let __ef_event = match __ef_event.downcast::<Flagged>() {
                __ef::Ok(__ef_event) => return __ef::Ok(Self::Flagged(__ef_event)),
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
    impl __ef::fmt::Debug for StrictPublishOutput {
        fn fmt(&self, f: &mut __ef::fmt::Formatter<'_>) -> __ef::fmt::Result {
            match self {
                Self::Flagged(_) => f.write_str("Flagged(..)"),
                Self::StopEvent(_) => f.write_str("StopEvent(..)"),
            }
        }
    }
    let _: OneOf![@ __eventflow_used] = ();
};
const _: () = {
    use ::eventflow::__private as __ef;
    #[automatically_derived]
    impl __ef::Workflow for Strict {
        type Start = <Pipeline as __ef::Workflow>::Start;
        type Stop = StopEvent<String>;
        type State = <Pipeline as __ef::Workflow>::State;
        const NAME: &'static str = "Strict";
        const STEPS: &'static [__ef::StepDef<Self>] = &[
            <Pipeline as __ef::Inherit<Self, 0usize>>::STEP,
            <Pipeline as __ef::Inherit<Self, 1usize>>::STEP,
            __ef::StepDef {
                spec: __ef::StepSpec {
                    accepts: &[__ef::EventType::of::<Reviewed>()],
                    emits: &[
                        __ef::EventType::of::<Flagged>(),
                        __ef::EventType::of::<StopEvent<String>>(),
                    ],
                    ..__ef::StepSpec::new("publish")
                },
                call: |__ef_this, __ef_event, __ef_ctx| {
                    let __ef_this = __ef::Clone::clone(__ef_this);
                    __ef::step_future(async move {
                        let __ef_input_0 = __ef::input::<
                            Reviewed,
                        >(__ef_event, "publish");
                        let __ef_output = __ef_this.publish(__ef_input_0).await;
                        __ef::Ok(__ef::emit_union::<StrictPublishOutput>(__ef_output))
                    })
                },
                retry: __ef::None,
            },
            __ef::StepDef {
                spec: __ef::StepSpec {
                    accepts: &[__ef::EventType::of::<Flagged>()],
                    emits: &[__ef::EventType::of::<StopEvent<String>>()],
                    ..__ef::StepSpec::new("flag")
                },
                call: |__ef_this, __ef_event, __ef_ctx| {
                    let __ef_this = __ef::Clone::clone(__ef_this);
                    __ef::step_future(async move {
                        let __ef_input_0 = __ef::input::<Flagged>(__ef_event, "flag");
                        let __ef_output = __ef_this.flag(__ef_input_0).await;
                        __ef::Ok(__ef::emit::<StopEvent<String>>(__ef_output))
                    })
                },
                retry: __ef::None,
            },
            __ef::StepDef {
                spec: __ef::StepSpec {
                    accepts: &[__ef::EventType::of::<Skipped>()],
                    emits: &[__ef::EventType::of::<StopEvent<String>>()],
                    ..__ef::StepSpec::new("ignore")
                },
                call: |__ef_this, __ef_event, __ef_ctx| {
                    let __ef_this = __ef::Clone::clone(__ef_this);
                    __ef::step_future(async move {
                        let __ef_input_0 = __ef::input::<Skipped>(__ef_event, "ignore");
                        let __ef_output = __ef_this.ignore(__ef_input_0).await;
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
    impl __ef::CheckedWorkflow for Strict {}
    #[step(__eventflow_used)]
    const _: () = ();
    #[automatically_derived]
    impl __ef::Inherits<Pipeline> for Strict {
        fn base(&self) -> &Pipeline {
            &self.base
        }
    }
};
const _: () = ::eventflow::__private::extendable::<Pipeline>();
