//! The channel behind a run's event stream.
//!
//! Unlike a plain mpsc channel, the run closes it explicitly when it ends, so the stream ends
//! even while contexts cloned by steps are still alive. The consumer takes everything buffered
//! in one lock, so a fast producer costs one lock per event and the consumer one per batch.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};

use futures::task::AtomicWaker;

use crate::engine::seams::Execution;
use crate::event::AnyEvent;

/// An event on its way to the caller, with the step execution that wrote it, if one did.
#[derive(Debug)]
pub(crate) struct Streamed {
    pub(crate) event: AnyEvent,
    pub(crate) origin: Option<Execution>,
}

#[derive(Debug, Default)]
pub(crate) struct StreamChannel {
    buffer: Mutex<Buffer>,
    waker: AtomicWaker,
    /// The receiver was dropped: producers skip the work of publishing.
    unwatched: AtomicBool,
    /// Events published while unwatched, which still take a number.
    skipped: AtomicU64,
    /// The number of the run's first event here: what it streamed before a resume.
    base: AtomicU64,
}

#[derive(Debug, Default)]
struct Buffer {
    items: VecDeque<Streamed>,
    /// Events published while watched.
    published: u64,
    closed: bool,
    /// The consumer found nothing and waits to be woken. Set and cleared under the lock, so a
    /// publisher wakes it exactly when needed rather than on every event.
    waiting: bool,
}

impl StreamChannel {
    /// Whether anyone may still read what is published.
    pub(crate) fn is_watched(&self) -> bool {
        !self.unwatched.load(Ordering::Relaxed)
    }

    /// Appends `event`, which no step execution wrote, unless the stream is closed or
    /// unwatched.
    pub(crate) fn publish(&self, event: AnyEvent) {
        self.publish_from(event, None);
    }

    /// Appends `event`, written by `origin`, unless the stream is closed or unwatched.
    pub(crate) fn publish_from(&self, event: AnyEvent, origin: Option<Execution>) {
        self.push(|_| Streamed { event, origin });
    }

    /// Appends the event `make` builds from the number it is streamed under.
    pub(crate) fn publish_numbered(&self, make: impl FnOnce(u64) -> AnyEvent) {
        self.push(|published| Streamed {
            event: make(self.base() + published + self.skipped.load(Ordering::Relaxed)),
            origin: None,
        });
    }

    /// Appends what `make` builds from the count of events published while watched, unless
    /// the stream is closed or unwatched (then it only takes a number).
    fn push(&self, make: impl FnOnce(u64) -> Streamed) {
        if !self.is_watched() {
            self.skipped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let wake = {
            let mut buffer = self.lock();
            if buffer.closed {
                return;
            }
            let item = make(buffer.published);
            buffer.items.push_back(item);
            buffer.published += 1;
            std::mem::take(&mut buffer.waiting)
        };
        if wake {
            self.waker.wake();
        }
    }

    /// Numbers the events from `base` on: a resumed run goes on from its checkpoint.
    pub(crate) fn start_at(&self, base: u64) {
        self.base.store(base, Ordering::Relaxed);
    }

    /// The number of the first event published here.
    pub(crate) fn base(&self) -> u64 {
        self.base.load(Ordering::Relaxed)
    }

    /// The number the next event published gets.
    pub(crate) fn next_number(&self) -> u64 {
        self.base() + self.lock().published + self.skipped.load(Ordering::Relaxed)
    }

    /// Ends the stream after what is buffered.
    pub(crate) fn close(&self) {
        let wake = {
            let mut buffer = self.lock();
            buffer.closed = true;
            std::mem::take(&mut buffer.waiting)
        };
        if wake {
            self.waker.wake();
        }
    }

    /// Moves everything buffered into `local`; `Ready(false)` once closed and drained.
    pub(crate) fn poll_take(
        &self,
        local: &mut VecDeque<Streamed>,
        cx: &mut Context<'_>,
    ) -> Poll<bool> {
        debug_assert!(local.is_empty());
        let mut buffer = self.lock();
        if buffer.items.is_empty() && !buffer.closed {
            // Registered under the lock: a publisher that sees `waiting` finds this waker.
            self.waker.register(cx.waker());
            buffer.waiting = true;
            return Poll::Pending;
        }
        std::mem::swap(local, &mut buffer.items);
        Poll::Ready(!local.is_empty())
    }

    /// The receiver is gone: drop what is buffered and stop buffering.
    pub(crate) fn unwatch(&self) {
        self.unwatched.store(true, Ordering::Relaxed);
        self.lock().items.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Buffer> {
        // Nothing panics while holding this lock; recover rather than propagate if it ever does.
        self.buffer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
