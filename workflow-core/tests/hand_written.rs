//! The runtime driven by hand-written `Workflow` impls, without the macros: proof that the
//! core stands alone, and a record of the code `#[workflow]` generates.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use eventflow_core::error::BoxError;
use eventflow_core::event::{EventType, Start, Stop, WorkflowFailed};
use eventflow_core::step::{Emit, StepDef, StepInput, StepSpec};
use eventflow_core::{
    AnyEvent, Context, Event, Runner, StartEvent, StopEvent, Workflow, WorkflowError,
};
use futures::StreamExt;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Draft(String);

impl Event for Draft {
    const NAME: &'static str = "Draft";
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Note(String);

impl Event for Note {
    const NAME: &'static str = "Note";
}

impl Start for Note {
    type Input = Self;
    fn from_input(input: Self) -> Self {
        input
    }
}

impl Stop for Note {
    type Output = Self;
    fn into_output(self) -> Self {
        self
    }
}

/// `write` turns the start text into a draft and streams a note; `review` stops with it, or
/// fails on an empty draft.
#[derive(Default)]
struct Editor {
    reviews: AtomicUsize,
}

impl Editor {
    async fn write(&self, ctx: &Context, ev: StartEvent<String>) -> Draft {
        ctx.write_event_to_stream(Note(format!("writing {}", ev.input)));
        Draft(ev.input)
    }

    async fn review(&self, ev: Draft) -> Result<StopEvent<String>, String> {
        self.reviews.fetch_add(1, Ordering::SeqCst);
        if ev.0.is_empty() {
            return Err("nothing to review".into());
        }
        Ok(StopEvent::new(format!("reviewed: {}", ev.0)))
    }
}

/// What `#[workflow]` writes for the impl above.
impl Workflow for Editor {
    type Start = StartEvent<String>;
    type Stop = StopEvent<String>;
    type State = ();
    const NAME: &'static str = "Editor";
    const STEPS: &'static [StepDef<Self>] = &[
        StepDef::new(
            StepSpec {
                accepts: &[EventType::of::<StartEvent<String>>()],
                emits: &[EventType::of::<Draft>()],
                stream_only: &[EventType::of::<Note>()],
                ..StepSpec::new("write")
            },
            |this, input, ctx| {
                let this = Arc::clone(this);
                Box::pin(async move {
                    let ev = event_of(input)?
                        .downcast::<StartEvent<String>>()
                        .map_err(|e| format!("unexpected {}", e.name()))?;
                    Ok(Emit::One(AnyEvent::new(this.write(&ctx, ev).await)))
                })
            },
        ),
        StepDef::new(
            StepSpec {
                accepts: &[EventType::of::<Draft>()],
                emits: &[EventType::of::<StopEvent<String>>()],
                num_workers: 1,
                ..StepSpec::new("review")
            },
            |this, input, _ctx| {
                let this = Arc::clone(this);
                Box::pin(async move {
                    let ev = event_of(input)?
                        .downcast::<Draft>()
                        .map_err(|e| format!("unexpected {}", e.name()))?;
                    match this.review(ev).await {
                        Ok(stop) => Ok(Emit::One(AnyEvent::new(stop))),
                        Err(error) => Err(BoxError::from(error)),
                    }
                })
            },
        ),
    ];
}

/// The one event a step that takes one receives.
fn event_of(input: StepInput) -> Result<AnyEvent, BoxError> {
    input
        .into_event()
        .ok_or_else(|| "expected one event".into())
}

#[tokio::test]
async fn a_hand_written_workflow_runs_and_streams() -> Result<(), Box<dyn std::error::Error>> {
    let runner = Runner::builder(Editor::default()).build()?;
    let mut handler = runner.run("essay".into());
    let first = handler.next().await.ok_or("an event")?;
    assert_eq!(
        first.downcast_ref::<Note>(),
        Some(&Note("writing essay".into()))
    );
    let last = handler.next().await.ok_or("the stop event")?;
    assert!(last.is::<StopEvent<String>>());
    assert!(handler.next().await.is_none());
    assert_eq!(handler.await?, "reviewed: essay");
    assert_eq!(runner.workflow().reviews.load(Ordering::SeqCst), 1);
    Ok(())
}

#[tokio::test]
async fn a_hand_written_step_failure_fails_the_run() -> Result<(), Box<dyn std::error::Error>> {
    let runner = Runner::builder(Editor::default()).build()?;
    let mut handler = runner.run(String::new());
    let events: Vec<AnyEvent> = handler.by_ref().collect().await;
    let failed = events
        .last()
        .and_then(|e| e.downcast_ref::<WorkflowFailed>())
        .ok_or("WorkflowFailed")?;
    assert_eq!(
        (failed.step.as_str(), failed.error.as_str()),
        ("review", "nothing to review")
    );
    match handler.await {
        Err(WorkflowError::StepFailed { step, source, .. }) => {
            assert_eq!(step, "review");
            assert_eq!(source.to_string(), "nothing to review");
        }
        other => panic!("expected a step failure, got {other:?}"),
    }
    Ok(())
}

/// A workflow that starts from its own event type and never gets to stop.
struct Stuck;

impl Workflow for Stuck {
    type Start = Note;
    type Stop = StopEvent<String>;
    type State = ();
    const NAME: &'static str = "Stuck";
    const STEPS: &'static [StepDef<Self>] = &[StepDef::new(
        StepSpec {
            accepts: &[EventType::of::<Note>()],
            emits: &[EventType::of::<StopEvent<String>>()],
            ..StepSpec::new("wait")
        },
        |_, _, _| {
            Box::pin(async {
                tokio::time::sleep(Duration::from_secs(60)).await;
                Ok(Emit::One(AnyEvent::new(StopEvent::new("late".to_string()))))
            })
        },
    )];
}

#[tokio::test(start_paused = true)]
async fn a_hand_written_workflow_times_out() -> Result<(), Box<dyn std::error::Error>> {
    let runner = Runner::builder(Stuck)
        .build()?
        .timeout(Duration::from_secs(1));
    match runner.run(Note("go".into())).await {
        Err(WorkflowError::TimedOut { active_steps, .. }) => assert_eq!(active_steps, ["wait"]),
        other => panic!("expected a timeout, got {other:?}"),
    }
    Ok(())
}
