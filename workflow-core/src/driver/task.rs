//! The run loop: routes events to steps, drives their executions, handles failures.
//!
//! A run is one tokio task. Step executions are futures polled inside it rather than tasks of
//! their own: routing an event to a step costs a hash lookup and a boxed future, never a
//! cross-thread handoff, and no step execution can outlive its run. Steps of one run run
//! concurrently; runs run in parallel.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};
use tokio::time::Sleep;

use crate::driver::Outcome;
use crate::driver::program::Program;
use crate::driver::shared::{ChildRuns, RunShared};
use crate::driver::steps::{Finished, Meta, Steps};
use crate::engine::calls::Calls;
use crate::engine::envelope::{Envelope, FanOutId, Lineage, Member};
use crate::engine::failure::{self, AfterFailed, Failed};
use crate::engine::fan::FanOuts;
use crate::engine::link::Link;
use crate::engine::lock;
use crate::engine::route::{self, Delivery, Dispatch, Source};
use crate::engine::seams::{Execution, Observer};
use crate::engine::table::OUTSIDE;
use crate::engine::waiters::{EARLY_LIMIT, Early};
use crate::engine::work::Work;
use crate::error::{BoxError, StepPanic, WorkflowError};
use crate::event::{AnyEvent, StreamRetracted};
use crate::record::recorder;
use crate::step::io::{Emit, StepInput};
use crate::step_failed::StepFailed;
use crate::trace::{AfterFailure, RunTrace, TraceOutcome};
use crate::workflow::Workflow;

pub(crate) use crate::durable::run::{Begin, Durable, Resumed};

/// Loop iterations that made progress before the task yields to the scheduler, so a run that
/// never waits (a tight loop of steps) cannot starve other tasks on its worker.
const BUDGET: u32 = 256;

type Acquire =
    Pin<Box<dyn Future<Output = Result<OwnedSemaphorePermit, tokio::sync::AcquireError>> + Send>>;

pub(crate) struct RunTask<W: Workflow> {
    pub(crate) engine: Arc<Program<W>>,
    pub(crate) shared: Arc<RunShared<W::State>>,
    pub(crate) steps: Steps,
    pub(crate) fan: FanOuts,
    /// Envelopes taken from the inbox, being routed.
    pub(crate) batch: Vec<Envelope>,
    pub(crate) deadline: Option<Pin<Box<Sleep>>>,
    pub(crate) timeout: Option<Duration>,
    /// `None` once the run has ended.
    pub(crate) result: Option<oneshot::Sender<Outcome<W>>>,
    /// How the run begins, until it has.
    pub(crate) begin: Option<Begin>,
    /// When this loop began the run: with the time used before a resume, what the run's
    /// timeout has spent.
    pub(crate) began: Option<tokio::time::Instant>,
    /// The store the run can be suspended into.
    pub(crate) durable: Option<Box<Durable>>,
    /// In a run checkpointed after every step: what running executions sent, by execution.
    pub(crate) held: std::collections::HashMap<u64, Vec<Envelope>>,
    /// Something happened since the last checkpoint.
    pub(crate) dirty: bool,
    /// The execution that finished returned the stop event: what it sent before returning
    /// starts no step, since the run ends with it.
    pub(crate) closing: bool,
    /// The observer heard that the run is idle, and nothing happened since.
    pub(crate) told_idle: bool,
    /// Waiting for a place under the runner's limit on concurrent runs.
    pub(crate) acquiring: Option<Acquire>,
    _permit: Option<OwnedSemaphorePermit>,
    /// Where the trace goes when the run ends, if runs are recorded.
    pub(crate) last_run: Option<Arc<Mutex<Option<RunTrace>>>>,
}

