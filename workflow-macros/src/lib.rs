//! Procedural macros of [eventflow](https://docs.rs/eventflow). Use them through `eventflow`,
//! which re-exports them next to the runtime they generate code for.

mod ast;
mod attr;
mod errors;
mod event;
mod expand;
mod expand_free;
mod extend;
mod graph;
mod recover;
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
/// A step is an `async` method taking `&self`, its event parameters, and optionally a context
/// (a parameter whose type is `&Context<S>` or `Context<S>`, in any position). Its signature is
/// its routing: the step runs for every event of the type it takes, and what it returns is
/// routed on.
///
/// | you write | meaning |
/// |---|---|
/// | `ev: A` | runs on every `A` |
/// | `ev: OneOf![A \| B]` | runs on every `A` and every `B` |
/// | `a: A, b: B` | runs once per complete set of one `A` and one `B`, paired in arrival order |
/// | `a: Vec<A>` | joins a fan-out: runs once when every branch has finished, with the `A`s they produced |
/// | `a: Vec<A>, b: Vec<B>` | joins a fan-out, with one collection per type |
/// | `-> B` | emits a `B` |
/// | `-> OneOf![B \| StopEvent<T>]` | emits one of them (return `b.into()`) |
/// | `-> Option<B>` | `None` emits nothing: the branch ends |
/// | `-> Vec<B>` | fans out: each `B` starts a branch of its own |
/// | `-> OneOf![Vec<B> \| StopEvent<T>]` | either fans out `B`s or emits the stop event: the agent's "call these tools, or answer" |
/// | `-> Result<B, E>` | `Err` fails the step; `E` is any error type (or `String`) |
/// | `-> ()` (nothing) | emits nothing; events are sent through the context |
///
/// `Result` goes outside `Option` and `Vec`: `Result<Option<OneOf![A | B]>, E>`,
/// `Result<Vec<A>, E>`, `Result<OneOf![Vec<A> | B], E>`.
///
/// # Fan-out and fan-in
///
/// A step that returns `Vec<E>` (or `Vec<OneOf![..]>`) fans out: each element is routed as an
/// event, and everything that follows from it is one branch. A step that takes `Vec<E>` joins
/// the innermost fan-out its `E`s come from: it runs once, when every branch has finished,
/// with the `E`s in fan-out order (a branch's own events in the order they arrived). A branch
/// that ends without an `E` (a step returned `None`) leaves the collection, so the join sees
/// the survivors; a fan-out of nothing runs its joins at once with nothing. A fan-out inside a
/// branch has joins of its own, which run per inner fan-out; their results carry on in the
/// outer branch. A failure in a branch is retried and recovered within the branch; if it fails
/// the step for good, it fails the run. Bookkeeping costs O(1) per event.
///
/// ```
/// use eventflow::prelude::*;
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct Page(u32);
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct Summary(String);
///
/// struct Reader;
///
/// #[workflow]
/// impl Reader {
///     #[step]
///     async fn split(&self, ev: StartEvent<u32>) -> Vec<Page> {
///         (1..=ev.input).map(Page).collect()
///     }
///
///     #[step(num_workers = 8)]
///     async fn summarize(&self, page: Page) -> Option<Summary> {
///         // Page 2 is blank: its branch ends here.
///         (page.0 != 2).then(|| Summary(format!("page {}", page.0)))
///     }
///
///     #[step]
///     async fn combine(&self, summaries: Vec<Summary>) -> StopEvent<String> {
///         let parts: Vec<String> = summaries.into_iter().map(|s| s.0).collect();
///         StopEvent::new(parts.join(", "))
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), WorkflowError> {
/// assert_eq!(Runner::new(Reader).run(3).await?, "page 1, page 3");
/// # Ok(())
/// # }
/// ```
///
/// `#[step(take = n)]` on a join runs it as soon as `n` events have arrived, and cancels the
/// rest of the fan-out (running executions are dropped, queued ones discarded): the first `n`
/// answers of a race. A step taking `a: A, b: B` pairs events within the innermost fan-out they
/// belong to; an event arriving outside any fan-out at a step that takes `Vec<E>` is a
/// collection of one.
///
/// A step may return either a fan-out or one event: in `-> OneOf![Vec<ToolCall> |
/// StopEvent<String>]`, returning the `Vec` arm fans out (and the joins of `ToolCall`'s branches
/// run when they finish), returning another arm emits that one event. This is the shape of an
/// agent's model step, which asks for tool calls to run concurrently or gives the answer:
///
/// ```
/// use eventflow::prelude::*;
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct ToolCall(String);
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct ToolResult(String);
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct Observations(Vec<String>);
///
/// struct Agent;
///
/// #[workflow]
/// impl Agent {
///     #[step]
///     async fn model(
///         &self,
///         ev: OneOf![StartEvent<String> | Observations],
///     ) -> OneOf![Vec<ToolCall> | StopEvent<String>] {
///         match ev {
///             AgentModelInput::StartEvent(q) => vec![ToolCall(q.input.clone()), ToolCall(q.input)].into(),
///             AgentModelInput::Observations(seen) => StopEvent::new(seen.0.join("; ")).into(),
///         }
///     }
///
///     #[step(num_workers = 8)]
///     async fn tool(&self, call: ToolCall) -> ToolResult {
///         ToolResult(format!("looked up {}", call.0))
///     }
///
///     #[step]
///     async fn observe(&self, results: Vec<ToolResult>) -> Observations {
///         Observations(results.into_iter().map(|r| r.0).collect())
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), WorkflowError> {
/// let answer = Runner::new(Agent).run("rust".to_owned()).await?;
/// assert_eq!(answer, "looked up rust; looked up rust");
/// # Ok(())
/// # }
/// ```
///
/// The variant of a fan-out arm `Vec<ToolCall>` is `ToolCall(Vec<ToolCall>)`. Only returned
/// sets have fan-out arms: a parameter takes one event, and the elements of `Vec<OneOf![..]>`
/// are single events.
///
/// # Failures, retries and recovery
///
/// A step fails when it returns `Err` or panics. `#[step(retry = policy)]` runs it again on the
/// same event, at the head of its queue, as the [`RetryPolicy`] decides; the expression may
/// read the workflow through `self` and is evaluated once per runner. A step reads its attempt
/// number with `ctx.attempt()`.
///
/// `#[step(catch_errors(a, b))]` makes a step the error-recovery step of steps `a` and `b`
/// (`catch_errors` alone: of every step no other recovery step names). It takes a
/// `StepFailed`, which carries the step name, its input, error, attempts and elapsed time, and
/// may return any event, the stop event included. `max_recoveries = n` (default 1) bounds how
/// many times one chain of events is recovered, so that a failure loop ends; past it, the run
/// fails.
///
/// `#[step(timeout = Duration::from_secs(30))]` gives each execution a deadline (any constant
/// `Duration`): one that runs longer is dropped and fails with `StepTimedOut`, naming the
/// step and the deadline, so its retry policy and recovery step apply as to any failure.
///
/// A step runs inside its run's task, so a step that blocks its thread (CPU-bound work,
/// synchronous I/O, `std::thread::sleep`) stops the whole run until it returns: the run's
/// timeout, step deadlines, cancellation and the other steps wait for it. `#[step(blocking)]`
/// runs its executions on tokio's blocking pool instead, so all of those go on; an execution
/// that is cancelled or overruns is abandoned (its thread finishes the body, and the result is
/// dropped).
///
/// [`RetryPolicy`]: https://docs.rs/eventflow/latest/eventflow/retry/struct.RetryPolicy.html
///
/// # Arguments of `#[step]`
///
/// - `sends(A, B)`: the events the step sends with `ctx.send_event` rather than returns;
/// - `num_workers = N`: how many executions of the step may run at once in one run (default 4);
///   further events wait in FIFO order; an execution waiting in `ctx.wait_for_event` does not
///   count;
/// - `stream_only(P)`: `P` is emitted for the caller's stream, so no step needs to accept it;
/// - `retry = policy`, `catch_errors(..)`, `max_recoveries = n`, `timeout = duration`,
///   `blocking`: see above;
/// - `take = n`: a join runs with the first `n` events of its fan-out;
/// - `allow(dead_end)`: the step need not lead to the stop event; `allow(unreachable)`: it need
///   not be reachable from the start event;
/// - `runs(W, ..)`: the child workflows the step runs with `ctx.child(&runner).run(input)`,
///   so that they appear in the topology under the step;
/// - `name = "..."`: the step's name in the graph, logs and errors (default: the method's name);
/// - `input = Name`, `output = Name`: the names of the enums generated for a `OneOf!`
///   parameter and return type (see below).
///
/// # `OneOf!`
///
/// `OneOf![A | B]` in a step signature becomes an enum generated next to the impl, with one
/// variant per member, named after the member's last path segment, and `From` impls from each
/// member (so `return b.into()`). Its name is predictable: workflow type + step name in
/// CamelCase + `Input` for the parameter or `Output` for the return type. Step `begin` of
/// `FeedbackMonitor` gets `FeedbackMonitorBeginInput` and `FeedbackMonitorBeginOutput`; a free
/// function step `begin` gets `BeginInput`/`BeginOutput`. The enum also converts to and from
/// `AnyEvent`, unless it has a fan-out arm (`OneOf![Vec<A> | B]`, see above): that variant
/// carries the `Vec<A>`, named after `A`. `#[step(input = Name)]` and `#[step(output = Name)]`
/// name the enums instead:
///
/// ```
/// use eventflow::prelude::*;
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct ToolCall(String);
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct ToolResult(String);
///
/// struct Agent;
///
/// #[workflow]
/// impl Agent {
///     #[step(input = AgentInput, output = AgentOutput)]
///     async fn think(
///         &self,
///         ev: OneOf![StartEvent<String> | ToolResult],
///     ) -> OneOf![ToolCall | StopEvent<String>] {
///         match ev {
///             AgentInput::StartEvent(question) => ToolCall(question.input).into(),
///             AgentInput::ToolResult(result) => AgentOutput::StopEvent(StopEvent::new(result.0)),
///         }
///     }
///
///     #[step]
///     async fn call_tool(&self, ev: ToolCall) -> ToolResult {
///         ToolResult(format!("{} done", ev.0))
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), WorkflowError> {
/// assert_eq!(Runner::new(Agent).run("search".into()).await?, "search done");
/// # Ok(())
/// # }
/// ```
///
/// # Arguments
///
/// `#[workflow(..)]` takes:
///
/// - `start = T` / `stop = T`: the workflow's own start or stop event type (default: the one
///   `StartEvent<..>` that steps accept, and the one `StopEvent<..>` they emit);
/// - `state = S`: the per-run state type reached with `ctx.state()` (default `()`);
/// - `external(A, B)`: events the caller sends into a run with `handler.send_event` for a
///   step to wait for (`ctx.wait_for_event`), such as a human's answer: they count as
///   produced, and a step that asks the caller something (writes a `stream_only` event) may
///   end its branch there. The declaration is what lets the caller send them (a send of a type
///   no step accepts and the workflow does not declare is refused), lets a run that waits for
///   them wait rather than stall, and keeps an answer that arrives before its step waits;
/// - `publishes(A, B)`: events the workflow hands to the other workflows of a `Host`: they
///   count as taken (a step that sends one may end its branch there), must be sent or emitted
///   by some step, and leave the run instead of reaching its stream;
/// - `subscribes(A, B)`: events the workflow takes from the other workflows of a `Host`
///   (with `ctx.wait_for_event` or by a step accepting them): they count as produced;
/// - `open`: steps written as free functions are added with `Runner::builder(..).step(..)`,
///   so the event graph is checked when the runner is built instead of at compile time;
/// - `name = "..."`: the workflow's name (default: the type's name);
/// - `crate = path`: where the `eventflow` crate is, if renamed in `Cargo.toml`;
/// - `extendable`, `extends(Base, without(a, ..), via = field)`: see below.
///
/// # Workflows built from other workflows
///
/// A workflow marked `#[workflow(extendable)]` lends its steps to others.
/// `#[workflow(extends(Base))]` on another impl makes a workflow of `Base`'s steps and its own:
///
/// - every step of `Base` is inherited, in its place, with all its `#[step]` arguments (retry
///   policy, `sends`, `stream_only`, `num_workers`, `runs`, `timeout`, `catch_errors`, ..) and
///   its `OneOf!` enums, which keep `Base`'s names (`BaseStepInput`);
/// - a step marked `#[step(replaces)]` takes the place of `Base`'s step of the same name;
/// - `without(a, b)` removes `Base`'s steps `a` and `b`;
/// - any other step is added after the inherited ones; its `OneOf!` enums are named after the
///   extending workflow.
///
/// The whole graph, inherited steps included, is checked at compile time as if all its steps
/// were written in one impl; a problem of an inherited step is reported on `Base` in
/// `extends(..)`. The extending workflow keeps `Base`'s state (`state = ..` may be left out;
/// if written, it must be `Base`'s) and its `external`, `publishes` and `subscribes`
/// declarations, to which it may add; its name is its own.
///
/// Inherited steps are `Base`'s methods, so they run on a `Base`: `via = field` names the field
/// that holds it (a `Base`, or a `Box`, `Arc`, .. of one); without `via`, the workflow
/// implements `AsRef<Base>`.
///
/// ```
/// use eventflow::prelude::*;
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct Drafted(String);
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct Reviewed(String);
///
/// struct Pipeline {
///     author: String,
/// }
///
/// #[workflow(extendable)]
/// impl Pipeline {
///     #[step]
///     async fn draft(&self, ev: StartEvent<String>) -> Drafted {
///         Drafted(format!("{} by {}", ev.input, self.author))
///     }
///
///     #[step(retry = RetryPolicy::immediate().max_attempts(3))]
///     async fn review(&self, ev: Drafted) -> Reviewed {
///         Reviewed(ev.0)
///     }
///
///     #[step]
///     async fn publish(&self, ev: Reviewed) -> StopEvent<String> {
///         StopEvent::new(format!("published {}", ev.0))
///     }
/// }
///
/// // `Pipeline` with another last step: `draft` and `review` run on `self.pipeline`.
/// struct Preview {
///     pipeline: Pipeline,
/// }
///
/// #[workflow(extends(Pipeline, via = pipeline))]
/// impl Preview {
///     #[step(replaces)]
///     async fn publish(&self, ev: Reviewed) -> StopEvent<String> {
///         StopEvent::new(format!("preview of {}", ev.0))
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), WorkflowError> {
/// let preview = Runner::new(Preview {
///     pipeline: Pipeline { author: "Ann".into() },
/// });
/// assert_eq!(preview.run("notes".into()).await?, "preview of notes by Ann");
/// # Ok(())
/// # }
/// ```
///
/// A proc macro sees only the item it is on, so the base hands its steps over itself:
/// `extendable` also generates a hidden `macro_rules!` that holds the base's step attributes
/// and signatures, re-exported `pub(crate)` under the base's own name in the macro namespace.
/// Wherever `Base` the type is in scope (imported, or named by a path), so is the macro, which
/// is how `extends(Base)` finds the steps. The code of each inherited step is generated once,
/// with the base, generic over the workflow that extends it; only the names of the base's
/// event types are read where the extending workflow is, to check the graph, so they need not
/// be in scope there. Hence the limits:
///
/// - the base's `#[workflow(extendable)]` impl must be in the module that defines the type
///   (the macro is there), and the base and the extending workflow in one crate;
/// - an extendable workflow is neither generic nor `open`, and an extending workflow is not
///   itself `extendable` (extend the base directly) nor `open`;
/// - graph checks match the base's and the extending workflow's event types by name, as they
///   do within one workflow.
///
/// `extends(Base)` on a workflow that is not extendable fails with "`Base` is not extendable";
/// replacing or removing a step `Base` lacks, a step named like one of `Base`'s without
/// `replaces`, another state, and no way to reach the base are compile errors that say what to
/// write.
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
/// - the workflow publishes an event that no step emits or sends;
/// - two steps have the same name;
/// - a step takes `Vec<E>` but no fan-out leads to `E`;
/// - a step mixes single events and collections, names one type twice, or uses `take`
///   without a collection;
/// - an error-recovery step names an unknown step or another recovery step, two recovery steps
///   claim one step or both claim every step, or a recovery step does not take `StepFailed`;
/// - a step is not `async`, does not take `&self`, has no event parameter, is generic, or has
///   an unknown `#[step]` argument;
/// - a type in a signature is not an event (a type of another crate, such as `String`, is
///   wrapped in a newtype of yours), or a `retry` expression is not a `RetryPolicy`;
/// - a step takes `&Context` in a workflow with `state = S`, which needs `&Context<S>`.
///
/// An event that no step emits, named like one that exists, is likely a misspelt type: the
/// macro then leaves the error to rustc's "cannot find type", with its suggestion, and reports
/// the graph problem only if the type exists.
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
    workflow::workflow(&args.into(), item.into()).into()
}

