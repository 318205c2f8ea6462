//! Runs that end early leave nothing behind: memory in use is flat over many cancelled,
//! timed-out and cut-short runs. The test counts live heap bytes with dhat, so it is alone in
//! its binary (one global allocator per process).

use std::time::Duration;

use eventflow::prelude::*;

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Work(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Done(u32);

/// Fans out work that takes a long time, waits, and joins the first result: a run ends by
/// cancellation, by its timeout, or when the join has its first result and cuts the rest short.
struct Endless;

#[workflow(external(Done))]
impl Endless {
    #[step]
    async fn start(&self, ev: StartEvent<u32>) -> Vec<Work> {
        (0..ev.input).map(Work).collect()
    }

    #[step(num_workers = 2)]
    async fn work(&self, ctx: &Context, ev: Work) -> Result<Done, WaitError> {
        // Waits (without a worker) for an answer that may never come, then takes ages.
        let id = ev.0;
        let waited = ctx
            .wait_for_event::<Done>()
            .matching(move |d| d.0 == id)
            .timeout(Duration::from_secs(5))
            .await;
        tokio::time::sleep(Duration::from_secs(u64::from(ev.0) * 60)).await;
        waited
    }

    #[step(take = 1)]
    async fn first(&self, done: Vec<Done>) -> StopEvent<u32> {
        StopEvent::new(done.first().map_or(0, |d| d.0))
    }
}

/// One round: 30 runs of each ending.
async fn round(runner: &Runner<Endless>) {
    let mut handlers = Vec::new();
    for i in 0..90 {
        let handler = runner.run(4);
        match i % 3 {
            // Cancelled at once.
            0 => handler.cancel(),
            // Cut short: branch 0 finishes first, the join takes it.
            1 => {
                let _ = handler.send_event(Done(0));
            }
            // Timed out while everything sleeps.
            _ => {}
        }
        handlers.push(handler);
    }
    for handler in handlers {
        let _ = handler.await;
    }
}

#[test]
fn memory_in_use_is_flat_over_many_runs_that_end_early() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let runtime = eventflow_testkit::runtime::paused().expect("a runtime");
    let (before, after, allocated) = runtime.block_on(async {
        let runner = Runner::new(Endless).timeout(Duration::from_secs(60));
        // Warm up: buffers that are kept for reuse reach their working size.
        for _ in 0..5 {
            round(&runner).await;
        }
        let before = dhat::HeapStats::get();
        for _ in 0..40 {
            round(&runner).await;
        }
        let after = dhat::HeapStats::get();
        (
            before.curr_bytes,
            after.curr_bytes,
            after.total_bytes - before.total_bytes,
        )
    });
    // Millions of bytes went through the rounds; what stays in use does not grow.
    assert!(
        allocated > 10_000_000,
        "the rounds allocated only {allocated} bytes"
    );
    assert!(
        after <= before + 16 * 1024,
        "memory in use grew from {before} to {after} bytes over 40 rounds"
    );
}
