//! The embedded SQLite store for durable eventflow runs: one file, no server, WAL mode.
//!
//! Use it through `eventflow::store::SqliteStore` (the facade's `sqlite` feature). It keeps
//! the [`CheckpointStore`] contract: a commit and the run's status are one transaction, and a
//! commit is accepted only as the next of its run's journal, even with several processes
//! writing to the same file.

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use eventflow_core::RunId;
use eventflow_core::store::{CheckpointStore, Commit, RunHeader, RunStatus, StoreError, StoredRun};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

/// The layout this version writes; a file of an older one is brought up to it, a file of
/// another is refused, never guessed at.
const SCHEMA_VERSION: i64 = 2;

/// What eventflow writes in the SQLite header's `application_id` ("EvFl"), so that it never
/// takes another application's database for its own.
const APPLICATION_ID: i64 = 0x4576_466c;

/// The tables of every layout so far.
const TABLES: [&str; 2] = ["commits", "runs"];

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS runs (
        run         INTEGER PRIMARY KEY,
        workflow    TEXT    NOT NULL,
        fingerprint INTEGER NOT NULL,
        status      TEXT    NOT NULL,
        created_ms  INTEGER NOT NULL,
        updated_ms  INTEGER NOT NULL,
        parent      INTEGER
    );
    CREATE TABLE IF NOT EXISTS commits (
        run    INTEGER NOT NULL REFERENCES runs (run) ON DELETE CASCADE,
        seq    INTEGER NOT NULL,
        step   TEXT    NOT NULL,
        record BLOB    NOT NULL,
        PRIMARY KEY (run, seq)
    ) WITHOUT ROWID;
";

/// A [`CheckpointStore`] in an SQLite file.
///
/// ```
/// use eventflow_core::RunId;
/// use eventflow_core::store::{CheckpointStore, Commit, RunHeader, RunStatus};
/// use eventflow_store::SqliteStore;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let dir = std::env::temp_dir().join(format!("eventflow-store-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// let path = dir.join("runs.db");
/// let run = RunId::new();
/// {
///     let store = SqliteStore::open(&path)?;
///     store.create(&RunHeader::new(run, "Writer", 7), &Commit::new(0, "draft", b"...".to_vec()))?;
///     store.set_status(run, RunStatus::Waiting)?;
/// }
/// // Another process, later: the run is still there.
/// let store = SqliteStore::open(&path)?;
/// let stored = store.load(run)?.expect("the run was committed");
/// assert_eq!(stored.header.status, RunStatus::Waiting);
/// assert_eq!(stored.commits[0].step, "draft");
/// # drop(store);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct SqliteStore {
    // One connection per store: SQLite serializes writers anyway, and WAL lets readers in
    // other processes go on meanwhile.
    connection: Mutex<Connection>,
}

