//! [`WorkflowHandler`]: the caller's side of a run.

use std::any::TypeId;
use std::collections::VecDeque;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll, ready};

use futures::Stream;
use tokio::sync::oneshot;

use crate::context::IdempotencyKey;
use crate::driver::shared::RunShared;
use crate::engine::envelope::{Envelope, Lineage};
use crate::engine::seams::Execution;
use crate::engine::stream::Streamed;
use crate::engine::waiters::EARLY_LIMIT;
use crate::error::SuspendError;
use crate::error::{SendError, WorkflowError};
use crate::event::AnyEvent;
use crate::event::{Event, Stop};
use crate::event::{
    WorkflowCancelled, WorkflowFailed, WorkflowNotDurable, WorkflowStalled, WorkflowSuperseded,
    WorkflowSuspended, WorkflowTimedOut,
};
use crate::id::RunId;
use crate::trace::RunTrace;
use crate::workflow::Workflow;

/// What awaiting a run of `W` gives.
pub type Output<W> = <<W as Workflow>::Stop as Stop>::Output;

pub(crate) use crate::driver::Outcome;

/// A running workflow: a [`Stream`] of the events it publishes, and a future of its result.
///
/// Stream it, then await it:
///
/// ```
/// use eventflow::prelude::*;
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct Progress(u32);
///
/// struct Count;
///
/// #[workflow]
/// impl Count {
///     #[step(stream_only(Progress))]
///     async fn count(&self, ctx: &Context, ev: StartEvent<u32>) -> StopEvent<u32> {
///         for i in 0..ev.input {
///             ctx.write_event_to_stream(Progress(i));
///         }
///         StopEvent::new(ev.input)
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), WorkflowError> {
/// let mut handler = Runner::new(Count).run(3);
/// let mut seen = Vec::new();
/// while let Some(event) = handler.next().await {
///     if let Some(Progress(i)) = event.downcast_ref::<Progress>() {
///         seen.push(*i);
///     }
/// }
/// assert_eq!(seen, [0, 1, 2]);
/// assert_eq!(handler.await?, 3);
/// # Ok(())
/// # }
/// ```
///
/// # The stream
///
/// It yields, in order, every event steps wrote with
/// [`write_event_to_stream`](crate::Context::write_event_to_stream) and every emitted event that
/// no step accepts, then exactly one last event, and then ends:
///
/// | the run                 | last event                                   |
/// |-------------------------|----------------------------------------------|
/// | emitted its stop event  | that stop event                              |
/// | had a step fail         | [`WorkflowFailed`](crate::event::WorkflowFailed)    |
/// | was cancelled           | [`WorkflowCancelled`](crate::event::WorkflowCancelled) |
/// | timed out               | [`WorkflowTimedOut`](crate::event::WorkflowTimedOut) |
/// | could never finish      | [`WorkflowStalled`](crate::event::WorkflowStalled)  |
///
/// (If the tokio runtime shuts down under a run, the stream ends without a last event and the
/// result is [`WorkflowError::Aborted`].) Events are buffered until read, so the stream can be
/// read after the run has finished. Items are [`AnyEvent`]s: match them with
/// [`AnyEvent::downcast_ref`].
///
/// # The result
///
/// Awaiting the handler gives the stop event's output (the `result` of a
/// [`StopEvent`](crate::StopEvent), or the custom stop event itself) or the
/// [`WorkflowError`] that ended the run. Awaiting consumes the handler and discards events
/// nobody read. Dropping the handler does not stop the run; [`cancel`](Self::cancel) does.
pub struct WorkflowHandler<W: Workflow> {
    run: Arc<RunShared<W::State>>,
    result: ResultSlot<W>,
    events: VecDeque<Streamed>,
    /// The step execution that wrote the event yielded last, if one did.
    origin: Option<Execution>,
    /// Everything published was read; the last event comes from the outcome.
    drained: bool,
    /// The last event was yielded.
    ended: bool,
    /// The number the next event the stream yields gets.
    sequence: u64,
    /// Cancel the run when this handler (or the result future it became) is dropped first.
    cancel_on_drop: bool,
}

enum ResultSlot<W: Workflow> {
    Waiting(oneshot::Receiver<Outcome<W>>),
    Ready(Outcome<W>),
    Taken,
}

// Nothing is ever pinned through a handler: the outcome is moved out, never polled in place.
impl<W: Workflow> Unpin for WorkflowHandler<W> {}
impl<W: Workflow> Unpin for RunResult<W> {}

impl<W: Workflow> ResultSlot<W> {
    /// The outcome, once the run has one.
    fn poll(&mut self, cx: &mut TaskContext<'_>) -> Poll<Option<&Outcome<W>>> {
        if let Self::Waiting(receiver) = self {
            // The sender only goes away without sending if the run's task was dropped.
            let outcome =
                ready!(Pin::new(receiver).poll(cx)).unwrap_or(Err(WorkflowError::Aborted));
            *self = Self::Ready(outcome);
        }
        Poll::Ready(match self {
            Self::Ready(outcome) => Some(outcome),
            _ => None,
        })
    }
}

impl<W: Workflow> WorkflowHandler<W> {
    pub(crate) fn new(
        run: Arc<RunShared<W::State>>,
        result: oneshot::Receiver<Outcome<W>>,
    ) -> Self {
        Self {
            result: ResultSlot::Waiting(result),
            events: VecDeque::new(),
            origin: None,
            drained: false,
            ended: false,
            sequence: run.stream.base(),
            cancel_on_drop: false,
            run,
        }
    }

    /// Cancels the run if this handler is dropped before the run ends: for a web handler
    /// whose client went away, so that nobody pays for a run whose result nobody will read.
    /// The result future the handler becomes (`.await`, [`into_future`](Self::into_future))
    /// keeps the promise. Off unless asked for: by default a dropped handler leaves its run
    /// running to its end.
    ///
    /// ```
    /// use std::time::Duration;
    /// use eventflow::prelude::*;
    ///
    /// struct Slow;
    ///
    /// #[workflow]
    /// impl Slow {
    ///     #[step]
    ///     async fn slow(&self, ev: StartEvent<u8>) -> StopEvent<u8> {
    ///         tokio::time::sleep(Duration::from_secs(60)).await;
    ///         StopEvent::new(ev.input)
    ///     }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let handler = Runner::new(Slow).run(1).cancel_on_drop();
    /// let control = handler.control();
    /// drop(handler);
    /// tokio::time::sleep(Duration::from_secs(1)).await;
    /// assert!(control.is_finished(), "cancelled, long before its step would end");
    /// # }
    /// ```
    #[must_use]
    pub fn cancel_on_drop(mut self) -> Self {
        self.cancel_on_drop = true;
        self
    }

    /// What the run has done so far, if its runner records runs
    /// ([`Runner::record_runs`](crate::Runner::record_runs)).
    pub fn trace(&self) -> Option<RunTrace> {
        self.run.trace()
    }

    /// The run's identifier.
    pub fn run_id(&self) -> RunId {
        self.run.id
    }

    /// See [`RunControl::durability_lost`].
    pub fn durability_lost(&self) -> Option<String> {
        self.run.durability_lost().map(str::to_owned)
    }

    /// The sequence number of the next event the stream yields, which is also how many it
    /// has yielded: a run numbers the events of its stream from 0, the last (terminal) event
    /// included. A resumed run goes on from the number its checkpoint had reached, so a
    /// consumer can keep events of one run apart and in order across processes. Events
    /// streamed by a step that runs again after a resume are streamed again, under new
    /// numbers.
    ///
    /// ```
    /// use eventflow::prelude::*;
    /// use futures::StreamExt;
    ///
    /// #[derive(Clone, Serialize, Deserialize, Event)]
    /// struct Progress(u32);
    ///
    /// struct Count;
    ///
    /// #[workflow]
    /// impl Count {
    ///     #[step(stream_only(Progress))]
    ///     async fn count(&self, ctx: &Context, ev: StartEvent<u32>) -> StopEvent<u32> {
    ///         for n in 0..ev.input {
    ///             ctx.write_event_to_stream(Progress(n));
    ///         }
    ///         StopEvent::new(ev.input)
    ///     }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut run = Runner::new(Count).run(2);
    /// assert_eq!(run.stream_sequence(), 0);
    /// let first = run.next().await.expect("an event");
    /// assert!(first.downcast_ref::<Progress>().is_some());
    /// assert_eq!(run.stream_sequence(), 1);
    /// while run.next().await.is_some() {}
    /// // Two progress events and the stop event.
    /// assert_eq!(run.stream_sequence(), 3);
    /// # }
    /// ```
    pub fn stream_sequence(&self) -> u64 {
        self.sequence
    }

    /// The step execution that wrote the event the stream yielded last: its step, the number
    /// of its input and its attempt. `None` before the first event and for events no step
    /// execution wrote (run-state events, the run's terminal event, events returned that no
    /// step takes, which come from executions that finished).
    ///
    /// A step's streamed events (with [`Context::write_event_to_stream`](crate::Context::write_event_to_stream),
    /// forwarded from its child workflows, or its question while it waits) are streamed as the
    /// step writes them, before anyone knows whether the attempt will succeed. When an attempt
    /// fails and is retried, its events stay on the stream; a consumer that shows partial
    /// output (a model's tokens) discards the events of the attempt that failed, which
    /// run-state events name ([`StepStateChanged`](crate::event::StepStateChanged) with
    /// `phase: Failed`, the same step, `input_number` and `attempt`).
    ///
    /// ```
    /// use eventflow::prelude::*;
    /// use eventflow::RetryPolicy;
    /// use std::time::Duration;
    ///
    /// #[derive(Clone, Serialize, Deserialize, Event)]
    /// struct Token(String);
    ///
    /// struct Model;
    ///
    /// #[workflow]
    /// impl Model {
    ///     #[step(stream_only(Token), retry = RetryPolicy::fixed(Duration::ZERO).max_attempts(2))]
    ///     async fn answer(&self, ctx: &Context, ev: StartEvent) -> Result<StopEvent, String> {
    ///         ctx.write_event_to_stream(Token("Hel".into()));
    ///         if ctx.idempotency_key().attempt == 1 {
    ///             return Err("connection reset".into());
    ///         }
    ///         ctx.write_event_to_stream(Token("lo".into()));
    ///         Ok(StopEvent::new(()))
    ///     }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut run = Runner::new(Model).run(());
    /// let mut tokens = Vec::new();
    /// while let Some(event) = run.next().await {
    ///     if let (Some(token), Some(origin)) = (event.downcast_ref::<Token>(), run.stream_origin()) {
    ///         tokens.push((origin.attempt, token.0.clone()));
    ///     }
    /// }
    /// assert_eq!(tokens, [(1, "Hel".to_owned()), (2, "Hel".to_owned()), (2, "lo".to_owned())]);
    /// # }
    /// ```
    pub fn stream_origin(&self) -> Option<IdempotencyKey> {
        let origin = self.origin?;
        Some(IdempotencyKey {
            run: self.run.id,
            step: self.run.table.spec(origin.step).name,
            input: origin.input,
            attempt: origin.attempt,
        })
    }

    /// Cancels the run: running steps are dropped, the stream ends with
    /// [`WorkflowCancelled`](crate::event::WorkflowCancelled), and awaiting gives
    /// [`WorkflowError::Cancelled`]. Does nothing if the run has already ended.
    pub fn cancel(&self) {
        self.run.cancel();
    }

    /// A copy of the run's current state.
    pub fn state(&self) -> W::State {
        self.run.state.get()
    }

    /// Suspends the run into its runner's store ([`Runner::store`](crate::Runner::store)) as
    /// soon as nothing in it runs but steps waiting for events from outside (and retries
    /// waiting out their delay, which a resumed run waits out the rest of), and returns the
    /// run's id, to [`resume`](crate::Runner::resume) it by. The run then ends here: its
    /// stream ends with [`WorkflowSuspended`](crate::event::WorkflowSuspended) and awaiting it gives
    /// [`WorkflowError::Suspended`]. If it cannot be suspended, it goes on as if not asked.
    ///
    /// # Errors
    ///
    /// [`SuspendError`]: the runner has no store; the state or an event could not be
    /// encoded; the run ended first; or the store failed.
    pub async fn suspend(&self) -> Result<RunId, SuspendError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.run.request_suspend(reply);
        if self.run.is_closed() {
            // Ended before the request could be seen: the loop will never answer it.
            drop(self.run.take_suspend());
        }
        answer.await.unwrap_or(Err(SuspendError::Ended))
    }

    /// Sends `event` into the run from outside, to every step (or waiting step) that accepts
    /// it: typically a person's answer. Declare such events with `#[workflow(external(..))]`.
    ///
    /// # Errors
    ///
    /// [`SendError::Finished`] if the run has ended.
    pub fn send_event<E: Event>(&self, event: E) -> Result<(), SendError> {
        send(&self.run, event, None)
    }

    /// Sends `event` into the run, to the step named `step` only.
    ///
    /// # Errors
    ///
    /// If no step has that name or it does not accept `E`, or the run has ended.
    pub fn send_event_to<E: Event>(&self, step: &str, event: E) -> Result<(), SendError> {
        send(&self.run, event, Some(step))
    }

    /// A handle that cancels the run and sends it events, for other tasks (a web endpoint that
    /// receives a person's answer, say) while this handler is awaited or streamed.
    pub fn control(&self) -> RunControl<W> {
        RunControl::new(Arc::clone(&self.run))
    }

    /// The run's result as a future, leaving the events unread: what `.await` on the handler
    /// does. An inherent method, so that `handler.into_future()` means this even with
    /// `futures::StreamExt` (which the prelude brings) in scope.
    ///
    /// ```
    /// use eventflow::prelude::*;
    ///
    /// struct Echo;
    ///
    /// #[workflow]
    /// impl Echo {
    ///     #[step]
    ///     async fn echo(&self, ev: StartEvent<u8>) -> StopEvent<u8> {
    ///         StopEvent::new(ev.input)
    ///     }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), WorkflowError> {
    /// let result = Runner::new(Echo).run(4).into_future();
    /// assert_eq!(result.await?, 4);
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_future(self) -> RunResult<W> {
        IntoFuture::into_future(self)
    }

    /// The stream of the run's events, for code ported from `handler.stream_events()`; the
    /// handler itself is that stream.
    pub fn stream_events(&mut self) -> &mut Self {
        self
    }
}

