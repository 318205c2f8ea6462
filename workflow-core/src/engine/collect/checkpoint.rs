//! Collectors as a checkpoint holds them, and back.
//!
//! A checkpoint holds the collectors as they are, with the sets that running executions
//! took, and which executions were running. A running execution runs again after a resume
//! and buffers its event again, so when the run is resumed its event is left out; and a set
//! it took is put back, since it will take it again. Between full checkpoints, a commit
//! writes only what changed: per queue, how many events left its front and which joined its
//! back, so a collection of `n` events costs `O(n)` to checkpoint in all.

use std::collections::VecDeque;

use crate::engine::snapshot::{self, CollectorDelta, SavedCollector, SavedKind, SavedTaken};
use crate::engine::table::StepTable;
use crate::error::SuspendError;
use crate::event::AnyEvent;
use crate::event::EventType;

use super::{CollectKey, Collector, Collectors, Kind, Taken};

impl Collectors {
    /// Whether a checkpoint has anything of them to hold.
    pub(crate) fn is_empty(&self) -> bool {
        self.restored.is_empty()
            && self.taken.is_empty()
            && self
                .live
                .values()
                .all(|c| c.kinds.iter().all(|k| k.queue.is_empty()))
    }

    /// Every collector holding events or taken sets, as it is.
    pub(crate) fn save(&self) -> Result<Vec<SavedCollector>, SuspendError> {
        let mut saved = Vec::new();
        for (key, collector) in &self.live {
            let mut one = collector.shape(true)?;
            one.taken = self.save_taken(*key, |_| true)?;
            saved.push(one);
        }
        for (_, collector) in &self.restored {
            saved.push(collector.shape(true)?);
        }
        saved.retain(|c| !c.taken.is_empty() || c.kinds.iter().any(|k| !k.queue.is_empty()));
        saved.sort_by(|a, b| a.step.cmp(&b.step));
        Ok(saved)
    }

    /// What changed since the last commit: each collector's queues (what left their front,
    /// what joined their back) and new taken sets; and the executions whose taken sets the
    /// last commit held and which finished since.
    pub(crate) fn delta(&self) -> Result<(Vec<CollectorDelta>, Vec<u64>), SuspendError> {
        let mut changes = Vec::new();
        for (key, collector) in &self.live {
            let mut shape = collector.shape(false)?;
            shape.taken = self.save_taken(*key, |t| !t.written)?;
            let mut changed = !shape.taken.is_empty();
            let mut kinds = Vec::with_capacity(collector.kinds.len());
            for kind in &collector.kinds {
                let len = kind.queue.len();
                let added = kind.added.min(len);
                // What is left of the queue the last commit wrote is what was not added since.
                let left = kind.written_len.saturating_sub(len - added);
                changed |= added > 0 || left > 0;
                let new = kind
                    .queue
                    .range(len - added..)
                    .map(|(from, event)| Ok((*from, snapshot::save_event(event)?)))
                    .collect::<Result<Vec<_>, SuspendError>>()?;
                kinds.push((left as u64, new));
            }
            if changed {
                changes.push(CollectorDelta {
                    collector: shape,
                    kinds,
                });
            }
        }
        Ok((changes, self.taken_gone.clone()))
    }

    /// A commit wrote them as they are now.
    pub(crate) fn written(&mut self) {
        let restored = self.restored.iter_mut().map(|(_, c)| c);
        for kind in self
            .live
            .values_mut()
            .chain(restored)
            .flat_map(|c| c.kinds.iter_mut())
        {
            kind.written_len = kind.queue.len();
            kind.added = 0;
        }
        for taken in &mut self.taken {
            taken.written = true;
        }
        self.taken_gone.clear();
    }

