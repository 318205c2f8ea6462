//! [`AnyEvent`]: an event whose type is known at run time.

use std::any::{Any, TypeId};
use std::fmt;

use crate::event::{Event, EventType};

/// An event of any type: what a run's stream yields and what travels between steps.
///
/// Match on it by downcasting to the types you care about:
///
/// ```
/// use eventflow_core::{AnyEvent, Event, StopEvent};
///
/// let ev = AnyEvent::new(StopEvent::new(42_u32));
/// assert_eq!(ev.name(), "StopEvent");
/// assert!(ev.is::<StopEvent<u32>>());
/// assert_eq!(ev.downcast_ref::<StopEvent<u32>>().map(|s| s.result), Some(42));
/// assert!(ev.downcast_ref::<StopEvent<String>>().is_none());
/// ```
///
/// It serializes as the inner event does, so streamed events can be forwarded as JSON.
pub struct AnyEvent(Box<dyn Erased>);

trait Erased: Any + Send + Sync {
    fn clone_box(&self) -> Box<dyn Erased>;
    fn event_type(&self) -> EventType;
    fn as_serialize(&self) -> &dyn erased_serde::Serialize;
}

impl<E: Event> Erased for E {
    fn clone_box(&self) -> Box<dyn Erased> {
        Box::new(self.clone())
    }
    fn event_type(&self) -> EventType {
        EventType::of::<E>()
    }
    fn as_serialize(&self) -> &dyn erased_serde::Serialize {
        self
    }
}

impl AnyEvent {
    /// Erases the type of `event`.
    pub fn new<E: Event>(event: E) -> Self {
        Self(Box::new(event))
    }

    /// The inner event's [`Event::NAME`].
    pub fn name(&self) -> &'static str {
        self.0.event_type().name()
    }

    /// The inner event's type.
    pub fn event_type(&self) -> EventType {
        self.0.event_type()
    }

    /// The inner event's [`TypeId`] (not the `TypeId` of `AnyEvent` itself).
    pub fn event_type_id(&self) -> TypeId {
        (*self.0).type_id()
    }

    /// Whether the inner event is an `E`.
    pub fn is<E: Event>(&self) -> bool {
        self.event_type_id() == TypeId::of::<E>()
    }

    /// The inner event, if it is an `E`.
    #[inline]
    pub fn downcast_ref<E: Event>(&self) -> Option<&E> {
        let any: &dyn Any = &*self.0;
        any.downcast_ref()
    }

    /// Takes the inner event out if it is an `E`, or gives `self` back.
    ///
    /// ```
    /// use eventflow_core::{AnyEvent, StartEvent, StopEvent};
    ///
    /// let ev = AnyEvent::new(StartEvent::new(1_u8));
    /// let ev = ev.downcast::<StopEvent<u8>>().unwrap_err();
    /// assert_eq!(ev.downcast::<StartEvent<u8>>().ok(), Some(StartEvent::new(1)));
    /// ```
    // On every step's input: worth inlining into the generated glue.
    #[inline]
    pub fn downcast<E: Event>(self) -> Result<E, Self> {
        if !self.is::<E>() {
            return Err(self);
        }
        let any: Box<dyn Any + Send + Sync> = self.0;
        match any.downcast::<E>() {
            Ok(event) => Ok(*event),
            // `is` checked the type above.
            Err(_) => unreachable!("AnyEvent::downcast: type checked before the downcast"),
        }
    }
}

impl<E: Event> From<E> for AnyEvent {
    fn from(event: E) -> Self {
        Self::new(event)
    }
}

impl Clone for AnyEvent {
    fn clone(&self) -> Self {
        Self(self.0.clone_box())
    }
}

impl fmt::Debug for AnyEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AnyEvent({})", self.name())
    }
}

impl serde::Serialize for AnyEvent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        erased_serde::serialize(self.0.as_serialize(), serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{StartEvent, StopEvent};

    #[test]
    fn serializes_as_the_inner_event() {
        let ev = AnyEvent::new(StopEvent::new("done".to_string()));
        assert_eq!(
            serde_json::to_string(&ev).ok().as_deref(),
            Some(r#"{"result":"done"}"#)
        );
    }

    #[test]
    fn type_id_is_the_inner_type() {
        let ev = AnyEvent::new(StartEvent::new(3_i64));
        assert_eq!(ev.event_type_id(), TypeId::of::<StartEvent<i64>>());
        assert_ne!(ev.event_type_id(), TypeId::of::<AnyEvent>());
        let copy = ev.clone();
        assert_eq!(
            copy.downcast::<StartEvent<i64>>().ok(),
            Some(StartEvent::new(3))
        );
    }
}
