//! Collectors as a checkpoint holds them, and back.
//!
//! A checkpoint holds what committed executions buffered. An execution still running when
//! it is taken runs again after a resume and buffers its event again, so its event is left
//! out; and a set it took is put back, since the execution will take it again.

use std::collections::VecDeque;

use crate::any_event::AnyEvent;
use crate::durable::{self, SavedCollector, SavedKind, SuspendError};
use crate::event::EventType;
use crate::run::table::StepTable;

use super::{Collector, Collectors, Kind};

impl Collectors {
    /// The buffered events as of the last completion, leaving out what the executions for
    /// which `running` holds did.
    pub(crate) fn save(
        &self,
        running: &dyn Fn(u64) -> bool,
    ) -> Result<Vec<SavedCollector>, SuspendError> {
        let mut saved = Vec::new();
        for (key, collector) in &self.live {
            let put_back = self
                .taken
                .iter()
                .filter(|t| t.key == *key && running(t.execution))
                .flat_map(|t| &t.events);
            saved.push(collector.save(running, put_back)?);
        }
        for (_, collector) in &self.restored {
            saved.push(collector.save(&|_| false, std::iter::empty())?);
        }
        saved.retain(|c| c.kinds.iter().any(|k| !k.queue.is_empty()));
        saved.sort_by(|a, b| a.step.cmp(&b.step));
        Ok(saved)
    }

    /// The collectors of a checkpoint, for a run whose steps `table` lists and whose events
    /// `find` names.
    pub(crate) fn restore(
        saved: Vec<SavedCollector>,
        table: &StepTable,
        find: &dyn Fn(&str) -> Option<EventType>,
        durable: bool,
    ) -> Result<Self, String> {
        let mut collectors = Self {
            durable,
            ..Self::default()
        };
        for collector in saved {
            let step = table
                .find(&collector.step)
                .ok_or_else(|| format!("it names no step of the workflow: `{}`", collector.step))?;
            let bad = |what: &str| format!("step `{}` collects {what}", collector.step);
            let mut kinds = Vec::with_capacity(collector.kinds.len());
            for kind in collector.kinds {
                let event = find(&kind.event)
                    .ok_or_else(|| format!("the workflow has no event named `{}`", kind.event))?;
                let mut queue = VecDeque::with_capacity(kind.queue.len());
                for (from, saved) in kind.queue {
                    let loaded = durable::load_event(&saved, find)?;
                    if loaded.event_type() != event {
                        return Err(bad("an event of another type in a queue"));
                    }
                    queue.push_back((from, loaded));
                }
                kinds.push(Kind {
                    event,
                    needed: usize::try_from(kind.needed)
                        .map_err(|_| bad("more events than it could hold"))?,
                    queue,
                    links: VecDeque::new(),
                });
            }
            let slots: Vec<usize> = collector.slots.iter().map(|&k| k as usize).collect();
            let shaped = if collector.many {
                slots.is_empty() && kinds.len() == 1
            } else {
                !slots.is_empty()
                    && kinds
                        .iter()
                        .enumerate()
                        .all(|(i, kind)| kind.needed == slots.iter().filter(|&&k| k == i).count())
                    && slots.iter().all(|&k| k < kinds.len())
            };
            if !shaped || kinds.iter().any(|k| k.needed == 0) {
                return Err(bad("a set its checkpoint describes inconsistently"));
            }
            collectors.restored.push((
                step,
                Collector {
                    kinds,
                    slots,
                    step: table.spec(step).name,
                },
            ));
        }
        Ok(collectors)
    }
}

impl Collector {
    /// The collector with `put_back` (events of sets taken by running executions) ahead of
    /// what it buffers, leaving out events that running executions buffered.
    fn save<'a>(
        &self,
        running: &dyn Fn(u64) -> bool,
        put_back: impl Iterator<Item = &'a (usize, u64, AnyEvent)>,
    ) -> Result<SavedCollector, SuspendError> {
        let mut kinds: Vec<SavedKind> = self
            .kinds
            .iter()
            .map(|kind| SavedKind {
                event: kind.event.name().to_owned(),
                needed: kind.needed as u64,
                queue: Vec::new(),
            })
            .collect();
        let buffered = self
            .kinds
            .iter()
            .enumerate()
            .flat_map(|(at, kind)| kind.queue.iter().map(move |(from, e)| (at, *from, e)));
        let put_back = put_back.map(|(at, from, e)| (*at, *from, e));
        for (at, from, event) in put_back.chain(buffered) {
            if let Some(saved) = kinds.get_mut(at).filter(|_| !running(from)) {
                saved.queue.push((from, durable::save_event(event)?));
            }
        }
        Ok(SavedCollector {
            step: self.step.to_owned(),
            many: self.slots.is_empty(),
            slots: self.slots.iter().map(|&k| k as u32).collect(),
            kinds,
        })
    }
}
