//! Steps as the runtime sees them: a static description ([`StepSpec`]) plus a function that
//! runs one input ([`StepFn`]), and free-function steps ([`FreeStep`]).

pub(crate) mod io;
pub(crate) mod spec;
pub(crate) mod takes;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub use crate::error::StepPanic;
pub use io::{Emit, StepInput};
pub use spec::{Catches, ChildWorkflow, DEFAULT_NUM_WORKERS, StepSpec};
pub use takes::Takes;

use crate::context::Context;
use crate::error::BoxError;
use crate::retry::RetryPolicy;
use crate::state::State;
use crate::workflow::Workflow;

/// The future of one step execution.
pub type StepFuture = Pin<Box<dyn Future<Output = Result<Emit, BoxError>> + Send + 'static>>;

/// Runs a step of workflow `W` on its input.
///
/// The runtime only passes events whose type is in the step's [`StepSpec::accepts`].
pub type StepFn<W> = fn(&Arc<W>, StepInput, Context<<W as Workflow>::State>) -> StepFuture;

/// A step of workflow `W`: its description and the function that runs it.
pub struct StepDef<W: Workflow> {
    /// The step's description.
    pub spec: StepSpec,
    /// Runs the step on one input.
    pub call: StepFn<W>,
    /// Builds the step's retry policy (`#[step(retry = ..)]`) from the workflow, once per
    /// runner.
    pub retry: Option<fn(&W) -> RetryPolicy>,
}

impl<W: Workflow> StepDef<W> {
    /// A step that is not retried.
    pub const fn new(spec: StepSpec, call: StepFn<W>) -> Self {
        Self {
            spec,
            call,
            retry: None,
        }
    }
}

impl<W: Workflow> fmt::Debug for StepDef<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StepDef")
            .field("spec", &self.spec)
            .finish_non_exhaustive()
    }
}

/// A step written as a free function with `#[step]`, to be added to a workflow whose state is
/// `S` with [`RunnerBuilder::step`](crate::RunnerBuilder::step).
///
/// `#[step]` on `async fn check_stock(..)` implements this for a generated unit struct named
/// `CheckStockStep`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a step for a workflow with state `{S}`",
    note = "free-function steps are the `<Name>Step` structs that `#[step]` generates; a step that takes `&Context<T>` only joins workflows whose state is `T`"
)]
pub trait FreeStep<S: State>: Send + Sync + 'static {
    /// The step's description.
    fn spec(&self) -> &'static StepSpec;
    /// Runs the step on one input.
    fn call(input: StepInput, ctx: Context<S>) -> StepFuture;
    /// The step's retry policy, if it has one.
    fn retry(&self) -> Option<RetryPolicy> {
        None
    }
}
