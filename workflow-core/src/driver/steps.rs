//! Scheduling the step executions of one run: worker limits with FIFO queues, the futures of
//! executions in flight, and retries waiting for their delay.

use std::collections::VecDeque;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll, Waker};
use std::time::Duration;

use tokio::time::Instant;

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use tokio::time::Sleep;
use tracing::Instrument;
use tracing::instrument::Instrumented;

use crate::context::Context;
use crate::driver::program::Program;
use crate::driver::shared::RunShared;
use crate::engine::envelope::Lineage;
use crate::engine::link::Link;
use crate::engine::queues::Queues;
use crate::engine::seams::Execution;
pub(crate) use crate::engine::work::Work;
use crate::error::{BoxError, StepTimedOut};
use crate::event::AnyEvent;
use crate::step::io::{Emit, StepFuture, StepInput};
use crate::workflow::Workflow;

/// What the run keeps about one step execution, besides its future.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Meta {
    pub(crate) step: u32,
    pub(crate) name: &'static str,
    pub(crate) attempt: u32,
    pub(crate) lineage: Lineage,
    /// When the first execution on this input started.
    pub(crate) first_started: Instant,
    /// Which of the step's workers runs it, from 0.
    pub(crate) worker: u32,
    /// The input's number within the run.
    pub(crate) execution: u64,
}

impl Meta {
    /// The execution, as the run's observers name it.
    pub(crate) fn execution(&self) -> Execution {
        Execution {
            step: self.step,
            input: self.execution,
            attempt: self.attempt,
        }
    }
}

/// A step execution that ended, with what is needed to retry or recover it.
pub(crate) struct Finished {
    pub(crate) meta: Meta,
    /// What it produced (an event, a fan-out, a failure), as a place in the trace.
    pub(crate) link: Link,
    pub(crate) outcome: std::thread::Result<Result<Emit, BoxError>>,
    /// A copy of the input, kept only for steps that may be retried or recovered.
    pub(crate) retained: Option<Box<StepInput>>,
}

/// One step execution in flight.
struct Running {
    meta: Meta,
    retained: Option<Box<StepInput>>,
    future: Instrumented<StepFuture>,
}

impl Future for Running {
    type Output = Finished;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Finished> {
        // A panicking step is a failed step: catch it here so it never unwinds through the run.
        let outcome = match catch_unwind(AssertUnwindSafe(|| Pin::new(&mut self.future).poll(cx))) {
            Ok(Poll::Pending) => return Poll::Pending,
            Ok(Poll::Ready(result)) => Ok(result),
            Err(panic) => Err(panic),
        };
        let link = self.finished(&outcome);
        Poll::Ready(Finished {
            meta: self.meta,
            link,
            outcome,
            retained: self.retained.take(),
        })
    }
}

impl Running {
    /// Tells the trace how the execution ended, from inside its span, and opens the span that
    /// stands for what it produced.
    fn finished(&self, outcome: &std::thread::Result<Result<Emit, BoxError>>) -> Link {
        let _in_step = self.future.span().enter();
        let step = self.meta.name;
        match outcome {
            Ok(Ok(Emit::One(event))) => {
                tracing::debug!(target: "eventflow::step", step, emitted = event.name(), "returned");
                Link::event(event.name())
            }
            Ok(Ok(Emit::Many(events))) => {
                tracing::debug!(target: "eventflow::step", step, fanned_out = events.len(), "returned");
                Link::fan_out(events.first().map_or("", AnyEvent::name), events.len())
            }
            Ok(Ok(_)) => {
                tracing::debug!(target: "eventflow::step", step, "returned");
                Link::none()
            }
            Ok(Err(error)) => {
                tracing::debug!(target: "eventflow::step", step, attempt = self.meta.attempt, error = %error, "errored");
                Link::failure()
            }
            Err(_) => {
                tracing::debug!(target: "eventflow::step", step, attempt = self.meta.attempt, "panicked");
                Link::failure()
            }
        }
    }
}

/// A retry waiting for its delay.
struct Delayed {
    sleep: Pin<Box<Sleep>>,
    step: u32,
    work: Option<Work>,
}

impl Future for Delayed {
    type Output = Option<(u32, Work)>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        std::task::ready!(self.sleep.as_mut().poll(cx));
        let step = self.step;
        Poll::Ready(self.work.take().map(|work| (step, work)))
    }
}

/// A FIFO queue whose usual length, one, needs no allocation.
#[derive(Default)]
struct FinishedQueue {
    first: Option<Finished>,
    rest: VecDeque<Finished>,
}

