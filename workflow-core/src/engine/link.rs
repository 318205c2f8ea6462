//! [`Link`]: an event's place in a run's trace.

/// A span that stands for one event (or one fan-out, or one failure) while it is in flight,
/// opened under the execution that produced it. The executions that take the event follow
/// from it, so a trace shows which executions fed which, joins included, and it closes once
/// they have started. Nothing at all when tracing does not record these spans.
#[derive(Debug, Clone, Default)]
pub(crate) struct Link(Option<Box<tracing::Span>>);

impl Link {
    /// No link: the event came from outside, or tracing does not record.
    pub(crate) fn none() -> Self {
        Self(None)
    }

    fn of(span: tracing::Span) -> Self {
        if span.is_disabled() {
            Self(None)
        } else {
            Self(Some(Box::new(span)))
        }
    }

    /// An event of type `event`, under the current span.
    pub(crate) fn event(event: &'static str) -> Self {
        Self::of(tracing::debug_span!(target: "eventflow::event", "event", event))
    }

    /// A fan-out of `events` events, under the current span.
    pub(crate) fn fan_out(event: &'static str, events: usize) -> Self {
        Self::of(tracing::debug_span!(target: "eventflow::event", "fan-out", event, events))
    }

    /// A failure, under the current span: what a retry or a recovery follows from.
    pub(crate) fn failure() -> Self {
        Self::of(tracing::debug_span!(target: "eventflow::event", "failure"))
    }

    /// The span's id, if it is recorded.
    pub(crate) fn id(&self) -> Option<tracing::Id> {
        self.0.as_ref().and_then(|span| span.id())
    }

    /// Whether there is a span.
    pub(crate) fn is_some(&self) -> bool {
        self.0.is_some()
    }
}
