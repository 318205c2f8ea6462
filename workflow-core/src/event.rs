//! Events: the values that flow between steps, their types, and the events that end a run's
//! stream.

mod notices;
mod run_state;
mod terminal;

pub use notices::StreamRetracted;
pub use run_state::{EventUnclaimed, RunIdle, StepPhase, StepStateChanged};
pub use terminal::{
    DurabilityLost, WorkflowCancelled, WorkflowFailed, WorkflowNotDurable, WorkflowStalled,
    WorkflowSuperseded, WorkflowSuspended, WorkflowTimedOut,
};

use std::any::{Any, TypeId};
use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A value that steps accept, emit, send and stream.
///
/// Events are plain data: cloneable (an event accepted by several steps is delivered to each),
/// thread-safe, and serializable, so that runs can be checkpointed and streamed over the wire.
/// Implement it with the derive, which names the event after its type:
///
/// ```
/// use eventflow_core::Event;
/// # use serde::{Deserialize, Serialize};
///
/// #[derive(Clone, Serialize, Deserialize)]
/// struct OrderEvent {
///     payload: String,
/// }
///
/// // What `#[derive(Event)]` writes:
/// impl Event for OrderEvent {
///     const NAME: &'static str = "OrderEvent";
/// }
/// # impl eventflow_core::event::Start for OrderEvent {
/// #     type Input = Self;
/// #     fn from_input(input: Self) -> Self { input }
/// # }
/// # impl eventflow_core::event::Stop for OrderEvent {
/// #     type Output = Self;
/// #     fn into_output(self) -> Self { self }
/// # }
/// assert_eq!(OrderEvent::NAME, "OrderEvent");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an event",
    label = "not an event",
    note = "events are plain data: add `#[derive(Clone, Serialize, Deserialize, Event)]` to `{Self}`, or, if it is a type of another crate, to a newtype of yours that wraps it",
    note = "`#[workflow]` reads step signatures as written: spell out `Result<..>`, `Option<..>` and `OneOf![..]` instead of hiding them behind a type alias"
)]
pub trait Event: Clone + Send + Sync + Serialize + DeserializeOwned + 'static {
    /// The event's name in graphs, logs, streams and serialized runs.
    const NAME: &'static str;
}

/// An event type that can start a workflow: `run(input)` builds it from [`Start::Input`].
///
/// [`StartEvent<T>`] starts from its `T`; every type with `#[derive(Event)]` starts from itself,
/// which is how a workflow uses its own start event (`#[workflow(start = MyStart)]`).
///
/// ```
/// use eventflow_core::StartEvent;
/// use eventflow_core::event::Start;
///
/// let ev = StartEvent::<String>::from_input("Apple".to_string());
/// assert_eq!(ev.input, "Apple");
/// ```
pub trait Start: Event {
    /// What the caller passes to `run`.
    type Input: Send + 'static;
    /// Wraps the caller's input into the start event.
    fn from_input(input: Self::Input) -> Self;
}

/// An event type that can end a workflow: awaiting the run gives [`Stop::Output`].
///
/// [`StopEvent<T>`] ends with its `result`; every type with `#[derive(Event)]` ends with itself.
///
/// ```
/// use eventflow_core::StopEvent;
/// use eventflow_core::event::Stop;
///
/// let result: u32 = StopEvent::new(7_u32).into_output();
/// assert_eq!(result, 7);
/// ```
pub trait Stop: Event {
    /// What awaiting the run gives.
    type Output: Send + 'static;
    /// Unwraps the stop event into the run's result.
    fn into_output(self) -> Self::Output;
}

/// The usual start event: it carries the run's input.
///
/// A step that takes `StartEvent<T>` is where the run begins, and `run(input)` takes a `T`.
/// `StartEvent` alone is `StartEvent<()>`, a run without input: a step that reads `ev.input`
/// as a `String`, or a runner called with `.run(text)`, takes `StartEvent<String>`.
///
/// ```
/// use eventflow_core::StartEvent;
///
/// let ev = StartEvent::new("hello world");
/// assert_eq!(ev.input, "hello world");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StartEvent<T = ()> {
    /// The value passed to `run`.
    pub input: T,
}

