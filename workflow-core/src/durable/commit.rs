//! Committing a run's checkpoint: a full one, or, in a run checkpointed after every step,
//! what changed since the previous commit. A full checkpoint is written again once the
//! deltas since the last one hold as many changes as it held inputs and arrivals, so the
//! journal costs time and space in proportion to what the run did, and a resume reads a
//! bounded part of it.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Duration;

use crate::durable::store::{CheckpointStore, Commit, Limits, RunHeader, RunStatus, StoreError};
use crate::durable::{self, Checkpoint, Delta, ExecutionOp};
use crate::engine::journal;
use crate::engine::lock;
use crate::error::{StepPanic, SuspendError};
use crate::id::RunId;
use crate::workflow::Workflow;

use crate::driver::task::RunTask;

/// Deltas are written until they hold this many changes, or as many as the last full
/// checkpoint held things, whichever is more.
const MIN_CHANGES_BEFORE_FULL: usize = 64;

/// A record to commit, and what it means for the journal once committed.
struct Record {
    bytes: Vec<u8>,
    /// `Some(size)` for a full checkpoint holding `size` inputs and arrivals; `None` for a
    /// delta.
    full: Option<usize>,
    changes: usize,
    collecting: bool,
}

impl<W: Workflow> RunTask<W> {
    /// Commits the run's checkpoint with `status`, under the step name `label`.
    pub(crate) fn commit(&mut self, status: RunStatus, label: &str) -> Result<RunId, SuspendError> {
        let Some(durable) = self.durable.as_ref() else {
            return Err(SuspendError::NoStore);
        };
        if let Some(lost) = &durable.lost {
            return Err(SuspendError::Unsupported(format!(
                "it went on without its store after a commit was not kept: {lost}"
            )));
        }
        if self.shared.waiters.kept() > 0 {
            return Err(SuspendError::Unsupported(
                "it keeps events sent before a step waited for them, which a checkpoint does not carry yet".to_owned(),
            ));
        }
        let suspending = status == RunStatus::Waiting;
        let written = &durable.written;
        let delta_base = written
            .full
            .filter(|_| self.steps.queues.journal.is_some())
            .filter(|_| written.changes < written.size.max(MIN_CHANGES_BEFORE_FULL));
        // An event's or the state's `Serialize` is the user's code: a panic in it fails the
        // commit, not the run's task.
        let record = guarded("encoding the checkpoint", || match delta_base {
            Some(base) => self.delta(base, suspending),
            None => self.full(suspending),
        })??;
        let run = self.shared.id;
        let engine = Arc::clone(&self.engine);
        let Some(durable) = self.durable.as_mut() else {
            return Err(SuspendError::NoStore);
        };
        within(&record.bytes, durable.limits)?;
        let seq = durable.next_seq;
        let commit = Commit::new(seq, label, record.bytes);
        let store = &*durable.store;
        let written = if durable.stored {
            guarded("the store's commit", || store.commit(run, &commit, status))?
        } else {
            let (_, fingerprint) = engine.listing();
            let mut header = RunHeader::new(run, W::NAME, fingerprint);
            header.parent = durable.parent;
            header.status = status;
            guarded("the store's create", || store.create(&header, &commit))?
        };
        if let Err(error) = written {
            resolve(store, run, &commit, error)?;
        }
        durable.stored = true;
        durable.claimed = false;
        durable.next_seq += 1;
        match record.full {
            Some(size) => {
                durable.written.full = Some(seq);
                durable.written.changes = 0;
                durable.written.size = size;
            }
            None => durable.written.changes += record.changes,
        }
        durable.written.collecting = record.collecting;
        self.fan.written(record.full.is_some());
        lock(&self.shared.collectors).written();
        if let Some(calls) = self.shared.calls() {
            lock(calls).written();
        }
        if let Some(journal) = &mut self.steps.queues.journal {
            journal.clear();
        }
        Ok(run)
    }

