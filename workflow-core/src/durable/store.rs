//! Where durable runs are kept: a run's header and the journal of its step completions.
//!
//! A [`CheckpointStore`] keeps, per run, a [`RunHeader`] (workflow, graph fingerprint, status)
//! and an append-only journal of [`Commit`]s, one per step completion, each holding the bytes
//! the runtime encoded for it (the events the step emitted, the state after it). A commit and
//! the run's new status are written in one transaction, and a commit is only accepted as the
//! next in sequence, so a journal never loses or repeats a completion, even if two processes
//! write for the same run. The store does not read the bytes: the runtime owns their format.
//!
//! [`MemoryStore`] keeps everything in the process, for tests and for runs that only need to
//! pause; the `eventflow-store` crate has the embedded SQLite store.
//! `eventflow::testing::check_store` checks any implementation against
//! this contract.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::id::RunId;

/// How a stored run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RunStatus {
    /// Steps are running or queued.
    Running,
    /// Nothing runs until an event arrives from outside, such as a human's answer.
    Waiting,
    /// Ended with its stop event.
    Completed,
    /// A step failed for good.
    Failed,
    /// Cancelled by its caller.
    Cancelled,
    /// Its timeout passed.
    TimedOut,
    /// Taken up too many times in a row without getting further, or its checkpoint could not
    /// be read: it is not taken up again until an operator sets it back to running. See
    /// [`Runner::quarantine_after`](crate::Runner::quarantine_after).
    Quarantined,
}

impl RunStatus {
    /// Whether the run has ended, so a retention rule may delete it. A quarantined run has
    /// not: it waits for an operator.
    ///
    /// ```
    /// use eventflow_core::store::RunStatus;
    ///
    /// assert!(RunStatus::Completed.is_finished());
    /// assert!(!RunStatus::Waiting.is_finished());
    /// assert!(!RunStatus::Quarantined.is_finished());
    /// ```
    pub fn is_finished(self) -> bool {
        !matches!(self, Self::Running | Self::Waiting | Self::Quarantined)
    }

    /// The status as stored: `running`, `waiting`, `completed`, `failed`, `cancelled`,
    /// `timed_out`, `quarantined`.
    ///
    /// ```
    /// use eventflow_core::store::RunStatus;
    ///
    /// assert_eq!(RunStatus::TimedOut.as_str(), "timed_out");
    /// assert_eq!("timed_out".parse::<RunStatus>().ok(), Some(RunStatus::TimedOut));
    /// assert!("sleeping".parse::<RunStatus>().is_err());
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Waiting => "waiting",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::TimedOut => "timed_out",
            Self::Quarantined => "quarantined",
        }
    }
}

impl std::str::FromStr for RunStatus {
    type Err = StoreError;

    fn from_str(text: &str) -> Result<Self, StoreError> {
        [
            Self::Running,
            Self::Waiting,
            Self::Completed,
            Self::Failed,
            Self::Cancelled,
            Self::TimedOut,
            Self::Quarantined,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown run status {text:?}")))
    }
}

/// What a store knows of a run besides its journal.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RunHeader {
    /// The run.
    pub run: RunId,
    /// The workflow's name.
    pub workflow: String,
    /// The fingerprint of the workflow's graph when the run started
    /// ([`Topology::fingerprint`](crate::Topology::fingerprint)).
    pub fingerprint: u64,
    /// How the run stands.
    pub status: RunStatus,
    /// When the run was created, in milliseconds since the Unix epoch.
    pub created_ms: u64,
    /// When its last commit or status change was written.
    pub updated_ms: u64,
    /// For a child run (see [`Context::child`](crate::Context::child)), the run whose step
    /// runs it: it is resumed with that run, not on its own.
    pub parent: Option<RunId>,
}

impl RunHeader {
    /// The header of a run being created now, running.
    ///
    /// ```
    /// use eventflow_core::RunId;
    /// use eventflow_core::store::{RunHeader, RunStatus};
    ///
    /// let header = RunHeader::new(RunId::new(), "Writer", 42);
    /// assert_eq!(header.status, RunStatus::Running);
    /// assert_eq!(header.created_ms, header.updated_ms);
    /// ```
    pub fn new(run: RunId, workflow: impl Into<String>, fingerprint: u64) -> Self {
        let now = now_ms();
        Self {
            run,
            workflow: workflow.into(),
            fingerprint,
            status: RunStatus::Running,
            created_ms: now,
            updated_ms: now,
            parent: None,
        }
    }

