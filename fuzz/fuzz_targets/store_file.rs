//! Any bytes as the SQLite file a store opens: a clear error, or runs that list and load, and
//! never a panic or a hang. The harness is `eventflow_testkit::fuzz_store`, which a stable test
//! also runs over the corpus.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    eventflow_testkit::fuzz_store::open_store_file(data);
});
