//! What one step execution receives and what it produces.

use std::future::Future;
use std::pin::Pin;

use crate::error::BoxError;
use crate::event::AnyEvent;

/// What one execution of a step produced.
#[derive(Debug)]
#[non_exhaustive]
pub enum Emit {
    /// No event: this branch of the run ends here.
    None,
    /// One event, routed to every step that accepts it.
    One(AnyEvent),
    /// A fan-out: each event starts a branch, and the steps that take collections of them run
    /// once every branch has finished.
    Many(Vec<AnyEvent>),
}

/// What one step execution receives.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum StepInput {
    /// One event of a type the step accepts ([`Takes::One`](crate::step::Takes::One)).
    One(AnyEvent),
    /// One event per accepted type, in order ([`Takes::EachOf`](crate::step::Takes::EachOf)).
    Set(Vec<AnyEvent>),
    /// One collection per accepted type, in order, each in fan-out order
    /// ([`Takes::Collections`](crate::step::Takes::Collections)).
    Collections(Vec<Vec<AnyEvent>>),
}

impl StepInput {
    /// The first event of the input.
    pub fn first(&self) -> Option<&AnyEvent> {
        match self {
            Self::One(event) => Some(event),
            Self::Set(events) => events.first(),
            Self::Collections(collections) => collections.iter().flatten().next(),
        }
    }

    /// The event, for a step that takes one.
    pub fn into_event(self) -> Option<AnyEvent> {
        match self {
            Self::One(event) => Some(event),
            Self::Set(_) | Self::Collections(_) => None,
        }
    }

    /// Every event of the input, in order.
    pub fn into_events(self) -> Vec<AnyEvent> {
        match self {
            Self::One(event) => vec![event],
            Self::Set(events) => events,
            Self::Collections(collections) => collections.into_iter().flatten().collect(),
        }
    }

    /// How many events the input holds.
    pub fn len(&self) -> usize {
        match self {
            Self::One(_) => 1,
            Self::Set(events) => events.len(),
            Self::Collections(collections) => collections.iter().map(Vec::len).sum(),
        }
    }

    /// Whether the input holds no event (an empty fan-out).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The future of one step execution.
pub type StepFuture = Pin<Box<dyn Future<Output = Result<Emit, BoxError>> + Send + 'static>>;