/// How a runner runs each run.
pub(crate) struct Settings {
    pub(crate) timeout: Option<Duration>,
    /// The runner's limit on concurrent runs.
    pub(crate) limit: Option<Arc<Semaphore>>,
    /// Where the trace goes when the run ends, if runs are recorded.
    pub(crate) last_run: Option<Arc<Mutex<Option<RunTrace>>>>,
    /// The store runs can be suspended into.
    pub(crate) durable: Option<Durable>,
}

impl<W: Workflow> RunTask<W> {
    pub(crate) fn new(
        engine: Arc<Program<W>>,
        shared: Arc<RunShared<W::State>>,
        result: oneshot::Sender<Outcome<W>>,
        begin: Begin,
        settings: Settings,
    ) -> Self {
        let Settings {
            timeout,
            limit,
            last_run,
            durable,
        } = settings;
        let every_step = durable.as_ref().is_some_and(|d| d.every_step);
        let steps = Steps::new(engine.calls.len(), durable.is_some(), every_step);
        let mut fan = FanOuts::default();
        if let Some(durable) = &durable {
            lock(&shared.collectors).keep_taken();
            shared.keep_calls(durable.every_step);
            if durable.every_step {
                let _ = shared
                    .children
                    .set(ChildRuns::new(Arc::clone(&durable.store)));
                fan.track();
            }
        }
        Self {
            engine,
            shared,
            steps,
            fan,
            batch: Vec::new(),
            deadline: None,
            timeout,
            result: Some(result),
            begin: Some(begin),
            began: None,
            durable: durable.map(Box::new),
            held: std::collections::HashMap::new(),
            dirty: false,
            closing: false,
            told_idle: false,
            acquiring: limit.map(|limit| -> Acquire { Box::pin(limit.acquire_owned()) }),
            _permit: None,
            last_run,
        }
    }

    pub(crate) fn is_done(&self) -> bool {
        self.result.is_none()
    }

    /// Routes everything sent to the run since the last look; whether there was anything.
    fn drain_inbox(&mut self) -> bool {
        let acks = self.durable.as_deref_mut().map(|d| &mut d.acks);
        self.shared.take_inbox(&mut self.batch, acks);
        if self.durable.as_ref().is_some_and(|d| !d.acks.is_empty()) {
            self.commit_calls();
        }
        if self.batch.is_empty() {
            return false;
        }
        // A step that returned the stop event on its first poll is already waiting to be
        // completed: what it sent before returning must not start steps either.
        self.closing |= self.steps.finished_with(self.engine.table.stop);
        let mut batch = std::mem::take(&mut self.batch);
        let holding = self.durable.as_ref().is_some_and(|d| d.every_step);
        for envelope in batch.drain(..) {
            if self.is_done() {
                break;
            }
            if holding && envelope.execution != 0 && self.steps.is_running(envelope.execution) {
                // Committed with the execution that sent it, when it finishes: an execution
                // that runs again after a crash sends it again, and it must not count twice.
                self.held
                    .entry(envelope.execution)
                    .or_default()
                    .push(envelope);
                continue;
            }
            self.dirty = true;
            let from = Source {
                step: envelope.origin,
                link: envelope.link,
            };
            self.route(envelope.event, envelope.target, envelope.lineage, &from);
        }
        // Keep the allocation for the next drain.
        self.batch = batch;
        true
    }

