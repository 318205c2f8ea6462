//! What a run shares between its loop, its steps' contexts and its handler.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use futures::task::AtomicWaker;

use crate::durable::store::CheckpointStore;
use crate::engine::calls::{CallKey, Calls};
use crate::engine::collect::Collectors;
use crate::engine::envelope::Envelope;
use crate::engine::lock;
use crate::engine::seams::{Execution, Inbox as RunInbox, Observer, Outbox};
use crate::engine::stream::StreamChannel;
use crate::engine::table::StepTable;
use crate::engine::waiters::Waiters;
use crate::id::RunId;
use crate::record::recorder::Recorder;
use crate::record::run_state::{Both, RunStateStream};
use crate::state::StateCell;
use crate::trace::RunTrace;

#[derive(Debug, Default)]
struct Inbox {
    events: Vec<Envelope>,
    /// Steps waiting for their journaled calls' results to be committed.
    acks: Vec<CallAck>,
    closed: bool,
}

/// Where the run loop tells a step that its journaled call's result was committed.
pub(crate) type CallAck = tokio::sync::oneshot::Sender<()>;

/// The journaled calls of a run with a store.
#[derive(Debug)]
pub(crate) struct CallLog {
    calls: Mutex<Calls>,
    /// Each result is committed as it comes, in a run checkpointed after every step; else it
    /// goes with the next suspend.
    every_step: bool,
}

#[derive(Debug)]
pub(crate) struct RunShared<S> {
    /// The run's trace being written, if the runner records runs. Boxed: most runs are not
    /// recorded, and inline it would triple the size of every run.
    observer: Option<Mutex<Box<dyn Observer>>>,
    /// The host the run belongs to, if any.
    pub(crate) host: Option<Box<dyn Outbox>>,
    /// The run has told its host it ended.
    host_told: AtomicBool,
    pub(crate) id: RunId,
    pub(crate) table: Arc<StepTable>,
    pub(crate) state: StateCell<S>,
    pub(crate) stream: Arc<StreamChannel>,
    pub(crate) collectors: Mutex<Collectors>,
    /// In a run checkpointed after every step, where its child runs are kept: set up only
    /// for such runs, so others carry one empty pointer.
    pub(crate) children: OnceLock<Box<ChildRuns>>,
    inbox: Mutex<Inbox>,
    /// Whether the inbox may hold events: the loop looks every turn, and a load is cheaper
    /// than the lock. Set under the lock, cleared under it.
    mail: AtomicBool,
    waker: AtomicWaker,
    cancelled: AtomicBool,
    /// Clones of contexts, which steps may move into tasks: while any exists, an idle run may
    /// still receive events.
    live_contexts: AtomicUsize,
    /// Handlers and controls of the run, which may send it events from outside.
    senders: AtomicUsize,
    pub(crate) waiters: Waiters,
    /// Per step, executions suspended in a wait: they do not count against `num_workers`.
    suspended: Box<[AtomicUsize]>,
    /// A step freed a worker slot by starting to wait: the loop should start queued events.
    slots_freed: AtomicBool,
    /// The caller asked to suspend the run: the loop answers here once it can, or cannot.
    suspend: Mutex<Option<SuspendReply>>,
    /// A request may be waiting in `suspend`: idle turns look here, without the lock.
    suspend_asked: AtomicBool,
    /// Why the run went on without its store, in best-effort durability.
    durability_lost: OnceLock<Box<str>>,
    /// In a run with a store, its journaled calls: set up only for such runs.
    calls: OnceLock<Box<CallLog>>,
    /// The running attempts that forwarded a stream to the caller: set up at the first.
    streaming: OnceLock<Box<Mutex<Vec<Execution>>>>,
}

/// The child runs of a run checkpointed after every step.
pub(crate) struct ChildRuns {
    /// The store they are kept in, the parent's.
    pub(crate) store: Arc<dyn CheckpointStore>,
    /// How many child runs each running execution (input number and attempt) has started:
    /// a child is known across resumes by its place in that order.
    ordinals: Mutex<HashMap<(u64, u32), u32>>,
    /// The run started a child run.
    pub(crate) started: AtomicBool,
}

