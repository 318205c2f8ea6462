//! What changed among the inputs of a run checkpointed after every step since its last
//! commit: a commit then writes these changes, not every input the run holds.

use std::time::Duration;

use crate::engine::envelope::Lineage;
use crate::engine::fan::save_lineage;
use crate::engine::snapshot::{self, ExecutionOp, SavedExecution};
use crate::engine::table::StepTable;
use crate::engine::work::Work;
use crate::error::SuspendError;
use crate::step::io::StepInput;

/// An input of `step` as a checkpoint holds it.
pub(crate) fn save(
    step: &str,
    attempt: u32,
    execution: u64,
    input: &StepInput,
    lineage: &Lineage,
    delay: Option<Duration>,
) -> Result<SavedExecution, SuspendError> {
    Ok(SavedExecution {
        step: step.to_owned(),
        attempt,
        execution,
        input: snapshot::save_input(input)?,
        lineage: save_lineage(lineage),
        delay_ms: delay.map(snapshot::millis),
    })
}

/// Queued `work` of `step` as a checkpoint holds it, with what is left of a retry's delay.
pub(crate) fn save_work(
    step: &str,
    work: &Work,
    delay: Option<Duration>,
) -> Result<SavedExecution, SuspendError> {
    save(
        step,
        work.attempt,
        work.execution,
        &work.input,
        &work.lineage,
        delay,
    )
}

/// The changes, in order, each with its step's index (named when written).
#[derive(Debug, Default)]
pub(crate) struct Journal {
    ops: Vec<(u32, ExecutionOp)>,
    /// An input that could not be encoded: the next commit fails with it.
    broken: Option<String>,
}

impl Journal {
    /// `work` was added to `step`, or changed (a retry, its delay).
    // Out of the run loop's hot paths, which only test whether there is a journal.
    #[cold]
    #[inline(never)]
    pub(crate) fn put(&mut self, step: u32, work: &Work, delay: Option<Duration>) {
        // Named when written: the journal does not hold the step table.
        match save_work("", work, delay) {
            Ok(saved) => self.ops.push((step, ExecutionOp::Put(saved))),
            Err(error) => self.broken = Some(error.to_string()),
        }
    }

    /// Input `execution` is gone: it finished, failed or was cancelled.
    #[cold]
    #[inline(never)]
    pub(crate) fn remove(&mut self, execution: u64) {
        self.ops.push((0, ExecutionOp::Remove(execution)));
    }

    /// The changes, with their steps named from `table`.
    pub(crate) fn ops(&self, table: &StepTable) -> Result<Vec<ExecutionOp>, SuspendError> {
        if let Some(broken) = &self.broken {
            return Err(SuspendError::Encode(broken.clone()));
        }
        Ok(self
            .ops
            .iter()
            .map(|(step, op)| match op {
                ExecutionOp::Put(input) => ExecutionOp::Put(SavedExecution {
                    step: table.spec(*step).name.to_owned(),
                    ..input.clone()
                }),
                ExecutionOp::Remove(n) => ExecutionOp::Remove(*n),
            })
            .collect())
    }

    /// The changes were written.
    pub(crate) fn clear(&mut self) {
        self.ops.clear();
    }
}
