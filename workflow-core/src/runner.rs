//! [`Runner`]: a workflow ready to run, with its settings.

use std::any::TypeId;
use std::fmt;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::sync::{Semaphore, oneshot};
use tracing::Instrument;
use tracing::instrument::Instrumented;
use tracing::instrument::WithSubscriber;

use crate::context::Context;
use crate::driver::program::Program;
use crate::driver::shared::{RunShared, Watch};
use crate::driver::task::{Begin, Durable, RunTask, Settings};
use crate::durable::store::{CheckpointStore, Durability};
use crate::engine::seams::Outbox;
use crate::engine::table::StepTable;
use crate::error::ResumeError;
use crate::error::ValidationError;
use crate::event::AnyEvent;
use crate::event::{EventType, Start};
use crate::graph;
use crate::handler::WorkflowHandler;
use crate::host::hub::{HostLink, Hub};
use crate::id::RunId;
use crate::record::verbose::VerbosePrinter;
use crate::retry::RetryPolicy;
use crate::step::FreeStep;
use crate::step::io::{StepFuture, StepInput};
use crate::step::spec::Boundary;
use crate::step::spec::StepSpec;
use crate::topology::Topology;
use crate::trace::RunTrace;
use crate::workflow::{CheckedWorkflow, OpenWorkflow, Workflow};
use crate::workflow::{StepDef, StepFn};

