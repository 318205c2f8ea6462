//! Fan-in buffers behind [`Context::collect_events`](crate::Context::collect_events).
//!
//! A buffer keeps one FIFO queue per distinct event type of the awaited set, so adding an event
//! and checking for completion cost O(number of types in the set), whatever the number of
//! events: a fan-in of a million events is linear.

use std::any::TypeId;
use std::collections::{HashMap, VecDeque};

use crate::engine::link::Link;
use crate::event::AnyEvent;
use crate::event::{Event, EventType};

mod checkpoint;

/// A set of events that [`Context::collect_events`](crate::Context::collect_events) waits for:
/// a tuple of event types, or an array of one event type.
///
/// ```
/// use eventflow_core::{StartEvent, StopEvent};
/// use eventflow_core::run::CollectSet;
///
/// let slots = <(StartEvent<u8>, StopEvent<u8>, StartEvent<u8>)>::slots();
/// let names: Vec<_> = slots.iter().map(|t| t.name()).collect();
/// assert_eq!(names, ["StartEvent", "StopEvent", "StartEvent"]);
/// assert_eq!(<[StopEvent<u8>; 3]>::slots().len(), 3);
/// ```
pub trait CollectSet: Sized + Send + 'static {
    /// The awaited event types, one per member, in order.
    fn slots() -> Vec<EventType>;

    /// Builds the set from one event per slot, in slot order.
    #[doc(hidden)]
    fn assemble(events: Vec<AnyEvent>) -> Option<Self>;

    /// Whether the set has no member, so it is complete before any event arrives.
    #[doc(hidden)]
    fn is_empty() -> bool {
        false
    }
}

/// The empty set: complete at once.
impl CollectSet for () {
    fn slots() -> Vec<EventType> {
        Vec::new()
    }
    fn assemble(_events: Vec<AnyEvent>) -> Option<Self> {
        Some(())
    }
    fn is_empty() -> bool {
        true
    }
}

fn take<E: Event>(events: &mut impl Iterator<Item = AnyEvent>) -> Option<E> {
    events.next()?.downcast().ok()
}

macro_rules! tuple_sets {
    ($(($($t:ident),+))+) => {$(
        impl<$($t: Event),+> CollectSet for ($($t,)+) {
            fn slots() -> Vec<EventType> {
                vec![$(EventType::of::<$t>()),+]
            }
            fn assemble(events: Vec<AnyEvent>) -> Option<Self> {
                let mut events = events.into_iter();
                Some(($(take::<$t>(&mut events)?,)+))
            }
        }
    )+};
}

tuple_sets! {
    (A)
    (A, B)
    (A, B, C)
    (A, B, C, D)
    (A, B, C, D, E)
    (A, B, C, D, E, F)
    (A, B, C, D, E, F, G)
    (A, B, C, D, E, F, G, H)
    (A, B, C, D, E, F, G, H, I)
    (A, B, C, D, E, F, G, H, I, J)
    (A, B, C, D, E, F, G, H, I, J, K)
    (A, B, C, D, E, F, G, H, I, J, K, L)
}

impl<E: Event, const N: usize> CollectSet for [E; N] {
    fn slots() -> Vec<EventType> {
        vec![EventType::of::<E>(); N]
    }
    fn assemble(events: Vec<AnyEvent>) -> Option<Self> {
        let events: Vec<E> = events
            .into_iter()
            .map(|e| e.downcast().ok())
            .collect::<Option<_>>()?;
        events.try_into().ok()
    }
    fn is_empty() -> bool {
        N == 0
    }
}

/// Identifies one buffer: the collecting step and the awaited set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct CollectKey {
    pub(crate) step: u32,
    pub(crate) set: TypeId,
}

