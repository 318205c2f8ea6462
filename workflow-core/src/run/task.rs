//! The run loop: routes events to steps and drives the steps' futures.
//!
//! A run is one tokio task. Step executions are futures polled inside it (through
//! `FuturesUnordered`) rather than tasks of their own: routing an event to a step costs a hash
//! lookup and a boxed future, never a cross-thread handoff, and no step execution can outlive
//! its run. Steps of one run run concurrently; runs run in parallel.

use std::collections::VecDeque;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll, Waker};
use std::time::Duration;

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use tokio::sync::oneshot;
use tokio::time::Sleep;
use tracing::Instrument;
use tracing::instrument::Instrumented;

use crate::any_event::AnyEvent;
use crate::context::Context;
use crate::error::{BoxError, StepPanic, WorkflowError};

use crate::handler::Outcome;
use crate::run::shared::{Envelope, RunShared};
use crate::runner::Engine;
use crate::step::{Emit, StepFuture};
use crate::workflow::Workflow;

/// Loop iterations that made progress before the task yields to the scheduler, so a run that
/// never waits (a tight loop of steps) cannot starve other tasks on its worker.
const BUDGET: u32 = 256;

pub(crate) struct RunTask<W: Workflow> {
    engine: Arc<Engine<W>>,
    shared: Arc<RunShared<W::State>>,
    steps: Steps,
    batch: Vec<Envelope>,
    deadline: Option<Pin<Box<Sleep>>>,
    timeout: Option<Duration>,
    /// `None` once the run has ended.
    result: Option<oneshot::Sender<Outcome<W>>>,
    start: Option<AnyEvent>,
}

/// The step executions of one run: running, and waiting for a worker.
struct Steps {
    slots: Box<[Slot]>,
    /// Executions that had to wait, created when the first one does: most steps finish on
    /// their first poll and never need it.
    running: Option<FuturesUnordered<Running>>,
    /// Executions that finished on their first poll, in order.
    finished: FinishedQueue,
    /// The run task's waker, for that first poll.
    waker: Waker,
    verbose: bool,
}

#[derive(Default)]
struct Slot {
    in_flight: usize,
    /// Events waiting for a free worker, oldest first.
    queue: VecDeque<AnyEvent>,
}

/// One step execution in flight.
struct Running {
    step: u32,
    future: Instrumented<StepFuture>,
}

type Finished = (u32, std::thread::Result<Result<Emit, BoxError>>);

impl Future for Running {
    type Output = Finished;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Finished> {
        let step = self.step;
        // A panicking step is a failed step: catch it here so it never unwinds through the run.
        match catch_unwind(AssertUnwindSafe(|| Pin::new(&mut self.future).poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(result)) => Poll::Ready((step, Ok(result))),
            Err(panic) => Poll::Ready((step, Err(panic))),
        }
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

    fn is_empty(&self) -> bool {
        self.first.is_none() && self.rest.is_empty()
    }

    fn clear(&mut self) {
        self.first = None;
        self.rest.clear();
    }
}

impl Steps {
    /// Starts `step` on `event`, or queues the event if all its workers are busy.
    fn dispatch<W: Workflow>(
        &mut self,
        engine: &Engine<W>,
        run: &Arc<RunShared<W::State>>,
        step: u32,
        event: AnyEvent,
    ) {
        let slot = &mut self.slots[step as usize];
        if slot.in_flight < engine.table.spec(step).num_workers {
            self.start(engine, run, step, event);
        } else {
            slot.queue.push_back(event);
        }
    }

    /// Gives the workers `step` has free to its oldest waiting events.
    fn start_queued<W: Workflow>(
        &mut self,
        engine: &Engine<W>,
        run: &Arc<RunShared<W::State>>,
        step: u32,
    ) {
        let num_workers = engine.table.spec(step).num_workers;
        while self.slots[step as usize].in_flight < num_workers {
            let Some(event) = self.slots[step as usize].queue.pop_front() else {
                break;
            };
            self.start(engine, run, step, event);
        }
    }

