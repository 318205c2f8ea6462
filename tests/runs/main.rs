//! How a run goes and ends: cancellation, timeouts and limits, child workflows, failures and
//! retries, a human in the loop, and workflows talking in a host.
//!
//! One test binary for the area rather than one per file: each binary links the whole runtime,
//! so fewer of them build and link faster. Memory use is measured in a binary of its own
//! (`tests/memory.rs`), which has its own global allocator.

mod blocking;
mod cancel;
mod children;
mod failures;
mod hitl;
mod host;
mod retry;