    /// Delivers `event`, which carries `lineage`, to the steps that take it (or to `target`
    /// only); an event that nobody takes goes to the stream.
    pub(crate) fn route(
        &mut self,
        event: AnyEvent,
        target: Option<u32>,
        lineage: Lineage,
        from: &Source,
    ) {
        let origin = from.step;
        let ty = event.event_type_id();
        if ty == self.engine.table.stop {
            self.shared
                .record(|r| r.flow(origin, event.name(), recorder::END));
            return self.stop(event);
        }
        if !self.fan.is_open(&lineage) {
            // Sent from a branch of a fan-out that has ended: cut short by a join that took
            // what it needed, or joined before a context that outlived its step sent this.
            tracing::debug!(target: "eventflow::run", event = event.name(), "event from a fan-out that has ended; dropped");
            return;
        }
        // Handed to the other workflows of the host; it also goes to any step here that
        // takes it, but not to the stream.
        let published = target.is_none()
            && self.engine.table.publishes(ty)
            && self.shared.host.as_ref().is_some_and(|host| {
                host.publish(&event, &from.link);
                true
            });
        // A step waiting inside its execution for this event gets it first, and then does not
        // also receive it as a new execution.
        if self.closing && (target.is_some() || !self.engine.table.route(ty).is_empty()) {
            tracing::debug!(target: "eventflow::run", event = event.name(), "sent by the step that ended the run; no step starts on it");
            return;
        }
        if origin == OUTSIDE
            && target.is_none()
            && self.engine.table.is_external(ty)
            && self.engine.table.route(ty).is_empty()
        {
            // The send reserved room for it, in case it must be kept.
            self.shared.waiters.arrived();
        }
        let waiting = if target.is_none() && !self.closing {
            self.shared.waiters.take_match(&event)
        } else {
            None
        };
        let engine = &*self.engine;
        let targets = match &target {
            Some(step) => std::slice::from_ref(step),
            None => engine.table.route(ty),
        };
        let waiting_step = waiting.as_ref().map(|(step, _)| *step);
        let has_target = targets.iter().any(|&step| Some(step) != waiting_step);
        if let Some(step) = waiting_step {
            let name = event.name();
            self.shared.record(|r| {
                r.flow(origin, name, step);
                r.resumed(step, name);
            });
        }
        if let Some((_, resolve)) = waiting {
            if !has_target {
                let _ = resolve.send(event);
                return;
            }
            let _ = resolve.send(event.clone());
        }
        if !has_target {
            if published {
                return;
            }
            if target.is_none() && !self.closing && self.engine.table.is_external(ty) {
                let Some(event) = self.keep_early(event, origin) else {
                    return;
                };
                tracing::warn!(target: "eventflow::run", event = event.name(), limit = EARLY_LIMIT, "too many events wait for a step to wait for them; this one goes to the stream");
                self.shared.stream.publish(event);
                return;
            }
            tracing::debug!(target: "eventflow::run", event = event.name(), "no step accepts the event; it goes to the stream");
            let name = event.name();
            self.shared.record(|r| {
                r.flow(origin, name, recorder::STREAM);
                r.unclaimed(name);
            });
            self.shared.stream.publish(event);
            return;
        }
        let mut out = Starter {
            engine,
            shared: &self.shared,
            steps: &mut self.steps,
        };
        let mut run = Delivery {
            table: &engine.table,
            fan: &mut self.fan,
            out: &mut out,
            cut: None,
            from,
        };
        // In declaration order; the last step gets the event itself, the others a copy.
        let mut previous: Option<u32> = None;
        for &step in targets {
            if Some(step) == waiting_step {
                continue;
            }
            if let Some(previous) = previous.replace(step) {
                run.deliver(previous, event.clone(), lineage);
            }
        }
        if let Some(last) = previous {
            run.deliver(last, event, lineage);
        }
        if let Some(id) = run.cut {
            self.cut_short(id);
        }
    }

    /// Keeps `event`, declared as taken from outside, for the first step that will wait for
    /// it, or hands it to one that waits already; gives it back if there is no room.
    fn keep_early(&mut self, event: AnyEvent, origin: u32) -> Option<AnyEvent> {
        match self.shared.waiters.keep(event) {
            Early::Kept => None,
            Early::Waiting(step, resolve, event) => {
                let name = event.name();
                self.shared.record(|r| {
                    r.flow(origin, name, step);
                    r.resumed(step, name);
                });
                let _ = resolve.send(event);
                None
            }
            Early::Full(event) => Some(event),
        }
    }

    /// Tells the run's observer, once per quiet spell, that nothing runs: every execution in
    /// flight waits for an event.
    fn tell_idle(&mut self) {
        if !self.told_idle && self.steps.in_flight() == self.shared.waiters.count() {
            self.told_idle = true;
            self.shared.record(|r| r.idle());
        }
    }

