//! [`WaitFor`]: a step waiting for an event, typically a person's answer.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::Duration;

use tokio::sync::oneshot;

use crate::context::Context;
use crate::error::WaitError;
use crate::event::AnyEvent;
use crate::event::{Event, EventType};

/// Which events of the awaited type satisfy a wait.
type Filter<E> = Box<dyn Fn(&E) -> bool + Send + Sync>;

/// A wait for an event of type `E`, from [`Context::wait_for_event`]. Await it.
///
/// The step is suspended where it awaits, not replayed: everything it did before the wait
/// happens once. While it waits, it does not count against its step's `num_workers`. An event
/// that satisfies the wait goes to the oldest matching waiter, and to every other step that
/// accepts it, but not to the waiting step itself.
#[must_use = "a wait does nothing unless awaited"]
pub struct WaitFor<'a, S, E> {
    ctx: &'a Context<S>,
    filter: Option<Filter<E>>,
    timeout: Option<Duration>,
    request: Option<AnyEvent>,
    event: PhantomData<fn() -> E>,
}

impl<'a, S, E: Event> WaitFor<'a, S, E> {
    pub(crate) fn new(ctx: &'a Context<S>) -> Self {
        Self {
            ctx,
            filter: None,
            timeout: None,
            request: None,
            event: PhantomData,
        }
    }

    /// Only an event for which `filter` holds ends the wait.
    pub fn matching(mut self, filter: impl Fn(&E) -> bool + Send + Sync + 'static) -> Self {
        self.filter = Some(Box::new(filter));
        self
    }

    /// Gives up after `timeout` with [`WaitError::TimedOut`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Publishes `request` on the run's stream once the wait is in place, so that the answer
    /// to it cannot arrive before the step listens.
    pub fn requesting(mut self, request: impl Event) -> Self {
        self.request = Some(AnyEvent::new(request));
        self
    }
}

impl<'a, S: Send + Sync + 'static, E: Event> IntoFuture for WaitFor<'a, S, E> {
    type Output = Result<E, WaitError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<E, WaitError>> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let (resolve, resolved) = oneshot::channel();
            let matches: Box<dyn Fn(&AnyEvent) -> bool + Send + Sync> = match self.filter {
                Some(filter) => {
                    Box::new(move |event| event.downcast_ref::<E>().is_some_and(&filter))
                }
                None => Box::new(|_| true),
            };
            let run = self.ctx.run();
            let step = self.ctx.step();
            let registered = run.waiters.register(
                step,
                EventType::of::<E>(),
                matches,
                self.timeout.is_some(),
                resolve,
            );
            let id = match registered {
                Ok(id) => id,
                // The answer came first and was kept: the wait is over before it began, and
                // the request it would have made is moot.
                Err(answer) => {
                    run.record(|r| r.resumed(step, E::NAME));
                    tracing::debug!(target: "eventflow::step", event = E::NAME, "received before waiting");
                    match answer.downcast::<E>() {
                        Ok(event) => return Ok(event),
                        // Kept by its type, so it is an `E`.
                        Err(_) => return std::future::pending().await,
                    }
                }
            };
            run.suspend(step);
            run.record(|r| r.waiting(step, E::NAME));
            tracing::debug!(target: "eventflow::step", event = E::NAME, "waiting");
            let _waiting = Suspended { ctx: self.ctx, id };
            if let Some(request) = self.request {
                run.stream
                    .publish_from(request, Some(self.ctx.execution_id()));
            }
            let received = match self.timeout {
                None => resolved.await,
                Some(waited) => match tokio::time::timeout(waited, resolved).await {
                    Ok(received) => received,
                    Err(_) => {
                        tracing::debug!(target: "eventflow::step", event = E::NAME, ?waited, "wait timed out");
                        return Err(WaitError::TimedOut {
                            event: E::NAME,
                            waited,
                        });
                    }
                },
            };
            match received.map(AnyEvent::downcast::<E>) {
                Ok(Ok(event)) => {
                    tracing::debug!(target: "eventflow::step", event = E::NAME, "received");
                    Ok(event)
                }
                // The run is ending and clears its waiters; this step is about to be dropped.
                _ => std::future::pending().await,
            }
        })
    }
}

/// Holds a step's worker slot free while it waits, and withdraws the wait when dropped.
struct Suspended<'a, S> {
    ctx: &'a Context<S>,
    id: u64,
}

impl<S> Drop for Suspended<'_, S> {
    fn drop(&mut self) {
        self.ctx.run().waiters.remove(self.id);
        self.ctx.run().resume(self.ctx.step());
    }
}

impl<'a, S, E: Event> fmt::Debug for WaitFor<'a, S, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitFor")
            .field("event", &E::NAME)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl<S> Context<S> {
    /// Waits, inside this step, for an event of type `E`: typically a person's answer to
    /// something the step published. See [`WaitFor`] for filters, timeouts and requests.
    ///
    /// ```
    /// use eventflow::prelude::*;
    ///
    /// #[derive(Clone, Serialize, Deserialize, Event)]
    /// struct Question(String);
    /// #[derive(Clone, Serialize, Deserialize, Event)]
    /// struct Answer(String);
    ///
    /// struct Interview;
    ///
    /// #[workflow(external(Answer))]
    /// impl Interview {
    ///     #[step(stream_only(Question))]
    ///     async fn ask(&self, ctx: &Context, ev: StartEvent<String>) -> Result<StopEvent<String>, WaitError> {
    ///         let answer = ctx
    ///             .wait_for_event::<Answer>()
    ///             .requesting(Question(ev.input))
    ///             .await?;
    ///         Ok(StopEvent::new(answer.0))
    ///     }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let mut handler = Runner::new(Interview).run("your name?".into());
    /// while let Some(event) = handler.next().await {
    ///     if event.is::<Question>() {
    ///         handler.send_event(Answer("Ada".into()))?;
    ///     }
    /// }
    /// assert_eq!(handler.await?, "Ada");
    /// # Ok(())
    /// # }
    /// ```
    pub fn wait_for_event<E: Event>(&self) -> WaitFor<'_, S, E> {
        WaitFor::new(self)
    }
}
