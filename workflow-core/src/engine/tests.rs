//! The engine driven by hand, with no runtime: what it decides for each input it is given.

use std::any::TypeId;
use std::cell::RefCell;
use std::time::Duration;

use crate::engine::envelope::Lineage;
use crate::engine::failure::{AfterFailed, Failed, after_failed};
use crate::engine::fan::FanOuts;
use crate::engine::link::Link;
use crate::engine::queues::Queues;
use crate::engine::route::{self, Delivery, Dispatch, Source};
use crate::engine::seams::{Execution, Observer};
use crate::engine::snapshot::ExecutionOp;
use crate::engine::table::StepTable;
use crate::engine::work::Work;
use crate::event::{AnyEvent, EventType, StartEvent, StopEvent};
use crate::id::RunId;
use crate::retry::RetryPolicy;
use crate::step::io::StepInput;
use crate::step::spec::{Catches, StepSpec};
use crate::step::takes::Takes;

type Start = StartEvent<u32>;
type Stop = StopEvent<u32>;

const START: EventType = EventType::of::<Start>();
const STOP: EventType = EventType::of::<Stop>();

fn table(specs: &[&'static StepSpec]) -> StepTable {
    StepTable::new(specs.into(), TypeId::of::<Stop>(), &[], (&[], &[]))
}

fn work(n: u32) -> Work {
    Work::new(
        StepInput::One(AnyEvent::new(Start::new(n))),
        Lineage::default(),
    )
}

fn number(input: &StepInput) -> Vec<u32> {
    input
        .clone()
        .into_events()
        .into_iter()
        .filter_map(|e| e.downcast::<Start>().ok())
        .map(|e| e.input)
        .collect()
}

#[test]
fn inputs_beyond_the_worker_limit_wait_in_order() {
    let mut queues = Queues::new(1, false, false);
    assert!(queues.admit(0, work(1), 2, || 0).is_some());
    assert!(queues.admit(0, work(2), 2, || 0).is_some());
    let _ = queues.occupy(0, 1);
    let _ = queues.occupy(0, 2);
    assert!(queues.admit(0, work(3), 2, || 0).is_none());
    assert!(queues.admit(0, work(4), 2, || 0).is_none());
    assert!(
        queues.next_queued(0, 2, || 0).is_none(),
        "no worker is free"
    );
    queues.vacate(0, 0, 1);
    let next = queues.next_queued(0, 2, || 0).map(|w| number(&w.input));
    assert_eq!(next, Some(vec![3]));
    assert_eq!(queues.in_flight(), 1);
}

#[test]
fn inputs_are_numbered_once_and_keep_their_number() {
    let mut queues = Queues::new(2, false, false);
    let first = queues.admit(0, work(1), 4, || 0).map(|w| w.execution);
    let second = queues.admit(1, work(2), 4, || 0).map(|w| w.execution);
    assert_eq!((first, second), (Some(1), Some(2)));
    let mut retry = work(1);
    retry.execution = 1;
    assert_eq!(
        queues.admit(0, retry, 4, || 0).map(|w| w.execution),
        Some(1)
    );
    assert_eq!(queues.next_execution, 3);
}

#[test]
fn worker_numbers_are_reused_and_waiting_executions_hold_no_worker() {
    let mut queues = Queues::new(1, true, false);
    assert_eq!(queues.occupy(0, 1), 0);
    assert_eq!(queues.occupy(0, 2), 1);
    assert!(queues.is_running(2));
    queues.vacate(0, 0, 1);
    assert!(!queues.is_running(1));
    assert_eq!(queues.occupy(0, 3), 0);
    // Two in flight with a limit of two: full, unless one of them waits inside itself.
    assert!(queues.admit(0, work(9), 2, || 0).is_none());
    assert!(queues.next_queued(0, 2, || 1).is_some());
    assert_eq!(queues.active().collect::<Vec<_>>(), [0]);
}

#[test]
fn held_starts_queue_everything_and_journal_it() {
    let table = table(&[&STEP_ONE]);
    let mut queues = Queues::new(1, true, true);
    assert!(
        queues.admit(0, work(1), 4, || 0).is_none(),
        "starts are held"
    );
    assert!(queues.next_queued(0, 4, || 0).is_none());
    queues.hold_starts(false);
    let started = queues.next_queued(0, 4, || 0);
    assert!(started.is_some());
    let _ = queues.occupy(0, 1);
    queues.vacate(0, 0, 1);
    let ops = queues
        .journal
        .as_ref()
        .map(|j| j.ops(&table))
        .transpose()
        .ok()
        .flatten()
        .unwrap_or_default();
    let kinds: Vec<String> = ops
        .iter()
        .map(|op| match op {
            ExecutionOp::Put(saved) => format!("put {} #{}", saved.step, saved.execution),
            ExecutionOp::Remove(n) => format!("remove #{n}"),
        })
        .collect();
    assert_eq!(kinds, ["put one #1", "remove #1"]);
}

#[test]
fn cancelled_queued_inputs_leave_the_queue_and_the_journal() {
    let mut queues = Queues::new(1, true, true);
    let mut doomed = work(1);
    doomed.lineage.recoveries = 1;
    assert!(queues.admit(0, doomed, 1, || 0).is_none());
    assert!(queues.admit(0, work(2), 1, || 0).is_none());
    queues.cancel_queued(|lineage| lineage.recoveries == 1);
    let left: Vec<u64> = queues.queued().map(|(_, w)| w.execution).collect();
    assert_eq!(left, [2]);
    queues.clear();
    assert_eq!(queues.queued().count(), 0);
    assert_eq!(queues.in_flight(), 0);
}

static STEP_ONE: StepSpec = StepSpec {
    accepts: &[START],
    emits: &[STOP],
    ..StepSpec::new("one")
};

static FLAKY: StepSpec = StepSpec {
    accepts: &[START],
    emits: &[STOP],
    ..StepSpec::new("flaky")
};

static RESCUE: StepSpec = StepSpec {
    accepts: &[EventType::of::<crate::StepFailed>()],
    emits: &[STOP],
    catches: Some(Catches {
        steps: &["flaky"],
        max_recoveries: 1,
    }),
    ..StepSpec::new("rescue")
};

fn failed(step: u32, attempts: u32, recoveries: u32, error: &std::io::Error) -> Failed<'_> {
    Failed {
        run: RunId::from_u64(7),
        step,
        attempts,
        elapsed: Duration::ZERO,
        lineage: Lineage {
            recoveries,
            ..Lineage::default()
        },
        error,
        has_input: true,
    }
}

