//! Workflows that tests of several crates use: a graph's listing, JSON and drawings are
//! checked on the same workflow.

use eventflow::StepFailed;
use eventflow::prelude::*;

/// What [`Everything`] answers at the end.
#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub struct Question(pub String);

/// A call [`Everything`] makes, one branch of its fan-out each.
#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub struct Call(pub String);

/// What a call found.
#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub struct Found(pub String);

/// Sent by the plan, beside its fan-out.
#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub struct Note(pub String);

/// Written to the stream by a call.
#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub struct Progress(pub u32);

/// The caller's answer to a review: the external event.
#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub struct Approval(pub bool);

/// The draft under review.
#[derive(Debug, Clone, Serialize, Deserialize, Event)]
pub struct Draft(pub String);

/// The error a call may fail with.
#[derive(Debug)]
pub struct Down;

impl std::fmt::Display for Down {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("down")
    }
}

impl std::error::Error for Down {}

/// Every kind of step and connection in one workflow: a fan-out, a retried step with workers
/// and stream-only events, a join taking the first two, a set, sends, an external answer and
/// an error-recovery step.
///
/// ```
/// use eventflow::Topology;
/// use eventflow_testkit::samples::Everything;
///
/// let t = Topology::of::<Everything>();
/// let names: Vec<&str> = t.steps.iter().map(|s| s.name.as_str()).collect();
/// assert_eq!(names, ["plan", "call", "gather", "draft", "review", "fallback"]);
/// ```
#[derive(Debug)]
pub struct Everything;

#[workflow(external(Approval))]
impl Everything {
    #[step(sends(Note))]
    async fn plan(&self, ctx: &Context, ev: StartEvent<String>) -> Vec<Call> {
        ctx.send_event(Note(ev.input.clone()));
        vec![Call(ev.input)]
    }

    #[step(num_workers = 8, retry = RetryPolicy::immediate().max_attempts(2), stream_only(Progress))]
    async fn call(&self, ctx: &Context, ev: Call) -> Result<Found, Down> {
        ctx.write_event_to_stream(Progress(1));
        Ok(Found(ev.0))
    }

    #[step(take = 2)]
    async fn gather(&self, found: Vec<Found>) -> Question {
        Question(found.into_iter().map(|f| f.0).collect())
    }

    #[step]
    async fn draft(&self, question: Question, note: Note) -> Draft {
        Draft(question.0 + &note.0)
    }

    #[step]
    async fn review(&self, ctx: &Context, ev: Draft) -> Result<StopEvent<String>, WaitError> {
        let approval = ctx.wait_for_event::<Approval>().await?;
        Ok(StopEvent::new(if approval.0 {
            ev.0
        } else {
            String::new()
        }))
    }

    #[step(catch_errors(call, review))]
    async fn fallback(&self, _failed: StepFailed) -> StopEvent<String> {
        StopEvent::new("sorry".into())
    }
}
