//! Procedural macros of [eventflow](https://docs.rs/eventflow). Use them through `eventflow`,
//! which re-exports them next to the runtime they generate code for.

mod ast;
mod attr;
mod errors;
mod event;
mod expand;
mod graph;
mod types;
mod union;
mod workflow;

#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// Turns an `impl` block of `#[step]` methods into a workflow, checking its event graph at
/// compile time.
///
/// ```
/// use eventflow::prelude::*;
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct SecondStepEvent {
///     payload: String,
/// }
///
/// struct SimpleWorkflow;
///
/// #[workflow]
/// impl SimpleWorkflow {
///     #[step]
///     async fn start(&self, ev: StartEvent<String>) -> SecondStepEvent {
///         SecondStepEvent { payload: ev.input }
///     }
///
///     #[step]
///     async fn second_step(&self, ev: SecondStepEvent) -> StopEvent<String> {
///         StopEvent::new(ev.payload)
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), WorkflowError> {
/// let result = Runner::new(SimpleWorkflow).run("hello world".to_string()).await?;
/// assert_eq!(result, "hello world");
/// # Ok(())
/// # }
/// ```
///
/// # Steps
///
/// A step is an `async` method taking `&self`, one event parameter, and optionally a context
/// (a parameter whose type is `&Context<S>` or `Context<S>`, in any position). Its signature is
/// its routing: the step runs for every event of the type it takes, and what it returns is
/// routed on.
///
/// | you write | meaning |
/// |---|---|
/// | `ev: A` | runs on every `A` |
/// | `ev: OneOf![A \| B]` | runs on every `A` and every `B` |
/// | `-> B` | emits a `B` |
/// | `-> OneOf![B \| StopEvent<T>]` | emits one of them (return `b.into()`) |
/// | `-> Option<B>` | `None` emits nothing: the branch ends |
/// | `-> Result<B, E>` | `Err` fails the step; `E` is any error type (or `String`) |
/// | `-> ()` (nothing) | emits nothing; events are sent through the context |
///
/// `Result` goes outside `Option`: `Result<Option<OneOf![A | B]>, E>`.
///
/// `#[step(..)]` takes:
///
/// - `sends(A, B)`: the events the step sends with `ctx.send_event` rather than returns;
/// - `num_workers = N`: how many executions of the step may run at once in one run (default 4);
///   further events wait in FIFO order;
/// - `stream_only(P)`: `P` is emitted for the caller's stream, so no step needs to accept it;
/// - `allow(dead_end)`: the step need not lead to the stop event; `allow(unreachable)`: it need
///   not be reachable from the start event;
/// - `name = "..."`: the step's name in the graph, logs and errors (default: the method's name).
///
/// # `OneOf!`
///
/// `OneOf![A | B]` in a step signature becomes an enum generated next to the impl, with one
/// variant per member, named after the member's last path segment, and `From` impls from each
/// member (so `return b.into()`). Its name is predictable: workflow type + step name in
/// CamelCase + `Input` for the parameter or `Output` for the return type. Step `begin` of
/// `FeedbackMonitor` gets `FeedbackMonitorBeginInput` and `FeedbackMonitorBeginOutput`; a free
/// function step `begin` gets `BeginInput`/`BeginOutput`. The enum also converts to and from
/// `AnyEvent`.
///
/// # Arguments
///
/// `#[workflow(..)]` takes:
///
/// - `start = T` / `stop = T`: the workflow's own start or stop event type (default: the one
///   `StartEvent<..>` that steps accept, and the one `StopEvent<..>` they emit);
/// - `state = S`: the per-run state type reached with `ctx.state()` (default `()`);
/// - `open`: steps written as free functions are added with `Runner::builder(..).step(..)`,
///   so the event graph is checked when the runner is built instead of at compile time;
/// - `name = "..."`: the workflow's name (default: the type's name);
/// - `crate = path`: where the `eventflow` crate is, if renamed in `Cargo.toml`.
///
/// # Compile-time checks
///
/// Each mistake is reported at the token it is about, all in one compile:
///
/// - no step accepts the start event, or none emits the stop event;
/// - a step accepts an event that no step emits or sends;
/// - a step emits or sends an event that no step accepts (unless `stream_only`);
/// - a step is unreachable from the start event, or has no path to the stop event;
/// - a step accepts the stop event;
/// - two steps have the same name;
/// - a step is not `async`, does not take `&self`, has no event parameter, is generic, or has
///   an unknown `#[step]` argument;
/// - a type in a signature is not an event.
///
/// ```compile_fail
/// use eventflow::prelude::*;
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct Orphan;
///
/// struct Broken;
///
/// #[workflow]
/// impl Broken {
///     #[step]
///     async fn start(&self, _ev: StartEvent) -> StopEvent {
///         StopEvent::new(())
///     }
///
///     // error: step `never` accepts `Orphan`, but no step emits or sends it
///     #[step]
///     async fn never(&self, _ev: Orphan) -> StopEvent {
///         StopEvent::new(())
///     }
/// }
/// ```
///
/// # Generated code
///
/// Besides the impl (with `#[step]` removed and `OneOf!` replaced) and the enums, the macro
/// writes an `impl Workflow` whose `STEPS` constant describes each step and holds a function
/// that converts the event, awaits the method and routes its result. `cargo expand`
/// shows it; the expansion snapshots in `workflow-macros/tests/expand/` are kept readable for
/// that purpose.
#[proc_macro_attribute]
pub fn workflow(args: TokenStream, item: TokenStream) -> TokenStream {
    workflow::workflow(args.into(), item.into()).into()
}

/// Marks a step: a method inside a `#[workflow]` impl, or a free function.
///
/// Inside a `#[workflow]` impl, `#[workflow]` reads and removes it; its arguments are listed
/// there. On a free function, it makes the function a step that any workflow with a matching
/// state type can take, which is how teams contribute steps from their own modules. The step is
/// a generated unit struct named after the function in CamelCase plus `Step`, passed to
/// `RunnerBuilder::step`; the whole graph is then checked when the runner is built:
///
/// ```
/// use eventflow::prelude::*;
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct Query(String);
///
/// #[step]
/// async fn answer(ev: Query) -> StopEvent<String> {
///     StopEvent::new(format!("42 ({})", ev.0))
/// }
///
/// struct Oracle;
///
/// #[workflow(open, stop = StopEvent<String>)]
/// impl Oracle {
///     #[step]
///     async fn ask(&self, ev: StartEvent<String>) -> Query {
///         Query(ev.input)
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let runner = Runner::builder(Oracle).step(AnswerStep).build()?;
/// assert_eq!(runner.run("life".into()).await?, "42 (life)");
/// # Ok(())
/// # }
/// ```
///
/// A free-function step takes no `self`; its optional context is `&Context<S>` for a workflow
/// whose state is `S`, and a step without a context joins any workflow. `#[step(crate = path)]`
/// points at a renamed `eventflow`.
#[proc_macro_attribute]
pub fn step(args: TokenStream, item: TokenStream) -> TokenStream {
    workflow::free_step(args.into(), item.into()).into()
}

/// Implements `Event` for a struct or enum, named after the type.
///
/// The type must also be `Clone`, `Serialize` and `Deserialize` (and `Send + Sync + 'static`).
/// The derive also lets the type serve as a workflow's own start event (`run` takes the event
/// itself) or stop event (awaiting the run gives the event itself).
///
/// ```
/// use eventflow::prelude::*;
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// #[event(name = "trade")]
/// enum TradeEvent {
///     Buy { sku: String },
///     Sell { sku: String },
/// }
///
/// assert_eq!(TradeEvent::NAME, "trade");
/// ```
///
/// `#[event(name = "...")]` renames the event; `#[event(crate = path)]` points at a renamed
/// `eventflow`.
#[proc_macro_derive(Event, attributes(event))]
pub fn derive_event(item: TokenStream) -> TokenStream {
    event::derive(item.into()).into()
}
