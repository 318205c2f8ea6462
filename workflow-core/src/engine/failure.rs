//! What a run does about a failed step execution: retry it after a delay, hand the failure to
//! the step that recovers it, or fail the run. Decided from the step's retry policy, its
//! recovery step and budget, and whether the failed input was kept.

use std::error::Error as StdError;
use std::time::Duration;

use crate::engine::envelope::Lineage;
use crate::engine::table::StepTable;
use crate::id::RunId;
use crate::retry::{Failure, RetryPolicy};

/// What follows a failed execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AfterFailed {
    /// Run the same input again after the delay.
    Retry(Duration),
    /// Route the failure to this step.
    Recover(u32),
    /// The run fails.
    FailRun,
}

/// One failed execution, as the decision sees it.
pub(crate) struct Failed<'a> {
    pub(crate) run: RunId,
    pub(crate) step: u32,
    pub(crate) attempts: u32,
    pub(crate) elapsed: Duration,
    pub(crate) lineage: Lineage,
    pub(crate) error: &'a (dyn StdError + 'static),
    /// The failed input was kept, so it can run again.
    pub(crate) has_input: bool,
}

/// What follows `failed`, a failure of a step of `table` whose retry policy is `policy`.
pub(crate) fn after_failed(
    table: &StepTable,
    policy: Option<&RetryPolicy>,
    failed: &Failed<'_>,
) -> AfterFailed {
    let step = failed.step;
    let retry = policy.filter(|_| failed.has_input).and_then(|policy| {
        // Differs between runs, steps and recoveries, so jitter does not move in lockstep.
        let key =
            failed.run.as_u64() ^ (u64::from(step) << 32) ^ u64::from(failed.lineage.recoveries);
        policy.next_delay(&Failure {
            attempts: failed.attempts,
            elapsed: failed.elapsed,
            error: failed.error,
            key,
        })
    });
    if let Some(delay) = retry {
        return AfterFailed::Retry(delay);
    }
    let recoverer = table.recoverer(step).filter(|&handler| {
        let budget = table.spec(handler).catches.map_or(0, |c| c.max_recoveries);
        failed.lineage.recoveries < budget
    });
    match recoverer {
        Some(handler) => AfterFailed::Recover(handler),
        None => AfterFailed::FailRun,
    }
}