impl<T> StartEvent<T> {
    /// Creates a start event carrying `input`.
    pub const fn new(input: T) -> Self {
        Self { input }
    }
}

/// The usual stop event: the first one emitted ends the run with its `result`.
///
/// ```
/// use eventflow_core::StopEvent;
///
/// let ev = StopEvent::new("We're done for the day.");
/// assert_eq!(ev.result, "We're done for the day.");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StopEvent<T = ()> {
    /// What awaiting the run gives.
    pub result: T,
}

impl<T> StopEvent<T> {
    /// Creates a stop event carrying `result`.
    pub const fn new(result: T) -> Self {
        Self { result }
    }
}

#[diagnostic::do_not_recommend]
impl<T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static> Event for StartEvent<T> {
    const NAME: &'static str = "StartEvent";
}

impl<T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static> Start for StartEvent<T> {
    type Input = T;
    fn from_input(input: T) -> Self {
        Self { input }
    }
}

#[diagnostic::do_not_recommend]
impl<T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static> Event for StopEvent<T> {
    const NAME: &'static str = "StopEvent";
}

impl<T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static> Stop for StopEvent<T> {
    type Output = T;
    fn into_output(self) -> T {
        self.result
    }
}

/// The identity of an event type, as it appears in a step's description.
///
/// Routing compares [`TypeId`]s, so two types with the same name never mix; the name is for
/// people (graphs, errors, logs).
///
/// ```
/// use eventflow_core::StopEvent;
/// use eventflow_core::event::EventType;
///
/// const STOP: EventType = EventType::of::<StopEvent<String>>();
/// assert_eq!(STOP.name(), "StopEvent");
/// assert!(STOP.is::<StopEvent<String>>());
/// assert!(!STOP.is::<StopEvent<u32>>());
/// ```
#[derive(Clone, Copy)]
pub struct EventType {
    name: &'static str,
    id: TypeId,
    decode: Decode,
}

/// Reads an event of one type from any serde format.
type Decode =
    for<'de> fn(&mut dyn erased_serde::Deserializer<'de>) -> Result<AnyEvent, erased_serde::Error>;

fn decode<E: Event>(
    deserializer: &mut dyn erased_serde::Deserializer<'_>,
) -> Result<AnyEvent, erased_serde::Error> {
    erased_serde::deserialize::<E>(deserializer).map(AnyEvent::new)
}

/// Types are the same when their ids are; the decoder is a function of the type.
impl PartialEq for EventType {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for EventType {}

impl std::hash::Hash for EventType {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.id.hash(state);
    }
}

impl EventType {
    /// The identity of `E`.
    pub const fn of<E: Event>() -> Self {
        Self {
            name: E::NAME,
            id: TypeId::of::<E>(),
            decode: decode::<E>,
        }
    }

    /// Reads an event of this type from JSON, as [`AnyEvent`] serializes it: what a tool, a
    /// request or a stored run hands back by type.
    ///
    /// ```
    /// use eventflow_core::StartEvent;
    /// use eventflow_core::event::EventType;
    ///
    /// let start = EventType::of::<StartEvent<u32>>();
    /// let event = start.decode_json(br#"{"input":7}"#)?;
    /// assert_eq!(event.downcast_ref::<StartEvent<u32>>().map(|e| e.input), Some(7));
    /// assert!(start.decode_json(br#"{"input":"seven"}"#).is_err());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// If `json` is not valid JSON or not an event of this type.
    pub fn decode_json(&self, json: &[u8]) -> Result<AnyEvent, serde_json::Error> {
        let mut json = serde_json::Deserializer::from_slice(json);
        let event = (self.decode)(&mut <dyn erased_serde::Deserializer<'_>>::erase(&mut json))
            .map_err(serde::de::Error::custom)?;
        json.end()?;
        Ok(event)
    }

    /// The event's [`Event::NAME`].
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The event's [`TypeId`].
    pub const fn type_id(&self) -> TypeId {
        self.id
    }

    /// Whether this is the type `E`.
    pub fn is<E: Event>(&self) -> bool {
        self.id == TypeId::of::<E>()
    }
}

impl fmt::Debug for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

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
