//! Random fault schedules of the store, over a run checkpointed after every step: each run
//! either gives the result an uninterrupted run gives (and the store agrees it completed), or
//! ends with an error the caller sees; the journal stays in sequence with at most one end; and
//! once the store works again, `resume_running` takes up exactly the runs the store still
//! holds as running, finishing them with the same result, and never an ended one.
//!
//! `PROPTEST_CASES=10000 cargo test --test durability fault_props` for a long run.

use std::sync::Arc;

use eventflow::prelude::*;
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

fn check(n: u32, schedule: &[(Call, usize, Fault)]) -> Result<(), TestCaseError> {
    let store = schedule
        .iter()
        .fold(FaultyStore::new(), |store, &(call, nth, fault)| {
            store.on(call, nth, fault)
        });
    let store = Arc::new(store);
    let runner = Runner::new(Squares)
        .store(store.clone())
        .checkpoint_every_step(true);
    let runtime =
        eventflow_testkit::runtime::paused().map_err(|e| TestCaseError::fail(e.to_string()))?;
    let (run, result) = runtime.block_on(async {
        let handler = runner.run(n);
        (handler.run_id(), handler.await)
    });
    let stored = store.inner().load(run).ok().flatten();
    let status = stored.as_ref().map(|s| s.header.status);
    match &result {
        Ok(value) => {
            prop_assert_eq!(*value, expected(n));
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
        prop_assert_eq!(resumed[0].as_ref().ok(), Some(&expected(n)));
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
        check(n, &schedule)?;
    }
}
