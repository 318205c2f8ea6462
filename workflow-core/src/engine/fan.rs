//! The fan-outs of a run: how much work each still has alive, what its joins have collected,
//! and the sets being assembled for steps that take one event of each type.
//!
//! Every delivery of an event to a step inside a fan-out holds one unit of work there until the
//! execution ends: a retry keeps it, an emitted event passes it on, a step that emits nothing
//! gives it up. A nested fan-out holds one unit of its parent until it is joined. When a
//! fan-out has no work left, its joins run with what arrived. All of it is O(1) per event.

use std::collections::VecDeque;

use crate::engine::envelope::{FanOutId, Lineage, Member};
use crate::engine::link::Link;
use crate::event::AnyEvent;

mod checkpoint;

pub(crate) use checkpoint::{load_lineage, save_lineage};

/// The fan-outs in flight in one run, owned by its run loop.
#[derive(Default)]
pub(crate) struct FanOuts {
    slots: Vec<Slot>,
    free: Vec<u32>,
    /// Sets being assembled outside any fan-out.
    root_sets: Sets,
    /// In a run checkpointed after every step, which slots changed since the last commit.
    journal: Option<Box<Changes>>,
}

#[derive(Default)]
struct Changes {
    slots: Vec<u32>,
    root_sets: bool,
}

#[derive(Default)]
struct Slot {
    generation: u32,
    fan_out: Option<FanOut>,
    /// Changed since the last commit (listed in the journal).
    changed: bool,
    /// What the last commit holds of the slot: the fan-out's generation and how many of its
    /// arrivals.
    written: Option<(u32, usize)>,
}

/// One fan-out in flight.
pub(crate) struct FanOut {
    /// The step that fanned out.
    pub(crate) step: u32,
    /// The lineage of the execution that fanned out, which its joins carry on.
    pub(crate) parent: Lineage,
    /// How many events the fan-out had.
    members: u32,
    /// Units of work alive in the fan-out.
    live: usize,
    arrivals: Vec<Arrival>,
    /// How many events each join has received, for `take`.
    counts: Vec<(u32, usize)>,
    sets: Sets,
}

/// An event that reached a join.
struct Arrival {
    step: u32,
    param: u32,
    member: u32,
    event: AnyEvent,
    /// The event's place in the trace.
    link: Link,
}

impl FanOuts {
    /// Notes the changes of every slot from now on, for commits that write only those.
    pub(crate) fn track(&mut self) {
        self.journal.get_or_insert_with(Box::default);
    }

    /// Notes that `slot` changed, if changes are noted.
    #[inline]
    fn touch(&mut self, slot: u32) {
        if self.journal.is_some() {
            self.note(slot);
        }
    }

    // Out of the hot paths of runs that note nothing.
    #[cold]
    #[inline(never)]
    fn note(&mut self, slot: u32) {
        if let Some(journal) = &mut self.journal
            && let Some(entry) = self.slots.get_mut(slot as usize)
            && !entry.changed
        {
            entry.changed = true;
            journal.slots.push(slot);
        }
    }

    fn get(&self, id: FanOutId) -> Option<&FanOut> {
        let slot = self.slots.get(id.slot as usize)?;
        if slot.generation != id.generation {
            return None;
        }
        slot.fan_out.as_ref()
    }

    fn get_mut(&mut self, id: FanOutId) -> Option<&mut FanOut> {
        let slot = self.slots.get_mut(id.slot as usize)?;
        if slot.generation != id.generation {
            return None;
        }
        slot.fan_out.as_mut()
    }

    /// Whether the lineage is in no fan-out, or in one that is still open.
    pub(crate) fn is_open(&self, lineage: &Lineage) -> bool {
        lineage.member.is_none_or(|m| self.get(m.fan_out).is_some())
    }