/// The second expansion of `#[workflow(extends(..))]`, called by the base's macro with its
/// steps. Not public API.
#[doc(hidden)]
#[proc_macro]
pub fn __extend_workflow(input: TokenStream) -> TokenStream {
    extend::extend_workflow(input.into()).into()
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
/// whose state is `S`, and a step without a context joins any workflow. Only a workflow marked
/// `#[workflow(open)]` takes free-function steps. `#[step(crate = path)]` points at a renamed
/// `eventflow`; `#[step(input = Name, output = Name)]` names its `OneOf!` enums, and the other
/// arguments are those of a step in a `#[workflow]` impl.
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

/// Makes a struct or an enum an event: derives `Clone`, serde's `Serialize` and `Deserialize`,
/// and [`Event`](derive@Event), reaching serde through eventflow, so that a crate that defines
/// events needs no serde dependency of its own.
///
/// ```
/// use eventflow::prelude::*;
///
/// #[eventflow::event]
/// #[derive(Debug, PartialEq)]
/// struct Draft {
///     #[serde(default)]
///     text: String,
/// }
///
/// #[eventflow::event(name = "verdict")]
/// enum Verdict {
///     Accept,
///     Reject { reason: String },
/// }
///
/// assert_eq!(Draft::NAME, "Draft");
/// assert_eq!(Verdict::NAME, "verdict");
/// let draft = Draft { text: "hi".into() };
/// assert_eq!(draft.clone(), draft);
/// ```
///
/// It takes the arguments of the derive's `#[event(..)]`: `name = "..."` renames the event,
/// `crate = path` points at a renamed `eventflow`. serde's own attributes (`#[serde(..)]`)
/// work on the type and its fields; add other derives (`Debug`, `PartialEq`) as usual, but not
/// `Clone`, which it derives. It is not in the prelude, where it would clash with the derive's
/// `#[event(..)]` helper: write `#[eventflow::event]`.
#[proc_macro_attribute]
pub fn event(args: TokenStream, item: TokenStream) -> TokenStream {
    event::attribute(args.into(), item.into()).into()
}