    /// Whether `finished` returned the stop event.
    fn ends_run(&self, finished: &Finished) -> bool {
        matches!(&finished.outcome, Ok(Ok(Emit::One(event))) if event.event_type_id() == self.engine.table.stop)
    }

    /// The work of one execution that ran with `lineage` is over.
    fn leave(&mut self, lineage: &Lineage) {
        if let Some(idle) = self.fan.leave(lineage, 1) {
            self.join(idle);
        }
    }

    /// Runs the joins of a fan-out with no work left, then gives up the work it held in its
    /// parent, which may in turn be done.
    fn join(&mut self, id: FanOutId) {
        self.join_ended(id, None);
    }

    /// [`join`](Self::join), telling whether `id` was cut short.
    fn join_ended(&mut self, id: FanOutId, cut_short: Option<FanOutId>) {
        let engine = &*self.engine;
        let mut out = Starter {
            engine,
            shared: &self.shared,
            steps: &mut self.steps,
        };
        route::join(&engine.table, &mut self.fan, &mut out, id, cut_short);
    }

    /// A join took all it needed from a fan-out: cancels the fan-out's remaining work, at any
    /// depth, and joins it now. What its branches already sent is dropped when routed, since
    /// their fan-out has ended.
    fn cut_short(&mut self, id: FanOutId) {
        let fan = &self.fan;
        self.steps.cancel(|lineage| fan.within(lineage, id));
        self.fan.close_nested(id);
        self.join_ended(id, Some(id));
        self.steps.start_all_queued(&self.engine, &self.shared);
    }

    fn complete(&mut self, finished: Finished) {
        let meta = finished.meta;
        if self.durable.is_some() {
            self.shared.execution_ended(meta.execution, meta.attempt);
        }
        let streamed = self.shared.stream_ended(meta.execution());
        let error = match finished.outcome {
            Ok(Ok(emit)) => {
                let from = Source {
                    step: meta.step,
                    link: finished.link,
                };
                return self.emitted(emit, meta.lineage, &from, meta.execution());
            }
            Ok(Err(error)) => error,
            Err(panic) => Box::new(StepPanic::from_payload(&*panic)),
        };
        if streamed {
            self.retract_stream(meta.execution(), &*error);
        }
        self.failed(meta, finished.link, error, finished.retained.as_deref());
    }

    /// `execution` forwarded a stream to the caller and failed: the caller takes back what it
    /// showed.
    fn retract_stream(&self, execution: Execution, error: &(dyn std::error::Error + Send + Sync)) {
        let step = self.engine.table.spec(execution.step).name.to_owned();
        let error = error.to_string();
        self.shared.stream.publish_numbered(|sequence| {
            AnyEvent::new(StreamRetracted {
                sequence,
                step,
                input: execution.input,
                attempt: execution.attempt,
                error,
            })
        });
    }

    /// `execution`, which ran with `lineage`, finished with `emit`.
    fn emitted(&mut self, emit: Emit, lineage: Lineage, from: &Source, execution: Execution) {
        let step = from.step;
        self.shared.record(|r| match &emit {
            Emit::One(event) => r.finished(execution, Some(event.name()), None),
            Emit::Many(events) => r.finished(execution, None, Some(events.len() as u64)),
            _ => r.finished(execution, None, None),
        });
        let stop = self.engine.table.stop;
        if let Emit::One(event) = &emit
            && event.event_type_id() == stop
        {
            if let Emit::One(event) = emit {
                self.shared
                    .record(|r| r.flow(step, event.name(), recorder::END));
                self.stop(event);
            }
            return;
        }
        // The freed worker goes to the oldest waiting input before the new events are routed,
        // which may be to this same step.
        self.steps.start_queued(&self.engine, &self.shared, step);
        match emit {
            Emit::One(event) => {
                self.route(event, None, lineage, from);
                self.leave(&lineage);
            }
            Emit::Many(events) => {
                // The fan-out takes over this execution's work until it is joined.
                let id = self.fan.open(step, lineage, events.len());
                for (index, event) in (0u32..).zip(events) {
                    let member = Lineage {
                        member: Some(Member { fan_out: id, index }),
                        ..lineage
                    };
                    self.route(event, None, member, from);
                    if self.is_done() {
                        return;
                    }
                }
                if self.fan.is_idle(id) {
                    self.join(id);
                }
            }
            _ => self.leave(&lineage),
        }
    }