impl<W: Workflow> WorkflowHandler<W> {
    /// The events the run publishes, without the last one, which comes from its outcome:
    /// what a parent forwards from a child run. `None` once the run has ended and all are read.
    pub(crate) fn poll_published(&mut self, cx: &mut TaskContext<'_>) -> Poll<Option<AnyEvent>> {
        if let Some(next) = self.events.pop_front() {
            return Poll::Ready(Some(next.event));
        }
        if self.drained {
            return Poll::Ready(None);
        }
        if ready!(self.run.stream.poll_take(&mut self.events, cx)) {
            return Poll::Ready(self.events.pop_front().map(|next| next.event));
        }
        self.drained = true;
        Poll::Ready(None)
    }

    fn poll_event(&mut self, cx: &mut TaskContext<'_>) -> Poll<Option<AnyEvent>> {
        if let Some(next) = self.events.pop_front() {
            return Poll::Ready(Some(self.yielded(next)));
        }
        if self.ended {
            return Poll::Ready(None);
        }
        if !self.drained {
            if ready!(self.run.stream.poll_take(&mut self.events, cx)) {
                let next = self.events.pop_front();
                return Poll::Ready(next.map(|next| self.yielded(next)));
            }
            self.drained = true;
        }
        let last = ready!(self.result.poll(cx)).and_then(last_event);
        self.ended = true;
        self.origin = None;
        Poll::Ready(last)
    }

