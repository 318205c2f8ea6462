//! How events reach steps: broadcast, targeted sends, loops, branches, workers, concurrency.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use eventflow::SendError;
use eventflow::prelude::*;
use eventflow::step::StepSpec;
use eventflow_testkit::{DropTracker, drain};
use tokio::sync::Barrier;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Ping(u32);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct FromX(u32);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct FromY(u32);

// --- broadcast -------------------------------------------------------------------------------

struct Broadcast;

#[workflow]
impl Broadcast {
    #[step]
    async fn start(&self, ev: StartEvent<u32>) -> Ping {
        Ping(ev.input)
    }

    #[step]
    async fn x(&self, ev: Ping) -> FromX {
        FromX(ev.0 + 1)
    }

    #[step]
    async fn y(&self, ev: Ping) -> FromY {
        FromY(ev.0 + 2)
    }

    #[step]
    async fn join(
        &self,
        ctx: &Context,
        ev: OneOf![FromX | FromY],
    ) -> Option<StopEvent<(u32, u32)>> {
        let (x, y) = ctx.collect_events::<(FromX, FromY)>(ev)?;
        Some(StopEvent::new((x.0, y.0)))
    }
}

#[tokio::test]
async fn an_event_goes_to_every_step_that_accepts_it() {
    let result = Runner::new(Broadcast).run(10).await;
    assert_eq!(result.ok(), Some((11, 12)));
}

// --- targeted sends --------------------------------------------------------------------------

#[derive(Default)]
struct Targeted {
    x_runs: AtomicUsize,
    y_runs: AtomicUsize,
}

#[workflow]
impl Targeted {
    #[step(sends(Ping))]
    async fn start(&self, ctx: &Context, _ev: StartEvent) -> Result<(), SendError> {
        ctx.send_event_to("y", Ping(1))?;
        ctx.send_event_to("y", Ping(2))?;
        Ok(())
    }

    #[step]
    async fn x(&self, _ev: Ping) -> Option<StopEvent<u32>> {
        self.x_runs.fetch_add(1, Ordering::SeqCst);
        None
    }

    #[step]
    async fn y(&self, ev: Ping) -> Option<StopEvent<u32>> {
        self.y_runs.fetch_add(1, Ordering::SeqCst);
        (ev.0 == 2).then(|| StopEvent::new(ev.0))
    }
}

#[tokio::test]
async fn a_targeted_send_reaches_only_the_named_step() {
    let runner = Runner::new(Targeted::default());
    assert_eq!(runner.run(()).await.ok(), Some(2));
    assert_eq!(runner.workflow().x_runs.load(Ordering::SeqCst), 0);
    assert_eq!(runner.workflow().y_runs.load(Ordering::SeqCst), 2);
}

struct BadTargets;

#[workflow]
impl BadTargets {
    #[step]
    async fn start(&self, ctx: &Context, _ev: StartEvent) -> StopEvent<Vec<String>> {
        let unknown = ctx.send_event_to("nope", Ping(1));
        let refused = ctx.send_event_to("start", Ping(1));
        assert_eq!(
            unknown,
            Err(SendError::UnknownStep {
                step: "nope".into()
            })
        );
        StopEvent::new(vec![
            unknown.map_or_else(|e| e.to_string(), |()| String::new()),
            refused.map_or_else(|e| e.to_string(), |()| String::new()),
        ])
    }
}

#[tokio::test]
async fn a_targeted_send_to_a_missing_or_unfit_step_is_refused() {
    let messages = Runner::new(BadTargets).run(()).await.unwrap_or_default();
    assert_eq!(
        messages,
        [
            "no step is named `nope`",
            "step `start` does not accept `Ping`"
        ]
    );
}

// --- stop, cancellation of the others, branches that end ---------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Slow;

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Fast;

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Dead;

#[derive(Default)]
struct FirstStopWins {
    /// Held by `slow`, which never finishes: a dropped guard means the step was cancelled.
    slow: DropTracker,
    slow_finished: AtomicUsize,
}

