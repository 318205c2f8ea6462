//! Any bytes a store may hand back as a run's checkpoint: resuming from them gives a clear
//! error, or a run that works, and never a panic, a hang or an unbounded allocation. The
//! harness is `eventflow_testkit::fuzz`, which a stable test also runs over the corpus.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    eventflow_testkit::fuzz::resume_checkpoint(data);
});
