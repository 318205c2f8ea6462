//! A publication that waits for a person's approval across two processes.
//!
//! The first process drafts the post, asks for approval and suspends the run into an SQLite
//! file, then exits: nothing waits in memory. A later process, started when the answer comes
//! (a web request, a chat command), resumes the run from the file and hands it the answer.
//!
//! ```text
//! cargo run --example approval -- start "Rust 2027" --db runs.db   # prints the run id
//! cargo run --example approval -- approve <run-id> --by Ada --db runs.db
//! cargo run --example approval -- reject <run-id> --by Ada --db runs.db
//! cargo run --example approval -- list --db runs.db
//! ```

use std::error::Error;
use std::sync::Arc;

use eventflow::RunId;
use eventflow::prelude::*;
use eventflow::store::{CheckpointStore, SqliteStore};

/// A person's answer, sent in from outside the run.
#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Approval {
    approved: bool,
    by: String,
}

/// The question the run asks, on its stream.
#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct ApprovalRequested {
    draft: String,
}

/// What the run keeps between its steps, and so in its checkpoint.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Post {
    draft: String,
}

struct Publisher;

#[workflow(state = Post, external(Approval))]
impl Publisher {
    /// Drafts the post and asks for approval: the run then waits, with nothing running.
    #[step(stream_only(ApprovalRequested))]
    async fn draft(&self, ctx: &Context<Post>, ev: StartEvent<String>) -> ApprovalRequested {
        let draft = format!("{}: what is new, and why it matters", ev.input);
        ctx.state().edit(|post| post.draft = draft.clone());
        ApprovalRequested { draft }
    }

    #[step]
    async fn publish(&self, ctx: &Context<Post>, ev: Approval) -> StopEvent<String> {
        let post = ctx.state().get();
        StopEvent::new(if ev.approved {
            format!("Published \"{}\", approved by {}", post.draft, ev.by)
        } else {
            format!("Not published: {} said no", ev.by)
        })
    }
}

/// The command line: a command, its argument, and options.
struct Args {
    command: String,
    argument: Option<String>,
    db: String,
    by: String,
}

fn args() -> Args {
    let mut args = Args {
        command: String::new(),
        argument: None,
        db: "runs.db".into(),
        by: "someone".into(),
    };
    let mut words = std::env::args().skip(1);
    while let Some(word) = words.next() {
        match word.as_str() {
            "--db" => args.db = words.next().unwrap_or_default(),
            "--by" => args.by = words.next().unwrap_or_default(),
            _ if args.command.is_empty() => args.command = word,
            _ => args.argument = Some(word),
        }
    }
    args
}

#[tokio::main]
async fn main() {
    if let Err(error) = approval(args()).await {
        eprintln!("{error}");
        std::process::exit(1);
    }
}

async fn approval(args: Args) -> Result<(), Box<dyn Error>> {
    let store = Arc::new(SqliteStore::open(&args.db)?);
    let runner = Runner::new(Publisher).store(store.clone());
    match (args.command.as_str(), args.argument) {
        ("start", Some(topic)) => {
            let mut run = runner.run(topic);
            while let Some(event) = run.next().await {
                if let Some(request) = event.downcast_ref::<ApprovalRequested>() {
                    println!("Approval requested for: {}", request.draft);
                    break;
                }
            }
            let id = run.suspend().await?;
            println!("Suspended as run {id}");
        }
        (answer @ ("approve" | "reject"), Some(id)) => {
            let id: RunId = id.parse()?;
            let run = runner.resume(id)?;
            run.send_event(Approval {
                approved: answer == "approve",
                by: args.by,
            })?;
            println!("{}", run.await?);
        }
        ("list", None) => {
            for header in store.list()? {
                println!(
                    "{} {} {}",
                    header.run,
                    header.workflow,
                    header.status.as_str()
                );
            }
        }
        _ => {
            return Err("usage: approval (start TOPIC | approve RUN | reject RUN | list) [--by NAME] [--db FILE]".into());
        }
    }
    Ok(())
}