#[workflow]
impl FirstStopWins {
    #[step(sends(Slow, Fast, Dead))]
    async fn start(&self, ctx: &Context, _ev: StartEvent) {
        ctx.send_event(Slow);
        ctx.send_event(Dead);
        ctx.send_event(Fast);
    }

    #[step]
    async fn slow(&self, _ev: Slow) -> StopEvent<String> {
        let _guard = self.slow.guard();
        std::future::pending::<()>().await;
        self.slow_finished.fetch_add(1, Ordering::SeqCst);
        StopEvent::new("slow".to_string())
    }

    // A branch that returns nothing ends without ending the run.
    #[step(allow(dead_end))]
    async fn dead(&self, _ev: Dead) {}

    #[step]
    async fn fast(&self, _ev: Fast) -> StopEvent<String> {
        tokio::task::yield_now().await;
        StopEvent::new("fast".to_string())
    }
}

#[tokio::test]
async fn the_first_stop_event_ends_the_run_and_cancels_running_steps() {
    let runner = Runner::new(FirstStopWins::default());
    assert_eq!(runner.run(()).await.ok().as_deref(), Some("fast"));
    assert_eq!(runner.workflow().slow.dropped(), 1);
    assert_eq!(runner.workflow().slow.live(), 0);
    assert_eq!(runner.workflow().slow_finished.load(Ordering::SeqCst), 0);
}

// --- concurrency -----------------------------------------------------------------------------

struct Concurrent {
    barrier: Barrier,
}

#[workflow]
impl Concurrent {
    #[step(sends(FromX, FromY))]
    async fn start(&self, ctx: &Context, _ev: StartEvent) {
        ctx.send_event(FromX(0));
        ctx.send_event(FromY(0));
    }

    // Each side waits for the other: this only finishes if both run at the same time.
    #[step]
    async fn x(&self, _ev: FromX) -> Ping {
        self.barrier.wait().await;
        Ping(1)
    }

    #[step]
    async fn y(&self, _ev: FromY) -> Ping {
        self.barrier.wait().await;
        Ping(2)
    }

    #[step]
    async fn join(&self, ctx: &Context, ev: Ping) -> Option<StopEvent<u32>> {
        let pings = ctx.collect_many::<Ping>(ev, 2)?;
        Some(StopEvent::new(pings.iter().map(|p| p.0).sum()))
    }
}

#[tokio::test]
async fn independent_steps_run_concurrently() {
    let runner = Runner::new(Concurrent {
        barrier: Barrier::new(2),
    });
    assert_eq!(runner.run(()).await.ok(), Some(3));
}

#[derive(Default)]
struct Workers {
    running: AtomicUsize,
    peak: AtomicUsize,
    started: std::sync::Mutex<Vec<u32>>,
}

#[workflow]
impl Workers {
    #[step(sends(Ping))]
    async fn start(&self, ctx: &Context, ev: StartEvent<u32>) {
        for i in 0..ev.input {
            ctx.send_event(Ping(i));
        }
    }

    #[step(num_workers = 3)]
    async fn work(&self, ev: Ping) -> FromX {
        self.started.lock().map(|mut s| s.push(ev.0)).ok();
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(10)).await;
        self.running.fetch_sub(1, Ordering::SeqCst);
        FromX(ev.0)
    }

    #[step]
    async fn gather(&self, ctx: &Context, ev: FromX) -> Option<StopEvent<usize>> {
        let all = ctx.collect_many::<FromX>(ev, 20)?;
        Some(StopEvent::new(all.len()))
    }
}

#[tokio::test(start_paused = true)]
async fn num_workers_caps_concurrency_and_waiting_events_start_in_order() {
    let runner = Runner::new(Workers::default());
    assert_eq!(runner.run(20).await.ok(), Some(20));
    let workflow = runner.workflow();
    assert_eq!(workflow.peak.load(Ordering::SeqCst), 3);
    let started = workflow
        .started
        .lock()
        .map(|s| s.clone())
        .unwrap_or_default();
    assert_eq!(started, (0..20).collect::<Vec<_>>());
}