impl ChildRuns {
    pub(crate) fn new(store: Arc<dyn CheckpointStore>) -> Box<Self> {
        Box::new(Self {
            store,
            ordinals: Mutex::default(),
            started: AtomicBool::new(false),
        })
    }

    /// The place of the next child run that execution `execution` (attempt `attempt`)
    /// starts, among those it started.
    pub(crate) fn next(&self, execution: u64, attempt: u32) -> u32 {
        self.started.store(true, Ordering::Relaxed);
        let mut ordinals = lock(&self.ordinals);
        let next = ordinals.entry((execution, attempt)).or_insert(0);
        let ordinal = *next;
        *next = next.saturating_add(1);
        ordinal
    }
}

impl std::fmt::Debug for ChildRuns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChildRuns").finish_non_exhaustive()
    }
}

/// Where the run loop answers a request to suspend.
pub(crate) type SuspendReply =
    tokio::sync::oneshot::Sender<Result<RunId, crate::error::SuspendError>>;

/// Who watches a run: its recorder (under the workflow's name) and its caller, through
/// run-state events on the stream.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Watch<'a> {
    pub(crate) record: Option<&'a str>,
    pub(crate) run_state: bool,
}

impl<S> RunShared<S> {
    /// A run's shared parts, watched as `watch` says.
    pub(crate) fn new(
        id: RunId,
        table: Arc<StepTable>,
        state: S,
        watch: Watch<'_>,
        host: Option<Box<dyn Outbox>>,
    ) -> Self {
        let steps = table.specs.len();
        let stream = Arc::new(StreamChannel::default());
        let recorder = watch
            .record
            .map(|workflow| -> Box<dyn Observer> { Box::new(Recorder::new(workflow, id, &table)) });
        let run_state = watch.run_state.then(|| -> Box<dyn Observer> {
            let names = table.specs.iter().map(|s| s.name).collect();
            Box::new(RunStateStream::new(Arc::clone(&stream), names))
        });
        let observer = match (recorder, run_state) {
            (Some(recorder), Some(run_state)) => Some(Box::new(Both(recorder, run_state)) as _),
            (one, other) => one.or(other),
        }
        .map(Mutex::new);
        Self {
            observer,
            host,
            host_told: AtomicBool::new(false),
            id,
            table,
            state: StateCell::new(state),
            stream,
            collectors: Mutex::default(),
            children: OnceLock::new(),
            inbox: Mutex::default(),
            mail: AtomicBool::new(false),
            waker: AtomicWaker::new(),
            cancelled: AtomicBool::new(false),
            live_contexts: AtomicUsize::new(0),
            senders: AtomicUsize::new(1),
            waiters: Waiters::default(),
            suspended: (0..steps).map(|_| AtomicUsize::new(0)).collect(),
            slots_freed: AtomicBool::new(false),
            suspend: Mutex::new(None),
            suspend_asked: AtomicBool::new(false),
            durability_lost: OnceLock::new(),
            calls: OnceLock::new(),
            streaming: OnceLock::new(),
        }
    }

    /// Asks the loop to suspend the run as soon as nothing in it runs; an earlier request
    /// still unanswered is dropped (its caller hears that the run could not be suspended).
    pub(crate) fn request_suspend(&self, reply: SuspendReply) {
        *lock(&self.suspend) = Some(reply);
        self.suspend_asked.store(true, Ordering::Release);
        self.waker.wake();
    }

    /// Whether the caller waits for the run to be suspended.
    pub(crate) fn wants_suspend(&self) -> bool {
        self.suspend_asked.load(Ordering::Acquire)
            && lock(&self.suspend).as_ref().is_some_and(|r| !r.is_closed())
    }

    /// The caller's request to suspend, taken to be answered.
    /// The run went on without its store, for `reason`.
    pub(crate) fn lose_durability(&self, reason: &str) {
        let _ = self.durability_lost.set(reason.into());
    }

    /// Why the run went on without its store, if it did.
    pub(crate) fn durability_lost(&self) -> Option<&str> {
        self.durability_lost.get().map(|r| &**r)
    }

    pub(crate) fn take_suspend(&self) -> Option<SuspendReply> {
        self.suspend_asked.store(false, Ordering::Release);
        lock(&self.suspend).take()
    }

