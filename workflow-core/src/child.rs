//! Child workflows: a step runs another workflow, typed by its start and stop events
//! ([`Context::child`](crate::Context::child)).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use serde::{Deserialize, Serialize};
use tracing::instrument::WithSubscriber;

use crate::context::Context;
use crate::driver::shared::RunShared;
use crate::engine::seams::Execution;
use crate::error::WorkflowError;
use crate::event::AnyEvent;
use crate::event::{Event, Start};
use crate::handler::{Output, RunResult, WorkflowHandler};
use crate::record::verbose::VerbosePrinter;
use crate::runner::Runner;
use crate::workflow::Workflow;

mod durable;

pub use crate::step::spec::ChildWorkflow;

/// An event a child run published, forwarded to its parent's stream and tagged with where it
/// came from: the path of child names from the parent down (`["OrderStation"]`, or
/// `["OrderStation", "Payments"]` for a grandchild).
///
/// ```
/// use eventflow::prelude::*;
/// use eventflow::ChildEvent;
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct Shipped(String);
///
/// struct Orders;
///
/// #[workflow]
/// impl Orders {
///     #[step(stream_only(Shipped))]
///     async fn ship(&self, ctx: &Context, ev: StartEvent<String>) -> StopEvent<u32> {
///         ctx.write_event_to_stream(Shipped(ev.input));
///         StopEvent::new(1)
///     }
/// }
///
/// struct Shop {
///     orders: Runner<Orders>,
/// }
///
/// #[workflow]
/// impl Shop {
///     #[step(runs(Orders))]
///     async fn buy(&self, ctx: &Context, ev: StartEvent<String>) -> Result<StopEvent<u32>, WorkflowError> {
///         let shipped = ctx.child(&self.orders).run(ev.input).await?;
///         Ok(StopEvent::new(shipped))
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), WorkflowError> {
/// let mut handler = Runner::new(Shop { orders: Runner::new(Orders) }).run("tea".into());
/// let mut tagged = Vec::new();
/// while let Some(event) = handler.next().await {
///     if let Some(child) = event.downcast_ref::<ChildEvent>() {
///         let shipped = child.downcast_ref::<Shipped>().map(|s| s.0.clone());
///         tagged.push((child.path().join("/"), shipped));
///     }
/// }
/// assert_eq!(tagged, [("Orders".to_string(), Some("tea".to_string()))]);
/// assert_eq!(handler.await?, 1);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Serialize, Deserialize)]
pub struct ChildEvent {
    path: Vec<String>,
    event_name: String,
    /// Serialized with the rest, but an `AnyEvent` can only be read back through a workflow.
    #[serde(skip_deserializing)]
    event: Option<AnyEvent>,
}

impl ChildEvent {
    fn new(name: &str, event: AnyEvent) -> Self {
        match event.downcast::<ChildEvent>() {
            // From a grandchild: one more level of path.
            Ok(mut nested) => {
                nested.path.insert(0, name.to_owned());
                nested
            }
            Err(event) => Self {
                path: vec![name.to_owned()],
                event_name: event.name().to_owned(),
                event: Some(event),
            },
        }
    }

    /// The children the event came through, outermost first.
    pub fn path(&self) -> &[String] {
        &self.path
    }

    /// The event itself (absent once deserialized).
    pub fn event(&self) -> Option<&AnyEvent> {
        self.event.as_ref()
    }

    /// The name of the event's type.
    pub fn event_name(&self) -> &str {
        &self.event_name
    }

    /// The event, if it is an `E`.
    pub fn downcast_ref<E: Event>(&self) -> Option<&E> {
        self.event.as_ref()?.downcast_ref()
    }
}

#[diagnostic::do_not_recommend]
impl Event for ChildEvent {
    const NAME: &'static str = "ChildEvent";
}

impl fmt::Debug for ChildEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChildEvent")
            .field("path", &self.path)
            .field("event", &self.event_name)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for ChildEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.join("/"), self.event_name)
    }
}