#[tokio::test]
async fn num_workers_is_part_of_the_step_description() {
    let runner = Runner::new(Workers::default());
    let specs: Vec<&StepSpec> = runner.steps().collect();
    let names: Vec<&str> = specs.iter().map(|s| s.name).collect();
    assert_eq!(names, ["start", "work", "gather"]);
    assert_eq!(specs[1].num_workers, 3);
    assert_eq!(specs[0].num_workers, eventflow::step::DEFAULT_NUM_WORKERS);
}

// --- loops and branches ----------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct LoopEvent;

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Even(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Odd(u32);

#[derive(Clone, Default, Serialize, Deserialize)]
struct Tally {
    remaining: u32,
    evens: u32,
    odds: u32,
}

struct Branching;

#[workflow(state = Tally)]
impl Branching {
    #[step]
    async fn begin(
        &self,
        ctx: &Context<Tally>,
        ev: OneOf![StartEvent<u32> | LoopEvent],
    ) -> OneOf![Even | Odd | StopEvent<(u32, u32)>] {
        if let BranchingBeginInput::StartEvent(start) = ev {
            ctx.state().edit(|t| t.remaining = start.input);
        }
        let (left, tally) = ctx.state().edit(|t| {
            let left = t.remaining;
            t.remaining = t.remaining.saturating_sub(1);
            (left, (t.evens, t.odds))
        });
        match left {
            0 => StopEvent::new(tally).into(),
            n if n % 2 == 0 => Even(n).into(),
            n => Odd(n).into(),
        }
    }

    #[step]
    async fn even(&self, ctx: &Context<Tally>, _ev: Even) -> LoopEvent {
        ctx.state().edit(|t| t.evens += 1);
        LoopEvent
    }

    #[step]
    async fn odd(&self, ctx: &Context<Tally>, _ev: Odd) -> LoopEvent {
        ctx.state().edit(|t| t.odds += 1);
        LoopEvent
    }
}

#[tokio::test]
async fn loops_and_branches_follow_the_returned_events() {
    assert_eq!(Runner::new(Branching).run(7).await.ok(), Some((3, 4)));
    assert_eq!(Runner::new(Branching).run(0).await.ok(), Some((0, 0)));
}

#[tokio::test]
async fn concurrent_runs_of_one_instance_each_have_their_own_state() {
    let runner = Runner::new(Branching);
    let runs: Vec<_> = (0..200).map(|n| runner.run(n)).collect();
    for (n, handler) in (0..200).zip(runs) {
        assert_eq!(handler.await.ok(), Some((n / 2, n - n / 2)));
    }
}

// --- custom start and stop events ------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Question {
    text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Answer {
    text: String,
    words: usize,
}

struct Custom;

#[workflow(start = Question, stop = Answer)]
impl Custom {
    #[step]
    async fn answer(&self, ev: Question) -> Answer {
        Answer {
            words: ev.text.split_whitespace().count(),
            text: ev.text.to_uppercase(),
        }
    }
}

#[tokio::test]
async fn a_workflow_can_use_its_own_start_and_stop_events() {
    let answer = Runner::new(Custom)
        .run(Question {
            text: "what is it".into(),
        })
        .await
        .ok();
    assert_eq!(
        answer,
        Some(Answer {
            text: "WHAT IS IT".into(),
            words: 3
        })
    );
}

struct SentStop;

#[workflow]
impl SentStop {
    #[step(sends(StopEvent<u8>))]
    async fn only(&self, ctx: &Context, ev: StartEvent<u8>) {
        ctx.send_event(StopEvent::new(ev.input + 1));
    }
}

#[tokio::test]
async fn a_stop_event_sent_through_the_context_ends_the_run() {
    assert_eq!(Runner::new(SentStop).run(1).await.ok(), Some(2));
}

// --- generic workflows -----------------------------------------------------------------------

trait Model: Send + Sync + 'static {
    fn complete(&self, prompt: &str) -> String;
}