#[test]
fn a_failure_is_retried_then_recovered_then_fails_the_run() {
    let table = table(&[&FLAKY, &RESCUE]);
    let error = std::io::Error::other("down");
    let policy = RetryPolicy::fixed(Duration::from_millis(10)).max_attempts(2);
    let first = after_failed(&table, Some(&policy), &failed(0, 1, 0, &error));
    assert_eq!(first, AfterFailed::Retry(Duration::from_millis(10)));
    let second = after_failed(&table, Some(&policy), &failed(0, 2, 0, &error));
    assert_eq!(second, AfterFailed::Recover(1));
    // The recovery budget of one is spent by the chain that was recovered once.
    let again = after_failed(&table, Some(&policy), &failed(0, 2, 1, &error));
    assert_eq!(again, AfterFailed::FailRun);
    let mut lost = failed(0, 1, 0, &error);
    lost.has_input = false;
    assert_eq!(
        after_failed(&table, Some(&policy), &lost),
        AfterFailed::Recover(1),
        "an input that was not kept cannot run again"
    );
    assert_eq!(
        after_failed(&table, None, &failed(1, 1, 0, &error)),
        AfterFailed::FailRun
    );
}

/// Records what routing asks of the driver.
#[derive(Default)]
struct Recorded {
    dispatched: Vec<(u32, Vec<u32>, usize)>,
    flows: RefCell<Vec<(u32, u32)>>,
}

impl Dispatch for Recorded {
    fn dispatch(&mut self, step: u32, work: Work) {
        self.dispatched
            .push((step, number(&work.input), work.links.len()));
    }

    fn record(&self, f: impl FnOnce(&mut dyn Observer)) {
        let mut flows = Flows(Vec::new());
        f(&mut flows);
        self.flows.borrow_mut().extend(flows.0);
    }
}

#[derive(Debug)]
struct Flows(Vec<(u32, u32)>);

