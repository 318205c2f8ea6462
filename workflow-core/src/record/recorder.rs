//! Recording a run for its [`RunTrace`], when the runner was asked to.

use std::collections::HashMap;

use tokio::time::Instant;

use crate::engine::seams::{Execution, Observer};
use crate::engine::table::StepTable;
use crate::id::RunId;
use crate::trace::{
    AfterFailure, Endpoint, FanOutActivity, Flow, Happening, RunTrace, StepActivity, TraceOutcome,
    What,
};

pub(crate) use crate::engine::table::{END, OUTSIDE, STREAM};

/// The trace of one run being written.
#[derive(Debug)]
pub(crate) struct Recorder {
    started: Instant,
    trace: RunTrace,
    /// Where each (sender, event, receiver) is counted in `trace.flows`.
    flows: HashMap<(u32, &'static str, u32), usize>,
    /// Where each fan-out step is counted in `trace.fan_outs`.
    fan_outs: HashMap<u32, usize>,
    /// Steps that have run so far.
    ran: u32,
}

impl Recorder {
    pub(crate) fn new(workflow: &str, id: RunId, table: &StepTable) -> Self {
        let steps = table
            .specs
            .iter()
            .map(|spec| StepActivity {
                name: spec.name.to_owned(),
                ..StepActivity::default()
            })
            .collect();
        Self {
            started: Instant::now(),
            trace: RunTrace {
                workflow: workflow.to_owned(),
                run_id: id.to_string(),
                outcome: TraceOutcome::Running,
                steps,
                flows: Vec::new(),
                fan_outs: Vec::new(),
                timeline: Vec::new(),
                timeline_dropped: 0,
            },
            flows: HashMap::new(),
            fan_outs: HashMap::new(),
            ran: 0,
        }
    }

    pub(crate) fn snapshot(&self) -> RunTrace {
        self.trace.clone()
    }

    fn name(&self, step: u32) -> String {
        self.trace
            .steps
            .get(step as usize)
            .map_or_else(String::new, |s| s.name.clone())
    }

    fn activity(&mut self, step: u32) -> Option<&mut StepActivity> {
        self.trace.steps.get_mut(step as usize)
    }

    fn endpoint(&self, code: u32) -> Endpoint {
        match code {
            OUTSIDE => Endpoint::Outside,
            STREAM => Endpoint::Stream,
            END => Endpoint::End,
            step => Endpoint::Step(self.name(step)),
        }
    }

    fn happen(&mut self, what: What) {
        if self.trace.timeline.len() < RunTrace::TIMELINE_LIMIT {
            self.trace.timeline.push(Happening {
                at: self.started.elapsed(),
                what,
            });
        } else {
            self.trace.timeline_dropped += 1;
        }
    }
}

impl Observer for Recorder {
    fn started(&mut self, execution: Execution, event: &str, _worker: u32) {
        let Execution { step, attempt, .. } = execution;
        let first = self.activity(step).is_some_and(|a| a.order.is_none());
        if first {
            self.ran += 1;
        }
        let ran = self.ran;
        if let Some(activity) = self.activity(step) {
            activity.started += 1;
            if first {
                activity.order = Some(ran);
            }
        }
        let step = self.name(step);
        self.happen(What::Started {
            step,
            event: event.to_owned(),
            attempt,
        });
    }

    fn finished(&mut self, execution: Execution, emitted: Option<&str>, fanned_out: Option<u64>) {
        let step = execution.step;
        if let Some(activity) = self.activity(step) {
            activity.succeeded += 1;
        }
        if let Some(n) = fanned_out {
            let name = self.name(step);
            let at = *self.fan_outs.entry(step).or_insert_with(|| {
                self.trace.fan_outs.push(FanOutActivity {
                    step: name,
                    ..FanOutActivity::default()
                });
                self.trace.fan_outs.len() - 1
            });
            let fan_out = &mut self.trace.fan_outs[at];
            fan_out.fan_outs += 1;
            fan_out.events += n;
        }
        let step = self.name(step);
        self.happen(What::Finished {
            step,
            emitted: emitted.map(str::to_owned),
            fanned_out,
        });
    }

    fn failed(&mut self, execution: Execution, error: &str, then: AfterFailure) {
        let step = execution.step;
        let retried = matches!(then, AfterFailure::Retry(_));
        if let Some(activity) = self.activity(step) {
            activity.failed += 1;
            if retried {
                activity.retried += 1;
            }
        }
        let step = self.name(step);
        self.happen(What::Failed {
            step,
            error: error.to_owned(),
            then,
        });
    }

    /// An event went from `from` to `to` (step indexes or the constants above).
    fn flow(&mut self, from: u32, event: &'static str, to: u32) {
        match self.flows.get(&(from, event, to)) {
            Some(&at) => self.trace.flows[at].count += 1,
            None => {
                let flow = Flow {
                    from: self.endpoint(from),
                    event: event.to_owned(),
                    to: self.endpoint(to),
                    count: 1,
                };
                self.trace.flows.push(flow);
                self.flows
                    .insert((from, event, to), self.trace.flows.len() - 1);
            }
        }
        if to == STREAM {
            self.happen(What::Streamed {
                event: event.to_owned(),
            });
        }
    }

    fn waiting(&mut self, step: u32, event: &str) {
        if let Some(activity) = self.activity(step) {
            activity.waited += 1;
        }
        let step = self.name(step);
        self.happen(What::Waiting {
            step,
            event: event.to_owned(),
        });
    }

    fn resumed(&mut self, step: u32, event: &str) {
        let step = self.name(step);
        self.happen(What::Resumed {
            step,
            event: event.to_owned(),
        });
    }

    /// A fan-out of `fan_step` ended: all its branches finished, or a join cut it short.
    fn fan_out_ended(&mut self, fan_step: u32, cut_short: bool) {
        if let Some(&at) = self.fan_outs.get(&fan_step) {
            let fan_out = &mut self.trace.fan_outs[at];
            fan_out.joined += 1;
            if cut_short {
                fan_out.cut_short += 1;
            }
        }
    }

    /// `join` runs with `events` events of a fan-out.
    fn joined(&mut self, join: u32, events: u64) {
        let step = self.name(join);
        self.happen(What::Joined { step, events });
    }

    fn ended(&mut self, outcome: TraceOutcome) {
        self.trace.outcome = outcome.clone();
        self.happen(What::Ended(outcome));
    }

    fn trace(&self) -> Option<RunTrace> {
        Some(self.snapshot())
    }
}
