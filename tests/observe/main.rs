//! What a run shows of itself: topologies and their snapshots, recorded traces, and the
//! examples run as a user runs them.
//!
//! One test binary for the area rather than one per file: each binary links the whole runtime,
//! so fewer of them build and link faster. Runs as `tracing` sees them are tested in binaries
//! of their own (`tests/tracing.rs`, `tests/verbose.rs`, and `tests/otel.rs` behind its
//! feature): their subscribers would miss events of the workflows that other tests run in the
//! same process.

mod examples;
mod topology;
mod trace;