    /// The header of a child run of `parent`.
    ///
    /// ```
    /// use eventflow_core::RunId;
    /// use eventflow_core::store::RunHeader;
    ///
    /// let parent = RunId::from_u64(1);
    /// let header = RunHeader::new(RunId::from_u64(2), "Orders", 7).child_of(parent);
    /// assert_eq!(header.parent, Some(parent));
    /// ```
    #[must_use]
    pub fn child_of(mut self, parent: RunId) -> Self {
        self.parent = Some(parent);
        self
    }
}

/// One step completion in a run's journal.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Commit {
    /// Its place in the journal: 0 for the first commit, then one more each time.
    pub seq: u64,
    /// The step that completed.
    pub step: String,
    /// What the runtime encoded for it.
    pub record: Vec<u8>,
}

impl Commit {
    /// Commit number `seq` of `step`, holding `record`.
    ///
    /// ```
    /// use eventflow_core::store::Commit;
    ///
    /// let commit = Commit::new(0, "draft", b"...".to_vec());
    /// assert_eq!((commit.seq, commit.step.as_str()), (0, "draft"));
    /// ```
    pub fn new(seq: u64, step: impl Into<String>, record: Vec<u8>) -> Self {
        Self {
            seq,
            step: step.into(),
            record,
        }
    }
}

/// A run read back from a store: its header and its journal, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoredRun {
    /// The run's header.
    pub header: RunHeader,
    /// Its commits, by sequence number.
    pub commits: Vec<Commit>,
}

impl StoredRun {
    /// A run as a store reads it back.
    ///
    /// ```
    /// use eventflow_core::RunId;
    /// use eventflow_core::store::{Commit, RunHeader, StoredRun};
    ///
    /// let run = StoredRun::new(RunHeader::new(RunId::new(), "Writer", 7), vec![Commit::new(0, "draft", Vec::new())]);
    /// assert_eq!(run.commits.len(), 1);
    /// ```
    pub fn new(header: RunHeader, commits: Vec<Commit>) -> Self {
        Self { header, commits }
    }
}

/// Why a store refused or failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The run is not in the store.
    #[error("run {0} is not in the store")]
    UnknownRun(RunId),
    /// A run with this id is already in the store.
    #[error("run {0} is already in the store")]
    DuplicateRun(RunId),
    /// The commit is not the next in the run's journal: another writer got there first, or a
    /// completion would be recorded twice.
    #[error("run {run}: commit {got} is out of sequence (the journal expects {expected})")]
    OutOfSequence {
        /// The run.
        run: RunId,
        /// The sequence number the journal expects next.
        expected: u64,
        /// The one that was offered.
        got: u64,
    },
    /// The stored data does not read back.
    #[error("the store holds data it cannot read: {0}")]
    Corrupt(String),
    /// The place the store was pointed at belongs to something else (another application's
    /// database): it is refused and left as it was.
    #[error("not an eventflow store: {0}")]
    Foreign(String),
    /// The backend failed: a file, a connection, a disk.
    #[error("the store failed: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// The largest checkpoint a resume reads.
pub(crate) const MAX_CHECKPOINT: usize = 64 << 20;

/// The deepest nesting a checkpoint is written with: the reader parses up to 127 levels, and
/// keeps a few for the layout around the run's state.
const MAX_DEPTH: usize = 120;

/// What a run's checkpoint may be, so that what is written can be read back: the runtime
/// checks each commit against its store's limits before it writes it, and a checkpoint over
/// one fails the run with [`SuspendError::OverLimit`](crate::error::SuspendError::OverLimit),
/// leaving the last commit the store accepted as the run's state.
///
/// ```
/// use eventflow_core::store::Limits;
///
/// let limits = Limits::default().max_commit_bytes(1 << 20);
/// assert_eq!(limits.max_commit_bytes, 1 << 20);
/// assert_eq!(Limits::default().max_depth, 120);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The largest record one commit may hold, in bytes: 64 MiB by default, which is also
    /// the most a resume reads.
    pub max_commit_bytes: usize,
    /// The deepest nesting of objects and arrays a record may have: 120 by default. A resume
    /// reads up to 127 levels; the run's state sits a few levels down in its record.
    pub max_depth: usize,
}