    fn start<W: Workflow>(
        &mut self,
        engine: &Engine<W>,
        run: &Arc<RunShared<W::State>>,
        step: u32,
        event: AnyEvent,
    ) {
        let name = engine.table.spec(step).name;
        if self.verbose {
            tracing::info!(target: "eventflow::verbose", "Running step {name} with {}", event.name());
        }
        let span = tracing::debug_span!(target: "eventflow::step", "step", step = name, event = event.name());
        self.slots[step as usize].in_flight += 1;
        let ctx = Context::new(Arc::clone(run), step);
        let future = (engine.calls[step as usize])(&engine.workflow, event, ctx);
        let mut running = Running {
            step,
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
    fn poll_finished(&mut self, cx: &mut TaskContext<'_>) -> Option<Finished> {
        if let Some(finished) = self.finished.pop() {
            return Some(finished);
        }
        match self.running.as_mut()?.poll_next_unpin(cx) {
            Poll::Ready(finished) => finished,
            Poll::Pending => None,
        }
    }

    fn is_idle(&self) -> bool {
        self.finished.is_empty() && self.running.as_ref().is_none_or(FuturesUnordered::is_empty)
    }

    fn active(&self, engine_names: impl Fn(usize) -> &'static str) -> Vec<String> {
        let mut names: Vec<String> = (0..self.slots.len())
            .filter(|&i| self.slots[i].in_flight > 0)
            .map(|i| engine_names(i).to_owned())
            .collect();
        names.sort();
        names
    }

    /// Drops every execution and waiting event: cancels what still runs.
    fn clear(&mut self) {
        self.running = None;
        self.finished.clear();
        for slot in &mut self.slots {
            slot.queue.clear();
            slot.in_flight = 0;
        }
    }
}

impl<W: Workflow> RunTask<W> {
    pub(crate) fn new(
        engine: Arc<Engine<W>>,
        shared: Arc<RunShared<W::State>>,
        result: oneshot::Sender<Outcome<W>>,
        start: AnyEvent,
        timeout: Option<Duration>,
        verbose: bool,
    ) -> Self {
        let steps = Steps {
            slots: engine.calls.iter().map(|_| Slot::default()).collect(),
            running: None,
            finished: FinishedQueue::default(),
            waker: Waker::noop().clone(),
            verbose,
        };
        Self {
            engine,
            shared,
            steps,
            batch: Vec::new(),
            deadline: None,
            timeout,
            result: Some(result),
            start: Some(start),
        }
    }

    fn is_done(&self) -> bool {
        self.result.is_none()
    }

    /// Routes everything sent to the run since the last look; whether there was anything.
    fn drain_inbox(&mut self) -> bool {
        self.shared.take_inbox(&mut self.batch);
        if self.batch.is_empty() {
            return false;
        }
        let mut batch = std::mem::take(&mut self.batch);
        for envelope in batch.drain(..) {
            if self.is_done() {
                break;
            }
            self.route(envelope.event, envelope.target);
        }
        // Keep the allocation for the next drain.
        self.batch = batch;
        true
    }

    fn route(&mut self, event: AnyEvent, target: Option<u32>) {
        let ty = event.event_type_id();
        if ty == self.engine.table.stop {
            return self.stop(event);
        }
        let engine = &*self.engine;
        let targets = match &target {
            Some(step) => std::slice::from_ref(step),
            None => engine.table.route(ty),
        };
        match targets {
            [] => {
                tracing::debug!(
                    target: "eventflow::run",
                    event = event.name(),
                    "no step accepts the event; it goes to the stream"
                );
                self.shared.stream.publish(event);
            }
            [only] => self.steps.dispatch(engine, &self.shared, *only, event),
            [rest @ .., last] => {
                for &step in rest {
                    self.steps
                        .dispatch(engine, &self.shared, step, event.clone());
                }
                self.steps.dispatch(engine, &self.shared, *last, event);
            }
        }
    }

    fn complete(&mut self, (step, outcome): Finished) {
        let name = self.engine.table.spec(step).name;
        self.steps.slots[step as usize].in_flight -= 1;
        let emitted = match outcome {
            Ok(Ok(Emit::One(event))) => Some(event),
            Ok(Ok(Emit::None)) => None,
            Ok(Err(error)) => return self.fail(step, error),
            Err(panic) => return self.fail(step, Box::new(StepPanic::from_payload(&*panic))),
        };
        if self.steps.verbose {
            match &emitted {
                Some(event) => {
                    tracing::info!(target: "eventflow::verbose", "Step {name} produced event {}", event.name());
                }
                None => {
                    tracing::info!(target: "eventflow::verbose", "Step {name} produced no event");
                }
            }
        }
        match emitted {
            Some(event) if event.event_type_id() == self.engine.table.stop => self.stop(event),
            emitted => {
                // The freed worker goes to the oldest waiting event before the new event is
                // routed, which may be to this same step.
                self.steps.start_queued(&self.engine, &self.shared, step);
                if let Some(event) = emitted {
                    self.route(event, None);
                }
            }
        }
    }

    fn stop(&mut self, event: AnyEvent) {
        let Ok(stop) = event.downcast::<W::Stop>() else {
            // Only called for events of the stop type.
            return;
        };
        self.finish(Ok(stop));
    }

    fn fail(&mut self, step: u32, error: BoxError) {
        let name = self.engine.table.spec(step).name;
        let elapsed = self.shared.elapsed();
        if self.steps.verbose {
            tracing::info!(target: "eventflow::verbose", "Step {name} failed: {error}");
        }
        tracing::debug!(target: "eventflow::run", step = name, error = %error, "step failed");
        self.finish(Err(WorkflowError::StepFailed {
            step: name.to_owned(),
            source: error,
            attempts: 1,
            elapsed,
        }));
    }

    /// Ends the run: cancels what still runs, closes the stream and hands the outcome to the
    /// caller. The handler turns the outcome into the stream's last event, so nothing is
    /// copied for a caller that only awaits the result.
    fn finish(&mut self, outcome: Outcome<W>) {
        let Some(result) = self.result.take() else {
            return;
        };
        self.shared.close();
        // Dropping a step's future runs its destructors; one that panics must not keep the
        // caller from its result.
        let _ = catch_unwind(AssertUnwindSafe(|| self.steps.clear()));
        self.deadline = None;
        tracing::debug!(target: "eventflow::run", ok = outcome.is_ok(), "run finished");
        // The caller may have stopped waiting; the run is over either way.
        let _ = result.send(outcome);
    }

    fn check_deadline(&mut self, cx: &mut TaskContext<'_>) {
        let Some(deadline) = &mut self.deadline else {
            return;
        };
        if deadline.as_mut().poll(cx).is_pending() {
            return;
        }
        let table = &self.engine.table;
        let active_steps = self.steps.active(|i| table.specs[i].name);
        let timeout = self.timeout.unwrap_or_default();
        self.finish(Err(WorkflowError::TimedOut {
            timeout,
            active_steps,
        }));
    }

    /// Polls the run once: returns when it has ended, is waiting, or used its budget.
    fn turn(&mut self, cx: &mut TaskContext<'_>) -> Poll<()> {
        let mut budget = BUDGET;
        loop {
            if self.is_done() {
                return Poll::Ready(());
            }
            if self.shared.is_cancelled() {
                self.finish(Err(WorkflowError::Cancelled));
                continue;
            }
            let mut progressed = self.drain_inbox();
            if self.is_done() {
                continue;
            }
            if let Some(finished) = self.steps.poll_finished(cx) {
                // What the step sent before returning goes first.
                self.drain_inbox();
                if self.is_done() {
                    continue;
                }
                self.complete(finished);
                progressed = true;
            }
            if progressed {
                budget -= 1;
                if budget == 0 {
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                continue;
            }
            // Idle. Register first, then look again: anything sent, cancelled or dropped from
            // another thread after this point wakes the task.
            self.shared.register(cx.waker());
            if !self.shared.inbox_is_empty() || self.shared.is_cancelled() {
                continue;
            }
            if self.steps.is_idle() && self.shared.nobody_can_send() {
                let pending = self.shared.pending_collections();
                self.finish(Err(WorkflowError::Stalled { pending }));
                continue;
            }
            return Poll::Pending;
        }
    }
}

impl<W: Workflow> Future for RunTask<W> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<()> {
        let this = self.get_mut();
        if !this.steps.waker.will_wake(cx.waker()) {
            this.steps.waker = cx.waker().clone();
        }
        if let Some(start) = this.start.take() {
            if let Some(timeout) = this.timeout {
                this.deadline = Some(Box::pin(tokio::time::sleep(timeout)));
            }
            this.route(start, None);
        }
        // Once per poll rather than per loop turn: each poll of a timer spends tokio's
        // cooperative budget, which the steps polled in this task also draw on.
        this.check_deadline(cx);
        this.turn(cx)
    }
}

impl<W: Workflow> Drop for RunTask<W> {
    fn drop(&mut self) {
        // Dropped before finishing (the runtime shut down): still end the stream, so no reader
        // waits forever; the handler's result reports `Aborted`.
        if !self.is_done() {
            self.shared.close();
        }
    }
}