/// A child run being set up by a step: see [`Context::child`].
#[must_use = "a child run does nothing until `run` is awaited"]
pub struct ChildRun<'a, S, W: Workflow> {
    ctx: &'a Context<S>,
    runner: &'a Runner<W>,
    name: String,
    forward: bool,
    state: Option<W::State>,
}

impl<'a, S: Send + Sync + 'static, W: Workflow> ChildRun<'a, S, W> {
    pub(crate) fn new(ctx: &'a Context<S>, runner: &'a Runner<W>) -> Self {
        ctx.check_child(W::NAME);
        Self {
            ctx,
            runner,
            name: W::NAME.to_owned(),
            forward: true,
            state: None,
        }
    }

    /// Names the child in the paths of its forwarded events (its workflow's name by default).
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Does not forward the child's events to the parent's stream.
    pub fn quiet(mut self) -> Self {
        self.forward = false;
        self
    }

    /// Starts the child from `state` instead of `Default::default()`.
    pub fn with_state(mut self, state: W::State) -> Self {
        self.state = Some(state);
        self
    }

    /// Runs the child on `input`, inside this step: awaiting gives the child's result, or the
    /// error that ended it.
    ///
    /// The child runs as part of the parent's run: when the parent is cancelled, times out or
    /// stops, the step is dropped and the child with it, grandchildren included. A failed
    /// child is an error the step returns (or handles), which the step's retry policy and
    /// error-recovery step then see like any other failure.
    pub fn run(self, input: <W::Start as Start>::Input) -> ChildFuture<W, S> {
        let state = self.state.unwrap_or_default();
        let start = W::Start::from_input(input);
        let (task, handler) = match self.ctx.run().children.get() {
            Some(children) => {
                let key = self.ctx.idempotency_key();
                let ordinal = children.next(key.input, key.attempt);
                match durable::take_up(self.runner, &children.store, &key, ordinal, start, state) {
                    durable::TakenUp::Run(task, handler) => (task, handler),
                    durable::TakenUp::Done(result) => {
                        return ChildFuture {
                            task: None,
                            handler: None,
                            result: None,
                            done: Some(result),
                            parent: Arc::clone(self.ctx.shared()),
                            origin: self.ctx.execution_id(),
                            name: self.name,
                            forward: false,
                        };
                    }
                }
            }
            None => self.runner.prepare(start, state, None),
        };
        let task: Pin<Box<dyn Future<Output = ()> + Send>> = if self.runner.is_verbose() {
            Box::pin(task.with_subscriber(VerbosePrinter::new()))
        } else {
            Box::pin(task)
        };
        let forward = self.forward && self.ctx.run().stream.is_watched();
        if !forward {
            handler.unwatch();
        }
        ChildFuture {
            task: Some(task),
            handler: Some(handler),
            result: None,
            done: None,
            parent: Arc::clone(self.ctx.shared()),
            origin: self.ctx.execution_id(),
            name: self.name,
            forward,
        }
    }
}

impl<S, W: Workflow> fmt::Debug for ChildRun<'_, S, W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChildRun")
            .field("workflow", &W::NAME)
            .field("name", &self.name)
            .field("forward", &self.forward)
            .finish_non_exhaustive()
    }
}

/// The future of a child run: see [`ChildRun::run`].
#[must_use = "a child run does nothing unless awaited"]
pub struct ChildFuture<W: Workflow, S> {
    /// The child's run loop, polled here rather than spawned: it cannot outlive the step.
    task: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
    /// Until the child's events are all forwarded.
    handler: Option<WorkflowHandler<W>>,
    result: Option<RunResult<W>>,
    /// The result of a child that completed before a resume.
    done: Option<Result<Output<W>, WorkflowError>>,
    parent: Arc<RunShared<S>>,
    /// The parent's step execution that runs the child: the origin of its forwarded events.
    origin: Execution,
    name: String,
    forward: bool,
}

// Nothing is pinned in place: the child's task is boxed, the rest is moved out.
impl<W: Workflow, S> Unpin for ChildFuture<W, S> {}

