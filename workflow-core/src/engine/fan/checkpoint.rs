//! Fan-outs and sets as a checkpoint holds them, and back.
//!
//! A checkpoint is taken between turns of the run loop, so every unit of work a fan-out
//! counts is held by something the checkpoint also carries: an execution in flight or
//! queued, an event waiting in a set, or a nested fan-out. Restored with those, the counts
//! stay exact and each fan-out joins when its last branch ends, as it would have.

use std::collections::VecDeque;

use crate::engine::envelope::{FanOutId, Lineage, Member};
use crate::engine::link::Link;
use crate::engine::snapshot::{
    self, OpenDelta, SavedArrival, SavedEvent, SavedFanOut, SavedFanOuts, SavedLineage,
    SavedMember, SavedSet, SlotDelta,
};
use crate::engine::table::StepTable;
use crate::error::SuspendError;
use crate::event::AnyEvent;
use crate::step::takes::Takes;

use super::{Arrival, FanOut, FanOuts, PartialSet, Sets, Slot};

/// Reads a saved event back.
pub(crate) type LoadEvent<'a> = &'a dyn Fn(SavedEvent) -> Result<AnyEvent, String>;

pub(crate) fn save_lineage(lineage: &Lineage) -> SavedLineage {
    SavedLineage {
        recoveries: lineage.recoveries,
        member: lineage.member.map(|m| SavedMember {
            slot: m.fan_out.slot,
            generation: m.fan_out.generation,
            index: m.index,
        }),
    }
}

pub(crate) fn load_lineage(saved: SavedLineage) -> Lineage {
    Lineage {
        recoveries: saved.recoveries,
        member: saved.member.map(|m| Member {
            fan_out: FanOutId {
                slot: m.slot,
                generation: m.generation,
            },
            index: m.index,
        }),
    }
}

impl FanOuts {
    /// The fan-outs not joined yet and the sets being assembled, with step names from
    /// `table`.
    pub(crate) fn save(&self, table: &StepTable) -> Result<SavedFanOuts, SuspendError> {
        let mut open = Vec::new();
        for (slot, entry) in (0u32..).zip(&self.slots) {
            let Some(fan_out) = &entry.fan_out else {
                continue;
            };
            let arrivals = fan_out.save_arrivals(0, table)?;
            open.push(SavedFanOut {
                slot,
                step: table.spec(fan_out.step).name.to_owned(),
                parent: save_lineage(&fan_out.parent),
                members: fan_out.members,
                live: fan_out.live as u64,
                arrivals,
                counts: fan_out.save_counts(table),
                sets: fan_out.sets.save(table)?,
            });
        }
        Ok(SavedFanOuts {
            generations: self.slots.iter().map(|s| s.generation).collect(),
            open,
            root_sets: self.root_sets.save(table)?,
        })
    }

    /// What changed since the last commit: each changed slot as it is now (a fan-out new in
    /// it whole, one the last commit holds with its new arrivals only), and the sets outside
    /// any fan-out if they changed.
    pub(crate) fn delta(
        &self,
        table: &StepTable,
    ) -> Result<(Vec<SlotDelta>, Option<Vec<SavedSet>>), SuspendError> {
        let Some(journal) = &self.journal else {
            return Ok((Vec::new(), None));
        };
        let mut slots = Vec::with_capacity(journal.slots.len());
        for &slot in &journal.slots {
            let Some(entry) = self.slots.get(slot as usize) else {
                continue;
            };
            let open = match &entry.fan_out {
                None => None,
                Some(fan_out) => {
                    let known = entry
                        .written
                        .filter(|&(generation, _)| generation == entry.generation);
                    let from = known.map_or(0, |(_, arrivals)| arrivals);
                    let arrivals = fan_out.save_arrivals(from, table)?;
                    Some(OpenDelta {
                        new: known.is_none().then(|| {
                            (
                                table.spec(fan_out.step).name.to_owned(),
                                save_lineage(&fan_out.parent),
                                fan_out.members,
                            )
                        }),
                        live: fan_out.live as u64,
                        counts: fan_out.save_counts(table),
                        arrivals,
                        sets: fan_out.sets.save(table)?,
                    })
                }
            };
            slots.push(SlotDelta {
                slot,
                generation: entry.generation,
                open,
            });
        }
        let root_sets = if journal.root_sets {
            Some(self.root_sets.save(table)?)
        } else {
            None
        };
        Ok((slots, root_sets))
    }

