//! The process the journaled-call crash test kills: one run on an SQLite file, whose step
//! makes a journaled call to a "service" (a file it appends each request to, with the request's
//! idempotency key), then finishes. The test stops it with SIGKILL at a chosen moment, while
//! the call is in flight or just after it returned, and starts it again to resume the run.
//!
//! `cargo run --example journal_worker -- --db runs.db --dir DIR --pause after-call`
//!
//! `DIR/requests` is what the service served; `DIR/paused` appears when the process has
//! reached the moment `--pause` names (`in-call`, `after-call` or `none`) and waits there to
//! be killed.

use std::error::Error;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use eventflow::RunId;
use eventflow::error::BoxError;
use eventflow::prelude::*;
use eventflow::store::SqliteStore;

/// Where the process stops and waits to be killed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pause {
    InCall,
    AfterCall,
    None,
}

struct Drafter {
    dir: PathBuf,
    pause: Pause,
}

impl Drafter {
    /// The service: writes the request down, then answers.
    async fn serve(&self, key: &str, prompt: &str) -> Result<String, BoxError> {
        let mut requests = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("requests"))?;
        writeln!(requests, "{key}")?;
        requests.sync_all()?;
        if self.pause == Pause::InCall {
            wait_to_be_killed(&self.dir).await?;
        }
        Ok(format!("a draft of {prompt}"))
    }
}

/// Says the moment is reached, and waits.
async fn wait_to_be_killed(dir: &Path) -> Result<(), BoxError> {
    std::fs::write(dir.join("paused"), b"")?;
    std::future::pending::<()>().await;
    Ok(())
}

#[workflow]
impl Drafter {
    #[step]
    async fn draft(
        &self,
        ctx: &Context,
        ev: StartEvent<String>,
    ) -> Result<StopEvent<String>, BoxError> {
        let key = format!("{} model", ctx.idempotency_key());
        let reply = ctx.journal_ok("model", self.serve(&key, &ev.input)).await?;
        if self.pause == Pause::AfterCall {
            wait_to_be_killed(&self.dir).await?;
        }
        Ok(StopEvent::new(reply))
    }
}

struct Args {
    db: PathBuf,
    dir: PathBuf,
    pause: Pause,
}

fn args() -> Result<Args, Box<dyn Error>> {
    let mut args = Args {
        db: "runs.db".into(),
        dir: ".".into(),
        pause: Pause::None,
    };
    let mut words = std::env::args().skip(1);
    while let Some(word) = words.next() {
        let value = words.next().ok_or(format!("{word} needs a value"))?;
        match word.as_str() {
            "--db" => args.db = value.into(),
            "--dir" => args.dir = value.into(),
            "--pause" => {
                args.pause = match value.as_str() {
                    "in-call" => Pause::InCall,
                    "after-call" => Pause::AfterCall,
                    "none" => Pause::None,
                    other => return Err(format!("unknown pause {other}").into()),
                }
            }
            other => return Err(format!("unknown option {other}").into()),
        }
    }
    Ok(args)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let args = args()?;
    let runner = Runner::new(Drafter {
        dir: args.dir.clone(),
        pause: args.pause,
    })
    .store(Arc::new(SqliteStore::open(&args.db)?))
    .checkpoint_every_step(true);
    let run_file = args.dir.join("run");
    let handler = match std::fs::read_to_string(&run_file) {
        // A run was started before: take it up where its last process left it.
        Ok(run) => runner.resume(run.trim().parse::<RunId>()?)?,
        Err(_) => {
            let handler = runner.run("an essay".into());
            std::fs::write(&run_file, handler.run_id().to_string())?;
            handler
        }
    };
    println!("{}", handler.await?);
    Ok(())
}