impl<W: Workflow, S> Future for ChildFuture<W, S> {
    type Output = Result<Output<W>, WorkflowError>;

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Some(done) = this.done.take() {
            return Poll::Ready(done);
        }
        if let Some(task) = &mut this.task
            && task.as_mut().poll(cx).is_ready()
        {
            this.task = None;
        }
        if let Some(handler) = &mut this.handler {
            if this.forward {
                loop {
                    match handler.poll_published(cx) {
                        Poll::Ready(Some(event)) => {
                            this.parent.stream.publish_from(
                                AnyEvent::new(ChildEvent::new(&this.name, event)),
                                Some(this.origin),
                            );
                        }
                        Poll::Ready(None) => break,
                        Poll::Pending => return Poll::Pending,
                    }
                }
            }
            if let Some(handler) = this.handler.take() {
                this.result = Some(handler.into_future());
            }
        }
        match &mut this.result {
            Some(result) => Pin::new(result).poll(cx),
            None => Poll::Ready(Err(WorkflowError::Aborted)),
        }
    }
}

impl<W: Workflow, S> fmt::Debug for ChildFuture<W, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChildFuture")
            .field("workflow", &W::NAME)
            .field("name", &self.name)
            .field("running", &self.task.is_some())
            .finish_non_exhaustive()
    }
}

impl<S> Context<S> {
    /// Runs `runner`'s workflow as a child of this step: `.run(input).await` gives its result.
    ///
    /// The child is typed by its start and stop events, has its own state and routing, and
    /// runs inside this step, so it never outlives the parent's run. Its stream is forwarded
    /// to the parent's, each event wrapped in a [`ChildEvent`](crate::ChildEvent) that says
    /// where it came from (unless [`quiet`](crate::child::ChildRun::quiet)); its stop event stays
    /// with the step. Declare the child on the step, `#[step(runs(Child))]`.
    ///
    /// In a run checkpointed after every step ([`Runner::checkpoint_every_step`]), the child
    /// is checkpointed after each of its steps too, into the parent's store, as a run whose
    /// header names its parent. When the parent's step runs again after a resume, the same
    /// call (the step's first child, its second, and so on, in the order the step starts
    /// them) takes the child up where it was: a child that had completed gives its kept
    /// result without running, one that was running goes on from its checkpoint (only its
    /// running steps run again), and one that had failed, was cancelled or timed out runs
    /// anew. A child that cannot be taken up (its workflow changed, its checkpoint is
    /// damaged) is [`WorkflowError::ChildResume`](crate::WorkflowError::ChildResume). Its
    /// state is the checkpoint's, not [`with_state`](crate::child::ChildRun::with_state)'s; events
    /// it streamed before the crash are not forwarded again.
    ///
    /// ```
    /// use eventflow::prelude::*;
    ///
    /// struct Double;
    ///
    /// #[workflow]
    /// impl Double {
    ///     #[step]
    ///     async fn double(&self, ev: StartEvent<u32>) -> StopEvent<u32> {
    ///         StopEvent::new(ev.input * 2)
    ///     }
    /// }
    ///
    /// struct Quadruple {
    ///     double: Runner<Double>,
    /// }
    ///
    /// #[workflow]
    /// impl Quadruple {
    ///     #[step(runs(Double))]
    ///     async fn twice(&self, ctx: &Context, ev: StartEvent<u32>) -> Result<StopEvent<u32>, WorkflowError> {
    ///         let once = ctx.child(&self.double).run(ev.input).await?;
    ///         let twice = ctx.child(&self.double).run(once).await?;
    ///         Ok(StopEvent::new(twice))
    ///     }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), WorkflowError> {
    /// let runner = Runner::new(Quadruple { double: Runner::new(Double) });
    /// assert_eq!(runner.run(5).await?, 20);
    /// # Ok(())
    /// # }
    /// ```
    pub fn child<'a, W: Workflow>(&'a self, runner: &'a Runner<W>) -> ChildRun<'a, S, W>
    where
        S: Send + Sync + 'static,
    {
        ChildRun::new(self, runner)
    }
}