    /// A commit wrote the changes (`all`: a full checkpoint, everything): they are the new
    /// starting point.
    pub(crate) fn written(&mut self, all: bool) {
        let Some(journal) = &mut self.journal else {
            return;
        };
        let mark = |entry: &mut Slot| {
            entry.changed = false;
            entry.written = entry
                .fan_out
                .as_ref()
                .map(|f| (entry.generation, f.arrivals.len()));
        };
        if all {
            self.slots.iter_mut().for_each(mark);
        } else {
            for &slot in &journal.slots {
                if let Some(entry) = self.slots.get_mut(slot as usize) {
                    mark(entry);
                }
            }
        }
        journal.slots.clear();
        journal.root_sets = false;
    }

    /// How much a full checkpoint of the fan-outs holds: a fan-out and its arrivals each.
    pub(crate) fn size(&self) -> usize {
        self.slots
            .iter()
            .filter_map(|s| s.fan_out.as_ref())
            .map(|f| 1 + f.arrivals.len())
            .sum()
    }

    /// Rebuilds the fan-outs of a checkpoint, checking that everything in it fits the
    /// workflow and hangs together.
    pub(crate) fn restore(
        saved: SavedFanOuts,
        table: &StepTable,
        load: LoadEvent<'_>,
    ) -> Result<Self, String> {
        let mut slots: Vec<Slot> = saved
            .generations
            .iter()
            .map(|&generation| Slot {
                generation,
                ..Slot::default()
            })
            .collect();
        for fan_out in saved.open {
            let step = find(table, &fan_out.step)?;
            if fan_out.live == 0 {
                return Err(format!(
                    "a fan-out of step `{}` has no work left but was not joined",
                    fan_out.step
                ));
            }
            let mut arrivals = Vec::with_capacity(fan_out.arrivals.len());
            for arrival in fan_out.arrivals {
                let join = find(table, &arrival.step)?;
                if !matches!(table.spec(join).takes, Takes::Collections { .. })
                    || arrival.param as usize >= table.spec(join).accepts.len()
                {
                    return Err(format!(
                        "an event reached step `{}`, which joins no such collection",
                        arrival.step
                    ));
                }
                arrivals.push(Arrival {
                    step: join,
                    param: arrival.param,
                    member: arrival.member,
                    event: load(arrival.event)?,
                    link: Link::none(),
                });
            }
            let counts = fan_out
                .counts
                .iter()
                .map(|(name, n)| {
                    Ok((
                        find(table, name)?,
                        usize::try_from(*n).unwrap_or(usize::MAX),
                    ))
                })
                .collect::<Result<_, String>>()?;
            let entry = slots
                .get_mut(fan_out.slot as usize)
                .filter(|entry| entry.fan_out.is_none())
                .ok_or_else(|| format!("fan-out slot {} is out of place", fan_out.slot))?;
            entry.fan_out = Some(FanOut {
                step,
                parent: load_lineage(fan_out.parent),
                members: fan_out.members,
                live: usize::try_from(fan_out.live).unwrap_or(usize::MAX),
                arrivals,
                counts,
                sets: Sets::restore(fan_out.sets, table, load)?,
            });
        }
        let free = (0u32..)
            .zip(&slots)
            .filter(|(_, s)| s.fan_out.is_none())
            .map(|(slot, _)| slot)
            .collect();
        let fan_outs = Self {
            slots,
            free,
            root_sets: Sets::restore(saved.root_sets, table, load)?,
            journal: None,
        };
        fan_outs.check_nesting()?;
        Ok(fan_outs)
    }