    fn yielded(&mut self, streamed: Streamed) -> AnyEvent {
        self.origin = streamed.origin;
        streamed.event
    }

    /// The run's shared parts.
    pub(crate) fn shared(&self) -> &Arc<RunShared<W::State>> {
        &self.run
    }

    /// Stops buffering the run's events: nobody will read them.
    pub(crate) fn unwatch(&self) {
        self.run.stream.unwatch();
    }
}

impl<W: Workflow> Stream for WorkflowHandler<W> {
    type Item = AnyEvent;

    fn poll_next(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<AnyEvent>> {
        let this = self.get_mut();
        let next = this.poll_event(cx);
        if let Poll::Ready(Some(_)) = next {
            this.sequence += 1;
        }
        next
    }
}

impl<W: Workflow> IntoFuture for WorkflowHandler<W> {
    type Output = Result<Output<W>, WorkflowError>;
    type IntoFuture = RunResult<W>;

    fn into_future(mut self) -> RunResult<W> {
        RunResult {
            result: std::mem::replace(&mut self.result, ResultSlot::Taken),
            // The promise moves to the future; this handler's drop must not keep it.
            cancel_on_drop: std::mem::take(&mut self.cancel_on_drop)
                .then(|| Arc::clone(&self.run) as Arc<dyn Cancel>),
        }
    }
}

impl<W: Workflow> Drop for WorkflowHandler<W> {
    fn drop(&mut self) {
        if self.cancel_on_drop {
            self.run.cancel();
        }
        self.run.handler_dropped();
    }
}

/// Cancels a run, whatever its state type.
trait Cancel: Send + Sync {
    fn cancel(&self);
}

impl<S: Send + Sync> Cancel for RunShared<S> {
    fn cancel(&self) {
        RunShared::cancel(self);
    }
}

impl<W: Workflow> fmt::Debug for WorkflowHandler<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkflowHandler")
            .field("workflow", &W::NAME)
            .field("run_id", &self.run.id)
            .finish_non_exhaustive()
    }
}