/// A workflow instance with its steps and settings, ready to start runs.
///
/// Runs are independent: each has its own events, state and stream, so one runner can serve
/// any number of concurrent runs. Cloning a runner is cheap and shares the workflow instance.
///
/// ```
/// use std::time::Duration;
/// use eventflow::prelude::*;
///
/// struct Double;
///
/// #[workflow]
/// impl Double {
///     #[step]
///     async fn double(&self, ev: StartEvent<u32>) -> StopEvent<u32> {
///         StopEvent::new(ev.input * 2)
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), WorkflowError> {
/// let runner = Runner::new(Double).timeout(Duration::from_secs(10));
/// let (a, b) = tokio::join!(runner.run(1), runner.run(2));
/// assert_eq!((a?, b?), (2, 4));
/// # Ok(())
/// # }
/// ```
pub struct Runner<W: Workflow> {
    pub(crate) engine: Arc<Program<W>>,
    timeout: Option<Duration>,
    verbose: bool,
    /// Stream run-state events to each run's caller.
    run_state: bool,
    /// Shared by the runner's clones: at most this many of their runs execute at once.
    limit: Option<Arc<Semaphore>>,
    /// Whether runs are recorded for their traces.
    record: bool,
    /// The trace of the last recorded run that finished, shared by the runner's clones.
    last_run: Arc<Mutex<Option<RunTrace>>>,
    /// Where runs are suspended to and resumed from.
    store: Option<Arc<dyn CheckpointStore>>,
    /// Whether runs commit a checkpoint after every step.
    every_step: bool,
    /// What a run does when its store fails to keep a commit.
    pub(crate) durability: Durability,
    /// How many times in a row a run may be taken up without getting further, if limited.
    pub(crate) quarantine_after: Option<u32>,
}

/// A step as a runner holds it.
struct Step<W: Workflow> {
    spec: &'static StepSpec,
    call: StepFn<W>,
    retry: Option<RetryPolicy>,
}

impl<W: Workflow> Step<W> {
    fn of(def: &'static StepDef<W>, workflow: &W) -> Self {
        Self {
            spec: &def.spec,
            call: def.call,
            retry: def.retry.map(|build| build(workflow)),
        }
    }
}

impl<W: CheckedWorkflow> Runner<W> {
    /// A runner for a workflow whose graph `#[workflow]` checked at compile time.
    pub fn new(workflow: W) -> Self {
        Self::from_arc(Arc::new(workflow))
    }

    /// Like [`new`](Self::new), sharing a workflow instance the caller also holds.
    pub fn from_arc(workflow: Arc<W>) -> Self {
        let steps = W::STEPS
            .iter()
            .map(|def| Step::of(def, &workflow))
            .collect();
        Self::assemble(workflow, steps)
    }
}

impl<W: Workflow> Runner<W> {
    /// Starts assembling a runner, to add free-function steps or to check a workflow that was
    /// not checked at compile time.
    pub fn builder(workflow: W) -> RunnerBuilder<W> {
        let steps = W::STEPS
            .iter()
            .map(|def| Step::of(def, &workflow))
            .collect();
        RunnerBuilder {
            workflow: Arc::new(workflow),
            steps,
        }
    }

    fn assemble(workflow: Arc<W>, steps: Vec<Step<W>>) -> Self {
        let mut specs = Vec::with_capacity(steps.len());
        let mut calls = Vec::with_capacity(steps.len());
        let mut retries = Vec::with_capacity(steps.len());
        for step in steps {
            specs.push(step.spec);
            calls.push(step.call);
            retries.push(step.retry);
        }
        let table = StepTable::new(
            specs.into_boxed_slice(),
            TypeId::of::<W::Stop>(),
            W::EXTERNAL,
            (W::PUBLISHES, W::SUBSCRIBES),
        );
        let engine = Program {
            workflow,
            calls: calls.into_boxed_slice(),
            retries: retries.into_boxed_slice(),
            table: Arc::new(table),
            listing: std::sync::OnceLock::new(),
        };
        let runner = Self {
            engine: Arc::new(engine),
            timeout: None,
            verbose: false,
            run_state: false,
            limit: None,
            record: false,
            last_run: Arc::default(),
            store: None,
            every_step: false,
            durability: Durability::Required,
            quarantine_after: None,
        };
        if let Some(tool) = W::tool() {
            tool.runner_built(&|| runner.topology());
        }
        runner
    }

    /// Lets at most `runs` runs of this runner (and its clones) execute at once; further runs
    /// wait for one to end before they start. Their handlers are returned at once, and a
    /// waiting run can be cancelled. Its timeout counts from when it starts.
    #[must_use]
    pub fn max_concurrent_runs(mut self, runs: usize) -> Self {
        self.limit = Some(Arc::new(Semaphore::new(runs)));
        self
    }

    /// Keeps runs in `store` when they are suspended
    /// ([`WorkflowHandler::suspend`](crate::WorkflowHandler::suspend)), so that this runner,
    /// or one in another process, can [`resume`](Self::resume) them. Runs that are never
    /// suspended reach the store only with
    /// [`checkpoint_every_step`](Self::checkpoint_every_step).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use eventflow::prelude::*;
    /// use eventflow::store::MemoryStore;
    ///
    /// #[derive(Clone, Serialize, Deserialize, Event)]
    /// struct Approval(bool);
    ///
    /// struct Review;
    ///
    /// #[workflow(external(Approval))]
    /// impl Review {
    ///     #[step]
    ///     async fn ask(&self, ctx: &Context, ev: StartEvent<String>) -> Result<StopEvent<String>, WaitError> {
    ///         let approval = ctx.wait_for_event::<Approval>().await?;
    ///         Ok(StopEvent::new(if approval.0 { ev.input } else { "rejected".into() }))
    ///     }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let store = Arc::new(MemoryStore::new());
    /// let run = Runner::new(Review).store(store.clone()).run("ship it".into());
    /// let id = run.suspend().await?; // the run waits for a person: keep it, end it here
    ///
    /// // Later, maybe in another process with the same store:
    /// let resumed = Runner::new(Review).store(store).resume(id)?;
    /// resumed.send_event(Approval(true))?;
    /// assert_eq!(resumed.await?, "ship it");
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn store(mut self, store: Arc<dyn CheckpointStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// Commits a checkpoint of every run to the runner's [`store`](Self::store) after each
    /// step completes (with the events it emitted and sent, in one transaction), so that a
    /// run survives the process: after a crash, [`resume`](Self::resume) continues it from
    /// its last checkpoint.
    ///
    /// The contract, exactly: a step whose completion was committed never runs again, and
    /// its emissions are neither lost nor duplicated; a step that was running runs again on
    /// the same input, with the same [`Context::idempotency_key`](crate::Context::idempotency_key),
    /// so that its side effects can be done once. What a running step sends is delivered when
    /// it finishes, committed with it (and dropped if it fails, since a retry sends it again).
    /// The inputs a completion produces start once it is committed: nothing runs between a
    /// step's completion and its commit. Each commit is a short blocking call to the store,
    /// and writes what changed since the previous one (a full checkpoint now and then, once
    /// the changes since the last add up to as much), so what a commit costs follows what the
    /// step did, not how much the run holds: a checkpointed fan-out costs the same per
    /// branch at a thousand branches as at ten.
    /// Fan-outs, sets and collections in progress are part of the checkpoint; see the crate
    /// documentation, "Suspending and resuming runs", for everything a checkpoint keeps.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use eventflow::prelude::*;
    /// use eventflow::store::{CheckpointStore, MemoryStore, RunStatus};
    ///
    /// #[derive(Clone, Serialize, Deserialize, Event)]
    /// struct Drafted(String);
    ///
    /// struct Writer;
    ///
    /// #[workflow]
    /// impl Writer {
    ///     #[step]
    ///     async fn draft(&self, ev: StartEvent<String>) -> Drafted {
    ///         Drafted(format!("{} (draft)", ev.input))
    ///     }
    ///
    ///     #[step]
    ///     async fn polish(&self, ev: Drafted) -> StopEvent<String> {
    ///         StopEvent::new(ev.0.replace("draft", "final"))
    ///     }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let store = Arc::new(MemoryStore::new());
    /// let writer = Runner::new(Writer).store(store.clone()).checkpoint_every_step(true);
    /// let run = writer.run("essay".into());
    /// let id = run.run_id();
    /// assert_eq!(run.await?, "essay (final)");
    /// let stored = store.load(id)?.expect("checkpointed");
    /// assert_eq!(stored.header.status, RunStatus::Completed);
    /// assert!(!stored.commits.is_empty());
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn checkpoint_every_step(mut self, on: bool) -> Self {
        self.every_step = on;
        self
    }

    /// What a run does when the store fails to keep one of its commits: end with an error
    /// ([`Durability::Required`], the default) or go on without the store
    /// ([`Durability::BestEffort`]). See [`Durability`].
    #[must_use]
    pub fn durability(mut self, durability: Durability) -> Self {
        self.durability = durability;
        self
    }

    /// Quarantines a run that is taken up (by [`resume`](Self::resume) or
    /// [`resume_running`](Self::resume_running)) `times` times in a row without a step
    /// completing in between: a run whose resume keeps crashing the process is marked
    /// [`RunStatus::Quarantined`](crate::store::RunStatus::Quarantined) instead of being taken
    /// up forever, and `resume` returns
    /// [`ResumeError::Quarantined`](crate::error::ResumeError::Quarantined). At least 1.
    ///
    /// Off by default: a process that dies for another reason (a deploy, another run's bug, a
    /// machine lost) leaves every run it had taken up looking the same, so a low number
    /// quarantines innocent runs when a process restarts several times in a row. A run taken
    /// up with only waits left commits once to say so, and is never counted. Whatever this
    /// says, a run whose checkpoint cannot be read (or whose decoding panics) is quarantined
    /// at once, since reading it again gives the same answer.
    ///
    /// An operator releases a quarantined run, once its cause is fixed, by setting its status
    /// back to running in the store
    /// ([`CheckpointStore::set_status`](crate::store::CheckpointStore::set_status)).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use eventflow::prelude::*;
    /// use eventflow::store::MemoryStore;
    ///
    /// struct Echo;
    ///
    /// #[workflow]
    /// impl Echo {
    ///     #[step]
    ///     async fn echo(&self, ev: StartEvent<u32>) -> StopEvent<u32> {
    ///         StopEvent::new(ev.input)
    ///     }
    /// }
    ///
    /// let runner = Runner::new(Echo)
    ///     .store(Arc::new(MemoryStore::new()))
    ///     .checkpoint_every_step(true)
    ///     .quarantine_after(5);
    /// # let _ = runner;
    /// ```
    #[must_use]
    pub fn quarantine_after(mut self, times: u32) -> Self {
        self.quarantine_after = Some(times.max(1));
        self
    }

    /// Continues run `run` from its checkpoint in the runner's store, and returns its
    /// handler; see [`store`](Self::store). Executions that were waiting for an event run
    /// again from their start, on the same input; steps that had finished do not.
    ///
    /// Taking a run up is itself a commit, in sequence with the run's others: if a copy of
    /// the run still goes on elsewhere (a process thought dead, or an earlier `resume`), its
    /// next commit is refused and it stops with
    /// [`WorkflowError::Superseded`](crate::WorkflowError::Superseded), so only the copy
    /// taken up last commits, and an older copy that ends cannot mark the run ended.
    ///
    /// # Errors
    ///
    /// [`ResumeError`]: no store, no such run or checkpoint, a run that has ended or belongs
    /// to another workflow, a workflow whose graph or state type changed since (naming what
    /// changed), an unreadable checkpoint, or a store failure.
    ///
    /// # Panics
    ///
    /// If called outside a tokio runtime, like `tokio::spawn`.
    pub fn resume(&self, run: RunId) -> Result<WorkflowHandler<W>, ResumeError> {
        let store = self.store.as_ref().ok_or(ResumeError::NoStore)?;
        let stored = store.load(run)?.ok_or(ResumeError::UnknownRun(run))?;
        if let Some(parent) = stored.header.parent {
            return Err(ResumeError::Child { run, parent });
        }
        let (task, handler) = self.restore(store, stored, self.every_step, None)?;
        self.spawn(task);
        Ok(handler)
    }

    /// Resumes every run of this workflow that was running when its process stopped: each
    /// run in the store with this workflow's name and the status
    /// [`Running`](crate::durable::store::RunStatus::Running), except child runs (their parents take
    /// them up), oldest first. What a process calls when it starts again after a crash or a
    /// deploy. Runs waiting for a person ([`Waiting`](crate::durable::store::RunStatus::Waiting)) are
    /// left to be resumed when the answer comes. A run that another live process still runs
    /// is taken over: that copy stops at its next commit
    /// ([`WorkflowError::Superseded`](crate::WorkflowError::Superseded)).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use eventflow::prelude::*;
    /// use eventflow::store::MemoryStore;
    ///
    /// #[derive(Clone, Serialize, Deserialize, Event)]
    /// struct Go;
    ///
    /// struct Relay;
    ///
    /// #[workflow(external(Go))]
    /// impl Relay {
    ///     #[step]
    ///     async fn start(&self, _ev: StartEvent<u32>) -> Option<Go> {
    ///         None
    ///     }
    ///
    ///     #[step]
    ///     async fn go(&self, _ev: Go) -> StopEvent<String> {
    ///         StopEvent::new("gone".into())
    ///     }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let store = Arc::new(MemoryStore::new());
    /// let runner = Runner::new(Relay).store(store.clone()).checkpoint_every_step(true);
    /// let run = runner.run(1);
    /// let id = run.run_id();
    /// tokio::task::yield_now().await;
    /// // The process dies here; the next one, started again, takes the run up.
    /// std::mem::forget(run);
    /// let mut resumed = Runner::new(Relay).store(store).resume_running()?;
    /// assert_eq!(resumed.len(), 1);
    /// let handler = resumed.remove(0)?;
    /// assert_eq!(handler.run_id(), id);
    /// handler.send_event(Go)?;
    /// assert_eq!(handler.await?, "gone");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`ResumeError::NoStore`], or a store failure listing the runs; a run that cannot be
    /// resumed has its own [`ResumeError`] in the list, naming it.
    ///
    /// # Panics
    ///
    /// If called outside a tokio runtime, like `tokio::spawn`.
    pub fn resume_running(
        &self,
    ) -> Result<Vec<Result<WorkflowHandler<W>, ResumeError>>, ResumeError> {
        let store = self.store.as_ref().ok_or(ResumeError::NoStore)?;
        let running = store.list()?.into_iter().filter(|h| {
            h.workflow == W::NAME
                && h.parent.is_none()
                && h.status == crate::durable::store::RunStatus::Running
        });
        Ok(running.map(|h| self.resume(h.run)).collect())
    }

    /// Fails runs that take longer than `timeout` with [`WorkflowError::TimedOut`](crate::WorkflowError::TimedOut).
    /// Runs have no timeout by default. The tokio runtime needs its timer enabled.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Prints a line when each step starts and finishes, naming the events involved.
    ///
    /// Verbose mode is a `tracing` subscriber of the run's step events (target
    /// `eventflow::step`, level `DEBUG`), which turns them into lines on standard output. Any
    /// subscriber the program installed still receives everything, as without verbose mode.
    #[must_use]
    pub fn verbose(mut self, verbose: bool) -> Self {
        self.verbose = verbose;
        self
    }

    /// Streams run-state events to each run's caller, among the run's own events: a
    /// [`StepStateChanged`](crate::event::StepStateChanged) when a step execution is queued,
    /// starts (with its worker and attempt), finishes or fails; a
    /// [`RunIdle`](crate::event::RunIdle) when nothing in the run runs; an
    /// [`EventUnclaimed`](crate::event::EventUnclaimed) for an event no step took. Each
    /// carries its stream sequence number and serializes with serde. Off by default: a run
    /// nobody asked this of pays one check per happening.
    #[must_use]
    pub fn stream_run_state(mut self, on: bool) -> Self {
        self.run_state = on;
        self
    }

    /// Records what each run does, for its [`RunTrace`]: step executions, event flows, fan-outs,
    /// failures, waits and a timeline. Off by default; it costs a lock per recorded happening.
    ///
    /// Read a run's trace with [`RunControl::trace`](crate::RunControl::trace) while it runs or
    /// after, or the last finished run's with [`Runner::last_run`].
    #[must_use]
    pub fn record_runs(mut self, record: bool) -> Self {
        self.record = record;
        self
    }

    /// The trace of the most recent recorded run to finish, if any.
    pub fn last_run(&self) -> Option<RunTrace> {
        self.last_run.lock().map_or_else(
            |poisoned| poisoned.into_inner().clone(),
            |last| last.clone(),
        )
    }

    /// The workflow instance.
    pub fn workflow(&self) -> &W {
        &self.engine.workflow
    }

    /// The description of every step, in the order the runner knows them.
    pub fn steps(&self) -> impl ExactSizeIterator<Item = &'static StepSpec> + '_ {
        self.engine.table.specs.iter().copied()
    }

    /// The event type named `name` ([`Event::NAME`](crate::Event::NAME)) among those the
    /// workflow's steps take, emit, send or stream, and its start, stop, external and
    /// subscribed events: how a program reads back an event it only has by name, such as
    /// one stored as JSON or sent in a request.
    ///
    /// ```
    /// use eventflow::prelude::*;
    ///
    /// #[derive(Clone, Serialize, Deserialize, Event)]
    /// struct Approval {
    ///     approved: bool,
    /// }
    ///
    /// struct Review;
    ///
    /// #[workflow(external(Approval))]
    /// impl Review {
    ///     #[step]
    ///     async fn ask(&self, ctx: &Context, _ev: StartEvent<String>) -> Result<StopEvent<bool>, WaitError> {
    ///         let approval = ctx.wait_for_event::<Approval>().await?;
    ///         Ok(StopEvent::new(approval.approved))
    ///     }
    /// }
    ///
    /// let runner = Runner::new(Review);
    /// let approval = runner.event_type("Approval").expect("the workflow takes it");
    /// let event = approval.decode_json(br#"{"approved":true}"#)?;
    /// assert_eq!(event.downcast_ref::<Approval>().map(|a| a.approved), Some(true));
    /// assert!(runner.event_type("Refund").is_none());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn event_type(&self, name: &str) -> Option<EventType> {
        let boundary = [EventType::of::<W::Start>(), EventType::of::<W::Stop>()];
        let steps = self.steps().flat_map(|spec| {
            spec.accepts
                .iter()
                .chain(spec.emits)
                .chain(spec.sends)
                .chain(spec.stream_only)
        });
        boundary
            .iter()
            .chain(W::EXTERNAL)
            .chain(W::SUBSCRIBES)
            .chain(steps)
            .find(|ty| ty.name() == name)
            .copied()
    }

    /// The workflow's event graph as the runner runs it, free-function steps included.
    ///
    /// ```
    /// use eventflow::prelude::*;
    ///
    /// struct Echo;
    ///
    /// #[workflow]
    /// impl Echo {
    ///     #[step]
    ///     async fn echo(&self, ev: StartEvent<String>) -> StopEvent<String> {
    ///         StopEvent::new(ev.input)
    ///     }
    /// }
    ///
    /// let topology = Runner::new(Echo).topology();
    /// assert_eq!(topology.workflow, "Echo");
    /// assert_eq!(topology.steps[0].name, "echo");
    /// ```
    pub fn topology(&self) -> Topology {
        self.engine.topology()
    }

    /// Starts a run with `input` and fresh state, and returns its handler.
    ///
    /// The run proceeds in its own task whether or not the handler is polled.
    ///
    /// # Panics
    ///
    /// If called outside a tokio runtime, like `tokio::spawn`.
    pub fn run(&self, input: <W::Start as Start>::Input) -> WorkflowHandler<W> {
        self.run_with_state(input, W::State::default())
    }

    /// Starts a run with `input`, beginning from `state` instead of `Default::default()`.
    ///
    /// # Panics
    ///
    /// If called outside a tokio runtime, like `tokio::spawn`.
    pub fn run_with_state(
        &self,
        input: <W::Start as Start>::Input,
        state: W::State,
    ) -> WorkflowHandler<W> {
        let (task, handler) = self.prepare(W::Start::from_input(input), state, None);
        self.spawn(task);
        handler
    }

    /// A run from `start`, ready to be polled: its task (under the run's span, a child of the
    /// current span) and its handler.
    pub(crate) fn prepare(
        &self,
        start: W::Start,
        state: W::State,
        host: Option<(Weak<Hub>, usize, Option<RunId>)>,
    ) -> (Instrumented<RunTask<W>>, WorkflowHandler<W>) {
        let durable = self
            .store
            .as_ref()
            .map(|store| Durable::new(store, self.every_step, None).durability(self.durability));
        self.launch(
            RunId::new(),
            Begin::Start(AnyEvent::new(start)),
            state,
            host,
            durable,
        )
    }

    /// A run `id`, beginning as `begin` says.
    pub(crate) fn launch(
        &self,
        id: RunId,
        begin: Begin,
        state: W::State,
        host: Option<(Weak<Hub>, usize, Option<RunId>)>,
        durable: Option<Durable>,
    ) -> (Instrumented<RunTask<W>>, WorkflowHandler<W>) {
        let tool = W::tool();
        if let Some(tool) = tool {
            tool.run_starting(W::NAME);
        }
        // A run started by the caller opens a conversation of its own.
        let host = host.map(|(hub, member, conversation)| -> Box<dyn Outbox> {
            Box::new(HostLink {
                hub,
                member,
                conversation: conversation.unwrap_or(id),
            })
        });
        let recorded = self.record || tool.is_some_and(crate::observe::Tool::records_runs);
        let record = recorded.then_some(W::NAME);
        let watch = Watch {
            record,
            run_state: self.run_state,
        };
        let shared = Arc::new(RunShared::new(
            id,
            Arc::clone(&self.engine.table),
            state,
            watch,
            host,
        ));
        if let Begin::Resume(resumed) = &begin {
            // Before the handler exists: it numbers what it yields from here.
            shared.stream.start_at(resumed.streamed);
        }
        let (tx, rx) = oneshot::channel();
        let task = RunTask::new(
            Arc::clone(&self.engine),
            Arc::clone(&shared),
            tx,
            begin,
            Settings {
                timeout: self.timeout,
                limit: self.limit.clone(),
                last_run: recorded.then(|| Arc::clone(&self.last_run)),
                durable,
            },
        );
        let span =
            tracing::info_span!(target: "eventflow::run", "run", workflow = W::NAME, run_id = %id);
        (task.instrument(span), WorkflowHandler::new(shared, rx))
    }

    /// Runs `task` on the runtime, printing its steps if the runner is verbose.
    fn spawn(&self, task: Instrumented<RunTask<W>>) {
        if self.verbose {
            tokio::spawn(task.with_subscriber(VerbosePrinter::new()));
        } else {
            tokio::spawn(task);
        }
    }

    /// Whether the runner prints its runs' steps.
    pub(crate) fn is_verbose(&self) -> bool {
        self.verbose
    }
}

impl<W: Workflow> From<&Runner<W>> for Topology {
    fn from(runner: &Runner<W>) -> Self {
        runner.topology()
    }
}

impl<W: Workflow> Clone for Runner<W> {
    fn clone(&self) -> Self {
        Self {
            engine: Arc::clone(&self.engine),
            timeout: self.timeout,
            verbose: self.verbose,
            run_state: self.run_state,
            limit: self.limit.clone(),
            record: self.record,
            last_run: Arc::clone(&self.last_run),
            store: self.store.clone(),
            every_step: self.every_step,
            durability: self.durability,
            quarantine_after: self.quarantine_after,
        }
    }
}

impl<W: Workflow> fmt::Debug for Runner<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runner")
            .field("workflow", &W::NAME)
            .field(
                "steps",
                &self
                    .engine
                    .table
                    .specs
                    .iter()
                    .map(|s| s.name)
                    .collect::<Vec<_>>(),
            )
            .field("timeout", &self.timeout)
            .field("verbose", &self.verbose)
            .finish()
    }
}

