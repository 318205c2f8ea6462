//! Typed per-run state.

use std::cell::RefCell;
use std::fmt;
use std::sync::{Mutex, MutexGuard};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A workflow's per-run state type, declared with `#[workflow(state = MyState)]`.
///
/// Each run starts from `Default::default()` (or from a value given to
/// [`Runner::run_with_state`](crate::Runner::run_with_state)) and owns its copy: concurrent runs
/// of one workflow never share state. It is serializable so that runs can be checkpointed.
/// Workflows without state use `()`.
pub trait State: Clone + Default + Send + Sync + Serialize + DeserializeOwned + 'static {}

impl<T> State for T where T: Clone + Default + Send + Sync + Serialize + DeserializeOwned + 'static {}

/// The state of one run, shared by its steps; reach it with
/// [`Context::state`](crate::Context::state).
///
/// Every access holds a lock for the duration of one closure, so a step never sees another
/// step's half-finished edit. The closures are synchronous: a lock is never held across an
/// `.await`.
///
/// ```
/// use eventflow_core::run::StateCell;
///
/// #[derive(Clone, Default, serde::Serialize, serde::Deserialize)]
/// struct Counter { hits: u32, sku: String }
///
/// let state = StateCell::new(Counter::default());
/// state.edit(|s| { s.hits += 1; s.sku = "Apple".into(); });
/// assert_eq!(state.read(|s| s.hits), 1);
/// assert_eq!(state.get().sku, "Apple");
/// ```
pub struct StateCell<S> {
    value: Mutex<S>,
}

impl<S> StateCell<S> {
    /// A cell holding `value`.
    pub fn new(value: S) -> Self {
        Self {
            value: Mutex::new(value),
        }
    }

    /// Runs `f` on the state and returns what it returns.
    ///
    /// # Panics
    ///
    /// If `f` accesses this same state again (which would deadlock): mutate the reference it
    /// was given instead. Inside a step, the panic fails the step.
    pub fn read<R>(&self, f: impl FnOnce(&S) -> R) -> R {
        let guard = self.lock();
        f(&guard.value)
    }

    /// Runs `f` with exclusive access to the state; other steps see all of its changes or none.
    ///
    /// # Panics
    ///
    /// As [`read`](Self::read).
    pub fn edit<R>(&self, f: impl FnOnce(&mut S) -> R) -> R {
        let mut guard = self.lock();
        f(&mut guard.value)
    }

    /// Replaces the state.
    pub fn set(&self, value: S) {
        *self.lock().value = value;
    }

    /// A copy of the state.
    pub fn get(&self) -> S
    where
        S: Clone,
    {
        self.read(S::clone)
    }

    fn lock(&self) -> Guard<'_, S> {
        let addr = std::ptr::from_ref(self).addr();
        HELD.with_borrow_mut(|held| {
            assert!(
                !held.contains(&addr),
                "eventflow: the run's state was accessed inside its own `read`/`edit` closure; \
                 use the reference the closure was given"
            );
            held.push(addr);
        });
        // A panic inside an earlier closure poisons the lock; the state itself is still valid.
        let value = self
            .value
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Guard { value, addr }
    }
}

thread_local! {
    // Addresses of the state cells this thread has locked: re-entrant access would deadlock.
    static HELD: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

struct Guard<'a, S> {
    value: MutexGuard<'a, S>,
    addr: usize,
}

impl<S> Drop for Guard<'_, S> {
    fn drop(&mut self) {
        HELD.with_borrow_mut(|held| {
            if let Some(pos) = held.iter().rposition(|&a| a == self.addr) {
                held.swap_remove(pos);
            }
        });
    }
}

impl<S: fmt::Debug> fmt::Debug for StateCell<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.read(|s| f.debug_tuple("StateCell").field(s).finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reentrant_access_panics_instead_of_deadlocking() {
        let cell = StateCell::new(1_u32);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            cell.edit(|_| cell.get());
        }));
        assert!(result.is_err());
        // The cell is still usable afterwards.
        cell.edit(|v| *v += 1);
        assert_eq!(cell.get(), 2);
    }
}