fn send<S, E: Event>(run: &RunShared<S>, event: E, step: Option<&str>) -> Result<(), SendError> {
    let target = match step {
        None => None,
        Some(step) => {
            let Some(target) = run.table.find(step) else {
                return Err(SendError::UnknownStep {
                    step: step.to_owned(),
                });
            };
            if !run.table.accepts(target, TypeId::of::<E>()) {
                return Err(SendError::NotAccepted {
                    step: step.to_owned(),
                    event: E::NAME,
                });
            }
            Some(target)
        }
    };
    if run.is_closed() {
        return Err(SendError::Finished);
    }
    if target.is_none() {
        expected::<S, E>(run)?;
    }
    run.deliver(Envelope {
        event: AnyEvent::new(event),
        target,
        lineage: Lineage::default(),
        origin: crate::record::recorder::OUTSIDE,
        execution: 0,
        link: crate::engine::link::Link::none(),
    });
    Ok(())
}

/// Refuses an event the run could never use, and one it has no room to keep.
fn expected<S, E: Event>(run: &RunShared<S>) -> Result<(), SendError> {
    let ty = TypeId::of::<E>();
    let table = &run.table;
    if !table.route(ty).is_empty() || ty == table.stop {
        return Ok(());
    }
    if !table.is_external(ty) {
        return Err(SendError::NotExpected { event: E::NAME });
    }
    if !run.waiters.reserve() {
        return Err(SendError::Full { limit: EARLY_LIMIT });
    }
    Ok(())
}