impl FinishedQueue {
    fn push(&mut self, finished: Finished) {
        if self.first.is_none() && self.rest.is_empty() {
            self.first = Some(finished);
        } else {
            self.rest.push_back(finished);
        }
    }

    fn pop(&mut self) -> Option<Finished> {
        self.first.take().or_else(|| self.rest.pop_front())
    }

    fn clear(&mut self) {
        self.first = None;
        self.rest.clear();
    }
}

/// The step executions of one run: running, waiting for a worker, waiting to be retried.
/// Which input runs when is the engine's ([`Queues`]); the futures and timers are here.
pub(crate) struct Steps {
    pub(crate) queues: Queues,
    /// Executions that had to wait, created when the first one does: most steps finish on
    /// their first poll and never need it.
    running: Option<FuturesUnordered<Running>>,
    /// Executions that finished on their first poll, in order.
    finished: FinishedQueue,
    retries: Option<FuturesUnordered<Delayed>>,
    /// The run task's waker, for that first poll.
    waker: Waker,
    /// The time, read at most once per turn of the run loop: reading the clock for every
    /// step start would be a noticeable part of dispatch.
    clock: Option<Instant>,
    /// Keep every execution's input, not only those a retry or recovery may need: a run that
    /// can be suspended saves the inputs of its waiting executions.
    retain_all: bool,
}

impl Steps {
    pub(crate) fn new(steps: usize, retain_all: bool, hold_starts: bool) -> Self {
        Self {
            queues: Queues::new(steps, retain_all, hold_starts),
            retain_all,
            running: None,
            finished: FinishedQueue::default(),
            retries: None,
            waker: Waker::noop().clone(),
            clock: None,
        }
    }

    /// A new turn of the run loop: the time is read afresh when next needed.
    pub(crate) fn new_turn(&mut self) {
        self.clock = None;
    }

    /// Keeps the waker used for first polls current.
    pub(crate) fn set_waker(&mut self, waker: &Waker) {
        if !self.waker.will_wake(waker) {
            self.waker = waker.clone();
        }
    }

    /// Starts `step` on `work`, or queues it if all the step's workers are busy.
    pub(crate) fn dispatch<W: Workflow>(
        &mut self,
        engine: &Program<W>,
        run: &Arc<RunShared<W::State>>,
        step: u32,
        work: Work,
    ) {
        let workers = engine.table.spec(step).num_workers;
        match self
            .queues
            .admit(step, work, workers, || run.suspended(step))
        {
            Some(work) => self.start(engine, run, step, work),
            None => run.record(|r| r.queued(step, self.queues.last_queued_event(step))),
        }
    }

    /// Gives the workers `step` has free to its oldest waiting inputs.
    #[inline]
    pub(crate) fn start_queued<W: Workflow>(
        &mut self,
        engine: &Program<W>,
        run: &Arc<RunShared<W::State>>,
        step: u32,
    ) {
        if self.queues.has_queued(step) {
            self.start_waiting(engine, run, step);
        }
    }

    fn start_waiting<W: Workflow>(
        &mut self,
        engine: &Program<W>,
        run: &Arc<RunShared<W::State>>,
        step: u32,
    ) {
        let workers = engine.table.spec(step).num_workers;
        while let Some(work) = self
            .queues
            .next_queued(step, workers, || run.suspended(step))
        {
            self.start(engine, run, step, work);
        }
    }

    /// Starts what is queued, in a run that holds its starts until its checkpoint is
    /// committed. Whether anything started.
    pub(crate) fn release_starts<W: Workflow>(
        &mut self,
        engine: &Program<W>,
        run: &Arc<RunShared<W::State>>,
    ) -> bool {
        let before = self.queues.in_flight();
        self.queues.hold_starts(false);
        self.start_all_queued(engine, run);
        self.queues.hold_starts(true);
        self.queues.in_flight() != before
    }

    /// After waits freed workers: starts what every step can.
    pub(crate) fn start_all_queued<W: Workflow>(
        &mut self,
        engine: &Program<W>,
        run: &Arc<RunShared<W::State>>,
    ) {
        for step in 0..self.queues.steps() {
            self.start_queued(engine, run, u32::try_from(step).unwrap_or(u32::MAX));
        }
    }

