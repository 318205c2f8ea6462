//! The checkpoint fuzz target's corpus, replayed on every test run: each input the fuzzer
//! kept (real checkpoints and what it found interesting) resumes to a clear error or a run
//! that works. Running the fuzzer itself needs nightly: `scripts/fuzz.sh`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use eventflow_testkit::fuzz::resume_checkpoint;

#[test]
fn every_input_of_the_checkpoint_corpus_resumes_or_is_refused() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/checkpoint");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    inputs.sort();
    // The corpus is checked in: an empty directory would make this test pass vacuously.
    assert!(
        inputs.len() >= 900,
        "the corpus has {} inputs",
        inputs.len()
    );
    let failed: Vec<String> = inputs
        .iter()
        .filter_map(|path| {
            let data = std::fs::read(path).ok()?;
            catch_unwind(AssertUnwindSafe(|| resume_checkpoint(&data)))
                .err()
                .map(|_| path.display().to_string())
        })
        .collect();
    assert!(failed.is_empty(), "inputs that failed: {failed:?}");
}
