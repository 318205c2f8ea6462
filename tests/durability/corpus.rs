//! The fuzz targets' corpora, replayed on every test run: each input the fuzzer kept (real
//! checkpoints and store files, and what it found interesting) gives a clear error or works.
//! Running the fuzzer itself needs nightly: `scripts/fuzz.sh`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use eventflow_testkit::fuzz::resume_checkpoint;
use eventflow_testkit::fuzz_store::open_store_file;

/// Runs `harness` over every input of `target`'s corpus, which must hold at least `least`.
fn replay(target: &str, least: usize, harness: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    inputs.sort();
    // The corpus is checked in: an empty directory would make this test pass vacuously.
    assert!(
        inputs.len() >= least,
        "the {target} corpus has {} inputs",
        inputs.len()
    );
    let failed: Vec<String> = inputs
        .iter()
        .filter_map(|path| {
            let data = std::fs::read(path).ok()?;
            catch_unwind(AssertUnwindSafe(|| harness(&data)))
                .err()
                .map(|_| path.display().to_string())
        })
        .collect();
    assert!(failed.is_empty(), "inputs that failed: {failed:?}");
}

#[test]
fn every_input_of_the_checkpoint_corpus_resumes_or_is_refused() {
    replay("checkpoint", 1400, resume_checkpoint);
}

#[test]
fn every_input_of_the_store_file_corpus_opens_or_is_refused() {
    replay("store_file", 90, open_store_file);
}
