//! The observer that streams run-state events to the run's caller.

use std::sync::Arc;

use crate::engine::seams::{Execution, Observer};
use crate::engine::stream::StreamChannel;
use crate::event::{AnyEvent, EventUnclaimed, RunIdle, StepPhase, StepStateChanged};
use crate::trace::{AfterFailure, TraceOutcome};

/// Publishes a [`StepStateChanged`], [`RunIdle`] or [`EventUnclaimed`] for what happens.
#[derive(Debug)]
pub(crate) struct RunStateStream {
    stream: Arc<StreamChannel>,
    steps: Box<[&'static str]>,
}

impl RunStateStream {
    pub(crate) fn new(stream: Arc<StreamChannel>, steps: Box<[&'static str]>) -> Self {
        Self { stream, steps }
    }

    fn step(&self, phase: StepPhase, step: u32, fill: impl FnOnce(&mut StepStateChanged)) {
        let name = self.steps.get(step as usize).copied().unwrap_or_default();
        self.stream.publish_numbered(|sequence| {
            let mut state = StepStateChanged {
                sequence,
                step: name.to_owned(),
                phase,
                input: None,
                input_number: None,
                attempt: None,
                worker: None,
                output: None,
                error: None,
                retry_after_ms: None,
            };
            fill(&mut state);
            AnyEvent::new(state)
        });
    }

    /// A phase change of `execution`, which the event names by its input and attempt.
    fn execution(
        &self,
        phase: StepPhase,
        execution: Execution,
        fill: impl FnOnce(&mut StepStateChanged),
    ) {
        self.step(phase, execution.step, |s| {
            s.input_number = Some(execution.input);
            s.attempt = Some(execution.attempt);
            fill(s);
        });
    }
}

impl Observer for RunStateStream {
    fn queued(&mut self, step: u32, event: &str) {
        self.step(StepPhase::Queued, step, |s| {
            s.input = Some(event.to_owned());
        });
    }

    fn started(&mut self, execution: Execution, event: &str, worker: u32) {
        self.execution(StepPhase::Started, execution, |s| {
            s.input = Some(event.to_owned());
            s.worker = Some(worker);
        });
    }

    fn finished(&mut self, execution: Execution, emitted: Option<&str>, _fanned_out: Option<u64>) {
        self.execution(StepPhase::Finished, execution, |s| {
            s.output = emitted.map(str::to_owned);
        });
    }

    fn failed(&mut self, execution: Execution, error: &str, then: AfterFailure) {
        self.execution(StepPhase::Failed, execution, |s| {
            s.error = Some(error.to_owned());
            if let AfterFailure::Retry(delay) = then {
                s.retry_after_ms = Some(u64::try_from(delay.as_millis()).unwrap_or(u64::MAX));
            }
        });
    }

    fn flow(&mut self, _from: u32, _event: &'static str, _to: u32) {}

    fn waiting(&mut self, _step: u32, _event: &str) {}

    fn resumed(&mut self, _step: u32, _event: &str) {}

    fn fan_out_ended(&mut self, _fan_step: u32, _cut_short: bool) {}

    fn joined(&mut self, _join: u32, _events: u64) {}

    fn idle(&mut self) {
        self.stream
            .publish_numbered(|sequence| AnyEvent::new(RunIdle { sequence }));
    }

    fn unclaimed(&mut self, event: &'static str) {
        self.stream.publish_numbered(|sequence| {
            AnyEvent::new(EventUnclaimed {
                sequence,
                event: event.to_owned(),
            })
        });
    }

    fn ended(&mut self, _outcome: TraceOutcome) {}
}

/// Two observers of one run, each told everything.
#[derive(Debug)]
pub(crate) struct Both(pub(crate) Box<dyn Observer>, pub(crate) Box<dyn Observer>);

impl Observer for Both {
    fn queued(&mut self, step: u32, event: &str) {
        self.0.queued(step, event);
        self.1.queued(step, event);
    }
    fn started(&mut self, execution: Execution, event: &str, worker: u32) {
        self.0.started(execution, event, worker);
        self.1.started(execution, event, worker);
    }
    fn finished(&mut self, execution: Execution, emitted: Option<&str>, fanned_out: Option<u64>) {
        self.0.finished(execution, emitted, fanned_out);
        self.1.finished(execution, emitted, fanned_out);
    }
    fn failed(&mut self, execution: Execution, error: &str, then: AfterFailure) {
        self.0.failed(execution, error, then.clone());
        self.1.failed(execution, error, then);
    }
    fn flow(&mut self, from: u32, event: &'static str, to: u32) {
        self.0.flow(from, event, to);
        self.1.flow(from, event, to);
    }
    fn waiting(&mut self, step: u32, event: &str) {
        self.0.waiting(step, event);
        self.1.waiting(step, event);
    }
    fn resumed(&mut self, step: u32, event: &str) {
        self.0.resumed(step, event);
        self.1.resumed(step, event);
    }
    fn fan_out_ended(&mut self, fan_step: u32, cut_short: bool) {
        self.0.fan_out_ended(fan_step, cut_short);
        self.1.fan_out_ended(fan_step, cut_short);
    }
    fn joined(&mut self, join: u32, events: u64) {
        self.0.joined(join, events);
        self.1.joined(join, events);
    }
    fn idle(&mut self) {
        self.0.idle();
        self.1.idle();
    }
    fn unclaimed(&mut self, event: &'static str) {
        self.0.unclaimed(event);
        self.1.unclaimed(event);
    }
    fn ended(&mut self, outcome: TraceOutcome) {
        self.0.ended(outcome.clone());
        self.1.ended(outcome);
    }
    fn trace(&self) -> Option<crate::trace::RunTrace> {
        self.0.trace().or_else(|| self.1.trace())
    }
}