    /// Records something in the run's trace, if the run is recorded.
    #[inline]
    pub(crate) fn record(&self, f: impl FnOnce(&mut dyn Observer)) {
        if let Some(observer) = &self.observer {
            let mut observer = lock(observer);
            // An observer only watches: a panic in it (a bug, or an exporter's) costs the run
            // what it was told, never the run.
            let told =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut **observer)));
            if let Err(panic) = told {
                let message = crate::error::StepPanic::from_payload(&*panic);
                tracing::error!(target: "eventflow::run", run_id = %self.id, panic = message.message(), "an observer of the run panicked");
            }
        }
    }

    /// The run's trace so far, if the run is recorded.
    pub(crate) fn trace(&self) -> Option<RunTrace> {
        self.observer.as_ref().and_then(|o| lock(o).trace())
    }

    /// Queues an event for the run loop; dropped if the run has ended.
    pub(crate) fn deliver(&self, envelope: Envelope) {
        {
            let mut inbox = lock(&self.inbox);
            if inbox.closed {
                tracing::debug!(
                    target: "eventflow::run",
                    run_id = %self.id,
                    event = envelope.event.name(),
                    "event sent after the run ended; dropped"
                );
                return;
            }
            inbox.events.push(envelope);
            self.mail.store(true, Ordering::Release);
        }
        self.waker.wake();
    }

    /// Swaps what was sent with `batch`, which is empty: the two allocations take turns; and
    /// moves the steps waiting for a commit of their calls to `acks`.
    pub(crate) fn take_inbox(&self, batch: &mut Vec<Envelope>, acks: Option<&mut Vec<CallAck>>) {
        if !self.mail.load(Ordering::Acquire) {
            return;
        }
        let mut inbox = lock(&self.inbox);
        std::mem::swap(&mut inbox.events, batch);
        if let Some(acks) = acks {
            acks.append(&mut inbox.acks);
        }
        self.mail.store(false, Ordering::Relaxed);
    }

    /// Keeps the journaled calls of this run, which has a store: each result committed as it
    /// comes if `every_step`.
    pub(crate) fn keep_calls(&self, every_step: bool) {
        let _ = self.calls.set(Box::new(CallLog {
            calls: Mutex::default(),
            every_step,
        }));
    }

    /// `execution` forwards a stream to the caller: if it fails, the caller hears so.
    pub(crate) fn streamed_by(&self, execution: Execution) {
        let mut streaming = lock(self.streaming.get_or_init(Box::default));
        if !streaming.contains(&execution) {
            streaming.push(execution);
        }
    }

    /// `execution` ended: whether it had forwarded a stream.
    pub(crate) fn stream_ended(&self, execution: Execution) -> bool {
        let Some(streaming) = self.streaming.get() else {
            return false;
        };
        let mut streaming = lock(streaming);
        let before = streaming.len();
        streaming.retain(|e| *e != execution);
        streaming.len() != before
    }

    /// The journaled calls, in a run with a store.
    pub(crate) fn calls(&self) -> Option<&Mutex<Calls>> {
        self.calls.get().map(|log| &log.calls)
    }

    /// What journaled call `key` returned, if it is recorded.
    pub(crate) fn recorded_call(&self, key: &CallKey) -> Option<serde_json::Value> {
        lock(self.calls()?).get(key).cloned()
    }

    /// Records what journaled call `key` returned. In a run checkpointed after every step, the
    /// loop commits it: the receiver hears once it has (or once the run ended).
    pub(crate) fn record_call(
        &self,
        key: CallKey,
        value: serde_json::Value,
    ) -> Option<tokio::sync::oneshot::Receiver<()>> {
        let log = self.calls.get()?;
        lock(&log.calls).record(key, value);
        if !log.every_step {
            return None;
        }
        let (ack, committed) = tokio::sync::oneshot::channel();
        {
            let mut inbox = lock(&self.inbox);
            if inbox.closed {
                return None;
            }
            inbox.acks.push(ack);
            self.mail.store(true, Ordering::Release);
        }
        self.waker.wake();
        Some(committed)
    }

    pub(crate) fn inbox_is_empty(&self) -> bool {
        !self.mail.load(Ordering::Acquire)
    }

    pub(crate) fn register(&self, waker: &std::task::Waker) {
        self.waker.register(waker);
    }

    pub(crate) fn cancel(&self) {
        self.cancelled.store(true, Ordering::Release);
        self.waker.wake();
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Acquire)
    }

    /// Whether the run has ended.
    pub(crate) fn is_closed(&self) -> bool {
        lock(&self.inbox).closed
    }

    /// The run has ended: refuse further events, drop waiters and end the stream.
    pub(crate) fn close(&self) {
        {
            let mut inbox = lock(&self.inbox);
            inbox.closed = true;
            inbox.events.clear();
            self.mail.store(false, Ordering::Relaxed);
        }
        self.waiters.clear();
        self.stream.close();
        if let Some(host) = &self.host
            && !self.host_told.swap(true, Ordering::AcqRel)
        {
            host.ended(self.id);
        }
    }

    /// An execution of `step` started waiting: its worker slot is free for queued events.
    pub(crate) fn suspend(&self, step: u32) {
        if let Some(count) = self.suspended.get(step as usize) {
            count.fetch_add(1, Ordering::AcqRel);
            self.slots_freed.store(true, Ordering::Release);
            self.waker.wake();
        }
    }

    /// The execution stopped waiting.
    pub(crate) fn resume(&self, step: u32) {
        if let Some(count) = self.suspended.get(step as usize) {
            count.fetch_sub(1, Ordering::AcqRel);
        }
    }

    pub(crate) fn suspended(&self, step: u32) -> usize {
        self.suspended
            .get(step as usize)
            .map_or(0, |c| c.load(Ordering::Acquire))
    }

    /// Whether a wait freed worker slots since the last call.
    pub(crate) fn take_slots_freed(&self) -> bool {
        // A plain load first: the loop asks every turn, and a swap is a locked instruction.
        self.slots_freed.load(Ordering::Acquire) && self.slots_freed.swap(false, Ordering::AcqRel)
    }

    pub(crate) fn context_detached(&self) {
        self.live_contexts.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn detached_context_dropped(&self) {
        // Release: whatever the context sent before it went away must be visible to the loop
        // once it sees the count drop.
        if self.live_contexts.fetch_sub(1, Ordering::Release) == 1 {
            // The run may now be unable to ever finish; let it look.
            self.waker.wake();
        }
    }

    /// The handler was dropped: nobody reads the stream any more.
    pub(crate) fn handler_dropped(&self) {
        self.stream.unwatch();
        self.sender_dropped();
    }

    pub(crate) fn sender_added(&self) {
        self.senders.fetch_add(1, Ordering::AcqRel);
    }

    pub(crate) fn sender_dropped(&self) {
        if self.senders.fetch_sub(1, Ordering::AcqRel) == 1 {
            // The run may now be unable to ever finish; let it look.
            self.waker.wake();
        }
    }

    /// Whether nothing could ever send this run another event.
    pub(crate) fn nobody_can_send(&self) -> bool {
        if self.live_contexts.load(Ordering::Acquire) != 0 {
            return false;
        }
        let outside = self.table.external && self.senders.load(Ordering::Acquire) > 0;
        // Other runs of the conversation may still publish what this one subscribes to.
        let host = self.table.subscribes
            && self
                .host
                .as_ref()
                .is_some_and(|host| host.others_live(self.id));
        // Checked after the count: a context's last send happened before its drop.
        !outside && !host && self.inbox_is_empty()
    }

    /// An execution of a checkpointed run ended: forgets what it kept for a resume.
    pub(crate) fn execution_ended(&self, execution: u64, attempt: u32) {
        lock(&self.collectors).settled(execution);
        if let Some(calls) = self.calls() {
            lock(calls).ended(execution, attempt);
        }
        if let Some(children) = self.children.get() {
            lock(&children.ordinals).remove(&(execution, attempt));
        }
    }

    /// Descriptions of collections still waiting for events.
    pub(crate) fn pending_collections(&self) -> Vec<String> {
        lock(&self.collectors).pending()
    }
}

impl<S: Send + Sync> RunInbox for RunShared<S> {
    fn deliver(&self, envelope: Envelope) -> bool {
        if self.is_closed() {
            return false;
        }
        RunShared::deliver(self, envelope);
        true
    }

    fn nudge(&self) {
        self.waker.wake();
    }
}