    fn save_taken(
        &self,
        key: CollectKey,
        which: impl Fn(&Taken) -> bool,
    ) -> Result<Vec<SavedTaken>, SuspendError> {
        self.taken
            .iter()
            .filter(|t| t.key == key && which(t))
            .map(|t| {
                Ok(SavedTaken {
                    execution: t.execution,
                    events: t
                        .events
                        .iter()
                        .map(|(kind, from, event)| {
                            Ok((*kind as u32, *from, snapshot::save_event(event)?))
                        })
                        .collect::<Result<_, SuspendError>>()?,
                })
            })
            .collect()
    }

    /// The collectors of a checkpoint, for a run whose steps `table` lists and whose events
    /// `find` names, with what the executions in `running` buffered left out and the sets
    /// they took put back.
    pub(crate) fn restore(
        saved: Vec<SavedCollector>,
        running: &[u64],
        table: &StepTable,
        find: &dyn Fn(&str) -> Option<EventType>,
        durable: bool,
    ) -> Result<Self, String> {
        let mut collectors = Self {
            durable,
            ..Self::default()
        };
        let running = |execution: u64| running.contains(&execution);
        for collector in saved {
            let step = table
                .find(&collector.step)
                .ok_or_else(|| format!("it names no step of the workflow: `{}`", collector.step))?;
            let bad = |what: &str| format!("step `{}` collects {what}", collector.step);
            let mut kinds = Vec::with_capacity(collector.kinds.len());
            let load = |saved: &snapshot::SavedEvent, event: EventType| {
                let loaded = snapshot::load_event(saved, find)?;
                if loaded.event_type() == event {
                    Ok(loaded)
                } else {
                    Err(bad("an event of another type in a queue"))
                }
            };
            for kind in &collector.kinds {
                let event = find(&kind.event)
                    .ok_or_else(|| format!("the workflow has no event named `{}`", kind.event))?;
                let mut queue = VecDeque::with_capacity(kind.queue.len());
                for (from, saved) in kind.queue.iter().filter(|(from, _)| !running(*from)) {
                    queue.push_back((*from, load(saved, event)?));
                }
                kinds.push(Kind {
                    event,
                    needed: usize::try_from(kind.needed)
                        .map_err(|_| bad("more events than it could hold"))?,
                    queue,
                    links: VecDeque::new(),
                    written_len: 0,
                    added: 0,
                });
            }
            // Sets taken by running executions go back ahead of what was buffered after
            // them, in the order they were taken.
            let mut put_back: Vec<Vec<(u64, AnyEvent)>> =
                kinds.iter().map(|_| Vec::new()).collect();
            for taken in collector.taken.iter().filter(|t| running(t.execution)) {
                for (kind, from, saved) in taken.events.iter().filter(|e| !running(e.1)) {
                    let at = *kind as usize;
                    let event = kinds
                        .get(at)
                        .map(|k| k.event)
                        .ok_or_else(|| bad("a set it took of a kind it has not"))?;
                    put_back[at].push((*from, load(saved, event)?));
                }
            }
            for (kind, back) in kinds.iter_mut().zip(put_back) {
                for entry in back.into_iter().rev() {
                    kind.queue.push_front(entry);
                }
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
    /// The collector's step, set and kinds, with their events if `events`.
    fn shape(&self, events: bool) -> Result<SavedCollector, SuspendError> {
        let kinds = self
            .kinds
            .iter()
            .map(|kind| {
                let queue = if events {
                    kind.queue
                        .iter()
                        .map(|(from, event)| Ok((*from, snapshot::save_event(event)?)))
                        .collect::<Result<_, SuspendError>>()?
                } else {
                    Vec::new()
                };
                Ok(SavedKind {
                    event: kind.event.name().to_owned(),
                    needed: kind.needed as u64,
                    queue,
                })
            })
            .collect::<Result<_, SuspendError>>()?;
        Ok(SavedCollector {
            step: self.step.to_owned(),
            many: self.slots.is_empty(),
            slots: self.slots.iter().map(|&k| k as u32).collect(),
            kinds,
            taken: Vec::new(),
        })
    }
}
