//! Steps as the runtime sees them: a static description ([`StepSpec`]) plus a function that
//! runs one input ([`StepFn`]), and free-function steps ([`FreeStep`]).

pub(crate) mod io;
pub(crate) mod spec;
pub(crate) mod takes;

pub use crate::error::StepPanic;
pub use crate::topology::DEFAULT_NUM_WORKERS;
pub use crate::workflow::{StepDef, StepFn};
pub use io::StepFuture;
pub use io::{Emit, StepInput};
pub use spec::{Catches, ChildWorkflow, StepSpec};
pub use takes::Takes;

use crate::context::Context;
use crate::retry::RetryPolicy;
use crate::state::State;

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