    fn start<W: Workflow>(
        &mut self,
        engine: &Program<W>,
        run: &Arc<RunShared<W::State>>,
        step: u32,
        work: Work,
    ) {
        let name = engine.table.spec(step).name;
        let event = || work.input.first().map_or("", AnyEvent::name);
        let worker = self.queues.occupy(step, work.execution);
        let execution = Execution {
            step,
            input: work.execution,
            attempt: work.attempt,
        };
        run.record(|r| r.started(execution, event(), worker));
        // Fields are only evaluated when the span or event is enabled.
        let span = tracing::debug_span!(target: "eventflow::step", "step", step = name, event = event(), attempt = work.attempt, worker);
        for link in work.links.iter().filter_map(Link::id) {
            // The events this execution takes: a join's span shows every branch.
            span.follows_from(link);
        }
        tracing::debug!(target: "eventflow::step", parent: &span, step = name, event = event(), attempt = work.attempt, "started");
        let retained = (self.retain_all
            || engine.retries[step as usize].is_some()
            || engine.table.recoverer(step).is_some())
        .then(|| Box::new(work.input.clone()));
        let first_started = match (work.first_started, &retained) {
            (Some(started), _) => started,
            // Retries and recoveries judge by it: exact.
            (None, Some(_)) => Instant::now(),
            // Only reported if the run fails: the time of this turn is close enough.
            (None, None) => *self.clock.get_or_insert_with(Instant::now),
        };
        let meta = Meta {
            step,
            name,
            attempt: work.attempt,
            lineage: work.lineage,
            first_started,
            worker,
            execution: work.execution,
        };
        let ctx = Context::new(
            Arc::clone(run),
            step,
            work.lineage,
            work.attempt,
            work.execution,
            span.id(),
        );
        let mut future = (engine.calls[step as usize])(&engine.workflow, work.input, ctx);
        if engine.table.spec(step).blocking {
            future = on_blocking_pool(future);
        }
        if let Some(limit) = engine.table.spec(step).timeout {
            future = with_deadline(future, name, limit);
        }
        let mut running = Running {
            meta,
            retained,
            future: future.instrument(span),
        };
        // Poll once now: a step that does not wait is done without further bookkeeping. One
        // that waits moves into `running`, which polls it again with its own waker.
        let mut cx = TaskContext::from_waker(&self.waker);
        match Pin::new(&mut running).poll(&mut cx) {
            Poll::Ready(finished) => self.finished.push(finished),
            Poll::Pending => self
                .running
                .get_or_insert_with(FuturesUnordered::new)
                .push(running),
        }
    }

    /// The next finished execution, if any.
    pub(crate) fn poll_finished(&mut self, cx: &mut TaskContext<'_>) -> Option<Finished> {
        let finished =
            self.finished
                .pop()
                .or_else(|| match self.running.as_mut()?.poll_next_unpin(cx) {
                    Poll::Ready(finished) => finished,
                    Poll::Pending => None,
                })?;
        let meta = &finished.meta;
        self.queues.vacate(meta.step, meta.worker, meta.execution);
        Some(finished)
    }

    /// Retries `work` on `step` after `delay`, at the head of the step's queue.
    pub(crate) fn retry_later(&mut self, step: u32, work: Work, delay: Duration) {
        self.queues.retrying(step, &work, delay);
        if delay.is_zero() {
            self.queues.push_front(step, work, false);
            return;
        }
        self.retries
            .get_or_insert_with(FuturesUnordered::new)
            .push(Delayed {
                sleep: Box::pin(tokio::time::sleep(delay)),
                step,
                work: Some(work),
            });
    }

    /// A retry whose delay has passed, moved to the head of its step's queue; the step.
    pub(crate) fn poll_retries(&mut self, cx: &mut TaskContext<'_>) -> Option<u32> {
        let Poll::Ready(Some(Some((step, work)))) = self.retries.as_mut()?.poll_next_unpin(cx)
        else {
            return None;
        };
        self.queues.push_front(step, work, true);
        Some(step)
    }

    /// Whether an execution that finished, not yet taken by the run loop, returned an event
    /// of type `ty`.
    pub(crate) fn finished_with(&self, ty: std::any::TypeId) -> bool {
        self.finished
            .first
            .iter()
            .chain(&self.finished.rest)
            .any(|f| matches!(&f.outcome, Ok(Ok(Emit::One(event))) if event.event_type_id() == ty))
    }

    /// Executions in flight, over all steps (waiting ones included).
    pub(crate) fn in_flight(&self) -> usize {
        self.queues.in_flight()
    }

    /// The executions in flight: what they run, and their input if kept.
    pub(crate) fn in_flight_inputs(&self) -> impl Iterator<Item = (&Meta, Option<&StepInput>)> {
        let running = self
            .running
            .iter()
            .flat_map(FuturesUnordered::iter)
            .map(|r| (&r.meta, r.retained.as_deref()));
        // Finished but not yet taken by the run loop: nothing of theirs is committed yet.
        let finished = self
            .finished
            .first
            .iter()
            .chain(&self.finished.rest)
            .map(|f| (&f.meta, f.retained.as_deref()));
        running.chain(finished)
    }

