//! A human in the loop: a draft is approved or sent back for revision from the terminal.
//!
//! The `review` step asks the caller for a verdict and waits for it inside its execution: it is
//! suspended, not replayed, so the draft it holds is not written twice. The caller reads the
//! request from the run's stream, asks on the terminal, and sends the answer back with
//! `handler.send_event`.
//!
//! `cargo run --example human_review`
//!
//! At the prompt, type `y` to approve, or anything else as feedback for the next draft. With
//! standard input closed, the draft is approved as it is.

use std::io::BufRead;

use eventflow::prelude::*;

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Draft {
    version: u32,
    text: String,
}

/// Asks the caller to review a draft.
#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct ReviewRequested {
    draft: Draft,
}

/// The caller's answer: approved, or feedback to address.
#[derive(Debug, Clone, Serialize, Deserialize, Event)]
enum Verdict {
    Approved,
    Rejected { feedback: String },
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Revise {
    draft: Draft,
    feedback: String,
}

/// Writes a draft about a topic, then revises it until a human approves.
struct Writer;

#[workflow(external(Verdict))]
impl Writer {
    #[step]
    async fn write(&self, ev: StartEvent<String>) -> Draft {
        Draft {
            version: 1,
            text: format!("{} is a language empowering everyone.", ev.input),
        }
    }

    #[step]
    async fn revise(&self, ev: Revise) -> Draft {
        // A stand-in for a model call that rewrites the draft with the feedback.
        Draft {
            version: ev.draft.version + 1,
            text: format!("{} ({})", ev.draft.text, ev.feedback),
        }
    }

    #[step(stream_only(ReviewRequested))]
    async fn review(
        &self,
        ctx: &Context,
        draft: Draft,
    ) -> Result<OneOf![StopEvent<String> | Revise], WaitError> {
        let verdict = ctx
            .wait_for_event::<Verdict>()
            .requesting(ReviewRequested {
                draft: draft.clone(),
            })
            .await?;
        Ok(match verdict {
            Verdict::Approved => StopEvent::new(draft.text).into(),
            Verdict::Rejected { feedback } => Revise { draft, feedback }.into(),
        })
    }
}

/// Reads the next line of standard input, without blocking the runtime.
async fn read_line() -> Option<String> {
    tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        match std::io::stdin().lock().read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(line.trim().to_owned()),
        }
    })
    .await
    .ok()
    .flatten()
}

#[tokio::main]
async fn main() -> Result<(), WorkflowError> {
    let mut handler = Runner::new(Writer).run("Rust".to_owned());
    while let Some(event) = handler.next().await {
        let Some(request) = event.downcast_ref::<ReviewRequested>() else {
            continue;
        };
        println!("Draft {}: {}", request.draft.version, request.draft.text);
        println!("Approve? [y, or feedback]");
        let verdict = match read_line().await {
            None => Verdict::Approved,
            Some(answer) if answer.eq_ignore_ascii_case("y") => Verdict::Approved,
            Some(feedback) => Verdict::Rejected { feedback },
        };
        if handler.send_event(verdict).is_err() {
            break;
        }
    }
    println!("Published: {}", handler.await?);
    Ok(())
}