/// The collectors of one run.
#[derive(Debug, Default)]
pub(crate) struct Collectors {
    live: HashMap<CollectKey, Collector>,
    /// Collectors read from a checkpoint, each waiting for its step to collect again: only
    /// then is the key's type known.
    restored: Vec<(u32, Collector)>,
    /// Whether the run is checkpointed: complete sets are then remembered until the
    /// execution that took one ends, since until then a checkpoint must still hold them.
    durable: bool,
    /// Sets taken by executions still running: the input number of the execution, the
    /// collector's key, and each event with its kind and the input that buffered it.
    taken: Vec<Taken>,
    /// Executions whose taken sets a commit holds, which have finished since.
    taken_gone: Vec<u64>,
}

#[derive(Debug)]
struct Taken {
    execution: u64,
    key: CollectKey,
    events: Vec<(usize, u64, AnyEvent)>,
    /// A commit holds it.
    written: bool,
}

impl Collectors {
    /// Adds `event`, buffered by input `execution`, to the collector `key` (made by `make`
    /// unless it exists or a checkpoint held it), as [`Collector::insert`] does.
    pub(crate) fn insert(
        &mut self,
        key: CollectKey,
        make: impl FnOnce() -> Collector,
        configure: impl FnOnce(&mut Collector),
        event: AnyEvent,
        execution: u64,
        link: impl FnOnce() -> Link,
    ) -> Result<Option<Batch>, AnyEvent> {
        let restored = &mut self.restored;
        let collector = self.live.entry(key).or_insert_with(|| {
            let made = make();
            match restored
                .iter()
                .position(|(step, c)| *step == key.step && c.same_shape(&made))
            {
                Some(at) => restored.swap_remove(at).1,
                None => made,
            }
        });
        configure(collector);
        let batch = collector.insert_tagged(event, execution, self.durable, link)?;
        if self.durable
            && let Some(batch) = &batch
        {
            self.taken.push(Taken {
                execution,
                key,
                events: batch.tagged.clone(),
                written: false,
            });
        }
        Ok(batch)
    }

    /// Remembers taken sets from now on: the run is checkpointed.
    pub(crate) fn keep_taken(&mut self) {
        self.durable = true;
    }

    /// Input `execution`'s execution ended: what it took is no longer needed for a
    /// checkpoint.
    pub(crate) fn settled(&mut self, execution: u64) {
        if !self.taken.is_empty() {
            let gone = &mut self.taken_gone;
            self.taken.retain(|t| {
                let keep = t.execution != execution;
                if !keep && t.written {
                    gone.push(execution);
                }
                keep
            });
        }
    }

    /// Descriptions of collections still waiting for events.
    pub(crate) fn pending(&self) -> Vec<String> {
        let mut pending: Vec<String> = self
            .live
            .values()
            .chain(self.restored.iter().map(|(_, c)| c))
            .filter_map(Collector::describe_pending)
            .collect();
        pending.sort();
        pending
    }
}

/// A complete set, with the spans standing for its events.
#[derive(Debug)]
pub(crate) struct Batch {
    pub(crate) events: Vec<AnyEvent>,
    pub(crate) links: Vec<Link>,
    /// In a checkpointed run, a copy of the events with their kinds and the inputs that
    /// buffered them.
    tagged: Vec<(usize, u64, AnyEvent)>,
}

/// Events received towards one awaited set.
#[derive(Debug)]
pub(crate) struct Collector {
    kinds: Vec<Kind>,
    /// For each slot, the index of its kind.
    slots: Vec<usize>,
    step: &'static str,
}

#[derive(Debug)]
struct Kind {
    event: EventType,
    needed: usize,
    /// The events, each with the number of the input whose execution buffered it.
    queue: VecDeque<(u64, AnyEvent)>,
    /// In a checkpointed run: the queue's length at the last commit, and how many events
    /// were added since, which is what the next commit writes.
    written_len: usize,
    added: usize,
    /// The spans standing for the queued events, while tracing records them: the execution
    /// that completes a set follows from them all.
    links: VecDeque<Link>,
}