    /// The inputs waiting for a worker or for a retry: their step, their work, and what is
    /// left of a retry's delay.
    pub(crate) fn queued_inputs(&self) -> impl Iterator<Item = (u32, &Work, Option<Duration>)> {
        let queued = self.queues.queued().map(|(step, work)| (step, work, None));
        let retries = self
            .pending_retries()
            .map(|(step, work, left)| (step, work, Some(left)));
        queued.chain(retries)
    }

    /// The retries waiting for their delay: their step, their work and what is left of it.
    pub(crate) fn pending_retries(&self) -> impl Iterator<Item = (u32, &Work, Duration)> {
        let now = tokio::time::Instant::now();
        self.retries
            .iter()
            .flat_map(FuturesUnordered::iter)
            .filter_map(move |d| {
                let left = d.sleep.deadline().saturating_duration_since(now);
                d.work.as_ref().map(|work| (d.step, work, left))
            })
    }

    /// Whether execution number `execution` is running (in a run that can be suspended).
    pub(crate) fn is_running(&self, execution: u64) -> bool {
        self.queues.is_running(execution)
    }

    /// Retries are waiting for their delay.
    pub(crate) fn has_retries(&self) -> bool {
        self.retries.as_ref().is_some_and(|r| !r.is_empty())
    }

    /// The names of the steps with executions in flight, sorted.
    pub(crate) fn active(&self, name: impl Fn(usize) -> &'static str) -> Vec<String> {
        let mut names: Vec<String> = self.queues.active().map(|i| name(i).to_owned()).collect();
        names.sort();
        names
    }

    /// Drops the executions, queued inputs and retries whose lineage is `doomed`.
    pub(crate) fn cancel(&mut self, doomed: impl Fn(&Lineage) -> bool) {
        let mut dropped = Vec::new();
        if let Some(running) = self.running.take() {
            let kept = FuturesUnordered::new();
            for execution in running {
                if doomed(&execution.meta.lineage) {
                    let meta = &execution.meta;
                    self.queues.vacate(meta.step, meta.worker, meta.execution);
                    dropped.push(execution);
                } else {
                    kept.push(execution);
                }
            }
            self.running = Some(kept);
        }
        let mut finished = std::mem::take(&mut self.finished);
        while let Some(execution) = finished.pop() {
            if doomed(&execution.meta.lineage) {
                let meta = &execution.meta;
                self.queues.vacate(meta.step, meta.worker, meta.execution);
            } else {
                self.finished.push(execution);
            }
        }
        self.queues.cancel_queued(&doomed);
        if let Some(retries) = self.retries.take() {
            let mut gone = Vec::new();
            self.retries = Some(
                retries
                    .into_iter()
                    .filter(|d| {
                        let doomed = d.work.as_ref().filter(|w| doomed(&w.lineage));
                        if let Some(work) = doomed {
                            gone.push(work.execution);
                        }
                        doomed.is_none()
                    })
                    .collect(),
            );
            for execution in gone {
                self.queues.forget(execution);
            }
        }
        // Dropping a step's future runs its destructors; one that panics must not take the run
        // down.
        let _ = catch_unwind(AssertUnwindSafe(move || drop(dropped)));
    }

    /// Drops every execution, queued input and retry: cancels what still runs.
    pub(crate) fn clear(&mut self) {
        self.running = None;
        self.retries = None;
        self.finished.clear();
        self.queues.clear();
    }
}

/// `future`, driven on a thread of tokio's blocking pool, so that a body that blocks its thread
/// does not block the run's. Dropping the returned future abandons the thread's work.
fn on_blocking_pool(future: StepFuture) -> StepFuture {
    let handle = tokio::runtime::Handle::current();
    let task = tokio::task::spawn_blocking(move || handle.block_on(future));
    Box::pin(async move {
        match task.await {
            Ok(outcome) => outcome,
            // The driver catches a step's panic where it polls it: raise it there again.
            Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
            Err(join) => Err(Box::new(join) as BoxError),
        }
    })
}

/// `future`, failing with [`StepTimedOut`] if it runs longer than `limit`.
fn with_deadline(future: StepFuture, step: &'static str, limit: Duration) -> StepFuture {
    Box::pin(async move {
        match tokio::time::timeout(limit, future).await {
            Ok(outcome) => outcome,
            Err(_) => Err(Box::new(StepTimedOut { step, limit }) as BoxError),
        }
    })
}
