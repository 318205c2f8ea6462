//! Random fault schedules of the store, over runs checkpointed after every step of a fixed
//! workflow and of random ones (a plan of fan-outs, loops and retried steps): each run
//! either gives the result an uninterrupted run gives (and the store agrees it completed), or
//! ends with an error the caller sees; the journal stays in sequence with at most one end; and
//! once the store works again, `resume_running` takes up exactly the runs the store still
//! holds as running, finishing them with the same result, and never an ended one.
//!
//! `PROPTEST_CASES=10000 cargo test --test durability fault_props` for a long run.

use std::sync::Arc;

use eventflow::WorkflowHandler;
use eventflow::prelude::*;
use eventflow::run::Output;
use eventflow::store::{CheckpointStore, RunStatus};
use eventflow_testkit::faults::{Call, Fault, FaultyStore};
use proptest::prelude::*;

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Part(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Done(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Total(u32);

/// Fans out `n` parts, squares each, sums them and doubles the sum: steps, a fan-out, a join
/// and state, each of which a commit records.
struct Squares;

#[workflow(state = Vec<u32>)]
impl Squares {
    #[step]
    async fn split(&self, ev: StartEvent<u32>) -> Vec<Part> {
        (1..=ev.input).map(Part).collect()
    }

    #[step(num_workers = 2)]
    async fn square(&self, ctx: &Context<Vec<u32>>, part: Part) -> Done {
        ctx.state().edit(|seen| seen.push(part.0));
        Done(part.0 * part.0)
    }

    #[step]
    async fn sum(&self, done: Vec<Done>) -> Total {
        Total(done.iter().map(|d| d.0).sum())
    }

    #[step]
    async fn double(&self, total: Total) -> StopEvent<u32> {
        StopEvent::new(total.0 * 2)
    }
}

fn expected(n: u32) -> u32 {
    (1..=n).map(|i| i * i).sum::<u32>() * 2
}

fn call() -> impl Strategy<Value = Call> {
    prop_oneof![
        Just(Call::Create),
        Just(Call::Commit),
        Just(Call::SetStatus),
        Just(Call::Load),
    ]
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        Just(Fault::Fail),
        Just(Fault::Panic),
        Just(Fault::LandThenFail)
    ]
}

fn schedule() -> impl Strategy<Value = Vec<(Call, usize, Fault)>> {
    prop::collection::vec((call(), 1..10usize, fault()), 0..4)
}

/// Runs `workflow` as `start` starts it, under the faults of `schedule`, then resumes what the
/// store holds as running; every result must be `expected` or an error the faults explain.
fn check<W: eventflow::CheckedWorkflow>(
    workflow: impl Fn() -> W,
    start: impl Fn(&Runner<W>) -> WorkflowHandler<W>,
    expected: &Output<W>,
    schedule: &[(Call, usize, Fault)],
) -> Result<(), TestCaseError>
where
    Output<W>: PartialEq + std::fmt::Debug,
{
    let store = schedule
        .iter()
        .fold(FaultyStore::new(), |store, &(call, nth, fault)| {
            store.on(call, nth, fault)
        });
    let store = Arc::new(store);
    let runner = Runner::new(workflow())
        .store(store.clone())
        .checkpoint_every_step(true);
    let runtime =
        eventflow_testkit::runtime::paused().map_err(|e| TestCaseError::fail(e.to_string()))?;
    let (run, result) = runtime.block_on(async {
        let handler = start(&runner);
        (handler.run_id(), handler.await)
    });
    let stored = store.inner().load(run).ok().flatten();
    let status = stored.as_ref().map(|s| s.header.status);
    match &result {
        Ok(value) => {
            prop_assert_eq!(value, expected);
            prop_assert_eq!(
                status,
                Some(RunStatus::Completed),
                "Ok only if the store agrees"
            );
        }
        Err(WorkflowError::Checkpoint { .. } | WorkflowError::EndNotRecorded { .. }) => {}
        Err(other) => prop_assert!(false, "an error the faults cannot explain: {other}"),
    }
    if let Some(stored) = &stored {
        let seqs: Vec<u64> = stored.commits.iter().map(|c| c.seq).collect();
        prop_assert_eq!(seqs, (0..stored.commits.len() as u64).collect::<Vec<_>>());
        let ends = stored
            .commits
            .iter()
            .filter(|c| c.step == "(ended)")
            .count();
        prop_assert!(ends <= 1);
        if ends == 1 {
            prop_assert_eq!(
                stored.commits.last().map(|c| c.step.as_str()),
                Some("(ended)")
            );
        }
    }
    // The outage ends; a new process takes up what the store holds as running.
    store.heal();
    let resumed = runtime.block_on(async {
        let handlers = runner.resume_running().map_err(|e| e.to_string())?;
        let mut results = Vec::new();
        for handler in handlers {
            results.push(handler.map_err(|e| e.to_string())?.await);
        }
        Ok::<_, String>(results)
    });
    let resumed = resumed.map_err(TestCaseError::fail)?;
    if status == Some(RunStatus::Running) {
        prop_assert_eq!(resumed.len(), 1, "the run held as running is taken up");
        prop_assert_eq!(resumed[0].as_ref().ok(), Some(expected));
    } else {
        prop_assert!(
            resumed.is_empty(),
            "an ended run is never taken up: {:?}",
            status
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_run_under_store_faults_succeeds_as_it_would_or_says_why(
        n in 0..6u32,
        schedule in schedule(),
    ) {
        check(|| Squares, |runner| runner.run(n), &expected(n), &schedule)?;
    }

    #[test]
    fn every_random_workflow_under_store_faults_succeeds_as_it_would_or_says_why(
        plan in plan(),
        schedule in schedule(),
    ) {
        let want = planned(&plan);
        check(|| Program, |runner| runner.run(plan.clone()), &want, &schedule)?;
    }
}

/// One part of a random workflow's plan.
#[derive(Debug, Clone, Serialize, Deserialize)]
enum Op {
    /// Fans out this many items, squares each, and adds the sum.
    Fan(u8),
    /// Loops one step this many times and once more, adding one each time.
    Loop(u8),
    /// A step that fails its first attempt and, retried, adds 100.
    Flaky,
}

fn plan() -> impl Strategy<Value = Vec<Op>> {
    let op = prop_oneof![
        (0..5u8).prop_map(Op::Fan),
        (0..4u8).prop_map(Op::Loop),
        Just(Op::Flaky),
    ];
    prop::collection::vec(op, 0..5)
}

/// What a run of `plan` gives.
fn planned(plan: &[Op]) -> u64 {
    plan.iter()
        .map(|op| match *op {
            Op::Fan(n) => (1..=u64::from(n)).map(|i| i * i).sum(),
            Op::Loop(k) => u64::from(k) + 1,
            Op::Flaky => 100,
        })
        .sum()
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Progress {
    plan: Vec<Op>,
    at: usize,
    acc: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Next;

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Item(u64);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Squared(u64);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Tick(u8);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Shaky;

/// Runs the plan it is started with, one part after another.
struct Program;

#[workflow(state = Progress)]
impl Program {
    #[step]
    async fn begin(&self, ctx: &Context<Progress>, ev: StartEvent<Vec<Op>>) -> Next {
        ctx.state().edit(|p| p.plan.clone_from(&ev.input));
        Next
    }

    #[step]
    async fn dispatch(
        &self,
        ctx: &Context<Progress>,
        _next: Next,
    ) -> OneOf![Vec<Item> | Tick | Shaky | StopEvent<u64>] {
        let (op, acc) = ctx.state().read(|p| (p.plan.get(p.at).cloned(), p.acc));
        ctx.state().edit(|p| p.at += 1);
        match op {
            None => StopEvent::new(acc).into(),
            Some(Op::Fan(n)) => (1..=u64::from(n)).map(Item).collect::<Vec<_>>().into(),
            Some(Op::Loop(k)) => Tick(k).into(),
            Some(Op::Flaky) => Shaky.into(),
        }
    }

    #[step(num_workers = 2)]
    async fn square(&self, item: Item) -> Squared {
        Squared(item.0 * item.0)
    }

    #[step]
    async fn fold(&self, ctx: &Context<Progress>, done: Vec<Squared>) -> Next {
        let sum: u64 = done.iter().map(|d| d.0).sum();
        ctx.state().edit(|p| p.acc += sum);
        Next
    }

    #[step]
    async fn tick(&self, ctx: &Context<Progress>, tick: Tick) -> OneOf![Tick | Next] {
        ctx.state().edit(|p| p.acc += 1);
        match tick.0.checked_sub(1) {
            Some(left) => Tick(left).into(),
            None => Next.into(),
        }
    }

    #[step(retry = RetryPolicy::immediate().max_attempts(2))]
    async fn shaky(&self, ctx: &Context<Progress>, _shaky: Shaky) -> Result<Next, String> {
        if ctx.attempt() == 1 {
            return Err("the first attempt fails".into());
        }
        ctx.state().edit(|p| p.acc += 100);
        Ok(Next)
    }
}