    /// A step failed: retry it, hand the failure to its recovery step, or fail the run.
    fn failed(&mut self, meta: Meta, link: Link, error: BoxError, retained: Option<&StepInput>) {
        let Meta {
            step,
            attempt: attempts,
            lineage,
            first_started,
            ..
        } = meta;
        let execution = meta.execution();
        let name = self.engine.table.spec(step).name;
        let elapsed = first_started.elapsed();
        let next = failure::after_failed(
            &self.engine.table,
            self.engine.retries[step as usize].as_ref(),
            &Failed {
                run: self.shared.id,
                step,
                attempts,
                elapsed,
                lineage,
                error: &*error,
                has_input: retained.is_some(),
            },
        );
        if let (AfterFailed::Retry(delay), Some(input)) = (next, retained.cloned()) {
            tracing::debug!(target: "eventflow::run", step = name, attempt = attempts, error = %error, then = "retry", ?delay, "failed");
            let work = Work {
                input,
                lineage,
                attempt: attempts.saturating_add(1),
                first_started: Some(first_started),
                // The retry follows from the attempt that failed.
                links: vec![link],
                // Still the same input: the attempt tells the executions apart.
                execution: meta.execution,
            };
            self.shared.record(|r| {
                r.failed(execution, &error.to_string(), AfterFailure::Retry(delay));
            });
            self.steps.retry_later(step, work, delay);
            self.steps.start_queued(&self.engine, &self.shared, step);
            return;
        }
        let table = Arc::clone(&self.engine.table);
        if let AfterFailed::Recover(handler) = next {
            tracing::debug!(target: "eventflow::run", step = name, attempt = attempts, error = %error, then = "recover", by = table.spec(handler).name, "failed");
            let input_event = retained
                .and_then(StepInput::first)
                .map_or("", AnyEvent::name);
            let inputs = retained
                .cloned()
                .map(StepInput::into_events)
                .unwrap_or_default();
            let failure = StepFailed::new(name, inputs, input_event, error, attempts, elapsed);
            self.steps.start_queued(&self.engine, &self.shared, step);
            let recovering = Lineage {
                recoveries: lineage.recoveries.saturating_add(1),
                ..lineage
            };
            let handler_name = table.spec(handler).name;
            self.shared.record(|r| {
                r.failed(
                    execution,
                    failure.message(),
                    AfterFailure::Recover(handler_name.to_owned()),
                );
            });
            // The recovery carries the failed execution's work on, in its fan-out.
            let from = Source { step, link };
            self.route(AnyEvent::new(failure), Some(handler), recovering, &from);
            self.leave(&lineage);
            return;
        }
        tracing::debug!(target: "eventflow::run", step = name, attempt = attempts, error = %error, then = "fail", "failed");
        self.shared
            .record(|r| r.failed(execution, &error.to_string(), AfterFailure::FailRun));
        self.finish(Err(WorkflowError::StepFailed {
            step: name.to_owned(),
            source: error,
            attempts,
            elapsed,
        }));
    }

    pub(crate) fn stop(&mut self, event: AnyEvent) {
        let Ok(stop) = event.downcast::<W::Stop>() else {
            // Only called for events of the stop type.
            return;
        };
        self.finish(Ok(stop));
    }

