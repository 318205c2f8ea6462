//! An input on its way into a step execution, as the engine queues, retries and saves it.

use tokio::time::Instant;

use crate::engine::envelope::Lineage;
use crate::engine::link::Link;
use crate::step::io::StepInput;

/// An input on its way into a step execution.
#[derive(Debug)]
pub(crate) struct Work {
    pub(crate) input: StepInput,
    pub(crate) lineage: Lineage,
    /// 1 for a first execution, more for a retry.
    pub(crate) attempt: u32,
    /// When the first execution on this input started, for a retry.
    pub(crate) first_started: Option<Instant>,
    /// The input's places in the trace: the execution follows from them.
    pub(crate) links: Vec<Link>,
    /// The input's number within the run, given when the input reaches its step (0 until
    /// then): kept across retries and resumes, for idempotency keys.
    pub(crate) execution: u64,
}

impl Work {
    #[inline]
    pub(crate) fn new(input: StepInput, lineage: Lineage) -> Self {
        Self {
            input,
            lineage,
            attempt: 1,
            first_started: None,
            links: Vec::new(),
            execution: 0,
        }
    }
}