impl Limits {
    /// The most a resume reads: a store cannot raise its limits past these.
    pub const READABLE: Self = Self {
        max_commit_bytes: MAX_CHECKPOINT,
        max_depth: MAX_DEPTH,
    };

    /// These limits with at most `bytes` per commit (capped at what a resume reads).
    #[must_use]
    pub fn max_commit_bytes(mut self, bytes: usize) -> Self {
        self.max_commit_bytes = bytes.min(Self::READABLE.max_commit_bytes);
        self
    }

    /// These limits with at most `depth` levels of nesting (capped at what a resume reads).
    #[must_use]
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth.min(Self::READABLE.max_depth);
        self
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::READABLE
    }
}

/// What a run does when its store fails to keep a commit.
///
/// [`Required`](Self::Required), the default, ends the run with
/// [`WorkflowError::Checkpoint`](crate::WorkflowError::Checkpoint): the caller never gets a
/// result the store does not agree with. [`BestEffort`](Self::BestEffort) lets the run go on
/// in memory without its store: its stream gets a
/// [`DurabilityLost`](crate::event::DurabilityLost) event, its handler's and controls'
/// [`durability_lost`](crate::RunControl::durability_lost) says why, and the run commits
/// nothing more. A process that dies after that loses what the run did since its last commit,
/// and, if the store could not record how the run ended either, a later
/// [`resume_running`](crate::Runner::resume_running) takes the run up again from that commit.
///
/// ```
/// use std::sync::Arc;
/// use eventflow::prelude::*;
/// use eventflow::store::{Durability, MemoryStore};
///
/// struct Echo;
///
/// #[workflow]
/// impl Echo {
///     #[step]
///     async fn echo(&self, ev: StartEvent<u32>) -> StopEvent<u32> {
///         StopEvent::new(ev.input)
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), WorkflowError> {
/// let runner = Runner::new(Echo)
///     .store(Arc::new(MemoryStore::new()))
///     .checkpoint_every_step(true)
///     .durability(Durability::BestEffort);
/// let handler = runner.run(7);
/// let control = handler.control();
/// assert_eq!(handler.await?, 7);
/// // The store kept every commit.
/// assert_eq!(control.durability_lost(), None);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Durability {
    /// A commit the store does not keep ends the run with an error.
    #[default]
    Required,
    /// A commit the store does not keep is reported, and the run goes on without its store.
    BestEffort,
}

/// Where durable runs are kept. See the [module docs](self) for the contract; every method
/// is a short blocking call that the runtime makes off its run loops.
pub trait CheckpointStore: Send + Sync {
    /// Adds a new run with its first commit, in one transaction: a run is in the store with a
    /// checkpoint to resume from, or not at all.
    ///
    /// # Errors
    ///
    /// [`StoreError::DuplicateRun`] if the run is already there;
    /// [`StoreError::OutOfSequence`] unless `first.seq` is 0; or a backend failure. On error
    /// nothing is written.
    fn create(&self, header: &RunHeader, first: &Commit) -> Result<(), StoreError>;

    /// Appends `commit` to the run's journal and sets its status, in one transaction.
    ///
    /// # Errors
    ///
    /// [`StoreError::OutOfSequence`] unless `commit.seq` is the number of commits the run
    /// has; [`StoreError::UnknownRun`]; or a backend failure. On error nothing is written.
    fn commit(&self, run: RunId, commit: &Commit, status: RunStatus) -> Result<(), StoreError>;

    /// Sets the run's status without a commit: it ended, or it now waits for input.
    ///
    /// # Errors
    ///
    /// [`StoreError::UnknownRun`], or a backend failure.
    fn set_status(&self, run: RunId, status: RunStatus) -> Result<(), StoreError>;

    /// The run's header and journal, or `None` if it is not in the store.
    ///
    /// # Errors
    ///
    /// A backend failure, or [`StoreError::Corrupt`] data.
    fn load(&self, run: RunId) -> Result<Option<StoredRun>, StoreError>;

