//! Which inputs run now and which wait: each step's worker limit with a FIFO queue beyond it,
//! worker numbers, input numbers, and the journal of what changed among the inputs.
//!
//! The driver asks before it starts an execution and reports when one ends; the futures
//! themselves stay with the driver.

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

use crate::engine::envelope::Lineage;
use crate::engine::journal::Journal;
use crate::engine::work::Work;
use crate::event::AnyEvent;

#[derive(Default)]
struct Slot {
    in_flight: usize,
    /// Worker numbers free for reuse, and how many were ever handed out: traces name the
    /// worker an execution runs on, and a step has at most `num_workers` busy at once.
    idle_workers: Vec<u32>,
    workers: u32,
    /// Inputs waiting for a free worker, oldest first (a retry goes first).
    queue: VecDeque<Work>,
}

/// The inputs of one run's steps: in flight, and waiting for a worker.
pub(crate) struct Queues {
    slots: Box<[Slot]>,
    /// Executions in flight, over all steps.
    in_flight: usize,
    /// The number the next input that reaches a step gets.
    pub(crate) next_execution: u64,
    /// The inputs being executed, by number, in a run that can be suspended: what they send
    /// is held until they finish.
    running: Option<HashSet<u64>>,
    /// Queue new inputs instead of starting them, until [`Queues::release_starts`]: a run
    /// checkpointed after every step commits a completion before anything else runs.
    hold_starts: bool,
    /// In a run checkpointed after every step, what changed among the inputs since the last
    /// commit.
    pub(crate) journal: Option<Box<Journal>>,
}

impl Queues {
    /// The queues of `steps` steps; `track_running` keeps the numbers of running inputs, and
    /// `hold_starts` queues every input until released (and journals them).
    pub(crate) fn new(steps: usize, track_running: bool, hold_starts: bool) -> Self {
        Self {
            slots: (0..steps).map(|_| Slot::default()).collect(),
            in_flight: 0,
            next_execution: 1,
            running: track_running.then(HashSet::new),
            hold_starts,
            journal: hold_starts.then(Box::default),
        }
    }

    /// How many steps there are.
    #[inline]
    pub(crate) fn steps(&self) -> usize {
        self.slots.len()
    }

    /// Whether `step`, allowed `num_workers` at once, has a worker free; executions that wait
    /// inside themselves (`suspended`, asked only when needed) do not hold one.
    #[inline]
    fn has_free_worker(
        &self,
        step: u32,
        num_workers: usize,
        suspended: impl FnOnce() -> usize,
    ) -> bool {
        let in_flight = self.slots[step as usize].in_flight;
        in_flight < num_workers || in_flight.saturating_sub(suspended()) < num_workers
    }

    /// `work` reached `step`: numbered and journaled, then handed back to start now if a
    /// worker is free, or queued.
    #[inline]
    pub(crate) fn admit(
        &mut self,
        step: u32,
        mut work: Work,
        num_workers: usize,
        suspended: impl FnOnce() -> usize,
    ) -> Option<Work> {
        if work.execution == 0 {
            work.execution = self.next_execution;
            self.next_execution = self.next_execution.wrapping_add(1).max(1);
        }
        if let Some(journal) = &mut self.journal {
            journal.put(step, &work, None);
        }
        if !self.hold_starts && self.has_free_worker(step, num_workers, suspended) {
            Some(work)
        } else {
            self.slots[step as usize].queue.push_back(work);
            None
        }
    }

