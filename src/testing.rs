//! Helpers for testing workflows.

use std::path::Path;

use eventflow_core::topology::Topology;

/// Fails unless `topology` matches the snapshot at `path`, so that a change to a workflow's
/// graph shows up in review like a change to code.
///
/// The snapshot is the topology's text listing. When the file is missing, or when the
/// environment variable `EVENTFLOW_BLESS` is set, the listing is written there instead; a
/// missing snapshot still fails the test (review it, then commit it), except while blessing.
/// Under continuous integration (`CI` set), nothing is ever written.
///
/// ```
/// use eventflow::prelude::*;
/// use eventflow::Topology;
/// use eventflow::testing::assert_topology_snapshot;
///
/// struct Echo;
///
/// #[workflow]
/// impl Echo {
///     #[step]
///     async fn echo(&self, ev: StartEvent<String>) -> StopEvent<String> {
///         StopEvent::new(ev.input)
///     }
/// }
///
/// # let dir = std::env::temp_dir().join(format!("eventflow-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// # let path = dir.join("echo.topology");
/// # std::fs::write(&path, Topology::of::<Echo>().to_string()).unwrap();
/// assert_topology_snapshot(&Topology::of::<Echo>(), &path);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
///
/// # Panics
///
/// If the topology differs from the snapshot, or the snapshot is missing and not being
/// blessed; the message shows the difference and how to accept it.
#[track_caller]
pub fn assert_topology_snapshot(topology: &Topology, path: impl AsRef<Path>) {
    let path = path.as_ref();
    let actual = topology.to_string();
    let bless = std::env::var_os("EVENTFLOW_BLESS").is_some();
    let ci = std::env::var_os("CI").is_some();
    let expected = std::fs::read_to_string(path).ok();
    if expected.as_deref() == Some(actual.as_str()) {
        return;
    }
    if (bless || expected.is_none()) && !ci {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let written = std::fs::write(path, &actual);
        if bless {
            if let Err(error) = written {
                panic!(
                    "could not write the topology snapshot {}: {error}",
                    path.display()
                );
            }
            return;
        }
        panic!(
            "no topology snapshot at {}; one was written: review it and commit it\n{actual}",
            path.display()
        );
    }
    let expected = expected.unwrap_or_default();
    panic!(
        "the topology of `{}` changed from its snapshot {}\n{}\nif the change is intended, rerun with EVENTFLOW_BLESS=1 and commit the snapshot",
        topology.workflow,
        path.display(),
        diff(&expected, &actual)
    );
}

