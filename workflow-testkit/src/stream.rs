use eventflow::prelude::*;
use eventflow::{AnyEvent, Workflow, WorkflowHandler};

/// Reads the rest of a run's stream, to its end, and gives its events in order.
///
/// ```
/// use eventflow::prelude::*;
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct Progress(u32);
///
/// struct Count;
///
/// #[workflow]
/// impl Count {
///     #[step(stream_only(Progress))]
///     async fn count(&self, ctx: &Context, ev: StartEvent<u32>) -> StopEvent<u32> {
///         for n in 0..ev.input {
///             ctx.write_event_to_stream(Progress(n));
///         }
///         StopEvent::new(ev.input)
///     }
/// }
///
/// let runtime = eventflow_testkit::runtime::paused().expect("a runtime");
/// runtime.block_on(async {
///     let mut handler = Runner::new(Count).run(2);
///     let events = eventflow_testkit::drain(&mut handler).await;
///     let names: Vec<&str> = events.iter().map(AnyEvent::name).collect();
///     assert_eq!(names, ["Progress", "Progress", "StopEvent"]);
///     assert_eq!(handler.await.ok(), Some(2));
/// });
/// ```
pub async fn drain<W: Workflow>(handler: &mut WorkflowHandler<W>) -> Vec<AnyEvent> {
    let mut events = Vec::new();
    while let Some(event) = handler.next().await {
        events.push(event);
    }
    events
}

/// Reads the rest of a run's stream, to its end, and gives its last event: the one that says
/// how the run ended (its stop event, or a cancellation, timeout, failure or stall).
///
/// ```
/// use eventflow::event::WorkflowCancelled;
/// use eventflow::prelude::*;
///
/// struct Forever;
///
/// #[workflow]
/// impl Forever {
///     #[step]
///     async fn wait(&self, _ev: StartEvent) -> StopEvent {
///         std::future::pending::<()>().await;
///         StopEvent::new(())
///     }
/// }
///
/// let runtime = eventflow_testkit::runtime::paused().expect("a runtime");
/// runtime.block_on(async {
///     let mut handler = Runner::new(Forever).run(());
///     handler.cancel();
///     let last = eventflow_testkit::last_event(&mut handler).await;
///     assert!(last.is_some_and(|e| e.is::<WorkflowCancelled>()));
/// });
/// ```
pub async fn last_event<W: Workflow>(handler: &mut WorkflowHandler<W>) -> Option<AnyEvent> {
    let mut last = None;
    while let Some(event) = handler.next().await {
        last = Some(event);
    }
    last
}
