//! The process the crash test kills: it runs many checkpointed runs of a workflow with a
//! fan-out and its join, a loop, a branch, a retried step, a fan-in through
//! `collect_events` and a wait for an answer, on an SQLite file, and resumes the unfinished
//! ones each time it starts again. Every step appends its idempotency key to a log, which the
//! test reads to check that nothing committed was lost or done twice.
//!
//! `cargo run --example crash_worker -- --db runs.db --dir DIR --runs 20 --generation 0`
//!
//! `DIR/started` lists the run started for each input; `DIR/log` what the steps did.

use std::error::Error;
use std::fs::OpenOptions;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use eventflow::RunId;
use eventflow::prelude::*;
use eventflow::store::{CheckpointStore, SqliteStore};
use futures::StreamExt;

/// One branch of the opening fan-out.
#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Part {
    input: u32,
    k: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Scored {
    input: u32,
    score: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Tick {
    n: u32,
    i: u32,
    acc: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Total(u64);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Even(u64);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Odd(u64);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Checked(u64);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Audit(u64);

/// The question the last step asks the process, which answers with [`Answer`].
#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Ask(u64);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Answer(u64);

#[derive(Debug, thiserror::Error)]
#[error("the ledger is busy")]
struct Busy;

/// Splits its input into parts scored in parallel and joins them in order, sums a little
/// series in a loop, branches on the total's parity through a step that fails on its first
/// attempt for some totals, then collects the branch's two results and waits for an answer.
struct Ledger {
    log: Mutex<std::fs::File>,
    generation: u32,
}

impl Ledger {
    /// The step's side effect: one line, keyed, naming the process generation.
    async fn record(&self, ctx: &Context, value: u64) {
        // One write of a whole line: a kill cannot leave half of it for the next process to
        // run on into.
        let line = format!("{} {} {value}\n", self.generation, ctx.idempotency_key());
        if let Ok(mut log) = self.log.lock() {
            let _ = log.write_all(line.as_bytes());
        }
        // Room for the test to kill the process mid-step.
        tokio::time::sleep(Duration::from_millis(1)).await;
    }

    /// The run's result, as the step that ends it sees it.
    fn record_result(&self, ctx: &Context, value: u64) {
        let line = format!(
            "{} {}!result {value}\n",
            self.generation,
            ctx.idempotency_key()
        );
        if let Ok(mut log) = self.log.lock() {
            let _ = log.write_all(line.as_bytes());
        }
    }
}

#[workflow(external(Answer))]
impl Ledger {
    #[step]
    async fn begin(&self, ctx: &Context, ev: StartEvent<u32>) -> Vec<Part> {
        self.record(ctx, u64::from(ev.input)).await;
        (0..ev.input % 3 + 2)
            .map(|k| Part { input: ev.input, k })
            .collect()
    }

    #[step]
    async fn part(&self, ctx: &Context, ev: Part) -> Scored {
        let score = u64::from(ev.input * 5 + ev.k * ev.k) % 13;
        self.record(ctx, score).await;
        Scored {
            input: ev.input,
            score,
        }
    }

    #[step]
    async fn gather(&self, ctx: &Context, scored: Vec<Scored>) -> Tick {
        // Order matters here, so a join out of order would show in the result.
        let acc = scored.iter().fold(0, |acc, s| (acc * 3 + s.score) % 1000);
        self.record(ctx, acc).await;
        let input = scored.first().map_or(0, |s| s.input);
        Tick {
            n: input % 7 + 3,
            i: 0,
            acc,
        }
    }

    #[step]
    async fn tick(&self, ctx: &Context, ev: Tick) -> OneOf![Tick | Total] {
        self.record(ctx, ev.acc).await;
        if ev.i < ev.n {
            return Tick {
                i: ev.i + 1,
                acc: ev.acc + u64::from(ev.i * 7 % 11),
                ..ev
            }
            .into();
        }
        Total(ev.acc).into()
    }

    #[step(retry = RetryPolicy::immediate().max_attempts(3))]
    async fn settle(&self, ctx: &Context, ev: Total) -> Result<OneOf![Even | Odd], Busy> {
        self.record(ctx, ev.0).await;
        if ev.0.is_multiple_of(3) && ctx.attempt() == 1 {
            return Err(Busy);
        }
        Ok(if ev.0.is_multiple_of(2) {
            Even(ev.0).into()
        } else {
            Odd(ev.0).into()
        })
    }

    #[step(sends(Audit))]
    async fn even(&self, ctx: &Context, ev: Even) -> Checked {
        self.record(ctx, ev.0 * 2).await;
        ctx.send_event(Audit(ev.0 % 10));
        Checked(ev.0 * 2)
    }

    #[step(sends(Audit))]
    async fn odd(&self, ctx: &Context, ev: Odd) -> Checked {
        self.record(ctx, ev.0 * 3 + 1).await;
        ctx.send_event(Audit(ev.0 % 10));
        Checked(ev.0 * 3 + 1)
    }

    #[step(stream_only(Ask))]
    async fn close(
        &self,
        ctx: &Context,
        ev: OneOf![Checked | Audit],
    ) -> Result<Option<StopEvent<u64>>, WaitError> {
        let value = match &ev {
            LedgerCloseInput::Checked(c) => c.0,
            LedgerCloseInput::Audit(a) => a.0,
        };
        self.record(ctx, value).await;
        let Some((checked, audit)) = ctx.collect_events::<(Checked, Audit)>(ev) else {
            return Ok(None);
        };
        let answer = ctx
            .wait_for_event::<Answer>()
            .requesting(Ask(checked.0))
            .await?;
        let result = answer.0 * 10 + audit.0;
        self.record_result(ctx, result);
        Ok(Some(StopEvent::new(result)))
    }
}

/// Follows a run to its end, answering its question.
async fn drive(mut handler: WorkflowHandler<Ledger>) -> Result<u64, Box<dyn Error>> {
    while let Some(event) = handler.next().await {
        if let Some(ask) = event.downcast_ref::<Ask>() {
            handler.send_event(Answer(ask.0 + 1))?;
        }
    }
    Ok(handler.await?)
}

struct Args {
    db: PathBuf,
    dir: PathBuf,
    runs: u32,
    generation: u32,
}

fn args() -> Result<Args, Box<dyn Error>> {
    let mut args = Args {
        db: "runs.db".into(),
        dir: ".".into(),
        runs: 20,
        generation: 0,
    };
    let mut words = std::env::args().skip(1);
    while let Some(word) = words.next() {
        let value = words.next().ok_or(format!("{word} needs a value"))?;
        match word.as_str() {
            "--db" => args.db = value.into(),
            "--dir" => args.dir = value.into(),
            "--runs" => args.runs = value.parse()?,
            "--generation" => args.generation = value.parse()?,
            other => return Err(format!("unknown option {other}").into()),
        }
    }
    Ok(args)
}

/// The run started for each input so far, the last one for an input that was started again.
fn started(path: &PathBuf) -> Result<Vec<(u32, RunId)>, Box<dyn Error>> {
    let Ok(file) = std::fs::File::open(path) else {
        return Ok(Vec::new());
    };
    let mut runs: Vec<(u32, RunId)> = Vec::new();
    for line in BufReader::new(file).lines() {
        let line = line?;
        // A line cut short by a kill is ignored: its run never got going.
        let Some((input, run)) = line.split_once(' ') else {
            continue;
        };
        let (Ok(input), Ok(run)) = (input.parse::<u32>(), run.parse::<RunId>()) else {
            continue;
        };
        runs.retain(|(i, _)| *i != input);
        runs.push((input, run));
    }
    Ok(runs)
}

// One thread: a run spawned by `run` is not polled before its input is written down.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let args = args()?;
    let store = Arc::new(SqliteStore::open(&args.db)?);
    let append = |name: &str| {
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(args.dir.join(name))
    };
    let runner = Runner::new(Ledger {
        log: Mutex::new(append("log")?),
        generation: args.generation,
    })
    .store(store.clone())
    .checkpoint_every_step(true);
    let mut started_file = append("started")?;
    let known = started(&args.dir.join("started"))?;
    let mut handlers = Vec::new();
    for input in 0..args.runs {
        let stored = known
            .iter()
            .find(|(i, _)| *i == input)
            .and_then(|(_, run)| store.load(*run).ok().flatten());
        match stored {
            Some(stored) if stored.header.status.is_finished() => {}
            Some(stored) => handlers.push(runner.resume(stored.header.run)?),
            // Never started, or killed before its first checkpoint: start it (again).
            None => {
                let handler = runner.run(input);
                started_file.write_all(format!("{input} {}\n", handler.run_id()).as_bytes())?;
                handlers.push(handler);
            }
        }
    }
    futures::future::try_join_all(handlers.into_iter().map(drive)).await?;
    println!("all {} runs finished", args.runs);
    Ok(())
}