/// Cancels a run and sends it events, from any task; see [`WorkflowHandler::control`].
///
/// While a control (or the handler) is alive, a run of a workflow that declares external
/// events waits for them rather than stalling.
pub struct RunControl<W: Workflow> {
    run: Arc<RunShared<W::State>>,
}

impl<W: Workflow> RunControl<W> {
    fn new(run: Arc<RunShared<W::State>>) -> Self {
        run.sender_added();
        Self { run }
    }

    /// What the run has done so far, if its runner records runs
    /// ([`Runner::record_runs`](crate::Runner::record_runs)).
    pub fn trace(&self) -> Option<RunTrace> {
        self.run.trace()
    }

    /// The run's identifier.
    pub fn run_id(&self) -> RunId {
        self.run.id
    }

    /// See [`WorkflowHandler::cancel`].
    pub fn cancel(&self) {
        self.run.cancel();
    }

    /// See [`WorkflowHandler::state`].
    pub fn state(&self) -> W::State {
        self.run.state.get()
    }

    /// See [`WorkflowHandler::send_event`].
    ///
    /// # Errors
    ///
    /// [`SendError::Finished`] if the run has ended.
    pub fn send_event<E: Event>(&self, event: E) -> Result<(), SendError> {
        send(&self.run, event, None)
    }

