//! The benchmark shapes, each written twice: as an eventflow workflow, and as the hand-written
//! tokio program a good engineer would write for the same work, on raw channels and tasks.
//! Every function checks its result, so a fast wrong answer fails instead of winning.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use eventflow::prelude::*;
use tokio::sync::{Semaphore, mpsc};

fn check(ok: bool, what: &str) {
    assert!(ok, "benchmark produced a wrong result: {what}");
}

// --- ping-pong: per-event dispatch -------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub struct Ping(pub u64);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub struct Pong(pub u64);

/// Two steps bounce an event until the count runs out.
#[derive(Debug)]
pub struct PingPong;

#[workflow]
impl PingPong {
    #[step]
    async fn start(&self, ev: StartEvent<u64>) -> Ping {
        Ping(ev.input)
    }

    #[step]
    async fn ping(&self, ev: Ping) -> OneOf![Pong | StopEvent<u64>] {
        if ev.0 == 0 {
            StopEvent::new(0).into()
        } else {
            Pong(ev.0 - 1).into()
        }
    }

    #[step]
    async fn pong(&self, ev: Pong) -> Ping {
        Ping(ev.0)
    }
}

/// Events routed between `ping` and `pong` for a start value of `n`.
pub fn pingpong_hops(n: u64) -> u64 {
    2 * n + 1
}

pub async fn pingpong_eventflow(runner: &Runner<PingPong>, n: u64) {
    check(runner.run(n).await.ok() == Some(0), "ping-pong result");
}

/// Messages exchanged by [`pingpong_tokio`] for `n`: `n..=0` each way.
pub fn pingpong_tokio_messages(n: u64) -> u64 {
    2 * n + 2
}

/// Two tasks bounce a number over two channels.
pub async fn pingpong_tokio(n: u64) {
    let (to_pong, mut pong_inbox) = mpsc::channel::<u64>(1);
    let (to_ping, mut ping_inbox) = mpsc::channel::<u64>(1);
    let pong = tokio::spawn(async move {
        while let Some(n) = pong_inbox.recv().await {
            if to_ping.send(n).await.is_err() {
                break;
            }
        }
    });
    let ping = tokio::spawn(async move {
        let _ = to_pong.send(n).await;
        let mut messages = 1;
        while let Some(n) = ping_inbox.recv().await {
            messages += 1;
            if n == 0 {
                break;
            }
            let _ = to_pong.send(n - 1).await;
            messages += 1;
        }
        messages
    });
    let messages = ping.await.unwrap_or(0);
    let _ = pong.await;
    check(
        messages == pingpong_tokio_messages(n),
        "ping-pong message count",
    );
}

// --- fan-out / fan-in ------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub struct Job(pub u64);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub struct Done(pub u64);

/// One step sends N jobs, 64 workers answer each, one step gathers all N.
#[derive(Debug)]
pub struct FanOut;

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

    #[step]
    async fn gather(&self, ctx: &Context<u64>, ev: Done) -> Option<StopEvent<u64>> {
        let n = usize::try_from(ctx.state().get()).ok()?;
        let all = ctx.collect_many::<Done>(ev, n)?;
        Some(StopEvent::new(all.iter().map(|d| d.0).sum()))
    }
}

/// The same shape with typed fan-out: the first step returns `Vec<Job>`, the gatherer takes
/// `Vec<Done>` and runs once, when every branch has finished.
#[derive(Debug)]
pub struct TypedFanOut;

#[workflow]
impl TypedFanOut {
    #[step]
    async fn start(&self, ev: StartEvent<u64>) -> Vec<Job> {
        (0..ev.input).map(Job).collect()
    }

    #[step(num_workers = 64)]
    async fn work(&self, ev: Job) -> Done {
        Done(ev.0)
    }

    #[step]
    async fn gather(&self, all: Vec<Done>) -> StopEvent<u64> {
        StopEvent::new(all.iter().map(|d| d.0).sum())
    }
}

pub async fn typed_fanout_eventflow(runner: &Runner<TypedFanOut>, n: u64) {
    check(
        runner.run(n).await.ok() == Some(triangle(n)),
        "typed fan-in sum",
    );
}