    /// Ends the run: cancels what still runs, closes the stream and hands the outcome to the
    /// caller. The handler turns the outcome into the stream's last event, so nothing is
    /// copied for a caller that only awaits the result.
    pub(crate) fn finish(&mut self, outcome: Outcome<W>) {
        let Some(result) = self.result.take() else {
            return;
        };
        // First: the outcome the caller, the trace and the stream see is the one the store
        // agrees with.
        let outcome = self.ended_in_store(outcome);
        if let (Some(host), Err(error)) = (&self.shared.host, &outcome)
            && host.opened_by() != self.shared.id
        {
            // Nobody holds the handler of a run its host started (every run but the one
            // that opened the conversation): say how it ended.
            tracing::warn!(target: "eventflow::host", workflow = W::NAME, run_id = %self.shared.id, conversation = %host.opened_by(), %error, "run failed");
        }
        let ended = trace_outcome::<W>(&outcome);
        self.shared.record(|r| r.ended(ended));
        if let (Some(last_run), Some(trace)) = (&self.last_run, self.shared.trace()) {
            if let Some(tool) = W::tool().filter(|t| t.records_runs()) {
                tool.run_finished(&trace);
            }
            if let Ok(mut last) = last_run.lock() {
                *last = Some(trace);
            }
        }
        self.shared.close();
        // Whoever still waits to suspend the run hears that it ended.
        drop(self.shared.take_suspend());
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

    /// Whether the run can never make progress again: nothing is queued or about to be
    /// retried, everything in flight waits for an event with no timeout, and nothing can send
    /// one.
    fn is_stalled(&self) -> bool {
        let stuck = self.steps.in_flight() == self.shared.waiters.unbounded();
        stuck && !self.steps.has_retries() && self.shared.nobody_can_send()
    }

    fn stall(&mut self) {
        let table = Arc::clone(&self.engine.table);
        let mut pending = self.shared.pending_collections();
        for (step, have) in self.fan.partial_sets() {
            let spec = table.spec(step);
            let names = |present: bool| -> Vec<String> {
                spec.accepts
                    .iter()
                    .zip(&have)
                    .filter(|(_, has)| **has == present)
                    .map(|(e, _)| format!("`{}`", e.name()))
                    .collect()
            };
            pending.push(format!(
                "step `{}` has {} and waits for {}",
                spec.name,
                names(true).join(", "),
                names(false).join(", ")
            ));
        }
        pending.extend(self.shared.waiters.describe(|step| table.spec(step).name));
        self.finish(Err(WorkflowError::Stalled { pending }));
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
            if self.shared.take_slots_freed() {
                self.steps.start_all_queued(&self.engine, &self.shared);
            }
            let mut progressed = self.drain_inbox();
            if self.is_done() {
                continue;
            }
            if let Some(finished) = self.steps.poll_finished(cx) {
                self.closing |= self.ends_run(&finished);
                // What the step sent before returning goes first.
                self.drain_inbox();
                if !self.held.is_empty() {
                    self.release(&finished);
                }
                if self.is_done() {
                    continue;
                }
                self.complete(finished);
                self.dirty = true;
                progressed = true;
            }
            if let Some(step) = self.steps.poll_retries(cx) {
                self.steps.start_queued(&self.engine, &self.shared, step);
                progressed = true;
            }
            // What started may already have finished: look again before going idle.
            progressed |= self.settle();
            if progressed {
                self.told_idle = false;
                budget -= 1;
                if budget == 0 {
                    self.checkpoint_if_dirty();
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
            if self.shared.wants_suspend() && self.can_suspend() {
                self.suspend();
                continue;
            }
            if self.is_stalled() {
                self.stall();
                continue;
            }
            self.checkpoint_if_dirty();
            self.confirm_claim();
            self.tell_idle();
            return Poll::Pending;
        }
    }

    /// Waits for a place under the runner's concurrency limit; `Ready` once the run may start.
    fn poll_admission(&mut self, cx: &mut TaskContext<'_>) -> Poll<()> {
        let Some(acquiring) = &mut self.acquiring else {
            return Poll::Ready(());
        };
        self.shared.register(cx.waker());
        if self.shared.is_cancelled() {
            self.acquiring = None;
            self.finish(Err(WorkflowError::Cancelled));
            return Poll::Ready(());
        }
        let permit = std::task::ready!(acquiring.as_mut().poll(cx));
        self._permit = permit.ok();
        self.acquiring = None;
        Poll::Ready(())
    }
}

/// What routing hands the driver: new inputs to start or queue, and observations.
struct Starter<'a, W: Workflow> {
    engine: &'a Program<W>,
    shared: &'a Arc<RunShared<W::State>>,
    steps: &'a mut Steps,
}

impl<W: Workflow> Dispatch for Starter<'_, W> {
    #[inline]
    fn dispatch(&mut self, step: u32, work: Work) {
        self.steps.dispatch(self.engine, self.shared, step, work);
    }