/// A line diff: `-` for lines only in `old`, `+` for lines only in `new`, in order.
fn diff(old: &str, new: &str) -> String {
    let old: Vec<&str> = old.lines().collect();
    let new: Vec<&str> = new.lines().collect();
    // Longest common subsequence, by dynamic programming: listings are short.
    let mut lcs = vec![vec![0usize; new.len() + 1]; old.len() + 1];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            lcs[i][j] = if old[i] == new[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = String::new();
    while i < old.len() || j < new.len() {
        if i < old.len() && j < new.len() && old[i] == new[j] {
            out.push_str(&format!("  {}\n", old[i]));
            i += 1;
            j += 1;
        } else if j < new.len() && (i == old.len() || lcs[i][j + 1] > lcs[i + 1][j]) {
            out.push_str(&format!("+ {}\n", new[j]));
            j += 1;
        } else {
            out.push_str(&format!("- {}\n", old[i]));
            i += 1;
        }
    }
    out
}

/// Checks `store` against the [`CheckpointStore`](crate::store::CheckpointStore) contract and
/// panics at the first breach: runs are created once, commits are accepted only in sequence
/// and written with their status, nothing is written by a refused call, a journal reads back
/// byte for byte and in order, runs list oldest first, and only finished runs old enough are
/// deleted. `store` must be empty; it is left holding the runs the check made.
///
/// ```
/// use eventflow::store::MemoryStore;
/// use eventflow::testing::check_store;
///
/// check_store(&MemoryStore::new());
/// ```
///
/// # Panics
///
/// At the first breach of the contract, naming it.
#[track_caller]
pub fn check_store(store: &dyn eventflow_core::store::CheckpointStore) {
    use eventflow_core::RunId;
    use eventflow_core::store::{Commit, RunHeader, RunStatus, StoreError};
    use std::time::Duration;

    let fail = |what: &str, error: StoreError| -> ! { panic!("{what}: {error}") };
    assert!(
        store.list().unwrap_or_else(|e| fail("list", e)).is_empty(),
        "check_store needs an empty store"
    );

    // Records hold any bytes, empty and large ones included.
    let records: [Vec<u8>; 3] = [
        b"draft".to_vec(),
        Vec::new(),
        (0..=255).cycle().take(70_000).collect(),
    ];
    let first = RunHeader::new(RunId::from_u64(1), "Writer", 0xfeed);
    let not_first = RunHeader::new(RunId::from_u64(3), "Writer", 0xfeed);
    assert!(
        matches!(
            store.create(&not_first, &Commit::new(1, "s", Vec::new())),
            Err(StoreError::OutOfSequence {
                expected: 0,
                got: 1,
                ..
            })
        ),
        "a run must be created with commit 0"
    );
    assert!(
        matches!(store.load(not_first.run), Ok(None)),
        "a refused creation must write nothing"
    );
    store
        .create(&first, &Commit::new(0, "step0", records[0].clone()))
        .unwrap_or_else(|e| fail("create", e));
    assert!(
        matches!(
            store.create(&first, &Commit::new(0, "again", Vec::new())),
            Err(StoreError::DuplicateRun(_))
        ),
        "a run created twice must be refused with DuplicateRun"
    );
    let unknown = RunId::from_u64(99);
    assert!(
        matches!(store.load(unknown), Ok(None)),
        "an unknown run must load as None"
    );
    assert!(
        matches!(
            store.commit(
                unknown,
                &Commit::new(0, "s", Vec::new()),
                RunStatus::Running
            ),
            Err(StoreError::UnknownRun(_))
        ),
        "a commit to an unknown run must be refused with UnknownRun"
    );

    for (seq, record) in records.iter().enumerate().skip(1) {
        let commit = Commit::new(seq as u64, format!("step{seq}"), record.clone());
        store
            .commit(first.run, &commit, RunStatus::Running)
            .unwrap_or_else(|e| fail("commit in sequence", e));
    }
    for got in [1, 7] {
        match store.commit(
            first.run,
            &Commit::new(got, "late", b"x".to_vec()),
            RunStatus::Cancelled,
        ) {
            Err(StoreError::OutOfSequence {
                expected, got: g, ..
            }) => {
                assert_eq!(
                    (expected, g),
                    (3, got),
                    "OutOfSequence must name both numbers"
                );
            }
            other => panic!("commit {got} after 3 commits: expected OutOfSequence, got {other:?}"),
        }
    }
    let before = store
        .load(first.run)
        .ok()
        .flatten()
        .expect("a created run loads");
    assert_eq!(
        (before.commits.len(), before.header.status),
        (3, RunStatus::Running),
        "a refused commit must write nothing, not even its status"
    );
    store
        .commit(
            first.run,
            &Commit::new(3, "late", b"x".to_vec()),
            RunStatus::Failed,
        )
        .unwrap_or_else(|e| fail("commit in sequence", e));
    let stored = store
        .load(first.run)
        .unwrap_or_else(|e| fail("load", e))
        .expect("a created run loads");
    let seqs: Vec<u64> = stored.commits.iter().map(|c| c.seq).collect();
    assert_eq!(seqs, [0, 1, 2, 3], "commits must read back in sequence");
    for (commit, record) in stored.commits.iter().zip(&records) {
        assert_eq!(
            &commit.record, record,
            "commit {} must read back byte for byte",
            commit.seq
        );
    }
    assert_eq!(stored.commits[3].step, "late");
    assert_eq!(
        stored.header.status,
        RunStatus::Failed,
        "a commit writes its status"
    );
    assert_eq!(
        (stored.header.workflow.as_str(), stored.header.fingerprint),
        ("Writer", 0xfeed)
    );
    match store.commit(
        first.run,
        &Commit::new(9, "never", Vec::new()),
        RunStatus::Running,
    ) {
        Err(StoreError::OutOfSequence { .. }) => {}
        other => panic!("an out-of-sequence commit must be refused, got {other:?}"),
    }
    let again = store.load(first.run).ok().flatten().expect("still there");
    assert_eq!(
        (again.commits.len(), again.header.status),
        (4, RunStatus::Failed),
        "a refused commit must write nothing"
    );

    // Statuses, listing and retention.
    // A child run: its header names its parent.
    let waiting = RunHeader::new(RunId::from_u64(2), "Writer", 0xfeed).child_of(first.run);
    store
        .create(&waiting, &Commit::new(0, "ask", b"?".to_vec()))
        .unwrap_or_else(|e| fail("create", e));
    store
        .set_status(waiting.run, RunStatus::Waiting)
        .unwrap_or_else(|e| fail("set_status", e));
    assert!(
        matches!(
            store.set_status(unknown, RunStatus::Completed),
            Err(StoreError::UnknownRun(_))
        ),
        "set_status on an unknown run must be refused with UnknownRun"
    );
    let listed: Vec<(RunId, RunStatus, Option<RunId>)> = store
        .list()
        .unwrap_or_else(|e| fail("list", e))
        .into_iter()
        .map(|h| (h.run, h.status, h.parent))
        .collect();
    assert_eq!(
        listed,
        [
            (first.run, RunStatus::Failed, None),
            (waiting.run, RunStatus::Waiting, Some(first.run))
        ],
        "runs must list oldest first with their status and parent"
    );
    assert_eq!(
        store
            .delete_finished(Duration::from_secs(3600))
            .unwrap_or_else(|e| fail("delete", e)),
        0,
        "a run finished just now is younger than an hour"
    );
    assert_eq!(
        store
            .delete_finished(Duration::ZERO)
            .unwrap_or_else(|e| fail("delete", e)),
        1,
        "only the finished run goes"
    );
    assert!(
        matches!(store.load(first.run), Ok(None)),
        "a deleted run is gone with its journal"
    );
    assert!(
        matches!(store.load(waiting.run), Ok(Some(_))),
        "a waiting run is never deleted by retention"
    );

    // A quarantined run waits for an operator: its status reads back, and retention keeps it.
    store
        .set_status(waiting.run, RunStatus::Quarantined)
        .unwrap_or_else(|e| fail("set_status", e));
    assert_eq!(
        store
            .delete_finished(Duration::ZERO)
            .unwrap_or_else(|e| fail("delete", e)),
        0,
        "a quarantined run is never deleted by retention"
    );
    let quarantined = store.load(waiting.run).ok().flatten().expect("kept");
    assert_eq!(
        quarantined.header.status,
        RunStatus::Quarantined,
        "a quarantined run must read back as quarantined"
    );
}

#[cfg(test)]
mod tests {
    use super::diff;

    #[test]
    fn the_diff_marks_removed_and_added_lines() {
        assert_eq!(diff("a\nb\nc\n", "a\nx\nc\n"), "  a\n- b\n+ x\n  c\n");
        assert_eq!(diff("", "a\n"), "+ a\n");
    }
}
