//! The [`Workflow`] trait: the contract between `#[workflow]` and the runtime.

use crate::event::{EventType, Start, Stop};
use crate::state::State;
use crate::step::StepDef;

/// A set of steps that react to events, from a start event to a stop event.
///
/// `#[workflow]` implements it from an `impl` block of `#[step]` methods. It can also be written
/// by hand, which shows everything the macro generates:
///
/// ```
/// use std::sync::Arc;
/// use eventflow_core::{
///     AnyEvent, Context, Emit, EventType, Runner, StartEvent, StepDef, StepInput, StepSpec,
///     StopEvent, Workflow,
/// };
///
/// struct Echo;
///
/// impl Echo {
///     async fn echo(&self, ev: StartEvent<String>) -> StopEvent<String> {
///         StopEvent::new(ev.input)
///     }
/// }
///
/// impl Workflow for Echo {
///     type Start = StartEvent<String>;
///     type Stop = StopEvent<String>;
///     type State = ();
///     const NAME: &'static str = "Echo";
///     const STEPS: &'static [StepDef<Self>] = &[StepDef::new(
///         StepSpec {
///             accepts: &[EventType::of::<StartEvent<String>>()],
///             emits: &[EventType::of::<StopEvent<String>>()],
///             ..StepSpec::new("echo")
///         },
///         |this: &Arc<Self>, input: StepInput, _ctx: Context| {
///             let this = Arc::clone(this);
///             Box::pin(async move {
///                 let Some(Ok(ev)) = input.into_event().map(|e| e.downcast::<StartEvent<String>>()) else {
///                     return Err("unexpected event".into());
///                 };
///                 Ok(Emit::One(AnyEvent::new(this.echo(ev).await)))
///             })
///         },
///     )];
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // A hand-written graph was not checked at compile time, so it is checked when built.
/// let runner = Runner::builder(Echo).build()?;
/// assert_eq!(runner.run("hi".to_string()).await?, "hi");
/// # Ok(())
/// # }
/// ```
pub trait Workflow: Send + Sync + Sized + 'static {
    /// The event a run starts with.
    type Start: Start;
    /// The event that ends a run with a result.
    type Stop: Stop;
    /// The per-run state, `()` if the workflow has none.
    type State: State;
    /// The workflow's name, for logs and errors.
    const NAME: &'static str;
    /// The steps, in declaration order.
    const STEPS: &'static [StepDef<Self>];
    /// The event types that may arrive from outside a run, through its handler.
    const EXTERNAL: &'static [EventType] = &[];
    /// The event types the workflow hands to other workflows of its [`Host`](crate::Host)
    /// (`#[workflow(publishes(..))]`).
    const PUBLISHES: &'static [EventType] = &[];
    /// The event types the workflow takes from other workflows of its host, in the runs of the
    /// same conversation (`#[workflow(subscribes(..))]`).
    const SUBSCRIBES: &'static [EventType] = &[];
}

/// A workflow whose event graph `#[workflow]` checked at compile time, so that
/// [`Runner::new`](crate::Runner::new) cannot fail.
///
/// Workflows written by hand, and those declared `#[workflow(open)]` to take free-function steps,
/// are built with [`Runner::builder`](crate::Runner::builder) instead, which checks the graph then.
#[diagnostic::on_unimplemented(
    message = "the event graph of `{Self}` was not checked at compile time",
    label = "build this workflow with `Runner::builder(..)`",
    note = "`Runner::new` takes workflows whose steps are all in one `#[workflow]` impl; `Runner::builder(workflow).step(..).build()?` checks the others when built"
)]
pub trait CheckedWorkflow: Workflow {}
