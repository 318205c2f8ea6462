use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts the guards it hands out that are alive, and those that were dropped.
///
/// A step that holds a guard while it runs tells a test whether its future is still running
/// ([`live`](Self::live)) and whether it was dropped ([`dropped`](Self::dropped)): a step that
/// never finishes by itself and whose guard was dropped was cancelled.
///
/// ```
/// use eventflow_testkit::DropTracker;
///
/// let steps = DropTracker::new();
/// let running = steps.guard();
/// assert_eq!((steps.live(), steps.dropped()), (1, 0));
/// drop(running);
/// assert_eq!((steps.live(), steps.dropped()), (0, 1));
/// ```
#[derive(Debug, Default)]
pub struct DropTracker {
    live: AtomicUsize,
    dropped: AtomicUsize,
}

impl DropTracker {
    /// A tracker that has handed out no guard.
    pub fn new() -> Self {
        Self::default()
    }

    /// A guard, counted as live until it is dropped.
    pub fn guard(&self) -> DropGuard<'_> {
        self.live.fetch_add(1, Ordering::SeqCst);
        DropGuard(self)
    }

    /// How many guards are alive.
    pub fn live(&self) -> usize {
        self.live.load(Ordering::SeqCst)
    }

    /// How many guards were dropped, at the end of their scope or with a dropped future.
    pub fn dropped(&self) -> usize {
        self.dropped.load(Ordering::SeqCst)
    }
}

/// Counted as live by its [`DropTracker`] until dropped.
#[derive(Debug)]
#[must_use = "a guard counts as live only while it is held"]
pub struct DropGuard<'a>(&'a DropTracker);

impl Drop for DropGuard<'_> {
    fn drop(&mut self) {
        self.0.dropped.fetch_add(1, Ordering::SeqCst);
        self.0.live.fetch_sub(1, Ordering::SeqCst);
    }
}