    /// Opens a fan-out of `members` events, made by `step` running with `parent`. It holds the
    /// unit of work of that execution until it is joined.
    pub(crate) fn open(&mut self, step: u32, parent: Lineage, members: usize) -> FanOutId {
        let fan_out = FanOut {
            step,
            parent,
            members: u32::try_from(members).unwrap_or(u32::MAX),
            live: 0,
            arrivals: Vec::new(),
            counts: Vec::new(),
            sets: Sets::default(),
        };
        if let Some(slot) = self.free.pop() {
            let entry = &mut self.slots[slot as usize];
            entry.fan_out = Some(fan_out);
            let generation = entry.generation;
            self.touch(slot);
            return FanOutId { slot, generation };
        }
        self.slots.push(Slot {
            fan_out: Some(fan_out),
            ..Slot::default()
        });
        let slot = u32::try_from(self.slots.len() - 1).unwrap_or(u32::MAX);
        self.touch(slot);
        FanOutId {
            slot,
            generation: 0,
        }
    }

    /// One more unit of work in the lineage's fan-out.
    #[inline]
    pub(crate) fn enter(&mut self, lineage: &Lineage) {
        if let Some(member) = lineage.member {
            self.enter_fan_out(member.fan_out);
        }
    }

    fn enter_fan_out(&mut self, id: FanOutId) {
        if let Some(fan_out) = self.get_mut(id) {
            fan_out.live = fan_out.live.saturating_add(1);
            self.touch(id.slot);
        }
    }

    /// `units` of work of the lineage's fan-out end; returns the fan-out if it has none left.
    #[inline]
    pub(crate) fn leave(&mut self, lineage: &Lineage, units: usize) -> Option<FanOutId> {
        let id = lineage.member?.fan_out;
        self.leave_fan_out(id, units)
    }

    fn leave_fan_out(&mut self, id: FanOutId, units: usize) -> Option<FanOutId> {
        let fan_out = self.get_mut(id)?;
        fan_out.live = fan_out.live.saturating_sub(units);
        let idle = fan_out.live == 0;
        self.touch(id.slot);
        idle.then_some(id)
    }

    /// Whether the fan-out has no work left.
    pub(crate) fn is_idle(&self, id: FanOutId) -> bool {
        self.get(id).is_some_and(|f| f.live == 0)
    }

    /// An event for parameter `param` of join `step` arrived from a branch; returns how many
    /// that join has received from the fan-out so far.
    pub(crate) fn arrive(
        &mut self,
        member: Member,
        step: u32,
        param: u32,
        event: AnyEvent,
        link: Link,
    ) -> usize {
        self.touch(member.fan_out.slot);
        let Some(fan_out) = self.get_mut(member.fan_out) else {
            return 0;
        };
        fan_out.arrivals.push(Arrival {
            step,
            param,
            member: member.index,
            event,
            link,
        });
        match fan_out.counts.iter_mut().find(|(s, _)| *s == step) {
            Some((_, n)) => {
                *n = n.saturating_add(1);
                *n
            }
            None => {
                fan_out.counts.push((step, 1));
                1
            }
        }
    }

    /// Adds an event to the set that `step` (taking `params` events) assembles in the
    /// lineage's fan-out. Returns a complete set, oldest events first, with the lineage its
    /// execution carries on. The caller accounts for the work the waiting events hold.
    pub(crate) fn add_to_set(
        &mut self,
        step: u32,
        param: usize,
        params: usize,
        lineage: Lineage,
        event: AnyEvent,
        link: Link,
    ) -> Option<CompleteSet> {
        let sets = match lineage.member.map(|m| m.fan_out) {
            Some(id) if self.get(id).is_some() => {
                self.touch(id.slot);
                &mut self.get_mut(id)?.sets
            }
            _ => {
                if let Some(journal) = &mut self.journal {
                    journal.root_sets = true;
                }
                &mut self.root_sets
            }
        };
        sets.add(step, param, params, lineage, event, link)
    }

    /// Removes a fan-out, handing it back to be joined.
    pub(crate) fn close(&mut self, id: FanOutId) -> Option<FanOut> {
        let slot = self.slots.get_mut(id.slot as usize)?;
        if slot.generation != id.generation {
            return None;
        }
        let fan_out = slot.fan_out.take()?;
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(id.slot);
        self.touch(id.slot);
        Some(fan_out)
    }

