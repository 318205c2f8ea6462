//! A research agent that survives its process being killed: it checkpoints after every step
//! into an SQLite file, and the next start resumes it, printing what ran again.
//!
//! Each tool call records its side effect under the step's idempotency key. A step that was
//! running when the process died runs again with the same key, finds its effect recorded, and
//! does not repeat it; the steps that had finished do not run again at all.
//!
//! ```text
//! cargo run --example resumable_agent -- --db agent.db --crash   # dies in the second tool call
//! cargo run --example resumable_agent -- --db agent.db           # resumes and finishes
//! ```

use std::error::Error;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use eventflow::prelude::*;
use eventflow::store::{CheckpointStore, RunStatus, SqliteStore};

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct ToolCall {
    queries: Vec<String>,
    next: usize,
    notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Findings(Vec<String>);

/// Plans searches, runs them one by one, and writes an answer.
struct Agent {
    /// Where tool calls record what they did, by idempotency key.
    effects: PathBuf,
    /// Die in the middle of the second tool call, to show a resume.
    crash: bool,
}

impl Agent {
    /// The tool's side effect, done once per idempotency key.
    fn search_once(&self, ctx: &Context, query: &str) -> std::io::Result<String> {
        let key = ctx.idempotency_key().to_string();
        let done = std::fs::read_to_string(&self.effects).unwrap_or_default();
        if done.lines().any(|line| line == key) {
            println!(
                "{}: ran again, its search for {query:?} was already done",
                ctx.step_name()
            );
        } else {
            let mut effects = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.effects)?;
            writeln!(effects, "{key}")?;
            println!("{}: searched for {query:?}", ctx.step_name());
        }
        Ok(format!("notes on {query}"))
    }
}

#[workflow]
impl Agent {
    #[step]
    async fn plan(&self, ev: StartEvent<String>) -> ToolCall {
        println!("plan: three searches about {:?}", ev.input);
        ToolCall {
            queries: ["history", "design", "adoption"]
                .iter()
                .map(|aspect| format!("{} {aspect}", ev.input))
                .collect(),
            next: 0,
            notes: Vec::new(),
        }
    }

    #[step]
    async fn search(
        &self,
        ctx: &Context,
        mut ev: ToolCall,
    ) -> Result<OneOf![ToolCall | Findings], std::io::Error> {
        let Some(query) = ev.queries.get(ev.next).cloned() else {
            return Ok(Findings(ev.notes).into());
        };
        let note = self.search_once(ctx, &query)?;
        if self.crash && ev.next == 1 {
            println!("the process dies");
            std::process::abort();
        }
        ev.notes.push(note);
        ev.next += 1;
        Ok(ev.into())
    }

    #[step]
    async fn write(&self, ev: Findings) -> StopEvent<String> {
        println!("write: {} notes", ev.0.len());
        StopEvent::new(ev.0.join("; "))
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let mut db = PathBuf::from("agent.db");
    let mut crash = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--db" => db = args.next().ok_or("--db needs a file")?.into(),
            "--crash" => crash = true,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let store = Arc::new(SqliteStore::open(&db)?);
    let effects = db.with_extension("effects");
    let agent = Runner::new(Agent { effects, crash })
        .store(store.clone())
        .checkpoint_every_step(true);
    let unfinished = store
        .list()?
        .into_iter()
        .find(|run| run.workflow == "Agent" && !run.status.is_finished());
    let handler = match unfinished {
        Some(run) => {
            println!("resuming run {}", run.run);
            agent.resume(run.run)?
        }
        None => agent.run("Rust".into()),
    };
    let id = handler.run_id();
    let answer = handler.await?;
    println!("Answer: {answer}");
    let status = store.load(id)?.map(|run| run.header.status);
    assert_eq!(status, Some(RunStatus::Completed));
    Ok(())
}
