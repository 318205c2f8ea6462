//! What eventflow's own tests share, so that each test says only what it checks.
//!
//! - [`runtime`]: the tokio runtimes tests build by hand, where `#[tokio::test]` does not
//!   reach (proptest cases, several runtimes in one test).
//! - [`ScratchDir`]: a directory of a test's own, removed when dropped.
//! - [`example`]: where a built example program is, for tests that run it as a user would.
//! - [`drain`] and [`last_event`]: a run's stream read to its end.
//! - [`DropTracker`]: whether the futures holding its guards were dropped.
//! - [`crash`]: a process dying in the middle of a run, and the run resumed by the next one.
//! - [`samples`]: workflows that tests of several crates use.
//! - [`fuzz`]: the checkpoint fuzz target's harness, which a test also runs over its corpus;
//!   `fuzz_store` (feature `sqlite`), the store-file target's.
//! - [`faults`]: a store that fails, panics or loses track of a write on chosen calls.
//!
//! A dev-dependency only (never published): its helpers panic where a test would, with a
//! message that names what went wrong.

pub mod crash;
mod drops;
pub mod faults;
pub mod fuzz;
#[cfg(feature = "sqlite")]
pub mod fuzz_store;
mod programs;
pub mod runtime;
pub mod samples;
mod scratch;
mod stream;

pub use drops::{DropGuard, DropTracker};
pub use programs::example;
pub use scratch::ScratchDir;
pub use stream::{drain, last_event};