    #[inline]
    fn record(&self, f: impl FnOnce(&mut dyn Observer)) {
        self.shared.record(f);
    }
}

/// How a run's outcome reads in its trace.
fn trace_outcome<W: Workflow>(outcome: &Outcome<W>) -> TraceOutcome {
    match outcome {
        Ok(_) => TraceOutcome::Completed,
        Err(WorkflowError::StepFailed { step, source, .. }) => TraceOutcome::Failed {
            step: step.clone(),
            error: source.to_string(),
        },
        Err(WorkflowError::Cancelled) => TraceOutcome::Cancelled,
        Err(WorkflowError::TimedOut { .. }) => TraceOutcome::TimedOut,
        Err(WorkflowError::Stalled { .. }) => TraceOutcome::Stalled,
        // It goes on elsewhere.
        Err(WorkflowError::Suspended { .. } | WorkflowError::Superseded { .. }) => {
            TraceOutcome::Running
        }
        Err(_) => TraceOutcome::Cancelled,
    }
}

impl<W: Workflow> Future for RunTask<W> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<()> {
        let this = self.get_mut();
        this.steps.set_waker(cx.waker());
        this.steps.new_turn();
        std::task::ready!(this.poll_admission(cx));
        if this.is_done() {
            // Cancelled while waiting for its turn: it never starts.
            return Poll::Ready(());
        }
        if let Some(begin) = this.begin.take() {
            if this.durable.is_some() {
                // Only a checkpoint needs it: reading the clock is a cost every run would pay.
                this.began = Some(tokio::time::Instant::now());
            }
            if let Some(timeout) = this.timeout {
                let used = this.durable.as_ref().map_or(Duration::ZERO, |d| d.used);
                this.deadline = Some(Box::pin(tokio::time::sleep(timeout.saturating_sub(used))));
            }
            match begin {
                Begin::Start(start) => {
                    this.route(start, None, Lineage::default(), &Source::outside());
                    // The run is in the store from its start: a crash at any point after it
                    // can be resumed.
                    this.dirty = true;
                }
                Begin::Resume(resumed) => {
                    let Resumed {
                        executions,
                        next_execution,
                        fan,
                        collectors,
                        calls,
                        ..
                    } = *resumed;
                    if let Some(log) = this.shared.calls() {
                        *lock(log) = Calls::restore(calls);
                    }
                    this.steps.queues.next_execution = next_execution;
                    this.fan = fan;
                    if this.durable.as_ref().is_some_and(|d| d.every_step) {
                        this.fan.track();
                    }
                    *lock(&this.shared.collectors) = collectors;
                    for (step, work, delay) in executions {
                        match delay {
                            // A retry waits out the rest of its delay, as it would have.
                            Some(delay) if !delay.is_zero() => {
                                this.steps.retry_later(step, work, delay);
                            }
                            _ => this.steps.dispatch(&this.engine, &this.shared, step, work),
                        }
                    }
                }
            }
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