impl SqliteStore {
    /// Opens the store in the file at `path`, creating it if missing, in WAL mode.
    ///
    /// # Errors
    ///
    /// If the file cannot be opened or is not an SQLite database
    /// ([`StoreError::Backend`]), or holds a store of another layout version
    /// ([`StoreError::Corrupt`]).
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let connection = Connection::open(path).map_err(backend)?;
        // Several processes may write the same file: wait for a lock instead of failing.
        connection
            .busy_timeout(Duration::from_secs(5))
            .map_err(backend)?;
        // Read before anything is changed: a file this version cannot use is left as it is.
        let version: i64 = connection
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(backend)?;
        if !(0..=SCHEMA_VERSION).contains(&version) {
            return Err(StoreError::Corrupt(format!(
                "the file holds a store of layout version {version}; this version reads {SCHEMA_VERSION}"
            )));
        }
        let owned = owner(&connection)?;
        connection
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(backend)?;
        // In WAL mode, NORMAL still never corrupts the file; a commit may be lost only if
        // the machine (not the process) loses power before the next checkpoint.
        connection
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(backend)?;
        connection
            .pragma_update(None, "foreign_keys", true)
            .map_err(backend)?;
        if !owned {
            // An empty file, or one an older eventflow wrote before it signed its files.
            connection
                .pragma_update(None, "application_id", APPLICATION_ID)
                .map_err(backend)?;
        }
        match version {
            0 => {
                connection.execute_batch(SCHEMA).map_err(backend)?;
                connection
                    .pragma_update(None, "user_version", SCHEMA_VERSION)
                    .map_err(backend)?;
            }
            // Layout 1 had no parents: every run in it is a top-level run.
            1 => connection
                .execute_batch(
                    "BEGIN IMMEDIATE;
                     ALTER TABLE runs ADD COLUMN parent INTEGER;
                     PRAGMA user_version = 2;
                     COMMIT;",
                )
                .map_err(backend)?,
            _ => {}
        }
        Ok(Self {
            connection: Mutex::new(connection),
        })
    }

    /// The journal mode SQLite reports for the file (`wal` once opened).
    ///
    /// # Errors
    ///
    /// If SQLite cannot be asked.
    pub fn journal_mode(&self) -> Result<String, StoreError> {
        self.connection()
            .pragma_query_value(None, "journal_mode", |row| row.get(0))
            .map_err(backend)
    }

    fn connection(&self) -> MutexGuard<'_, Connection> {
        // A panic cannot leave a transaction open: rusqlite rolls back on drop.
        self.connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl CheckpointStore for SqliteStore {
    fn create(&self, header: &RunHeader, first: &Commit) -> Result<(), StoreError> {
        if first.seq != 0 {
            return Err(StoreError::OutOfSequence {
                run: header.run,
                expected: 0,
                got: first.seq,
            });
        }
        let mut connection = self.connection();
        let tx = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(backend)?;
        let inserted = tx
            .execute(
                "INSERT INTO runs (run, workflow, fingerprint, status, created_ms, updated_ms, parent)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (run) DO NOTHING",
                params![
                    id(header.run),
                    header.workflow,
                    signed(header.fingerprint),
                    header.status.as_str(),
                    signed(header.created_ms),
                    signed(header.updated_ms),
                    header.parent.map(id),
                ],
            )
            .map_err(backend)?;
        if inserted == 0 {
            return Err(StoreError::DuplicateRun(header.run));
        }
        tx.execute(
            "INSERT INTO commits (run, seq, step, record) VALUES (?1, 0, ?2, ?3)",
            params![id(header.run), first.step, first.record],
        )
        .map_err(backend)?;
        tx.commit().map_err(backend)
    }

    fn commit(&self, run: RunId, commit: &Commit, status: RunStatus) -> Result<(), StoreError> {
        let mut connection = self.connection();
        // IMMEDIATE takes the write lock first, so no other writer can slip a commit in
        // between the sequence check and the insert.
        let tx = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(backend)?;
        let known: Option<i64> = tx
            .query_row("SELECT 1 FROM runs WHERE run = ?1", [id(run)], |row| {
                row.get(0)
            })
            .optional()
            .map_err(backend)?;
        if known.is_none() {
            return Err(StoreError::UnknownRun(run));
        }
        // The last number through the primary key: a count would read the whole journal on
        // every commit.
        let last: Option<i64> = tx
            .query_row(
                "SELECT max(seq) FROM commits WHERE run = ?1",
                [id(run)],
                |row| row.get(0),
            )
            .map_err(backend)?;
        let expected = match last {
            Some(last) => unsigned(last)? + 1,
            None => 0,
        };
        if commit.seq != expected {
            return Err(StoreError::OutOfSequence {
                run,
                expected,
                got: commit.seq,
            });
        }
        tx.execute(
            "INSERT INTO commits (run, seq, step, record) VALUES (?1, ?2, ?3, ?4)",
            params![id(run), signed(commit.seq), commit.step, commit.record],
        )
        .map_err(backend)?;
        tx.execute(
            "UPDATE runs SET status = ?2, updated_ms = ?3 WHERE run = ?1",
            params![id(run), status.as_str(), signed(now_ms())],
        )
        .map_err(backend)?;
        tx.commit().map_err(backend)
    }

    fn set_status(&self, run: RunId, status: RunStatus) -> Result<(), StoreError> {
        let updated = self
            .connection()
            .execute(
                "UPDATE runs SET status = ?2, updated_ms = ?3 WHERE run = ?1",
                params![id(run), status.as_str(), signed(now_ms())],
            )
            .map_err(backend)?;
        if updated == 0 {
            return Err(StoreError::UnknownRun(run));
        }
        Ok(())
    }

    fn load(&self, run: RunId) -> Result<Option<StoredRun>, StoreError> {
        let mut connection = self.connection();
        // One read transaction: the header and the journal are of the same moment.
        let tx = connection.transaction().map_err(backend)?;
        let header = tx
            .query_row(
                "SELECT run, workflow, fingerprint, status, created_ms, updated_ms, parent
                 FROM runs WHERE run = ?1",
                [id(run)],
                read_header,
            )
            .optional()
            .map_err(backend)?;
        let Some(header) = header else {
            return Ok(None);
        };
        let header = header?;
        let mut statement = tx
            .prepare("SELECT seq, step, record FROM commits WHERE run = ?1 ORDER BY seq")
            .map_err(backend)?;
        let rows = statement
            .query_map([id(run)], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Vec<u8>>(2)?,
                ))
            })
            .map_err(backend)?;
        let mut commits = Vec::new();
        for row in rows {
            let (seq, step, record) = row.map_err(backend)?;
            let seq = unsigned(seq)?;
            if seq != commits.len() as u64 {
                return Err(StoreError::Corrupt(format!(
                    "run {run}: the journal jumps to commit {seq} after {}",
                    commits.len()
                )));
            }
            commits.push(Commit::new(seq, step, record));
        }
        drop(statement);
        tx.finish().map_err(backend)?;
        Ok(Some(StoredRun::new(header, commits)))
    }

    fn list(&self) -> Result<Vec<RunHeader>, StoreError> {
        let connection = self.connection();
        let mut statement = connection
            .prepare(
                "SELECT run, workflow, fingerprint, status, created_ms, updated_ms, parent
                 FROM runs ORDER BY created_ms, run",
            )
            .map_err(backend)?;
        let rows = statement.query_map([], read_header).map_err(backend)?;
        let mut headers = Vec::new();
        for row in rows {
            headers.push(row.map_err(backend)??);
        }
        Ok(headers)
    }

    fn delete_finished(&self, age: Duration) -> Result<usize, StoreError> {
        let cutoff = now_ms().saturating_sub(u64::try_from(age.as_millis()).unwrap_or(u64::MAX));
        let finished = [
            RunStatus::Completed,
            RunStatus::Failed,
            RunStatus::Cancelled,
            RunStatus::TimedOut,
        ];
        let mut connection = self.connection();
        let tx = connection.transaction().map_err(backend)?;
        let mut deleted = 0;
        for status in finished {
            // The journal goes with its run (ON DELETE CASCADE).
            deleted += tx
                .execute(
                    "DELETE FROM runs WHERE status = ?1 AND updated_ms <= ?2",
                    params![status.as_str(), signed(cutoff)],
                )
                .map_err(backend)?;
        }
        tx.commit().map_err(backend)?;
        Ok(deleted)
    }
}

