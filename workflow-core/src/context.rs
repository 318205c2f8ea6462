//! [`Context`]: what a step can do besides returning an event.

use std::any::TypeId;
use std::fmt;
use std::sync::Arc;

use crate::driver::shared::RunShared;
use crate::engine::collect::{Batch, CollectKey, CollectSet, Collector};
use crate::engine::envelope::{Envelope, Lineage};
use crate::engine::link::Link;
use crate::engine::lock;
use crate::engine::seams::Execution;
use crate::error::SendError;
use crate::event::AnyEvent;
use crate::event::{Event, EventType};
use crate::id::RunId;
use crate::state::StateCell;

/// The handle a step gets on its run: send events, write to the caller's stream, fan in, and
/// reach the run's state.
///
/// A step asks for it by taking `ctx: &Context<S>` (or `ctx: Context<S>`), where `S` is the
/// workflow's state type (`()` by default). Each execution of a step gets its own context, and
/// concurrent runs never share one.
///
/// ```
/// use eventflow::prelude::*;
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct Progress { message: String }
///
/// struct Hello;
///
/// #[workflow]
/// impl Hello {
///     #[step(stream_only(Progress))]
///     async fn greet(&self, ctx: &Context, ev: StartEvent<String>) -> StopEvent<String> {
///         ctx.write_event_to_stream(Progress { message: "greeting".into() });
///         StopEvent::new(format!("hello {}", ev.input))
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), WorkflowError> {
/// let mut handler = Runner::new(Hello).run("world".to_string());
/// let first = handler.next().await.expect("a progress event");
/// assert_eq!(first.downcast_ref::<Progress>().map(|p| p.message.as_str()), Some("greeting"));
/// assert_eq!(handler.await?, "hello world");
/// # Ok(())
/// # }
/// ```
pub struct Context<S = ()> {
    run: Arc<RunShared<S>>,
    step: u32,
    /// The lineage of the input this execution runs on, inherited by what it sends.
    lineage: Lineage,
    attempt: u32,
    /// The execution this context was given to, numbered within the run.
    execution: u64,
    /// The execution's span, when tracing records it: events sent through the context link
    /// back to it.
    span: Option<tracing::Id>,
    /// A clone made by the step, which may outlive it (moved into a task): the run counts these
    /// as possible senders. The context a step is given is accounted for by the run loop.
    detached: bool,
}

impl<S> Context<S> {
    pub(crate) fn new(
        run: Arc<RunShared<S>>,
        step: u32,
        lineage: Lineage,
        attempt: u32,
        execution: u64,
        span: Option<tracing::Id>,
    ) -> Self {
        Self {
            run,
            step,
            lineage,
            attempt,
            execution,
            span,
            detached: false,
        }
    }

    pub(crate) fn run(&self) -> &RunShared<S> {
        &self.run
    }

    pub(crate) fn shared(&self) -> &Arc<RunShared<S>> {
        &self.run
    }

    /// Warns when the step runs a child it did not declare: drawings of the parent miss it.
    pub(crate) fn check_child(&self, child: &'static str) {
        let spec = self.run.table.spec(self.step);
        if !spec.children.iter().any(|c| c.name == child) {
            tracing::warn!(
                target: "eventflow::run",
                step = spec.name,
                child,
                "step `{}` runs workflow `{child}` without declaring it; add `#[step(runs({child}))]` so the parent's topology includes it",
                spec.name
            );
        }
    }

    pub(crate) fn step(&self) -> u32 {
        self.step
    }

    /// Which execution of the step on this event this is: 1 the first time, 2 on the first
    /// retry, and so on.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The run's identifier.
    pub fn run_id(&self) -> RunId {
        self.run.id
    }

    /// What identifies this execution's work across a resume: the run, the step, the input
    /// (numbered within the run) and the attempt. A step whose run is resumed after a crash,
    /// or that was waiting when its run was suspended, runs again with the same key, so a
    /// side effect recorded under it (a payment, a message sent) can be done once.
    ///
    /// ```
    /// use eventflow::prelude::*;
    ///
    /// struct Charge;
    ///
    /// #[workflow]
    /// impl Charge {
    ///     #[step]
    ///     async fn charge(&self, ctx: &Context, ev: StartEvent<u32>) -> StopEvent<String> {
    ///         let key = ctx.idempotency_key();
    ///         assert_eq!((key.step, key.attempt), ("charge", 1));
    ///         StopEvent::new(format!("charged {} under {key}", ev.input))
    ///     }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), WorkflowError> {
    /// let done = Runner::new(Charge).run(5).await?;
    /// assert!(done.starts_with("charged 5 under "));
    /// # Ok(())
    /// # }
    /// ```
    pub fn idempotency_key(&self) -> IdempotencyKey {
        IdempotencyKey {
            run: self.run.id,
            step: self.step_name(),
            input: self.execution,
            attempt: self.attempt,
        }
    }

    /// This execution, as the run's stream and observers name it.
    pub(crate) fn execution_id(&self) -> Execution {
        Execution {
            step: self.step,
            input: self.execution,
            attempt: self.attempt,
        }
    }

    /// The name of the step this context was given to.
    pub fn step_name(&self) -> &'static str {
        self.run.table.spec(self.step).name
    }

    /// Sends `event` to every step that accepts its type, as if a step had returned it.
    ///
    /// Declare what a step sends with `#[step(sends(..))]`, so that compile-time validation
    /// knows the event is produced. Events a step sends are routed before the event it returns,
    /// in the order sent. An event that no step accepts goes to the caller's stream. Sending
    /// the stop event ends the run. After the run has ended, sends are ignored.
    ///
    /// A sent event belongs to the same fan-out branch as the execution that sent it. A clone
    /// of the context that outlives its step (moved into a task) and sends after the branch's
    /// fan-out has been joined or cut short by `take` sends nothing: the event is dropped,
    /// with a `debug` log under the `eventflow::run` target.
    pub fn send_event<E: Event>(&self, event: E) {
        let ty = TypeId::of::<E>();
        let table = &self.run.table;
        if table.route(ty).is_empty() && ty != table.stop && !table.publishes(ty) {
            // Nobody accepts it: it goes to the stream now, in order with what the step writes.
            self.write_event_to_stream(event);
            return;
        }
        self.run.deliver(Envelope {
            event: AnyEvent::new(event),
            target: None,
            lineage: self.lineage,
            origin: self.step,
            execution: self.execution,
            link: Link::event(E::NAME),
        });
    }

    /// Sends `event` to the step named `step` only.
    ///
    /// # Errors
    ///
    /// If no step has that name, or it does not accept `E`; nothing is sent then.
    pub fn send_event_to<E: Event>(&self, step: &str, event: E) -> Result<(), SendError> {
        let table = &self.run.table;
        let Some(target) = table.find(step) else {
            return Err(SendError::UnknownStep {
                step: step.to_owned(),
            });
        };
        if !table.accepts(target, TypeId::of::<E>()) {
            return Err(SendError::NotAccepted {
                step: step.to_owned(),
                event: E::NAME,
            });
        }
        self.run.deliver(Envelope {
            event: AnyEvent::new(event),
            target: Some(target),
            lineage: self.lineage,
            origin: self.step,
            execution: self.execution,
            link: Link::event(E::NAME),
        });
        Ok(())
    }

    /// Publishes `event` on the run's stream, for the caller; steps never receive it.
    ///
    /// Events appear on the stream in the order they were written. If the caller awaited the
    /// handler without streaming, nothing is buffered.
    pub fn write_event_to_stream<E: Event>(&self, event: E) {
        self.run
            .record(|r| r.flow(self.step, E::NAME, crate::engine::table::STREAM));
        tracing::debug!(target: "eventflow::step", event = E::NAME, "streamed");
        if self.run.stream.is_watched() {
            self.run
                .stream
                .publish_from(AnyEvent::new(event), Some(self.execution_id()));
        }
    }

    /// Fan-in: buffers `event` and returns the whole set once one event of each member type of
    /// `T` has arrived, in the order `T` lists them; `None` until then.
    ///
    /// `T` is a tuple of event types (`(A, B, C)`) or an array of one type (`[A; 3]`). The
    /// buffer belongs to this step of this run, so every execution of the step (whichever
    /// worker runs it) adds to the same set. An event whose type is not in `T` is not buffered
    /// and gives `None`. An empty set (`()`, `[E; 0]`) is complete at once. Events beyond a
    /// complete set are kept for the next set, in arrival order. Each call costs O(number of
    /// types in `T`).
    ///
    /// ```
    /// use eventflow::prelude::*;
    ///
    /// #[derive(Clone, Serialize, Deserialize, Event)] struct Online(u32);
    /// #[derive(Clone, Serialize, Deserialize, Event)] struct Offline(u32);
    ///
    /// struct Vote;
    ///
    /// #[workflow]
    /// impl Vote {
    ///     #[step(sends(Online, Offline))]
    ///     async fn start(&self, ctx: &Context, _ev: StartEvent) {
    ///         ctx.send_event(Offline(2));
    ///         ctx.send_event(Online(1));
    ///     }
    ///
    ///     #[step]
    ///     async fn decide(&self, ctx: &Context, ev: OneOf![Online | Offline]) -> Option<StopEvent<u32>> {
    ///         let (online, offline) = ctx.collect_events::<(Online, Offline)>(ev)?;
    ///         Some(StopEvent::new(online.0 * 10 + offline.0))
    ///     }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), WorkflowError> {
    /// assert_eq!(Runner::new(Vote).run(()).await?, 12);
    /// # Ok(())
    /// # }
    /// ```
    pub fn collect_events<T: CollectSet>(&self, event: impl Into<AnyEvent>) -> Option<T> {
        if T::is_empty() {
            // Nothing to wait for: the set is complete, and the event is not kept.
            return T::assemble(Vec::new());
        }
        let key = CollectKey {
            step: self.step,
            set: TypeId::of::<T>(),
        };
        let batch = lock(&self.run.collectors).insert(
            key,
            || Collector::new(self.step_name(), &T::slots()),
            |_| {},
            event.into(),
            self.execution,
            || self.buffered(),
        );
        self.assemble(batch)
    }

    /// Fan-in of a count known only at run time: returns all `n` events of type `E` once the
    /// `n`-th has arrived, in arrival order; `None` until then. With `n == 0` the (empty) set is
    /// complete at once.
    ///
    /// Like [`collect_events`](Self::collect_events), the buffer belongs to this step of this
    /// run and costs O(1) per event, so a fan-in of a million events is linear.
    pub fn collect_many<E: Event>(&self, event: impl Into<AnyEvent>, n: usize) -> Option<Vec<E>> {
        if n == 0 {
            // Nothing to wait for: the set is complete, and the event is not kept.
            return Some(Vec::new());
        }
        let key = CollectKey {
            step: self.step,
            set: TypeId::of::<Vec<E>>(),
        };
        let batch = lock(&self.run.collectors).insert(
            key,
            || Collector::many(self.step_name(), EventType::of::<E>(), n),
            |collector| collector.set_needed(n),
            event.into(),
            self.execution,
            || self.buffered(),
        );
        let events = match batch {
            Ok(batch) => self.follow(batch?),
            Err(event) => {
                self.not_collected(&event);
                return None;
            }
        };
        events.into_iter().map(|e| e.downcast().ok()).collect()
    }

    /// A span standing for an event this execution buffers, which the execution that
    /// completes the set follows from.
    fn buffered(&self) -> Link {
        if self.span.is_some() {
            Link::event("buffered")
        } else {
            Link::none()
        }
    }

    /// The events of a complete set; the execution that completed it follows from every
    /// execution that buffered a part of it, so a trace shows the fan-in.
    fn follow(&self, batch: Batch) -> Vec<AnyEvent> {
        if let Some(own) = &self.span {
            tracing::dispatcher::get_default(|dispatch| {
                for link in batch.links.iter().filter_map(Link::id) {
                    dispatch.record_follows_from(own, &link);
                }
            });
        }
        batch.events
    }

    fn assemble<T: CollectSet>(&self, batch: Result<Option<Batch>, AnyEvent>) -> Option<T> {
        match batch {
            Ok(batch) => T::assemble(self.follow(batch?)),
            Err(event) => {
                self.not_collected(&event);
                None
            }
        }
    }

    fn not_collected(&self, event: &AnyEvent) {
        tracing::debug!(
            target: "eventflow::run",
            run_id = %self.run.id,
            step = self.step_name(),
            event = event.name(),
            "event is not part of the collected set; ignored"
        );
    }

    /// The run's state.
    pub fn state(&self) -> &StateCell<S> {
        &self.run.state
    }
}

/// What identifies a step execution's work across resumes; see [`Context::idempotency_key`].
/// It prints as `run/step/input/attempt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct IdempotencyKey {
    /// The run.
    pub run: RunId,
    /// The step.
    pub step: &'static str,
    /// The input the execution runs on, numbered within the run.
    pub input: u64,
    /// Which execution on that input: 1, then 2 for the first retry, and so on.
    pub attempt: u32,
}

impl std::fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}/{}/{}/{}",
            self.run, self.step, self.input, self.attempt
        )
    }
}

impl<S> Clone for Context<S> {
    /// A clone may be moved into a spawned task; the run counts it as a possible source of
    /// events until it is dropped.
    fn clone(&self) -> Self {
        self.run.context_detached();
        Self {
            run: Arc::clone(&self.run),
            step: self.step,
            lineage: self.lineage,
            attempt: self.attempt,
            execution: self.execution,
            span: self.span.clone(),
            detached: true,
        }
    }
}

impl<S> Drop for Context<S> {
    fn drop(&mut self) {
        if self.detached {
            self.run.detached_context_dropped();
        }
    }
}

impl<S> fmt::Debug for Context<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("run_id", &self.run.id)
            .field("step", &self.step_name())
            .finish()
    }
}
