//! [`StepFailed`]: what an error-recovery step receives.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::event::AnyEvent;
use crate::event::Event;

/// A step failed, after its retries: the event a `#[step(catch_errors)]` handler takes.
///
/// The handler may return any event, the stop event included, to carry the run on.
///
/// ```
/// use eventflow::prelude::*;
/// use eventflow::StepFailed;
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct Question(String);
///
/// #[derive(Debug, thiserror::Error)]
/// #[error("the model is down")]
/// struct ModelDown;
///
/// struct Assistant;
///
/// #[workflow]
/// impl Assistant {
///     #[step]
///     async fn ask(&self, ev: StartEvent<String>) -> Question {
///         Question(ev.input)
///     }
///
///     #[step]
///     async fn answer(&self, _ev: Question) -> Result<StopEvent<String>, ModelDown> {
///         Err(ModelDown)
///     }
///
///     #[step(catch_errors(answer))]
///     async fn fallback(&self, failed: StepFailed) -> StopEvent<String> {
///         assert!(failed.downcast_ref::<ModelDown>().is_some());
///         let question = failed.input().and_then(|e| e.downcast_ref::<Question>());
///         StopEvent::new(format!("no answer to {:?} ({})", question.map(|q| &q.0), failed.message()))
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), WorkflowError> {
/// let reply = Runner::new(Assistant).run("why?".into()).await?;
/// assert_eq!(reply, r#"no answer to Some("why?") (the model is down)"#);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Serialize, Deserialize)]
pub struct StepFailed {
    step: String,
    input_event: String,
    /// Serialized with the rest, but an `AnyEvent` can only be read back through a workflow.
    #[serde(skip_deserializing)]
    inputs: Vec<AnyEvent>,
    message: String,
    attempts: u32,
    elapsed: Duration,
    #[serde(skip)]
    error: Option<Arc<dyn StdError + Send + Sync>>,
}

impl StepFailed {
    pub(crate) fn new(
        step: &str,
        inputs: Vec<AnyEvent>,
        input_event: &str,
        error: Box<dyn StdError + Send + Sync>,
        attempts: u32,
        elapsed: Duration,
    ) -> Self {
        Self {
            step: step.to_owned(),
            input_event: input_event.to_owned(),
            inputs,
            message: error.to_string(),
            attempts,
            elapsed,
            error: Some(Arc::from(error)),
        }
    }

    /// The step that failed.
    pub fn step(&self) -> &str {
        &self.step
    }

    /// The event the step failed on (the first, for a step that joins several).
    pub fn input(&self) -> Option<&AnyEvent> {
        self.inputs.first()
    }

    /// Every event the step failed on: one, or for a join, all it took, in order.
    pub fn inputs(&self) -> &[AnyEvent] {
        &self.inputs
    }

    /// The name of that event's type.
    pub fn input_event(&self) -> &str {
        &self.input_event
    }

    /// The step's error, rendered.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The step's error itself, within the run that raised it.
    pub fn error(&self) -> Option<&(dyn StdError + Send + Sync + 'static)> {
        self.error.as_deref()
    }

    /// The step's error, if it is an `E`.
    pub fn downcast_ref<E: StdError + 'static>(&self) -> Option<&E> {
        self.error()?.downcast_ref()
    }

    /// How many times the step ran on that event.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Time from the first attempt to the failure.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
}

#[diagnostic::do_not_recommend]
impl Event for StepFailed {
    const NAME: &'static str = "StepFailed";
}

impl fmt::Debug for StepFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StepFailed")
            .field("step", &self.step)
            .field("input_event", &self.input_event)
            .field("message", &self.message)
            .field("attempts", &self.attempts)
            .field("elapsed", &self.elapsed)
            .finish_non_exhaustive()
    }
}