impl Collector {
    pub(crate) fn new(step: &'static str, slots: &[EventType]) -> Self {
        let mut kinds: Vec<Kind> = Vec::new();
        let slots = slots
            .iter()
            .map(|&event| {
                if let Some(i) = kinds.iter().position(|k| k.event == event) {
                    kinds[i].needed += 1;
                    i
                } else {
                    kinds.push(Kind {
                        event,
                        needed: 1,
                        queue: VecDeque::new(),
                        links: VecDeque::new(),
                        written_len: 0,
                        added: 0,
                    });
                    kinds.len() - 1
                }
            })
            .collect();
        Self { kinds, slots, step }
    }

    /// A collector of `n` events of one type, for [`Context::collect_many`](crate::Context::collect_many).
    pub(crate) fn many(step: &'static str, event: EventType, n: usize) -> Self {
        Self {
            kinds: vec![Kind {
                event,
                needed: n,
                queue: VecDeque::new(),
                links: VecDeque::new(),
                written_len: 0,
                added: 0,
            }],
            slots: Vec::new(),
            step,
        }
    }

    /// Changes how many events a [`many`](Self::many) collector waits for.
    pub(crate) fn set_needed(&mut self, n: usize) {
        if let [kind] = self.kinds.as_mut_slice() {
            kind.needed = n;
        }
    }

    /// Whether `other` awaits the same set: the same kinds in the same slots.
    fn same_shape(&self, other: &Self) -> bool {
        self.slots == other.slots
            && self.kinds.len() == other.kinds.len()
            && self
                .kinds
                .iter()
                .zip(&other.kinds)
                .all(|(a, b)| a.event == b.event && (self.slots.is_empty() || a.needed == b.needed))
    }

    /// Adds `event`, buffered by input `execution` and which `link` makes a span for if it
    /// waits; returns a complete batch in slot order, `Ok(None)` while incomplete, or the
    /// event back if its type is not awaited. A batch comes with the links of its events.
    #[cfg(test)]
    fn insert(
        &mut self,
        event: AnyEvent,
        execution: u64,
        link: impl FnOnce() -> Link,
    ) -> Result<Option<Batch>, AnyEvent> {
        self.insert_tagged(event, execution, false, link)
    }

    fn insert_tagged(
        &mut self,
        event: AnyEvent,
        execution: u64,
        tag: bool,
        link: impl FnOnce() -> Link,
    ) -> Result<Option<Batch>, AnyEvent> {
        let id = event.event_type_id();
        let Some(kind) = self.kinds.iter_mut().find(|k| k.event.type_id() == id) else {
            return Err(event);
        };
        kind.queue.push_back((execution, event));
        kind.added += 1;
        if self.kinds.iter().any(|k| k.queue.len() < k.needed) {
            // The execution that completes the set takes this event from its buffer: it
            // follows from the span that stands for the event while it waits there.
            let link = link();
            if link.is_some()
                && let Some(kind) = self.kinds.iter_mut().find(|k| k.event.type_id() == id)
            {
                kind.links.push_back(link);
            }
            return Ok(None);
        }
        let links = self
            .kinds
            .iter_mut()
            .flat_map(|k| {
                let n = k.needed.min(k.links.len());
                k.links.drain(..n).collect::<Vec<_>>()
            })
            .collect();
        let mut taken: Vec<VecDeque<(u64, AnyEvent)>> = self
            .kinds
            .iter_mut()
            .map(|k| k.queue.drain(..k.needed).collect())
            .collect();
        let tagged = if tag {
            (0..)
                .zip(&taken)
                .flat_map(|(kind, queue)| queue.iter().map(move |(n, e)| (kind, *n, e.clone())))
                .collect()
        } else {
            Vec::new()
        };
        if self.slots.is_empty() {
            // A `many` collector: one kind, arrival order.
            return Ok(taken.pop().map(|events| Batch {
                events: events.into_iter().map(|(_, e)| e).collect(),
                links,
                tagged,
            }));
        }
        let events = self
            .slots
            .iter()
            .filter_map(|&kind| taken[kind].pop_front().map(|(_, e)| e))
            .collect();
        Ok(Some(Batch {
            events,
            links,
            tagged,
        }))
    }