/// A header row, or why it does not read back.
fn read_header(row: &rusqlite::Row<'_>) -> rusqlite::Result<Result<RunHeader, StoreError>> {
    let run = RunId::from_u64(u64::from_ne_bytes(row.get::<_, i64>(0)?.to_ne_bytes()));
    let workflow: String = row.get(1)?;
    let fingerprint = u64::from_ne_bytes(row.get::<_, i64>(2)?.to_ne_bytes());
    let status: String = row.get(3)?;
    let created: i64 = row.get(4)?;
    let updated: i64 = row.get(5)?;
    let parent: Option<i64> = row.get(6)?;
    Ok((|| {
        let mut header = RunHeader::new(run, workflow, fingerprint);
        header.parent = parent.map(|p| RunId::from_u64(u64::from_ne_bytes(p.to_ne_bytes())));
        header.status = status.parse()?;
        header.created_ms = unsigned(created)?;
        header.updated_ms = unsigned(updated)?;
        Ok(header)
    })())
}

/// Run ids and fingerprints use all 64 bits; SQLite integers are signed.
fn id(run: RunId) -> i64 {
    signed(run.as_u64())
}

fn signed(value: u64) -> i64 {
    i64::from_ne_bytes(value.to_ne_bytes())
}

/// A count, a sequence number or a time, which is never negative in a sound file.
fn unsigned(value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("a negative number ({value})")))
}

/// Whether the file is already signed as eventflow's; an error, before anything is changed,
/// if it belongs to another application: it is signed by one, or holds tables that are not
/// eventflow's.
fn owner(connection: &Connection) -> Result<bool, StoreError> {
    let id: i64 = connection
        .pragma_query_value(None, "application_id", |row| row.get(0))
        .map_err(backend)?;
    if id == APPLICATION_ID {
        return Ok(true);
    }
    if id != 0 {
        return Err(StoreError::Foreign(format!(
            "the SQLite file belongs to another application (its application_id is {id:#x}, eventflow's is {APPLICATION_ID:#x}); it is left as it was"
        )));
    }
    let mut tables: Vec<String> = connection
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .and_then(|mut query| {
            query
                .query_map([], |row| row.get(0))?
                .collect::<Result<_, _>>()
        })
        .map_err(backend)?;
    tables.sort();
    let others: Vec<&String> = tables
        .iter()
        .filter(|t| !TABLES.contains(&t.as_str()))
        .collect();
    if !others.is_empty() {
        let names: Vec<String> = others.iter().map(|t| format!("`{t}`")).collect();
        return Err(StoreError::Foreign(format!(
            "the SQLite file holds tables of another application ({}); it is left as it was",
            names.join(", ")
        )));
    }
    Ok(false)
}

fn backend(error: rusqlite::Error) -> StoreError {
    StoreError::Backend(Box::new(error))
}

/// Milliseconds since the Unix epoch, now: when a run was last updated.
fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
