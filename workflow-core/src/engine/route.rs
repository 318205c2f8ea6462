//! Where an event goes once the driver has settled who takes it: into a new input of a step
//! that takes it alone, into a set being assembled, or into a collection at a fan-out's
//! join; and what a fan-out with no work left turns into. The engine decides; the driver,
//! through [`Dispatch`], starts or queues the inputs it is handed.

use crate::engine::envelope::{FanOutId, Lineage};
use crate::engine::fan::FanOuts;
use crate::engine::link::Link;
use crate::engine::seams::Observer;
use crate::engine::table::{OUTSIDE, StepTable};
use crate::engine::work::Work;
use crate::event::AnyEvent;
use crate::step::io::StepInput;
use crate::step::takes::Takes;

/// What routing needs of the driver: a place for new inputs, and the run's observer.
pub(crate) trait Dispatch {
    /// Starts `work` on `step` now, or queues it behind the step's busy workers.
    fn dispatch(&mut self, step: u32, work: Work);
    /// Tells the run's observer, if it has one.
    fn record(&self, f: impl FnOnce(&mut dyn Observer));
}

/// Where a routed event comes from.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    /// The step that returned or sent it, or [`OUTSIDE`].
    pub(crate) step: u32,
    /// The event's place in the trace.
    pub(crate) link: Link,
}

impl Source {
    /// An event from outside the run.
    #[inline]
    pub(crate) fn outside() -> Self {
        Self {
            step: OUTSIDE,
            link: Link::none(),
        }
    }

    /// The event's place in the trace, for the execution it starts.
    #[inline]
    fn links(&self) -> Vec<Link> {
        if self.link.is_some() {
            vec![self.link.clone()]
        } else {
            Vec::new()
        }
    }
}

/// Delivering one event to the steps that take it, borrowed apart from the rest of the run.
pub(crate) struct Delivery<'a, D> {
    pub(crate) table: &'a StepTable,
    pub(crate) fan: &'a mut FanOuts,
    pub(crate) out: &'a mut D,
    /// A fan-out whose join took all it needed: the run cuts it short after the delivery.
    pub(crate) cut: Option<FanOutId>,
    /// Who sent the event being delivered.
    pub(crate) from: &'a Source,
}

impl<D: Dispatch> Delivery<'_, D> {
    /// Hands `event` to `step`, according to how the step takes its events.
    pub(crate) fn deliver(&mut self, step: u32, event: AnyEvent, lineage: Lineage) {
        if self.cut.is_some() {
            // The rest of this fan-out is being cancelled.
            return;
        }
        let spec = self.table.spec(step);
        let origin = self.from.step;
        self.out.record(|r| r.flow(origin, event.name(), step));
        let param = || {
            let ty = event.event_type_id();
            spec.accepts
                .iter()
                .position(|e| e.type_id() == ty)
                .unwrap_or(0)
        };
        match spec.takes {
            Takes::EachOf => {
                let param = param();
                let params = spec.accepts.len();
                // A waiting event holds its branch's work until its set is complete.
                self.fan.enter(&lineage);
                let link = self.from.link.clone();
                if let Some(set) = self
                    .fan
                    .add_to_set(step, param, params, lineage, event, link)
                {
                    let lineage = set.lineage;
                    self.fan.enter(&lineage);
                    self.dispatch(step, StepInput::Set(set.events), lineage, set.links);
                    // The set's events hand their work to the execution, which holds some.
                    self.fan.leave(&lineage, params);
                }
            }
            Takes::Collections { take } => {
                let param = param();
                let Some(member) = lineage.member else {
                    // Outside any fan-out, an event is a collection of its own.
                    let mut collections: Vec<Vec<AnyEvent>> =
                        (0..spec.accepts.len()).map(|_| Vec::new()).collect();
                    if let Some(collection) = collections.get_mut(param) {
                        collection.push(event);
                    }
                    let links = self.from.links();
                    return self.dispatch(
                        step,
                        StepInput::Collections(collections),
                        lineage,
                        links,
                    );
                };
                let param = u32::try_from(param).unwrap_or(0);
                let link = self.from.link.clone();
                let arrived = self.fan.arrive(member, step, param, event, link);
                if take.is_some_and(|take| arrived >= take) {
                    self.cut = Some(member.fan_out);
                }
            }
            Takes::One => {
                self.fan.enter(&lineage);
                let links = self.from.links();
                self.dispatch(step, StepInput::One(event), lineage, links);
            }
        }
    }

    fn dispatch(&mut self, step: u32, input: StepInput, lineage: Lineage, links: Vec<Link>) {
        let mut work = Work::new(input, lineage);
        work.links = links;
        self.out.dispatch(step, work);
    }
}

/// Runs the joins of fan-out `id`, which has no work left, then gives up the work it held in
/// its parent, which may in turn be done, and so on up. `cut_short` names a fan-out that was
/// cut short rather than run out.
pub(crate) fn join(
    table: &StepTable,
    fan: &mut FanOuts,
    out: &mut impl Dispatch,
    id: FanOutId,
    mut cut_short: Option<FanOutId>,
) {
    let mut next = Some(id);
    while let Some(id) = next.take() {
        let Some(mut fan_out) = fan.close(id) else {
            return;
        };
        out.record(|r| r.fan_out_ended(fan_out.step, cut_short.take() == Some(id)));
        let mut joins: Vec<u32> = table.joins(fan_out.step).to_vec();
        for reached in fan_out.joins_reached() {
            if !joins.contains(&reached) {
                joins.push(reached);
            }
        }
        for join in joins {
            let params = table.spec(join).accepts.len();
            let (collections, links) = fan_out.take_collections(join, params);
            let events = collections.iter().map(Vec::len).sum::<usize>() as u64;
            out.record(|r| r.joined(join, events));
            tracing::debug!(target: "eventflow::run", step = table.spec(join).name, fan_out = table.spec(fan_out.step).name, events, "joining");
            fan.enter(&fan_out.parent);
            let mut work = Work::new(StepInput::Collections(collections), fan_out.parent);
            work.links = links;
            out.dispatch(join, work);
        }
        next = fan.leave(&fan_out.parent, 1);
    }
}