    /// Removes every fan-out nested, at any depth, in `id`.
    pub(crate) fn close_nested(&mut self, id: FanOutId) {
        // Find them all before removing any: removing one breaks the chains through it.
        let nested: Vec<FanOutId> = self
            .slots
            .iter()
            .enumerate()
            .filter_map(|(slot, entry)| {
                let fan_out = entry.fan_out.as_ref()?;
                let this = FanOutId {
                    slot: u32::try_from(slot).ok()?,
                    generation: entry.generation,
                };
                (this != id && self.within(&fan_out.parent, id)).then_some(this)
            })
            .collect();
        for nested in nested {
            self.close(nested);
        }
    }

    /// Whether the lineage lies inside fan-out `id`, at any depth.
    pub(crate) fn within(&self, lineage: &Lineage, id: FanOutId) -> bool {
        let mut member = lineage.member;
        while let Some(m) = member {
            if m.fan_out == id {
                return true;
            }
            member = self.get(m.fan_out).and_then(|f| f.parent.member);
        }
        false
    }

    /// The sets still incomplete: the step, and which of its parameters have an event.
    pub(crate) fn partial_sets(&self) -> Vec<(u32, Vec<bool>)> {
        let nested = self
            .slots
            .iter()
            .filter_map(|s| s.fan_out.as_ref())
            .map(|f| &f.sets);
        std::iter::once(&self.root_sets)
            .chain(nested)
            .flat_map(|sets| sets.0.iter())
            .filter(|set| set.params.iter().any(|q| !q.is_empty()))
            .map(|set| (set.step, set.params.iter().map(|q| !q.is_empty()).collect()))
            .collect()
    }
}

impl FanOut {
    /// The joins that received events from this fan-out.
    pub(crate) fn joins_reached(&self) -> impl Iterator<Item = u32> + '_ {
        self.counts.iter().map(|&(step, _)| step)
    }

    /// Takes the collections for join `step`'s `params` parameters, each in fan-out order
    /// (events of one branch in arrival order), with the events' links.
    pub(crate) fn take_collections(
        &mut self,
        step: u32,
        params: usize,
    ) -> (Vec<Vec<AnyEvent>>, Vec<Link>) {
        let mut collections: Vec<Vec<(u32, AnyEvent)>> = (0..params).map(|_| Vec::new()).collect();
        let mut links = Vec::new();
        let arrivals = std::mem::take(&mut self.arrivals);
        for arrival in arrivals {
            match collections.get_mut(arrival.param as usize) {
                Some(collection) if arrival.step == step => {
                    collection.push((arrival.member, arrival.event));
                    if arrival.link.is_some() {
                        links.push(arrival.link);
                    }
                }
                _ => self.arrivals.push(arrival),
            }
        }
        let collections = collections
            .into_iter()
            .map(|c| in_member_order(c, self.members))
            .collect();
        (collections, links)
    }
}

/// Orders events by branch, keeping arrival order within a branch, in linear time.
fn in_member_order(items: Vec<(u32, AnyEvent)>, members: u32) -> Vec<AnyEvent> {
    if items.windows(2).all(|w| w[0].0 <= w[1].0) {
        return items.into_iter().map(|(_, event)| event).collect();
    }
    if members as usize > 2 * items.len() + 64 {
        // Few of many branches reached the join: sorting them beats a bucket per branch,
        // and a count read from a checkpoint never sizes an allocation.
        let mut items = items;
        items.sort_by_key(|&(member, _)| member);
        return items.into_iter().map(|(_, event)| event).collect();
    }
    let buckets = members as usize + 1;
    let bucket = |member: u32| (member as usize).min(buckets - 1);
    // Counting sort: where each branch's events start in the result.
    let mut starts = vec![0usize; buckets];
    for (member, _) in &items {
        starts[bucket(*member)] += 1;
    }
    let mut total = 0;
    for start in &mut starts {
        let count = *start;
        *start = total;
        total += count;
    }
    let mut ordered: Vec<Option<AnyEvent>> = (0..items.len()).map(|_| None).collect();
    for (member, event) in items {
        let at = &mut starts[bucket(member)];
        ordered[*at] = Some(event);
        *at += 1;
    }
    ordered.into_iter().flatten().collect()
}

