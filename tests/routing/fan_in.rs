//! Fan-in with `collect_events` and `collect_many`: typed results, any arrival order, linear
//! cost (a million events), and races between workers of the collecting step.

use std::time::Duration;

use eventflow::prelude::*;
use eventflow_testkit::runtime;
use proptest::prelude::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Online(String);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Offline(String);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Prediction(String);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Ask {
    delay_ms: u64,
}

/// Three sources answer after the given delays; the decision waits for all three.
struct Vote;

#[workflow(state = Vec<u64>)]
impl Vote {
    #[step(sends(Ask))]
    async fn start(&self, ctx: &Context<Vec<u64>>, ev: StartEvent<[u64; 3]>) {
        for delay_ms in ev.input {
            ctx.send_event(Ask { delay_ms });
        }
    }

    // Each source is asked once; the order of `Ask`s decides which source answers which delay.
    #[step(num_workers = 3, sends(Online, Offline, Prediction))]
    async fn source(&self, ctx: &Context<Vec<u64>>, ev: Ask) {
        let index = ctx.state().edit(|seen| {
            seen.push(ev.delay_ms);
            seen.len()
        });
        tokio::time::sleep(Duration::from_millis(ev.delay_ms)).await;
        match index {
            1 => ctx.send_event(Online(format!("online after {}", ev.delay_ms))),
            2 => ctx.send_event(Offline(format!("offline after {}", ev.delay_ms))),
            _ => ctx.send_event(Prediction(format!("prediction after {}", ev.delay_ms))),
        }
    }

    #[step(num_workers = 3)]
    async fn decide(
        &self,
        ctx: &Context<Vec<u64>>,
        ev: OneOf![Online | Offline | Prediction],
    ) -> Option<StopEvent<[String; 3]>> {
        let (online, offline, prediction) =
            ctx.collect_events::<(Online, Offline, Prediction)>(ev)?;
        Some(StopEvent::new([online.0, offline.0, prediction.0]))
    }
}

async fn vote(delays: [u64; 3]) -> Option<[String; 3]> {
    Runner::new(Vote).run(delays).await.ok()
}

#[tokio::test(start_paused = true)]
async fn collect_events_returns_the_set_in_declared_order_whatever_the_arrival_order() {
    let expected = [
        "online after 30".to_string(),
        "offline after 10".to_string(),
        "prediction after 20".to_string(),
    ];
    assert_eq!(vote([30, 10, 20]).await, Some(expected));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_arrival_order_gives_one_complete_set(delays in proptest::array::uniform3(0_u64..50)) {
        let runtime = runtime::paused().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let result = runtime.block_on(vote(delays));
        let expected = [
            format!("online after {}", delays[0]),
            format!("offline after {}", delays[1]),
            format!("prediction after {}", delays[2]),
        ];
        prop_assert_eq!(result, Some(expected));
    }
}

// --- collect_many: a count known at run time ------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Job(u64);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Done(u64);

/// The fan-out/fan-in shape: one step sends N jobs, 64 workers answer, one step gathers all N.
struct FanOut;

#[workflow(state = u64)]
impl FanOut {
    #[step(sends(Job))]
    async fn start(&self, ctx: &Context<u64>, ev: StartEvent<u64>) {
        ctx.state().set(ev.input);
        for i in 0..ev.input {
            ctx.send_event(Job(i));
        }
    }

    #[step(num_workers = 64)]
    async fn work(&self, ev: Job) -> Done {
        Done(ev.0)
    }

    #[step(num_workers = 4)]
    async fn gather(&self, ctx: &Context<u64>, ev: Done) -> Option<StopEvent<(usize, u64)>> {
        let n = ctx.state().get();
        let all = ctx.collect_many::<Done>(ev, usize::try_from(n).ok()?)?;
        let sum = all.iter().map(|d| d.0).sum();
        Some(StopEvent::new((all.len(), sum)))
    }
}

#[tokio::test]
async fn a_fan_in_of_a_million_events_completes() {
    let n: u64 = 1_000_000;
    let result = Runner::new(FanOut).run(n).await.ok();
    assert_eq!(result, Some((1_000_000, n * (n - 1) / 2)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_fan_ins_on_a_multi_thread_runtime_each_get_their_own_members() {
    let runner = Runner::new(FanOut);
    let handlers: Vec<_> = (1..=50_u64).map(|n| runner.run(n * 10)).collect();
    for (n, handler) in (1..=50_u64).zip(handlers) {
        let n = n * 10;
        let count = usize::try_from(n).unwrap_or(usize::MAX);
        assert_eq!(handler.await.ok(), Some((count, n * (n - 1) / 2)));
    }
}

// --- surplus events are kept for the next set -------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Pair(u32);

struct Pairs;

#[workflow]
impl Pairs {
    #[step(sends(Online, Offline))]
    async fn start(&self, ctx: &Context, _ev: StartEvent) {
        // Two `Online`s arrive before any `Offline`: the second waits for the next set.
        ctx.send_event(Online("a".into()));
        ctx.send_event(Online("b".into()));
        ctx.send_event(Offline("1".into()));
        ctx.send_event(Offline("2".into()));
    }

    #[step(num_workers = 1)]
    async fn pair(&self, ctx: &Context, ev: OneOf![Online | Offline]) -> Option<Pair> {
        let (on, off) = ctx.collect_events::<(Online, Offline)>(ev)?;
        Some(Pair(if on.0 == "a" && off.0 == "1" {
            1
        } else {
            u32::from(on.0 == "b" && off.0 == "2") * 2
        }))
    }

    #[step]
    async fn both(&self, ctx: &Context, ev: Pair) -> Option<StopEvent<Vec<u32>>> {
        let [x, y] = ctx.collect_events::<[Pair; 2]>(ev)?;
        Some(StopEvent::new(vec![x.0, y.0]))
    }
}

#[tokio::test]
async fn events_beyond_a_complete_set_start_the_next_one() {
    assert_eq!(Runner::new(Pairs).run(()).await.ok(), Some(vec![1, 2]));
}

#[derive(Clone, Serialize, Deserialize, Event)]
struct Nothing(u32);

struct EmptySets;

#[workflow]
impl EmptySets {
    #[step]
    async fn start(&self, ctx: &Context, ev: StartEvent<u32>) -> Nothing {
        let none: Option<[Nothing; 0]> = ctx.collect_events(Nothing(ev.input));
        assert!(none.is_some(), "an empty array set is complete at once");
        let unit: Option<()> = ctx.collect_events(Nothing(ev.input));
        assert!(unit.is_some(), "the unit set is complete at once");
        Nothing(ev.input)
    }

    #[step]
    async fn gather(&self, ctx: &Context, ev: Nothing) -> Option<StopEvent<usize>> {
        let wanted = ev.0 as usize;
        let all = ctx.collect_many::<Nothing>(ev, wanted)?;
        Some(StopEvent::new(all.len()))
    }
}

#[tokio::test]
async fn an_empty_set_is_collected_at_once_instead_of_stalling_the_run() {
    assert_eq!(Runner::new(EmptySets).run(0).await.ok(), Some(0));
    assert_eq!(Runner::new(EmptySets).run(1).await.ok(), Some(1));
}