    fn full(&self, suspending: bool) -> Result<Record, SuspendError> {
        let (topology, _) = self.engine.listing();
        let checkpoint = self.checkpoint(topology, suspending)?;
        let buffered: usize = checkpoint
            .collectors
            .iter()
            .flat_map(|c| &c.kinds)
            .map(|k| k.queue.len())
            .sum();
        let size =
            checkpoint.in_flight.len() + checkpoint.queued.len() + self.fan.size() + buffered;
        let collecting = !checkpoint.collectors.is_empty();
        Ok(Record {
            bytes: checkpoint.encode()?,
            full: Some(size),
            changes: 0,
            collecting,
        })
    }

    /// What changed since the last commit, which the full checkpoint `base` began.
    fn delta(&self, base: u64, suspending: bool) -> Result<Record, SuspendError> {
        let table = &self.engine.table;
        let mut executions = match &self.steps.queues.journal {
            Some(journal) => journal.ops(table)?,
            None => Vec::new(),
        };
        // A retry's delay runs down between commits: each says what is left.
        for (step, work, delay) in self.steps.pending_retries() {
            executions.push(ExecutionOp::Put(journal::save_work(
                table.spec(step).name,
                work,
                Some(delay),
            )?));
        }
        let (slots, root_sets) = self.fan.delta(table)?;
        let (collectors, settled, collecting) = {
            let collectors = lock(&self.shared.collectors);
            let (changes, settled) = collectors.delta()?;
            (changes, settled, !collectors.is_empty())
        };
        let was_collecting = self.durable.as_ref().is_some_and(|d| d.written.collecting);
        let changes = executions.len()
            + slots.len()
            + collectors.iter().map(|c| c.kinds.len()).sum::<usize>()
            + 1;
        let delta = Delta {
            format: durable::FORMAT,
            base,
            state: self.state()?,
            elapsed_ms: durable::millis(self.elapsed()),
            next_execution: self.steps.queues.next_execution,
            streamed: self.streamed(suspending),
            executions,
            slots,
            root_sets,
            collectors,
            settled,
            running: (collecting || was_collecting).then(|| self.running()),
            calls: self
                .shared
                .calls()
                .map(|c| lock(c).fresh())
                .unwrap_or_default(),
        };
        Ok(Record {
            bytes: serde_json::to_vec(&delta).map_err(|e| SuspendError::Encode(e.to_string()))?,
            full: None,
            changes,
            collecting,
        })
    }

    /// Everything the run needs to go on.
    fn checkpoint(&self, topology: &str, suspending: bool) -> Result<Checkpoint, SuspendError> {
        let table = &self.engine.table;
        let mut in_flight = Vec::new();
        for (meta, input) in self.steps.in_flight_inputs() {
            let name = table.spec(meta.step).name;
            let input = input.ok_or_else(|| {
                SuspendError::Unsupported(format!("the input of step `{name}` was not kept"))
            })?;
            in_flight.push(journal::save(
                name,
                meta.attempt,
                meta.execution,
                input,
                &meta.lineage,
                None,
            )?);
        }
        let mut queued = Vec::new();
        for (step, work, delay) in self.steps.queued_inputs() {
            queued.push(journal::save_work(table.spec(step).name, work, delay)?);
        }
        Ok(Checkpoint {
            format: durable::FORMAT,
            workflow: W::NAME.to_owned(),
            topology: topology.to_owned(),
            state_type: std::any::type_name::<W::State>().to_owned(),
            state: self.state()?,
            elapsed_ms: durable::millis(self.elapsed()),
            in_flight,
            queued,
            next_execution: self.steps.queues.next_execution,
            fan_outs: self.fan.save(table)?,
            collectors: lock(&self.shared.collectors).save()?,
            running: self.running(),
            streamed: self.streamed(suspending),
            calls: self
                .shared
                .calls()
                .map(|c| lock(c).save())
                .unwrap_or_default(),
        })
    }

    /// The inputs whose executions are running.
    fn running(&self) -> Vec<u64> {
        let mut running: Vec<u64> = self
            .steps
            .in_flight_inputs()
            .map(|(meta, _)| meta.execution)
            .collect();
        running.sort_unstable();
        running
    }

