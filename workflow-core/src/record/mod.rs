//! Watching runs: the recorder that builds a run's trace, and the verbose printer.

pub(crate) mod recorder;
pub(crate) mod run_state;
pub(crate) mod verbose;