/// Assembles a [`Runner`] from a workflow and free-function steps, checking the whole event
/// graph when built.
///
/// ```
/// use eventflow::prelude::*;
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct Query(String);
///
/// // A step written by another team, in another module.
/// mod search {
///     use eventflow::prelude::*;
///     use super::Query;
///
///     #[step]
///     pub async fn search(ev: Query) -> StopEvent<String> {
///         StopEvent::new(format!("results for {}", ev.0))
///     }
/// }
///
/// struct App;
///
/// #[workflow(open, stop = StopEvent<String>)]
/// impl App {
///     #[step]
///     async fn parse(&self, ev: StartEvent<String>) -> Query {
///         Query(ev.input.trim().to_string())
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let app = Runner::builder(App).step(search::SearchStep).build()?;
/// assert_eq!(app.run(" rust ".to_string()).await?, "results for rust");
/// # Ok(())
/// # }
/// ```
pub struct RunnerBuilder<W: Workflow> {
    workflow: Arc<W>,
    steps: Vec<Step<W>>,
}

impl<W: Workflow> RunnerBuilder<W> {
    /// Adds a step written as a free function with `#[step]` (pass its generated `<Name>Step`)
    /// to a workflow marked `#[workflow(open)]`.
    #[must_use]
    #[expect(
        clippy::needless_pass_by_value,
        reason = "steps are unit structs, passed by value: `.step(SearchStep)`"
    )]
    pub fn step<F: FreeStep<W::State>>(mut self, step: F) -> Self
    where
        W: OpenWorkflow,
    {
        self.steps.push(Step {
            spec: step.spec(),
            call: call_free::<W, F>,
            retry: step.retry(),
        });
        self
    }

    /// Checks the event graph of all the steps and returns the runner.
    ///
    /// # Errors
    ///
    /// Every broken rule of the event graph, as `#[workflow]` would report them at compile
    /// time: unconsumed or unproduced events, unreachable steps, steps with no path to the
    /// stop event, duplicate names.
    pub fn build(self) -> Result<Runner<W>, ValidationError> {
        let specs: Vec<&StepSpec> = self.steps.iter().map(|s| s.spec).collect();
        graph::validate(&Boundary::of::<W>(), &specs)?;
        Ok(Runner::assemble(self.workflow, self.steps))
    }
}

impl<W: Workflow> fmt::Debug for RunnerBuilder<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunnerBuilder")
            .field("workflow", &W::NAME)
            .field(
                "steps",
                &self.steps.iter().map(|s| s.spec.name).collect::<Vec<_>>(),
            )
            .finish()
    }
}

fn call_free<W: Workflow, F: FreeStep<W::State>>(
    _workflow: &Arc<W>,
    input: StepInput,
    ctx: Context<W::State>,
) -> StepFuture {
    F::call(input, ctx)
}