    fn state(&self) -> Result<serde_json::Value, SuspendError> {
        serde_json::to_value(self.shared.state.get())
            .map_err(|e| SuspendError::Encode(format!("the state: {e}")))
    }

    /// The part of the run's timeout used so far.
    fn elapsed(&self) -> Duration {
        let used = self.durable.as_ref().map_or(Duration::ZERO, |d| d.used);
        used + self.began.map_or(Duration::ZERO, |b| b.elapsed())
    }

    /// The number of the stream's next event.
    fn streamed(&self, suspending: bool) -> u64 {
        // A suspended run's stream ends with `WorkflowSuspended`, which takes a number.
        self.shared.stream.next_number() + u64::from(suspending)
    }
}

/// Runs `f`, turning a panic in it into an error that names `place`.
pub(crate) fn guarded<T>(place: &'static str, f: impl FnOnce() -> T) -> Result<T, SuspendError> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|panic| SuspendError::Panicked {
        place,
        message: StepPanic::from_payload(&*panic).message().to_owned(),
    })
}

/// Checks a record against the store's limits before it is written: a record the reader
/// would refuse must not become the run's last commit.
fn within(bytes: &[u8], limits: Limits) -> Result<(), SuspendError> {
    if bytes.len() > limits.max_commit_bytes {
        return Err(SuspendError::OverLimit {
            limit: "size in bytes",
            value: bytes.len(),
            max: limits.max_commit_bytes,
            setting: "Limits::max_commit_bytes",
        });
    }
    if let Some(depth) = deeper_than(bytes, limits.max_depth) {
        return Err(SuspendError::OverLimit {
            limit: "nesting depth",
            value: depth,
            max: limits.max_depth,
            setting: "Limits::max_depth",
        });
    }
    Ok(())
}

/// The deepest nesting of objects and arrays in a JSON document: no more than the number of
/// brackets it opens, which a vectorized count finds cheaply for the usual record; only a
/// record with more than `max` of them is scanned exactly.
fn deeper_than(json: &[u8], max: usize) -> Option<usize> {
    // Counted in chunks into a byte each, which compiles to a few vector instructions per 32
    // bytes: a byte is at most one bracket, so a chunk of 255 cannot overflow its count.
    let opened: usize = json
        .chunks(255)
        .map(|chunk| {
            let count = chunk.iter().fold(0u8, |n, &b| {
                n.wrapping_add(u8::from(b == b'{') | u8::from(b == b'['))
            });
            usize::from(count)
        })
        .sum();
    if opened <= max {
        return None;
    }
    Some(depth(json)).filter(|&depth| depth > max)
}

/// The deepest nesting of objects and arrays in a JSON document, in one pass.
pub(crate) fn depth(json: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &byte in json {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// A commit failed with `error`: reads the store back to learn what happened. The commit may
/// have landed (the store failed after writing, or said so late): then it counts as written.
/// Otherwise the error stands, or, if the store cannot be read either, the outcome is unknown.
pub(crate) fn resolve(
    store: &dyn CheckpointStore,
    run: crate::id::RunId,
    commit: &Commit,
    error: StoreError,
) -> Result<(), SuspendError> {
    if matches!(error, StoreError::UnknownRun(_) | StoreError::Corrupt(_)) {
        return Err(error.into());
    }
    let read = guarded("the store's load", || store.load(run)).and_then(|read| Ok(read?));
    let stored = read.map_err(|read| {
        SuspendError::OutcomeUnknown(format!("{error}; reading the run back failed too: {read}"))
    })?;
    let landed = stored.as_ref().is_some_and(|stored| {
        stored
            .commits
            .iter()
            .any(|c| c.seq == commit.seq && c.record == commit.record)
    });
    if landed {
        tracing::debug!(target: "eventflow::run", run_id = %run, seq = commit.seq, %error, "the store reported a failure, but the commit is there");
        return Ok(());
    }
    Err(error.into())
}