impl Observer for Flows {
    fn started(&mut self, _: Execution, _: &str, _: u32) {}
    fn finished(&mut self, _: Execution, _: Option<&str>, _: Option<u64>) {}
    fn failed(&mut self, _: Execution, _: &str, _: crate::trace::AfterFailure) {}
    fn flow(&mut self, from: u32, _: &'static str, to: u32) {
        self.0.push((from, to));
    }
    fn waiting(&mut self, _: u32, _: &str) {}
    fn resumed(&mut self, _: u32, _: &str) {}
    fn fan_out_ended(&mut self, _: u32, _: bool) {}
    fn joined(&mut self, _: u32, _: u64) {}
    fn ended(&mut self, _: crate::trace::TraceOutcome) {}
}

static FAN: StepSpec = StepSpec {
    accepts: &[START],
    emits: &[START],
    fans_out: &[START],
    ..StepSpec::new("fan")
};

static JOIN: StepSpec = StepSpec {
    accepts: &[START],
    emits: &[STOP],
    takes: Takes::Collections { take: None },
    ..StepSpec::new("join")
};

static TAKE_TWO: StepSpec = StepSpec {
    accepts: &[START],
    emits: &[STOP],
    takes: Takes::Collections { take: Some(2) },
    ..StepSpec::new("take_two")
};

fn deliver(
    table: &StepTable,
    fan: &mut FanOuts,
    out: &mut Recorded,
    step: u32,
    n: u32,
    lineage: Lineage,
) -> Option<crate::engine::envelope::FanOutId> {
    let from = Source {
        step: 0,
        link: Link::none(),
    };
    let mut delivery = Delivery {
        table,
        fan,
        out,
        cut: None,
        from: &from,
    };
    delivery.deliver(step, AnyEvent::new(Start::new(n)), lineage);
    delivery.cut
}

#[test]
fn an_event_for_a_step_that_takes_one_is_an_input_of_its_own() {
    let table = table(&[&STEP_ONE]);
    let mut fan = FanOuts::default();
    let mut out = Recorded::default();
    let cut = deliver(&table, &mut fan, &mut out, 0, 5, Lineage::default());
    assert_eq!(cut, None);
    assert_eq!(out.dispatched, [(0, vec![5], 0)]);
    assert_eq!(*out.flows.borrow(), [(0, 0)]);
}

#[test]
fn a_join_runs_once_on_every_branch_of_its_fan_out_in_branch_order() {
    let table = table(&[&FAN, &JOIN]);
    let mut fan = FanOuts::default();
    let mut out = Recorded::default();
    let id = fan.open(0, Lineage::default(), 3);
    for (index, n) in [(2u32, 30u32), (0, 10), (1, 20)] {
        let member = Lineage {
            member: Some(crate::engine::envelope::Member { fan_out: id, index }),
            ..Lineage::default()
        };
        assert_eq!(deliver(&table, &mut fan, &mut out, 1, n, member), None);
        assert!(out.dispatched.is_empty(), "the join waits for every branch");
        let _ = fan.leave(&member, 1);
    }
    assert!(fan.is_idle(id));
    route::join(&table, &mut fan, &mut out, id, None);
    assert_eq!(out.dispatched, [(1, vec![10, 20, 30], 0)]);
}

#[test]
fn a_join_that_took_enough_cuts_its_fan_out_short() {
    let table = table(&[&FAN, &TAKE_TWO]);
    let mut fan = FanOuts::default();
    let mut out = Recorded::default();
    let id = fan.open(0, Lineage::default(), 5);
    let member = |index| Lineage {
        member: Some(crate::engine::envelope::Member { fan_out: id, index }),
        ..Lineage::default()
    };
    assert_eq!(deliver(&table, &mut fan, &mut out, 1, 1, member(0)), None);
    assert_eq!(
        deliver(&table, &mut fan, &mut out, 1, 2, member(3)),
        Some(id)
    );
}

#[test]
fn outside_a_fan_out_an_event_is_a_collection_of_its_own() {
    let table = table(&[&JOIN]);
    let mut fan = FanOuts::default();
    let mut out = Recorded::default();
    assert_eq!(
        deliver(&table, &mut fan, &mut out, 0, 4, Lineage::default()),
        None
    );
    assert_eq!(out.dispatched, [(0, vec![4], 0)]);
}
