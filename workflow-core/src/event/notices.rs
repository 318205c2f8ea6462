//! Events the runtime itself writes to a run's stream, always (unlike the run-state events,
//! which a caller asks for), that are not the stream's last.

use serde::{Deserialize, Serialize};

use crate::event::Event;

/// What an attempt of a step forwarded to the stream with
/// [`Context::stream_from`](crate::Context::stream_from) is void: the attempt failed, and a
/// retry (if any) streams its own. A caller showing tokens as they come takes back those of
/// `step`'s attempt `attempt` on input `input`, which
/// [`WorkflowHandler::stream_origin`](crate::WorkflowHandler::stream_origin) gave for each.
///
/// ```
/// use eventflow_core::AnyEvent;
/// use eventflow_core::event::StreamRetracted;
///
/// let void = AnyEvent::new(StreamRetracted {
///     sequence: 9,
///     step: "model".into(),
///     input: 3,
///     attempt: 1,
///     error: "the model hung up".into(),
/// });
/// assert!(void.is::<StreamRetracted>());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamRetracted {
    /// The stream sequence number of this event.
    pub sequence: u64,
    /// The step whose attempt failed.
    pub step: String,
    /// The number of the input it ran on, within the run.
    pub input: u64,
    /// The attempt that failed.
    pub attempt: u32,
    /// Why, rendered.
    pub error: String,
}

#[diagnostic::do_not_recommend]
impl Event for StreamRetracted {
    const NAME: &'static str = "StreamRetracted";
}