/// Sets being assembled in one scope, per step.
#[derive(Default)]
struct Sets(Vec<PartialSet>);

struct PartialSet {
    step: u32,
    /// The waiting events of each parameter, oldest first, with their links.
    params: Vec<VecDeque<(Lineage, AnyEvent, Link)>>,
}

/// A set of one event per parameter, ready for its step.
pub(crate) struct CompleteSet {
    /// The lineage the execution carries on.
    pub(crate) lineage: Lineage,
    pub(crate) events: Vec<AnyEvent>,
    /// The events' places in the trace.
    pub(crate) links: Vec<Link>,
}

impl Sets {
    fn add(
        &mut self,
        step: u32,
        param: usize,
        params: usize,
        lineage: Lineage,
        event: AnyEvent,
        link: Link,
    ) -> Option<CompleteSet> {
        let at = match self.0.iter().position(|s| s.step == step) {
            Some(at) => at,
            None => {
                self.0.push(PartialSet {
                    step,
                    params: (0..params).map(|_| VecDeque::new()).collect(),
                });
                self.0.len() - 1
            }
        };
        let set = &mut self.0[at];
        set.params.get_mut(param)?.push_back((lineage, event, link));
        if set.params.iter().any(VecDeque::is_empty) {
            return None;
        }
        let mut joined = Lineage {
            recoveries: 0,
            member: None,
        };
        let mut events = Vec::with_capacity(params);
        let mut links = Vec::new();
        for waiting in &mut set.params {
            let (lineage, event, link) = waiting.pop_front()?;
            if link.is_some() {
                links.push(link);
            }
            joined.recoveries = joined.recoveries.max(lineage.recoveries);
            joined.member = match (joined.member, lineage.member) {
                (Some(a), Some(b)) if b.index < a.index => Some(b),
                (None, b) => b,
                (a, _) => a,
            };
            events.push(event);
        }
        Some(CompleteSet {
            lineage: joined,
            events,
            links,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(events: Vec<AnyEvent>) -> Vec<u32> {
        events
            .into_iter()
            .filter_map(|e| e.downcast::<crate::StartEvent<u32>>().ok())
            .map(|e| e.input)
            .collect()
    }

    fn item(member: u32, n: u32) -> (u32, AnyEvent) {
        (member, AnyEvent::new(crate::StartEvent::new(n)))
    }

    #[test]
    fn events_are_ordered_by_branch_and_by_arrival_within_one() {
        let items = vec![
            item(2, 20),
            item(0, 1),
            item(2, 21),
            item(1, 10),
            item(0, 2),
        ];
        assert_eq!(numbers(in_member_order(items, 3)), [1, 2, 10, 20, 21]);
        let sorted = vec![item(0, 1), item(1, 10), item(1, 11)];
        assert_eq!(numbers(in_member_order(sorted, 2)), [1, 10, 11]);
    }

    #[test]
    fn a_slot_is_reused_under_a_new_generation() {
        let mut fan_outs = FanOuts::default();
        let first = fan_outs.open(0, Lineage::default(), 2);
        let inside = Lineage {
            recoveries: 0,
            member: Some(Member {
                fan_out: first,
                index: 0,
            }),
        };
        fan_outs.enter(&inside);
        assert_eq!(fan_outs.leave(&inside, 1), Some(first));
        assert!(fan_outs.close(first).is_some());
        let second = fan_outs.open(0, Lineage::default(), 2);
        assert_eq!(second.slot, first.slot);
        assert_ne!(second, first);
        // Work of the old fan-out no longer counts anywhere.
        assert!(!fan_outs.is_open(&inside));
        assert_eq!(fan_outs.leave(&inside, 1), None);
    }
}
