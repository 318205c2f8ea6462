//! What every run of a runner shares: the workflow, its step functions and retry policies, and
//! the step table the engine routes by.

use std::sync::Arc;

use crate::engine::table::StepTable;
use crate::retry::RetryPolicy;
use crate::step::spec::{Boundary, StepSpec};
use crate::topology::Topology;
use crate::workflow::StepFn;
use crate::workflow::Workflow;

/// What every run of a runner shares.
pub(crate) struct Program<W: Workflow> {
    pub(crate) workflow: Arc<W>,
    pub(crate) calls: Box<[StepFn<W>]>,
    pub(crate) retries: Box<[Option<RetryPolicy>]>,
    pub(crate) table: Arc<StepTable>,
    /// The graph's listing and fingerprint, made once, for checkpoints.
    pub(crate) listing: std::sync::OnceLock<(String, u64)>,
}

impl<W: Workflow> Program<W> {
    /// The graph the runs execute, free-function steps included.
    pub(crate) fn topology(&self) -> Topology {
        let specs: Vec<&StepSpec> = self.table.specs.to_vec();
        let retries: Vec<bool> = self.retries.iter().map(Option::is_some).collect();
        Topology::build(&Boundary::of::<W>(), &specs, &retries)
    }

    /// The graph's listing and its fingerprint, which every checkpoint carries.
    pub(crate) fn listing(&self) -> (&str, u64) {
        let (listing, fingerprint) = self.listing.get_or_init(|| {
            let topology = self.topology();
            (topology.to_string(), topology.fingerprint())
        });
        (listing, *fingerprint)
    }
}
