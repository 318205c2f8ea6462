//! Checking an event graph assembled at run time.

pub(crate) mod shape;

use eventflow_rules as rules;

use crate::error::ValidationError;
use crate::step::spec::{Boundary, StepSpec};

pub(crate) use shape::fan_out_joins;

/// Checks the graph made of `steps` with the rules `#[workflow]` applies at compile time.
pub(crate) fn validate(boundary: &Boundary, steps: &[&StepSpec]) -> Result<(), ValidationError> {
    let graph = shape::graph(Some(boundary), steps);
    let problems = rules::check(&graph);
    if problems.is_empty() {
        return Ok(());
    }
    let described = problems
        .iter()
        .map(|p| rules::describe(&graph, p))
        .collect();
    Err(ValidationError::new(boundary.workflow, described))
}
