//! Steps waiting inside their execution for an event: `ctx.wait_for_event`.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::oneshot;

use crate::engine::lock;
use crate::event::AnyEvent;
use crate::event::EventType;

type Matcher = Box<dyn Fn(&AnyEvent) -> bool + Send + Sync>;

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
}

#[derive(Default)]
struct List {
    waiters: Vec<Waiter>,
    next_id: u64,
}

impl Waiters {
    pub(crate) fn register(
        &self,
        step: u32,
        event: EventType,
        matches: Matcher,
        bounded: bool,
        resolve: oneshot::Sender<AnyEvent>,
    ) -> u64 {
        let mut list = lock(&self.list);
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
        id
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

    /// Waiters that only an event can end.
    pub(crate) fn unbounded(&self) -> usize {
        self.unbounded.load(Ordering::Acquire)
    }

    pub(crate) fn clear(&self) {
        let mut list = lock(&self.list);
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