    /// The first event of the input queued last for `step`, by name.
    pub(crate) fn last_queued_event(&self, step: u32) -> &'static str {
        self.slots[step as usize]
            .queue
            .back()
            .and_then(|work| work.input.first())
            .map_or("", AnyEvent::name)
    }

    /// Whether `step` has inputs waiting for a worker.
    #[inline]
    pub(crate) fn has_queued(&self, step: u32) -> bool {
        !self.slots[step as usize].queue.is_empty()
    }

    /// The oldest input waiting for `step`, if a worker is free for it and starts are not
    /// held.
    #[inline]
    pub(crate) fn next_queued(
        &mut self,
        step: u32,
        num_workers: usize,
        suspended: impl FnOnce() -> usize,
    ) -> Option<Work> {
        if self.hold_starts || !self.has_free_worker(step, num_workers, suspended) {
            return None;
        }
        self.slots[step as usize].queue.pop_front()
    }

    /// Lets queued inputs start (`release`), or holds them again.
    #[inline]
    pub(crate) fn hold_starts(&mut self, hold: bool) {
        self.hold_starts = hold;
    }

    /// An execution of `step` on input `execution` starts: the worker number it runs on.
    #[inline]
    pub(crate) fn occupy(&mut self, step: u32, execution: u64) -> u32 {
        let slot = &mut self.slots[step as usize];
        let worker = slot.idle_workers.pop().unwrap_or_else(|| {
            slot.workers += 1;
            slot.workers - 1
        });
        slot.in_flight += 1;
        self.in_flight += 1;
        if let Some(running) = &mut self.running {
            running.insert(execution);
        }
        worker
    }

    /// The execution of `step` on input `execution`, on `worker`, ended (finished, failed or
    /// was cancelled).
    #[inline]
    pub(crate) fn vacate(&mut self, step: u32, worker: u32, execution: u64) {
        let slot = &mut self.slots[step as usize];
        slot.in_flight -= 1;
        slot.idle_workers.push(worker);
        self.in_flight -= 1;
        if let Some(running) = &mut self.running {
            running.remove(&execution);
        }
        self.forget(execution);
    }

    /// Input `execution` is gone: the journal says so.
    #[inline]
    pub(crate) fn forget(&mut self, execution: u64) {
        if let Some(journal) = &mut self.journal {
            journal.remove(execution);
        }
    }

    /// `work` of `step` will be retried after `delay`: the journal keeps it with its delay.
    #[inline]
    pub(crate) fn retrying(&mut self, step: u32, work: &Work, delay: Duration) {
        if let Some(journal) = &mut self.journal {
            journal.put(step, work, Some(delay));
        }
    }

    /// `work` goes to the head of `step`'s queue: a retry whose delay has passed (or had
    /// none); `journal` says whether the journal hears that its delay is over.
    #[inline]
    pub(crate) fn push_front(&mut self, step: u32, work: Work, journal: bool) {
        if journal && let Some(log) = &mut self.journal {
            log.put(step, &work, None);
        }
        self.slots[step as usize].queue.push_front(work);
    }

    /// Executions in flight, over all steps (waiting ones included).
    #[inline]
    pub(crate) fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// Whether input `execution` is running (in a run that tracks them).
    #[inline]
    pub(crate) fn is_running(&self, execution: u64) -> bool {
        self.running
            .as_ref()
            .is_some_and(|r| r.contains(&execution))
    }

    /// The inputs waiting for a worker, with their step.
    pub(crate) fn queued(&self) -> impl Iterator<Item = (u32, &Work)> {
        self.slots.iter().enumerate().flat_map(|(step, slot)| {
            let step = u32::try_from(step).unwrap_or(u32::MAX);
            slot.queue.iter().map(move |work| (step, work))
        })
    }

    /// The indices of the steps with executions in flight.
    pub(crate) fn active(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.slots.len()).filter(|&i| self.slots[i].in_flight > 0)
    }

    /// Drops the queued inputs whose lineage is `doomed`.
    pub(crate) fn cancel_queued(&mut self, doomed: impl Fn(&Lineage) -> bool) {
        let mut gone = Vec::new();
        for slot in &mut self.slots {
            slot.queue.retain(|work| {
                let keep = !doomed(&work.lineage);
                if !keep {
                    gone.push(work.execution);
                }
                keep
            });
        }
        for execution in gone {
            self.forget(execution);
        }
    }

    /// Forgets every input: the run ended.
    pub(crate) fn clear(&mut self) {
        for slot in &mut self.slots {
            slot.queue.clear();
            slot.in_flight = 0;
            slot.idle_workers.clear();
            slot.workers = 0;
        }
        self.in_flight = 0;
    }
}