struct Echo;

impl Model for Echo {
    fn complete(&self, prompt: &str) -> String {
        format!("echo: {prompt}")
    }
}

struct Agent<M> {
    model: M,
}

#[workflow]
impl<M: Model> Agent<M> {
    #[step]
    async fn think(&self, ev: StartEvent<String>) -> StopEvent<String> {
        StopEvent::new(self.model.complete(&ev.input))
    }
}

#[tokio::test]
async fn a_workflow_can_be_generic_over_its_dependencies() {
    let runner = Runner::new(Agent { model: Echo });
    assert_eq!(
        runner.run("hi".into()).await.ok().as_deref(),
        Some("echo: hi")
    );
}

// --- order -----------------------------------------------------------------------------------

#[derive(Default)]
struct Ordered {
    log: std::sync::Mutex<Vec<&'static str>>,
}

impl Ordered {
    fn note(&self, what: &'static str) {
        if let Ok(mut log) = self.log.lock() {
            log.push(what);
        }
    }
}

#[workflow]
impl Ordered {
    // Sends `FromX`, then returns `FromY`: `x` must see its event before `y` sees its own.
    #[step(sends(FromX))]
    async fn start(&self, ctx: &Context, _ev: StartEvent) -> FromY {
        ctx.send_event(FromX(1));
        FromY(2)
    }

    #[step]
    async fn x(&self, _ev: FromX) -> Ping {
        self.note("x");
        Ping(1)
    }

    #[step]
    async fn y(&self, _ev: FromY) -> Ping {
        self.note("y");
        Ping(2)
    }

    #[step]
    async fn end(&self, ctx: &Context, ev: Ping) -> Option<StopEvent<u32>> {
        let pings = ctx.collect_many::<Ping>(ev, 2)?;
        Some(StopEvent::new(pings.iter().map(|p| p.0).sum()))
    }
}

#[tokio::test]
async fn events_a_step_sends_are_routed_before_the_event_it_returns() {
    let runner = Runner::new(Ordered::default());
    assert_eq!(runner.run(()).await.ok(), Some(3));
    let log = runner
        .workflow()
        .log
        .lock()
        .map(|l| l.clone())
        .unwrap_or_default();
    assert_eq!(log, ["x", "y"]);
}

#[derive(Clone, Serialize, Deserialize, Event)]
struct SideEffect;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Unclaimed;

/// Sends an event to another step and returns the stop event in the same execution.
#[derive(Default)]
struct SendsThenStops {
    side_effects: AtomicUsize,
}

#[workflow]
impl SendsThenStops {
    #[step(sends(SideEffect), stream_only(Unclaimed))]
    async fn finish(&self, ctx: &Context, ev: StartEvent<u32>) -> StopEvent<u32> {
        ctx.send_event(SideEffect);
        ctx.send_event(Unclaimed);
        StopEvent::new(ev.input)
    }

    #[step(allow(dead_end, unreachable))]
    async fn side_effect(&self, _ev: SideEffect) {
        // Runs up to its first await if started at all: the count shows it.
        self.side_effects.fetch_add(1, Ordering::SeqCst);
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn what_the_ending_step_sent_starts_no_step() {
    let runner = Runner::new(SendsThenStops::default());
    for _ in 0..3 {
        let mut handler = runner.run(5);
        let events = drain(&mut handler).await;
        let names: Vec<&str> = events.iter().map(AnyEvent::name).collect();
        assert_eq!(handler.await.ok(), Some(5));
        // An event no step takes still reaches the caller; the one a step takes is dropped.
        assert!(names.contains(&"Unclaimed"), "{names:?}");
        assert!(!names.contains(&"SideEffect"), "{names:?}");
    }
    assert_eq!(runner.workflow().side_effects.load(Ordering::SeqCst), 0);
}
