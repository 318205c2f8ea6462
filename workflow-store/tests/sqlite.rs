//! The SQLite store keeps the checkpoint-store contract, in one file, across processes and
//! reopenings, and refuses files it cannot trust.

use std::path::Path;
use std::time::Duration;

use eventflow::testing::check_store;
use eventflow_core::RunId;
use eventflow_core::store::{
    CheckpointStore, Commit, MemoryStore, RunHeader, RunStatus, StoreError,
};
use eventflow_store::SqliteStore;
use eventflow_testkit::ScratchDir;
use proptest::prelude::*;

// Each test's database is in a scratch directory of its own: SQLite's side files (`-wal`,
// `-shm`) are removed with it.
fn open(path: &Path) -> SqliteStore {
    SqliteStore::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_sqlite_store_keeps_the_contract() {
    let dir = ScratchDir::new("store");
    check_store(&open(&dir.join("contract.db")));
}

#[test]
fn the_memory_store_keeps_the_contract() {
    check_store(&MemoryStore::new());
}

#[test]
fn runs_outlive_the_store_that_wrote_them_and_the_file_is_in_wal_mode() -> Result<(), StoreError> {
    let dir = ScratchDir::new("store");
    let path = dir.join("reopen.db");
    let run = RunId::new();
    {
        let store = open(&path);
        assert_eq!(store.journal_mode()?, "wal");
        store.create(
            &RunHeader::new(run, "Writer", u64::MAX),
            &Commit::new(0, "draft", vec![0, 255, 7]),
        )?;
        store.set_status(run, RunStatus::Waiting)?;
    }
    let store = open(&path);
    let stored = store
        .load(run)?
        .expect("the run was committed before the store closed");
    // All 64 bits of ids and fingerprints survive SQLite's signed integers.
    assert_eq!(
        (stored.header.run, stored.header.fingerprint),
        (run, u64::MAX)
    );
    assert_eq!(stored.header.status, RunStatus::Waiting);
    assert_eq!(stored.commits, [Commit::new(0, "draft", vec![0, 255, 7])]);
    Ok(())
}

#[test]
fn two_writers_on_one_file_never_record_a_completion_twice() -> Result<(), StoreError> {
    let dir = ScratchDir::new("store");
    let path = dir.join("race.db");
    let (a, b) = (open(&path), open(&path));
    let run = RunId::new();
    a.create(
        &RunHeader::new(run, "Writer", 1),
        &Commit::new(0, "start", Vec::new()),
    )?;
    let threads: Vec<_> = [a, b]
        .into_iter()
        .enumerate()
        .map(|(writer, store)| {
            std::thread::spawn(move || {
                // Both try to write commits 0..50; each number is taken by exactly one.
                (1..51_u64)
                    .filter(|&seq| {
                        let commit =
                            Commit::new(seq, format!("writer{writer}"), vec![writer as u8]);
                        match store.commit(run, &commit, RunStatus::Running) {
                            Ok(()) => true,
                            Err(StoreError::OutOfSequence { .. }) => false,
                            Err(other) => panic!("commit {seq}: {other}"),
                        }
                    })
                    .count()
            })
        })
        .collect();
    let won: usize = threads.into_iter().map(|t| t.join().unwrap_or(0)).sum();
    let stored = open(&path).load(run)?.expect("the run is stored");
    let seqs: Vec<u64> = stored.commits.iter().map(|c| c.seq).collect();
    assert_eq!(seqs, (0..=won as u64).collect::<Vec<_>>());
    assert!(won >= 1, "some commit went through");
    Ok(())
}

#[test]
fn a_file_that_is_not_a_store_is_refused_and_left_alone() {
    let dir = ScratchDir::new("store");
    let path = dir.join("garbage.db");
    let garbage = b"this is not an SQLite database, just some bytes a user pointed at".repeat(200);
    std::fs::write(&path, &garbage).unwrap_or_else(|e| panic!("{e}"));
    let error = SqliteStore::open(&path).err();
    assert!(matches!(error, Some(StoreError::Backend(_))), "{error:?}");
    assert_eq!(std::fs::read(&path).ok(), Some(garbage));
}

#[test]
fn a_store_of_the_first_layout_is_brought_up_to_date_and_keeps_its_runs()
-> Result<(), Box<dyn std::error::Error>> {
    let dir = ScratchDir::new("store");
    let path = dir.join("layout1.db");
    {
        // The first layout, as its version wrote it: no parents.
        let old = rusqlite::Connection::open(&path)?;
        old.execute_batch(
            "CREATE TABLE runs (
                 run INTEGER PRIMARY KEY, workflow TEXT NOT NULL, fingerprint INTEGER NOT NULL,
                 status TEXT NOT NULL, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL);
             CREATE TABLE commits (
                 run INTEGER NOT NULL REFERENCES runs (run) ON DELETE CASCADE,
                 seq INTEGER NOT NULL, step TEXT NOT NULL, record BLOB NOT NULL,
                 PRIMARY KEY (run, seq)) WITHOUT ROWID;
             INSERT INTO runs VALUES (7, 'Writer', 1, 'waiting', 10, 20);
             INSERT INTO commits VALUES (7, 0, 'ask', x'6869');
             PRAGMA user_version = 1;",
        )?;
    }
    let store = SqliteStore::open(&path)?;
    let old = store
        .load(RunId::from_u64(7))?
        .ok_or("the old run is kept")?;
    assert_eq!(
        (
            old.header.status,
            old.header.parent,
            old.commits[0].record.as_slice()
        ),
        (RunStatus::Waiting, None, &b"hi"[..])
    );
    // New runs may name a parent.
    let child = RunHeader::new(RunId::from_u64(8), "Orders", 2).child_of(RunId::from_u64(7));
    store.create(&child, &Commit::new(0, "start", Vec::new()))?;
    drop(store);
    let reopened = SqliteStore::open(&path)?;
    let child = reopened
        .load(RunId::from_u64(8))?
        .ok_or("the child is stored")?;
    assert_eq!(child.header.parent, Some(RunId::from_u64(7)));
    Ok(())
}

