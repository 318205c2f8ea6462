//! The driver: the tokio side of a run. It polls step futures, holds timers and the inbox,
//! and carries out what the engine decides.

pub(crate) mod program;
pub(crate) mod shared;
pub(crate) mod steps;
pub(crate) mod task;

/// How a run ended, as its handler receives it.
pub(crate) type Outcome<W> =
    Result<<W as crate::workflow::Workflow>::Stop, crate::error::WorkflowError>;