    /// Every fan-out's parent is open, and no chain of parents loops (walking one would never
    /// end).
    fn check_nesting(&self) -> Result<(), String> {
        let open = self.slots.iter().filter(|s| s.fan_out.is_some()).count();
        for fan_out in self.slots.iter().filter_map(|s| s.fan_out.as_ref()) {
            let mut member = fan_out.parent.member;
            let mut depth = 0;
            while let Some(m) = member {
                depth += 1;
                let parent = self
                    .get(m.fan_out)
                    .filter(|_| depth <= open)
                    .ok_or("the fan-outs' nesting is broken")?;
                member = parent.parent.member;
            }
        }
        let sets = std::iter::once(&self.root_sets).chain(
            self.slots
                .iter()
                .filter_map(|s| s.fan_out.as_ref())
                .map(|f| &f.sets),
        );
        for set in sets.flat_map(|s| &s.0) {
            for (lineage, _, _) in set.params.iter().flatten() {
                if !self.is_open(lineage) {
                    return Err("an event waiting in a set belongs to no open fan-out".into());
                }
            }
        }
        Ok(())
    }
}

impl FanOut {
    /// Its arrivals from the `from`-th on.
    fn save_arrivals(
        &self,
        from: usize,
        table: &StepTable,
    ) -> Result<Vec<SavedArrival>, SuspendError> {
        self.arrivals[from.min(self.arrivals.len())..]
            .iter()
            .map(|a| {
                Ok(SavedArrival {
                    step: table.spec(a.step).name.to_owned(),
                    param: a.param,
                    member: a.member,
                    event: snapshot::save_event(&a.event)?,
                })
            })
            .collect()
    }

    fn save_counts(&self, table: &StepTable) -> Vec<(String, u64)> {
        self.counts
            .iter()
            .map(|&(step, n)| (table.spec(step).name.to_owned(), n as u64))
            .collect()
    }
}

impl Sets {
    fn save(&self, table: &StepTable) -> Result<Vec<SavedSet>, SuspendError> {
        let mut saved = Vec::new();
        for set in self
            .0
            .iter()
            .filter(|s| s.params.iter().any(|q| !q.is_empty()))
        {
            let params = set
                .params
                .iter()
                .map(|queue| {
                    queue
                        .iter()
                        .map(|(lineage, event, _)| {
                            Ok((save_lineage(lineage), snapshot::save_event(event)?))
                        })
                        .collect::<Result<Vec<_>, SuspendError>>()
                })
                .collect::<Result<_, _>>()?;
            saved.push(SavedSet {
                step: table.spec(set.step).name.to_owned(),
                params,
            });
        }
        Ok(saved)
    }

    fn restore(
        saved: Vec<SavedSet>,
        table: &StepTable,
        load: LoadEvent<'_>,
    ) -> Result<Self, String> {
        let mut sets = Vec::with_capacity(saved.len());
        for set in saved {
            let step = find(table, &set.step)?;
            let spec = table.spec(step);
            if spec.takes != Takes::EachOf || set.params.len() != spec.accepts.len() {
                return Err(format!(
                    "step `{}` does not take the set the checkpoint holds for it",
                    set.step
                ));
            }
            if sets.iter().any(|s: &PartialSet| s.step == step) {
                return Err(format!("step `{}` has two sets in one scope", set.step));
            }
            let params = set
                .params
                .into_iter()
                .map(|queue| {
                    queue
                        .into_iter()
                        .map(|(lineage, event)| {
                            Ok((load_lineage(lineage), load(event)?, Link::none()))
                        })
                        .collect::<Result<VecDeque<_>, String>>()
                })
                .collect::<Result<_, String>>()?;
            sets.push(PartialSet { step, params });
        }
        Ok(Sets(sets))
    }
}

fn find(table: &StepTable, name: &str) -> Result<u32, String> {
    table
        .find(name)
        .ok_or_else(|| format!("it names no step of the workflow: `{name}`"))
}