fn triangle(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

pub async fn fanout_eventflow(runner: &Runner<FanOut>, n: u64) {
    check(runner.run(n).await.ok() == Some(triangle(n)), "fan-in sum");
}

/// A producer deals jobs to 64 worker tasks; each answers on one channel to a gatherer.
pub async fn fanout_tokio(n: u64) {
    const WORKERS: usize = 64;
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<u64>();
    let mut job_txs = Vec::with_capacity(WORKERS);
    for _ in 0..WORKERS {
        let (job_tx, mut job_rx) = mpsc::unbounded_channel::<u64>();
        let done_tx = done_tx.clone();
        tokio::spawn(async move {
            while let Some(job) = job_rx.recv().await {
                let _ = done_tx.send(job);
            }
        });
        job_txs.push(job_tx);
    }
    drop(done_tx);
    tokio::spawn(async move {
        for i in 0..n {
            let _ = job_txs[(i as usize) % WORKERS].send(i);
        }
    });
    let mut sum = 0;
    for _ in 0..n {
        sum += done_rx.recv().await.unwrap_or(0);
    }
    check(sum == triangle(n), "fan-in sum");
}

// --- throughput of runs -----------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub struct A(pub u64);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub struct B(pub u64);

/// Three steps in a line.
#[derive(Debug)]
pub struct Small;

#[workflow]
impl Small {
    #[step]
    async fn s1(&self, ev: StartEvent<u64>) -> A {
        A(ev.input + 1)
    }

    #[step]
    async fn s2(&self, ev: A) -> B {
        B(ev.0 + 1)
    }

    #[step]
    async fn s3(&self, ev: B) -> StopEvent<u64> {
        StopEvent::new(ev.0 + 1)
    }
}

pub async fn runs_eventflow(runner: &Runner<Small>, runs: u64) {
    let handlers: Vec<_> = (0..runs).map(|i| runner.run(i)).collect();
    let mut ok = true;
    for (i, handler) in (0..runs).zip(handlers) {
        ok &= handler.await.ok() == Some(i + 3);
    }
    check(ok, "run results");
}

async fn s1(x: u64) -> u64 {
    x + 1
}

async fn s2(x: u64) -> u64 {
    x + 1
}

async fn s3(x: u64) -> u64 {
    x + 1
}

/// One task per run, doing the three steps in turn.
pub async fn runs_tokio(runs: u64) {
    let tasks: Vec<_> = (0..runs)
        .map(|i| tokio::spawn(async move { s3(s2(s1(i).await).await).await }))
        .collect();
    let mut ok = true;
    for (i, task) in (0..runs).zip(tasks) {
        ok &= task.await.ok() == Some(i + 3);
    }
    check(ok, "run results");
}

// --- streaming --------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub struct Progress(pub u64);

/// One step writes N events to the stream.
#[derive(Debug)]
pub struct Streamer;

#[workflow]
impl Streamer {
    #[step(stream_only(Progress))]
    async fn stream(&self, ctx: &Context, ev: StartEvent<u64>) -> StopEvent<u64> {
        for i in 0..ev.input {
            ctx.write_event_to_stream(Progress(i));
        }
        StopEvent::new(ev.input)
    }
}

pub async fn stream_eventflow(runner: &Runner<Streamer>, n: u64) {
    let mut handler = runner.run(n);
    let mut count = 0;
    while let Some(event) = handler.next().await {
        if event.is::<Progress>() {
            count += 1;
        }
    }
    check(
        count == n && handler.await.ok() == Some(n),
        "streamed count",
    );
}

/// A task sends N items on a channel; the caller counts them.
pub async fn stream_tokio(n: u64) {
    let (tx, mut rx) = mpsc::unbounded_channel::<u64>();
    tokio::spawn(async move {
        for i in 0..n {
            let _ = tx.send(i);
        }
    });
    let mut count = 0;
    while rx.recv().await.is_some() {
        count += 1;
    }
    check(count == n, "streamed count");
}

/// [`stream_tokio`] with each item boxed as a type-erased value, as eventflow's events are:
/// not the baseline, but it isolates what boxing costs the same program.
pub async fn stream_tokio_boxed(n: u64) {
    let (tx, mut rx) = mpsc::unbounded_channel::<Box<dyn std::any::Any + Send + Sync>>();
    tokio::spawn(async move {
        for i in 0..n {
            let _ = tx.send(Box::new(i));
        }
    });
    let mut count = 0;
    while let Some(item) = rx.recv().await {
        count += u64::from(item.is::<u64>());
    }
    check(count == n, "streamed count");
}

// --- suspended runs ---------------------------------------------------------------------------

/// A run whose only step waits at a gate that opens from outside.
#[derive(Debug)]
pub struct Waiter {
    pub gate: Arc<Semaphore>,
    pub waiting: Arc<AtomicUsize>,
}

#[workflow]
impl Waiter {
    #[step]
    async fn wait(&self, ev: StartEvent<u64>) -> StopEvent<u64> {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let permit = self.gate.acquire().await;
        drop(permit);
        StopEvent::new(ev.input)
    }
}

/// Starts `runs` runs that wait, and returns the resident memory they add, in bytes.
pub async fn suspended_eventflow(runs: usize) -> u64 {
    let gate = Arc::new(Semaphore::new(0));
    let waiting = Arc::new(AtomicUsize::new(0));
    let runner = Runner::new(Waiter {
        gate: Arc::clone(&gate),
        waiting: Arc::clone(&waiting),
    });
    let before = crate::measure::resident_bytes().unwrap_or(0);
    let handlers: Vec<_> = (0..runs as u64).map(|i| runner.run(i)).collect();
    while waiting.load(Ordering::SeqCst) < runs {
        tokio::task::yield_now().await;
    }
    let after = crate::measure::resident_bytes().unwrap_or(0);
    gate.add_permits(runs);
    let mut ok = true;
    for (i, handler) in (0..runs as u64).zip(handlers) {
        ok &= handler.await.ok() == Some(i);
    }
    check(ok, "released runs");
    after.saturating_sub(before)
}

/// Starts `runs` tasks that wait at the same kind of gate, and returns the memory they add.
pub async fn suspended_tokio(runs: usize) -> u64 {
    let gate = Arc::new(Semaphore::new(0));
    let waiting = Arc::new(AtomicUsize::new(0));
    let before = crate::measure::resident_bytes().unwrap_or(0);
    let tasks: Vec<_> = (0..runs as u64)
        .map(|i| {
            let gate = Arc::clone(&gate);
            let waiting = Arc::clone(&waiting);
            tokio::spawn(async move {
                waiting.fetch_add(1, Ordering::SeqCst);
                drop(gate.acquire().await);
                i
            })
        })
        .collect();
    while waiting.load(Ordering::SeqCst) < runs {
        tokio::task::yield_now().await;
    }
    let after = crate::measure::resident_bytes().unwrap_or(0);
    gate.add_permits(runs);
    let mut ok = true;
    for (i, task) in (0..runs as u64).zip(tasks) {
        ok &= task.await.ok() == Some(i);
    }
    check(ok, "released tasks");
    after.saturating_sub(before)
}