    /// Describes an incomplete collection for a stalled run, or `None` if nothing is buffered.
    pub(crate) fn describe_pending(&self) -> Option<String> {
        let have: usize = self.kinds.iter().map(|k| k.queue.len().min(k.needed)).sum();
        if have == 0 {
            return None;
        }
        let need: usize = self.kinds.iter().map(|k| k.needed).sum();
        let missing: Vec<String> = self
            .kinds
            .iter()
            .filter(|k| k.queue.len() < k.needed)
            .map(|k| format!("{} × `{}`", k.needed - k.queue.len(), k.event.name()))
            .collect();
        Some(format!(
            "step `{}` collected {have} of {need} events and still lacks {}",
            self.step,
            missing.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{StartEvent, StopEvent};

    type A = StartEvent<u32>;
    type B = StopEvent<u32>;

    fn a(n: u32) -> AnyEvent {
        AnyEvent::new(StartEvent::new(n))
    }
    fn b(n: u32) -> AnyEvent {
        AnyEvent::new(StopEvent::new(n))
    }

    fn fire<T: CollectSet>(c: &mut Collector, ev: AnyEvent) -> Option<T> {
        c.insert(ev, 1, Link::none)
            .ok()
            .flatten()
            .and_then(|b| T::assemble(b.events))
    }

    #[test]
    fn fires_once_per_complete_set_in_declared_order() {
        let mut c = Collector::new("s", &<(B, A)>::slots());
        assert!(fire::<(B, A)>(&mut c, a(1)).is_none());
        assert!(fire::<(B, A)>(&mut c, a(2)).is_none());
        let (stop, start) = fire::<(B, A)>(&mut c, b(3)).expect("complete");
        assert_eq!((stop.result, start.input), (3, 1));
        // The surplus A(2) is kept for the next set rather than dropped.
        let (stop, start) = fire::<(B, A)>(&mut c, b(4)).expect("complete");
        assert_eq!((stop.result, start.input), (4, 2));
    }

    #[test]
    fn repeated_types_fill_in_arrival_order() {
        let mut c = Collector::new("s", &<(A, B, A)>::slots());
        assert!(fire::<(A, B, A)>(&mut c, a(1)).is_none());
        assert!(fire::<(A, B, A)>(&mut c, b(9)).is_none());
        let (x, y, z) = fire::<(A, B, A)>(&mut c, a(2)).expect("complete");
        assert_eq!((x.input, y.result, z.input), (1, 9, 2));
    }

    #[test]
    fn unexpected_types_are_handed_back() {
        let mut c = Collector::new("s", &<[A; 2]>::slots());
        assert!(c.insert(b(1), 1, Link::none).is_err());
        assert!(fire::<[A; 2]>(&mut c, a(1)).is_none());
        let [x, y] = fire::<[A; 2]>(&mut c, a(2)).expect("complete");
        assert_eq!((x.input, y.input), (1, 2));
    }

    #[test]
    fn many_collectors_describe_what_is_missing() {
        let mut c = Collector::many("gather", EventType::of::<A>(), 3);
        assert_eq!(c.describe_pending(), None);
        assert!(matches!(c.insert(a(1), 1, Link::none), Ok(None)));
        assert_eq!(
            c.describe_pending().as_deref(),
            Some("step `gather` collected 1 of 3 events and still lacks 2 × `StartEvent`")
        );
        assert!(matches!(c.insert(a(2), 1, Link::none), Ok(None)));
        let batch = c
            .insert(a(3), 1, Link::none)
            .ok()
            .flatten()
            .expect("complete");
        assert_eq!(batch.events.len(), 3);
    }
}