    /// The headers of every run, oldest first.
    ///
    /// # Errors
    ///
    /// A backend failure, or [`StoreError::Corrupt`] data.
    fn list(&self) -> Result<Vec<RunHeader>, StoreError>;

    /// Deletes the finished runs (completed, failed, cancelled or timed out) last updated
    /// longer than `age` ago, with their journals, and says how many.
    ///
    /// # Errors
    ///
    /// A backend failure; then nothing is deleted.
    fn delete_finished(&self, age: Duration) -> Result<usize, StoreError>;

    /// What a commit to this store may hold; [`Limits::default`] unless the store says
    /// otherwise.
    fn limits(&self) -> Limits {
        Limits::default()
    }
}

/// Milliseconds since the Unix epoch, now.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// A [`CheckpointStore`] in the process's memory: runs survive a pause, not a crash.
///
/// ```
/// use eventflow_core::RunId;
/// use eventflow_core::store::{CheckpointStore, Commit, MemoryStore, RunHeader, RunStatus};
///
/// let store = MemoryStore::new();
/// let run = RunId::new();
/// store.create(&RunHeader::new(run, "Writer", 7), &Commit::new(0, "draft", b"one".to_vec()))?;
/// store.commit(run, &Commit::new(1, "review", b"two".to_vec()), RunStatus::Waiting)?;
/// assert!(store.commit(run, &Commit::new(1, "review", b"again".to_vec()), RunStatus::Running).is_err());
/// let stored = store.load(run)?.expect("the run is stored");
/// assert_eq!(stored.header.status, RunStatus::Waiting);
/// assert_eq!(stored.commits.len(), 2);
/// # Ok::<(), eventflow_core::store::StoreError>(())
/// ```
#[derive(Debug, Default)]
pub struct MemoryStore {
    runs: Mutex<BTreeMap<RunId, StoredRun>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn runs(&self) -> MutexGuard<'_, BTreeMap<RunId, StoredRun>> {
        // Every method leaves the map consistent before it can panic.
        self.runs.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl CheckpointStore for MemoryStore {
    fn create(&self, header: &RunHeader, first: &Commit) -> Result<(), StoreError> {
        let mut runs = self.runs();
        if runs.contains_key(&header.run) {
            return Err(StoreError::DuplicateRun(header.run));
        }
        if first.seq != 0 {
            return Err(StoreError::OutOfSequence {
                run: header.run,
                expected: 0,
                got: first.seq,
            });
        }
        runs.insert(
            header.run,
            StoredRun {
                header: header.clone(),
                commits: vec![first.clone()],
            },
        );
        Ok(())
    }

    fn commit(&self, run: RunId, commit: &Commit, status: RunStatus) -> Result<(), StoreError> {
        let mut runs = self.runs();
        let stored = runs.get_mut(&run).ok_or(StoreError::UnknownRun(run))?;
        let expected = stored.commits.len() as u64;
        if commit.seq != expected {
            return Err(StoreError::OutOfSequence {
                run,
                expected,
                got: commit.seq,
            });
        }
        stored.commits.push(commit.clone());
        stored.header.status = status;
        stored.header.updated_ms = now_ms();
        Ok(())
    }

    fn set_status(&self, run: RunId, status: RunStatus) -> Result<(), StoreError> {
        let mut runs = self.runs();
        let stored = runs.get_mut(&run).ok_or(StoreError::UnknownRun(run))?;
        stored.header.status = status;
        stored.header.updated_ms = now_ms();
        Ok(())
    }

    fn load(&self, run: RunId) -> Result<Option<StoredRun>, StoreError> {
        Ok(self.runs().get(&run).cloned())
    }

    fn list(&self) -> Result<Vec<RunHeader>, StoreError> {
        let mut headers: Vec<RunHeader> = self.runs().values().map(|r| r.header.clone()).collect();
        headers.sort_by_key(|h| (h.created_ms, h.run));
        Ok(headers)
    }

    fn delete_finished(&self, age: Duration) -> Result<usize, StoreError> {
        let cutoff = now_ms().saturating_sub(u64::try_from(age.as_millis()).unwrap_or(u64::MAX));
        let mut runs = self.runs();
        let before = runs.len();
        runs.retain(|_, r| !(r.header.status.is_finished() && r.header.updated_ms <= cutoff));
        Ok(before - runs.len())
    }
}