#[test]
fn a_store_of_another_layout_version_is_refused() -> Result<(), rusqlite::Error> {
    let dir = ScratchDir::new("store");
    let path = dir.join("future.db");
    rusqlite::Connection::open(&path)?.pragma_update(None, "user_version", 9)?;
    let before = std::fs::read(&path).ok();
    match SqliteStore::open(&path) {
        Err(StoreError::Corrupt(message)) => assert!(message.contains("version 9"), "{message}"),
        other => panic!("expected a layout version error, got {other:?}"),
    }
    assert_eq!(
        std::fs::read(&path).ok(),
        before,
        "the file is left as it was"
    );
    Ok(())
}

#[test]
fn rows_that_do_not_read_back_are_errors_not_panics() -> Result<(), Box<dyn std::error::Error>> {
    let dir = ScratchDir::new("store");
    let path = dir.join("tampered.db");
    let store = open(&path);
    let (good, bad_status, gap) = (RunId::from_u64(1), RunId::from_u64(2), RunId::from_u64(3));
    for run in [good, bad_status, gap] {
        store.create(
            &RunHeader::new(run, "Writer", 1),
            &Commit::new(0, "a", Vec::new()),
        )?;
        store.commit(run, &Commit::new(1, "b", Vec::new()), RunStatus::Running)?;
    }
    let raw = rusqlite::Connection::open(&path)?;
    raw.execute("UPDATE runs SET status = 'sleeping' WHERE run = 2", [])?;
    raw.execute("UPDATE commits SET seq = 5 WHERE run = 3 AND seq = 1", [])?;
    assert!(matches!(store.load(good), Ok(Some(_))));
    match store.load(bad_status) {
        Err(StoreError::Corrupt(message)) => assert!(message.contains("sleeping"), "{message}"),
        other => panic!("expected Corrupt, got {other:?}"),
    }
    match store.load(gap) {
        Err(StoreError::Corrupt(message)) => {
            assert!(message.contains("jumps to commit 5"), "{message}");
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    assert!(matches!(store.list(), Err(StoreError::Corrupt(_))));
    Ok(())
}

/// An operation on a store, as a user of the trait would call it.
#[derive(Debug, Clone)]
enum Op {
    Create(u64),
    Commit {
        run: u64,
        seq: u64,
        record: Vec<u8>,
        status: u8,
    },
    SetStatus {
        run: u64,
        status: u8,
    },
    DeleteFinished,
}

fn status(n: u8) -> RunStatus {
    [
        RunStatus::Running,
        RunStatus::Waiting,
        RunStatus::Completed,
        RunStatus::Failed,
        RunStatus::Cancelled,
        RunStatus::TimedOut,
    ][usize::from(n % 6)]
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    let op = prop_oneof![
        (0_u64..4).prop_map(Op::Create),
        (
            0_u64..4,
            0_u64..5,
            proptest::collection::vec(any::<u8>(), 0..40),
            any::<u8>()
        )
            .prop_map(|(run, seq, record, status)| Op::Commit {
                run,
                seq,
                record,
                status
            }),
        (0_u64..4, any::<u8>()).prop_map(|(run, status)| Op::SetStatus { run, status }),
        Just(Op::DeleteFinished),
    ];
    proptest::collection::vec(op, 0..40)
}

/// What a call gave, without what only a clock decides.
fn outcome<T>(result: &Result<T, StoreError>) -> String {
    match result {
        Ok(_) => "ok".into(),
        Err(StoreError::OutOfSequence { expected, got, .. }) => {
            format!("sequence {expected}/{got}")
        }
        Err(other) => format!("{other}"),
    }
}

fn apply(store: &dyn CheckpointStore, op: &Op) -> String {
    match op {
        Op::Create(run) => outcome(&store.create(
            &RunHeader::new(RunId::from_u64(*run), "W", *run),
            &Commit::new(0, "start", vec![1]),
        )),
        Op::Commit {
            run,
            seq,
            record,
            status: s,
        } => outcome(&store.commit(
            RunId::from_u64(*run),
            &Commit::new(*seq, "step", record.clone()),
            status(*s),
        )),
        Op::SetStatus { run, status: s } => {
            outcome(&store.set_status(RunId::from_u64(*run), status(*s)))
        }
        Op::DeleteFinished => match store.delete_finished(Duration::ZERO) {
            Ok(n) => format!("deleted {n}"),
            Err(e) => format!("{e}"),
        },
    }
}

fn contents(store: &dyn CheckpointStore) -> Vec<(RunId, RunStatus, Vec<Commit>)> {
    let mut runs: Vec<_> = store
        .list()
        .unwrap_or_else(|e| panic!("list: {e}"))
        .into_iter()
        .map(|h| {
            let stored = store
                .load(h.run)
                .ok()
                .flatten()
                .expect("a listed run loads");
            (h.run, h.status, stored.commits)
        })
        .collect();
    runs.sort_by_key(|r| r.0);
    runs
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any sequence of calls gives the same answers and leaves the same runs in SQLite as in
    /// memory.
    #[test]
    fn sqlite_behaves_like_the_memory_store(ops in ops()) {
        let dir = ScratchDir::new("store");
        let path = dir.join("model.db");
        let (sqlite, memory) = (open(&path), MemoryStore::new());
        for op in &ops {
            prop_assert_eq!(apply(&sqlite, op), apply(&memory, op), "{:?}", op);
        }
        prop_assert_eq!(contents(&sqlite), contents(&memory));
    }
}

#[test]
fn another_applications_database_is_refused_and_left_alone() -> Result<(), rusqlite::Error> {
    let dir = ScratchDir::new("store");
    let path = dir.join("app.db");
    {
        let app = rusqlite::Connection::open(&path)?;
        app.execute_batch(
            "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);
             INSERT INTO customers VALUES (1, 'Ada');",
        )?;
    }
    let before = std::fs::read(&path).ok();
    match SqliteStore::open(&path) {
        Err(StoreError::Foreign(message)) => {
            assert!(message.contains("`customers`"), "{message}");
        }
        other => panic!("expected a foreign file to be refused, got {other:?}"),
    }
    assert_eq!(
        std::fs::read(&path).ok(),
        before,
        "the file is left as it was"
    );
    let tables: i64 = rusqlite::Connection::open(&path)?.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
        [],
        |row| row.get(0),
    )?;
    assert_eq!(tables, 1, "no eventflow table was added");
    Ok(())
}

#[test]
fn a_file_signed_by_another_application_is_refused() -> Result<(), rusqlite::Error> {
    let dir = ScratchDir::new("store");
    let path = dir.join("signed.db");
    rusqlite::Connection::open(&path)?.pragma_update(None, "application_id", 0x1234)?;
    let before = std::fs::read(&path).ok();
    match SqliteStore::open(&path) {
        Err(StoreError::Foreign(message)) => assert!(message.contains("0x1234"), "{message}"),
        other => panic!("expected a foreign file to be refused, got {other:?}"),
    }
    assert_eq!(std::fs::read(&path).ok(), before);
    Ok(())
}

#[test]
fn a_new_store_is_signed_as_eventflows_and_opens_again() -> Result<(), Box<dyn std::error::Error>> {
    let dir = ScratchDir::new("store");
    let path = dir.join("runs.db");
    drop(open(&path));
    let id: i64 =
        rusqlite::Connection::open(&path)?
            .pragma_query_value(None, "application_id", |row| row.get(0))?;
    assert_eq!(id, 0x4576_466c);
    drop(SqliteStore::open(&path)?);
    Ok(())
}
