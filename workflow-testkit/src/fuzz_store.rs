//! The store-file fuzz target's harness, shared by `fuzz/fuzz_targets/store_file.rs` and a
//! stable test that replays its corpus: any bytes as the SQLite file a
//! [`SqliteStore`](eventflow::store::SqliteStore) opens give a clear error, or a store whose
//! runs list and load, each with a clear error where a row is damaged, and never a panic or a
//! hang. SQLite parses the file; what is fuzzed here is eventflow's reading of it: the layout
//! version and application id checks, the migrations, and the rows turned into runs.
//!
//! ```
//! // Not an SQLite file: refused.
//! eventflow_testkit::fuzz_store::open_store_file(b"hello");
//! ```

use eventflow::store::{CheckpointStore, SqliteStore};

use crate::ScratchDir;

/// Opens `data` as a store file and reads every run in it; panics only on an outcome the
/// store must never have (a panic inside it).
pub fn open_store_file(data: &[u8]) {
    let dir = ScratchDir::new("fuzz-store");
    let path = dir.join("runs.db");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let Ok(store) = SqliteStore::open(&path) else {
        return;
    };
    let Ok(runs) = store.list() else {
        return;
    };
    // A hostile file may hold many runs: a few are enough to reach every reader.
    for header in runs.iter().take(32) {
        let _ = store.load(header.run);
    }
    let _ = store.delete_finished(std::time::Duration::ZERO);
}
