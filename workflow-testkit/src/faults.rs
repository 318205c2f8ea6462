//! A store that fails on purpose: [`FaultyStore`] keeps runs in a
//! [`MemoryStore`](eventflow::store::MemoryStore) and, on the calls a test chooses, fails,
//! panics, stalls until released, or writes and then reports a failure (a commit whose
//! outcome the caller cannot know).
//!
//! ```
//! use eventflow::RunId;
//! use eventflow::store::{CheckpointStore, Commit, RunHeader};
//! use eventflow_testkit::faults::{Call, Fault, FaultyStore};
//!
//! let store = FaultyStore::new().on(Call::Create, 1, Fault::Fail);
//! let run = RunId::new();
//! let first = Commit::new(0, "start", b"{}".to_vec());
//! assert!(store.create(&RunHeader::new(run, "W", 1), &first).is_err());
//! // Only the first call fails.
//! assert!(store.create(&RunHeader::new(run, "W", 1), &first).is_ok());
//! ```

use std::collections::HashMap;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use eventflow::RunId;
use eventflow::store::{
    CheckpointStore, Commit, Limits, MemoryStore, RunHeader, RunStatus, StoreError, StoredRun,
};

/// A method of [`CheckpointStore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Call {
    /// [`CheckpointStore::create`].
    Create,
    /// [`CheckpointStore::commit`].
    Commit,
    /// [`CheckpointStore::set_status`].
    SetStatus,
    /// [`CheckpointStore::load`].
    Load,
    /// [`CheckpointStore::list`].
    List,
}

/// What a [`FaultyStore`] does instead of answering a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Writes nothing and fails with a backend error.
    Fail,
    /// Panics, as a store with a bug would.
    Panic,
    /// Does the call, then fails with a backend error: the write landed, the caller is told
    /// it did not.
    LandThenFail,
    /// Blocks the calling thread until [`FaultyStore::release`] (or
    /// [`heal`](FaultyStore::heal)), then does the call: a store that hangs on a lock or a
    /// slow disk.
    Stall,
}

/// A [`MemoryStore`] that fails on chosen calls. See [the module](self).
#[derive(Debug, Default)]
pub struct FaultyStore {
    inner: MemoryStore,
    /// `(call, nth, fault)`: the nth call (from 1) of that method gets the fault.
    plan: Mutex<Vec<(Call, usize, Fault)>>,
    /// Every call of each method from now on fails.
    broken: Mutex<Vec<Call>>,
    calls: Mutex<HashMap<Call, usize>>,
    limits: Option<Limits>,
    /// Calls stalled now, and whether stalls are released.
    stalls: Mutex<Stalls>,
    released: Condvar,
}

#[derive(Debug, Default)]
struct Stalls {
    now: usize,
    released: bool,
}

impl FaultyStore {
    /// A store that fails on no call yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The `nth` call (counting from 1) of `call` gets `fault`.
    #[must_use]
    pub fn on(self, call: Call, nth: usize, fault: Fault) -> Self {
        lock(&self.plan).push((call, nth, fault));
        self
    }

    /// From now on, no call fails, and stalled calls go on: what a store does once its
    /// outage is over.
    pub fn heal(&self) {
        lock(&self.plan).clear();
        lock(&self.broken).clear();
        self.release();
    }

    /// Lets every stalled call go on, and every later [`Fault::Stall`] pass at once.
    pub fn release(&self) {
        lock(&self.stalls).released = true;
        self.released.notify_all();
    }

    /// How many calls are stalled now.
    pub fn stalled(&self) -> usize {
        lock(&self.stalls).now
    }

    /// Reports these limits instead of the default ones.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// From now on, every call of `call` fails (as with [`Fault::Fail`]).
    pub fn break_all(&self, call: Call) {
        lock(&self.broken).push(call);
    }

    /// How many times `call` was made.
    pub fn calls(&self, call: Call) -> usize {
        lock(&self.calls).get(&call).copied().unwrap_or(0)
    }

    /// The store underneath, which never fails.
    pub fn inner(&self) -> &MemoryStore {
        &self.inner
    }

    /// Counts the call and says which fault it gets.
    fn fault(&self, call: Call) -> Option<Fault> {
        let nth = {
            let mut calls = lock(&self.calls);
            let n = calls.entry(call).or_insert(0);
            *n += 1;
            *n
        };
        if lock(&self.broken).contains(&call) {
            return Some(Fault::Fail);
        }
        lock(&self.plan)
            .iter()
            .find(|(c, n, _)| *c == call && *n == nth)
            .map(|(_, _, fault)| *fault)
    }

    fn answer<T>(
        &self,
        call: Call,
        real: impl FnOnce() -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match self.fault(call) {
            None => real(),
            Some(Fault::Fail) => Err(injected(call)),
            Some(Fault::Panic) => panic!("the store panicked on {call:?} (injected)"),
            Some(Fault::LandThenFail) => {
                real()?;
                Err(injected(call))
            }
            Some(Fault::Stall) => {
                self.stall();
                real()
            }
        }
    }

    /// Blocks until stalls are released.
    fn stall(&self) {
        let mut stalls = lock(&self.stalls);
        stalls.now += 1;
        while !stalls.released {
            stalls = self
                .released
                .wait(stalls)
                .unwrap_or_else(PoisonError::into_inner);
        }
        stalls.now -= 1;
    }
}

fn injected(call: Call) -> StoreError {
    StoreError::Backend(format!("injected failure of {call:?}").into())
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl CheckpointStore for FaultyStore {
    fn create(&self, header: &RunHeader, first: &Commit) -> Result<(), StoreError> {
        self.answer(Call::Create, || self.inner.create(header, first))
    }

    fn commit(&self, run: RunId, commit: &Commit, status: RunStatus) -> Result<(), StoreError> {
        self.answer(Call::Commit, || self.inner.commit(run, commit, status))
    }

    fn set_status(&self, run: RunId, status: RunStatus) -> Result<(), StoreError> {
        self.answer(Call::SetStatus, || self.inner.set_status(run, status))
    }

    fn load(&self, run: RunId) -> Result<Option<StoredRun>, StoreError> {
        self.answer(Call::Load, || self.inner.load(run))
    }

    fn list(&self) -> Result<Vec<RunHeader>, StoreError> {
        self.answer(Call::List, || self.inner.list())
    }

    fn delete_finished(&self, age: Duration) -> Result<usize, StoreError> {
        self.inner.delete_finished(age)
    }

    fn limits(&self) -> Limits {
        self.limits.unwrap_or_default()
    }
}