    /// See [`WorkflowHandler::send_event_to`].
    ///
    /// # Errors
    ///
    /// If no step has that name or it does not accept `E`, or the run has ended.
    pub fn send_event_to<E: Event>(&self, step: &str, event: E) -> Result<(), SendError> {
        send(&self.run, event, Some(step))
    }

    /// Whether the run has ended.
    pub fn is_finished(&self) -> bool {
        self.run.is_closed()
    }

    /// Why the run went on without its store, if it did: in best-effort durability
    /// ([`Durability::BestEffort`](crate::store::Durability::BestEffort)), a commit the store
    /// did not keep. `None` for a run whose every commit was kept, and for a run with no store.
    /// Readable after the run's result, which a caller that wants to know takes a control
    /// for before awaiting the handler; see [`Durability`](crate::store::Durability) for an
    /// example.
    pub fn durability_lost(&self) -> Option<String> {
        self.run.durability_lost().map(str::to_owned)
    }
}

impl<W: Workflow> Clone for RunControl<W> {
    fn clone(&self) -> Self {
        Self::new(Arc::clone(&self.run))
    }
}

impl<W: Workflow> Drop for RunControl<W> {
    fn drop(&mut self) {
        self.run.sender_dropped();
    }
}

impl<W: Workflow> fmt::Debug for RunControl<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunControl")
            .field("workflow", &W::NAME)
            .field("run_id", &self.run.id)
            .finish()
    }
}

/// The future of a run's result; see [`WorkflowHandler`].
#[must_use = "a run's result does nothing unless awaited"]
pub struct RunResult<W: Workflow> {
    result: ResultSlot<W>,
    /// The run to cancel if this future is dropped before it has the result.
    cancel_on_drop: Option<Arc<dyn Cancel>>,
}

impl<W: Workflow> Drop for RunResult<W> {
    fn drop(&mut self) {
        if let (Some(run), ResultSlot::Waiting(_)) = (&self.cancel_on_drop, &self.result) {
            run.cancel();
        }
    }
}

impl<W: Workflow> Future for RunResult<W> {
    type Output = Result<Output<W>, WorkflowError>;

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        ready!(this.result.poll(cx));
        Poll::Ready(
            match std::mem::replace(&mut this.result, ResultSlot::Taken) {
                ResultSlot::Ready(outcome) => outcome.map(Stop::into_output),
                // Polled again after completing.
                _ => Err(WorkflowError::Aborted),
            },
        )
    }
}

impl<W: Workflow> fmt::Debug for RunResult<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunResult")
            .field("workflow", &W::NAME)
            .finish_non_exhaustive()
    }
}

/// The last event of a run's stream, from how the run ended; `None` if its task was dropped.
fn last_event<S: Event>(outcome: &Result<S, WorkflowError>) -> Option<AnyEvent> {
    Some(match outcome {
        Ok(stop) => AnyEvent::new(stop.clone()),
        Err(WorkflowError::StepFailed {
            step,
            source,
            attempts,
            elapsed,
        }) => AnyEvent::new(WorkflowFailed {
            step: step.clone(),
            error: source.to_string(),
            attempts: *attempts,
            elapsed: *elapsed,
        }),
        Err(WorkflowError::Cancelled) => AnyEvent::new(WorkflowCancelled {}),
        Err(WorkflowError::TimedOut {
            timeout,
            active_steps,
        }) => AnyEvent::new(WorkflowTimedOut {
            timeout: *timeout,
            active_steps: active_steps.clone(),
        }),
        Err(WorkflowError::Stalled { pending }) => AnyEvent::new(WorkflowStalled {
            pending: pending.clone(),
        }),
        Err(WorkflowError::Suspended { run }) => AnyEvent::new(WorkflowSuspended {
            run_id: run.to_string(),
        }),
        Err(WorkflowError::Superseded { run }) => AnyEvent::new(WorkflowSuperseded {
            run_id: run.to_string(),
        }),
        Err(
            error @ (WorkflowError::Checkpoint { run, .. }
            | WorkflowError::EndNotRecorded { run, .. }),
        ) => AnyEvent::new(WorkflowNotDurable {
            run_id: run.to_string(),
            error: error.to_string(),
        }),
        // A child's resume error reaches its parent's step, never the end of a run.
        Err(WorkflowError::Aborted | WorkflowError::ChildResume(_)) => return None,
    })
}
