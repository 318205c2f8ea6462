//! A flaky model call, retried with exponential backoff, with a fallback once retries run out.
//!
//! The model fails with "overloaded" a given number of times before it answers. The step that
//! calls it retries on that error only, up to four executions with jittered exponential
//! backoff; when that is not enough, an error-recovery step answers from a cache instead of
//! failing the run.
//!
//! `cargo run --example flaky_llm -- --failures 2` (answers on the third attempt)
//! `cargo run --example flaky_llm -- --failures 9` (falls back)
//!
//! Add `--fast` to shrink the backoff to milliseconds.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use eventflow::StepFailed;
use eventflow::prelude::*;
use eventflow::retry::{Jitter, Wait};

/// The model is overloaded: worth retrying.
#[derive(Debug, thiserror::Error)]
#[error("the model is overloaded (429)")]
struct Overloaded;

/// A stand-in for an LLM client that fails `failures` times before it answers.
struct FlakyModel {
    failures: u32,
    calls: AtomicU32,
}

impl FlakyModel {
    async fn complete(&self, prompt: &str) -> Result<String, Overloaded> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        if call <= self.failures {
            return Err(Overloaded);
        }
        Ok(match prompt {
            p if p.contains("France") => "Paris".to_owned(),
            _ => "42".to_owned(),
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Prompt(String);

/// Written to the stream at each attempt, so the caller can show progress.
#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Attempt(u32);

/// Written to the stream when the answer comes from the cache.
#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct FellBack {
    attempts: u32,
    error: String,
}

struct Assistant {
    model: FlakyModel,
    /// Built from the command line; `#[step(retry = ..)]` reads it when the runner is built.
    retry: RetryPolicy,
}

#[workflow]
impl Assistant {
    #[step]
    async fn prompt(&self, ev: StartEvent<String>) -> Prompt {
        Prompt(ev.input)
    }

    #[step(retry = self.retry.clone(), stream_only(Attempt))]
    async fn ask_model(&self, ctx: &Context, ev: Prompt) -> Result<StopEvent<String>, Overloaded> {
        ctx.write_event_to_stream(Attempt(ctx.attempt()));
        let answer = self.model.complete(&ev.0).await?;
        Ok(StopEvent::new(format!(
            "{answer} (after {} attempts)",
            ctx.attempt()
        )))
    }

    /// Runs once the retries of `ask_model` are spent: the run still ends with an answer.
    #[step(catch_errors(ask_model), stream_only(FellBack))]
    async fn answer_from_cache(&self, ctx: &Context, failed: StepFailed) -> StopEvent<String> {
        ctx.write_event_to_stream(FellBack {
            attempts: failed.attempts(),
            error: failed.message().to_owned(),
        });
        StopEvent::new("(cached) I cannot answer right now, please try again later".to_owned())
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), WorkflowError> {
    let mut failures = 2;
    let mut unit = Duration::from_millis(500);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--failures" => failures = args.next().and_then(|n| n.parse().ok()).unwrap_or(2),
            "--fast" => unit = Duration::from_millis(1),
            other => {
                eprintln!("ignoring unknown argument {other:?} (expected --failures N, --fast)");
            }
        }
    }
    let retry = RetryPolicy::new(Wait::exponential(unit).max(unit * 8).jitter(Jitter::Full))
        .max_attempts(4)
        .retry_on::<Overloaded>()
        .seed(7);
    let assistant = Assistant {
        model: FlakyModel {
            failures,
            calls: AtomicU32::new(0),
        },
        retry,
    };

    let question = "What is the capital of France?".to_owned();
    println!("Asking the model: {question}");
    let mut handler = Runner::new(assistant).run(question);
    while let Some(event) = handler.next().await {
        if let Some(Attempt(n)) = event.downcast_ref::<Attempt>() {
            println!("attempt {n}");
        } else if let Some(fell_back) = event.downcast_ref::<FellBack>() {
            println!(
                "The model gave up after {} attempts ({}); answering from the cache",
                fell_back.attempts, fell_back.error
            );
        }
    }
    println!("Answer: {}", handler.await?);
    Ok(())
}
