//! Steps waiting inside their execution for an event: `ctx.wait_for_event`.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::oneshot;

use crate::engine::lock;
use crate::event::AnyEvent;
use crate::event::EventType;

type Matcher = Box<dyn Fn(&AnyEvent) -> bool + Send + Sync>;

/// How many events a run keeps for waits that have not begun: past it, a send from outside is
/// refused with [`SendError::Full`](crate::error::SendError::Full).
pub(crate) const EARLY_LIMIT: usize = 1024;

/// What became of an event that no step takes and that may answer a wait.
pub(crate) enum Early {
    /// Kept for the first wait it satisfies.
    Kept,
    /// A step waits for it: deliver it there.
    Waiting(u32, oneshot::Sender<AnyEvent>, AnyEvent),
    /// Too many are kept already.
    Full(AnyEvent),
}

struct Waiter {
    id: u64,
    step: u32,
    event: EventType,
    matches: Matcher,
    /// Whether the wait ends by itself (it has a timeout).
    bounded: bool,
    resolve: oneshot::Sender<AnyEvent>,
}

#[derive(Default)]
pub(crate) struct Waiters {
    list: Mutex<List>,
    /// Waiters, read without the lock on the routing path.
    count: AtomicUsize,
    /// Waiters without a timeout: only an event can end them.
    unbounded: AtomicUsize,
    /// Answers sent from outside and not routed yet, which may have to be kept: they count
    /// against the bound before they arrive, so a send past it is refused, never dropped.
    incoming: AtomicUsize,
}

#[derive(Default)]
struct List {
    waiters: Vec<Waiter>,
    next_id: u64,
    /// Answers that arrived before a step waited for them, oldest first.
    early: VecDeque<AnyEvent>,
}

impl Waiters {
    /// A step begins to wait for `event`: the oldest kept answer it matches, taken, or the
    /// waiter's id once registered. One lock covers both, so an answer routed meanwhile
    /// either is kept and found here or finds the waiter.
    pub(crate) fn register(
        &self,
        step: u32,
        event: EventType,
        matches: Matcher,
        bounded: bool,
        resolve: oneshot::Sender<AnyEvent>,
    ) -> Result<u64, AnyEvent> {
        let mut list = lock(&self.list);
        if !list.early.is_empty() {
            let ty = event.type_id();
            let found = list
                .early
                .iter()
                .position(|e| e.event_type_id() == ty && matches(e));
            if let Some(answer) = found.and_then(|pos| list.early.remove(pos)) {
                return Err(answer);
            }
        }
        let id = list.next_id;
        list.next_id += 1;
        list.waiters.push(Waiter {
            id,
            step,
            event,
            matches,
            bounded,
            resolve,
        });
        self.count.fetch_add(1, Ordering::Release);
        if !bounded {
            self.unbounded.fetch_add(1, Ordering::Release);
        }
        Ok(id)
    }

    /// Keeps `event`, which no step takes, for the first wait it will satisfy, unless a step
    /// waits for it already.
    #[cold]
    pub(crate) fn keep(&self, event: AnyEvent) -> Early {
        let ty = event.event_type_id();
        let mut list = lock(&self.list);
        if let Some(pos) = list
            .waiters
            .iter()
            .position(|w| w.event.type_id() == ty && (w.matches)(&event))
        {
            let waiter = list.waiters.remove(pos);
            self.forget(&waiter);
            return Early::Waiting(waiter.step, waiter.resolve, event);
        }
        if list.early.len() >= EARLY_LIMIT {
            return Early::Full(event);
        }
        list.early.push_back(event);
        Early::Kept
    }

    /// How many answers are kept for waits that have not begun.
    pub(crate) fn kept(&self) -> usize {
        lock(&self.list).early.len()
    }

    /// Makes room for an answer sent from outside, before it is routed; `false` if the
    /// run keeps as many as it may.
    pub(crate) fn reserve(&self) -> bool {
        let kept = self.kept();
        self.incoming
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (kept + n < EARLY_LIMIT).then_some(n + 1)
            })
            .is_ok()
    }

    /// An answer [`reserve`](Self::reserve) made room for is being routed.
    pub(crate) fn arrived(&self) {
        let _ = self
            .incoming
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
    }

    /// Forgets a waiter whose step stopped waiting (resolved, timed out or dropped).
    pub(crate) fn remove(&self, id: u64) {
        let mut list = lock(&self.list);
        if let Some(pos) = list.waiters.iter().position(|w| w.id == id) {
            let waiter = list.waiters.remove(pos);
            self.forget(&waiter);
        }
    }

    fn forget(&self, waiter: &Waiter) {
        self.count.fetch_sub(1, Ordering::Release);
        if !waiter.bounded {
            self.unbounded.fetch_sub(1, Ordering::Release);
        }
    }

    /// Takes the oldest waiter `event` satisfies: its step, and where to deliver the event.
    #[inline]
    pub(crate) fn take_match(&self, event: &AnyEvent) -> Option<(u32, oneshot::Sender<AnyEvent>)> {
        // Checked on every routed event: the common case, nobody waiting, stays inline.
        if self.count.load(Ordering::Acquire) == 0 {
            return None;
        }
        self.take_match_slow(event)
    }

    #[cold]
    fn take_match_slow(&self, event: &AnyEvent) -> Option<(u32, oneshot::Sender<AnyEvent>)> {
        let ty = event.event_type_id();
        let mut list = lock(&self.list);
        let pos = list
            .waiters
            .iter()
            .position(|w| w.event.type_id() == ty && (w.matches)(event))?;
        let waiter = list.waiters.remove(pos);
        self.forget(&waiter);
        Some((waiter.step, waiter.resolve))
    }

    /// Steps waiting for an event.
    pub(crate) fn count(&self) -> usize {
        self.count.load(Ordering::Acquire)
    }

    /// Waiters that only an event can end.
    pub(crate) fn unbounded(&self) -> usize {
        self.unbounded.load(Ordering::Acquire)
    }

    pub(crate) fn clear(&self) {
        let mut list = lock(&self.list);
        list.early.clear();
        for waiter in std::mem::take(&mut list.waiters) {
            self.forget(&waiter);
        }
    }

    /// What each waiter waits for, for a stalled run's error.
    pub(crate) fn describe(&self, step_name: impl Fn(u32) -> &'static str) -> Vec<String> {
        lock(&self.list)
            .waiters
            .iter()
            .map(|w| {
                format!(
                    "step `{}` waits for `{}`",
                    step_name(w.step),
                    w.event.name()
                )
            })
            .collect()
    }
}

impl std::fmt::Debug for Waiters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Waiters")
            .field("count", &self.count)
            .finish_non_exhaustive()
    }
}
