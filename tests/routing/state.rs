//! Typed per-run state: each run has its own, steps edit it atomically, the caller reads it.

use std::sync::Arc;

use eventflow::prelude::*;
use tokio::sync::Barrier;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Counters {
    hits: u64,
    log: Vec<String>,
}

#[derive(Clone, Serialize, Deserialize, Event)]
struct Hit(u64);

#[derive(Clone, Serialize, Deserialize, Event)]
struct Counted;

struct Tally {
    barrier: Arc<Barrier>,
}

#[workflow(state = Counters)]
impl Tally {
    #[step(sends(Hit))]
    async fn start(&self, ctx: &Context<Counters>, ev: StartEvent<u64>) {
        ctx.state().edit(|c| c.log.push("start".into()));
        for i in 0..ev.input {
            ctx.send_event(Hit(i));
        }
    }

    // Many executions edit the state at once; none loses another's update.
    #[step(num_workers = 8)]
    async fn hit(&self, ctx: &Context<Counters>, ev: Hit) -> Counted {
        if ev.0 < 8 {
            // The first eight wait for each other, so they are all in flight together.
            self.barrier.wait().await;
        }
        tokio::task::yield_now().await;
        ctx.state().edit(|c| c.hits += 1);
        Counted
    }

    #[step]
    async fn done(&self, ctx: &Context<Counters>, ev: Counted) -> Option<StopEvent<u64>> {
        let hits = ctx.collect_many::<Counted>(ev, 40)?;
        Some(StopEvent::new(
            hits.len() as u64 + ctx.state().read(|c| c.hits),
        ))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_edits_are_never_lost_and_the_caller_reads_the_final_state() {
    let runner = Runner::new(Tally {
        barrier: Arc::new(Barrier::new(8)),
    });
    let initial = Counters {
        hits: 100,
        log: vec!["given".into()],
    };
    let mut handler = runner.run_with_state(40, initial);
    while handler.next().await.is_some() {}
    let state = handler.state();
    assert_eq!(state.hits, 140);
    assert_eq!(state.log, ["given", "start"]);
    assert_eq!(handler.await.ok(), Some(180));
}

#[tokio::test]
async fn each_run_starts_from_its_own_default_state() {
    let runner = Runner::new(Tally {
        barrier: Arc::new(Barrier::new(8)),
    });
    let (a, b) = tokio::join!(runner.run(40), runner.run(40));
    assert_eq!((a.ok(), b.ok()), (Some(80), Some(80)));
}
