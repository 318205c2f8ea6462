//! Streamed output from a step: [`Context::stream_from`] forwards a stream's items (a model's
//! tokens) to the caller as they come, and gives the step the whole.

use futures::{Stream, StreamExt};

use crate::context::Context;
use crate::event::Event;

impl<S> Context<S> {
    /// Forwards each item of `stream` to the run's stream as it comes, and returns them all,
    /// in order, once `stream` ends.
    ///
    /// Each item is written as [`write_event_to_stream`](Self::write_event_to_stream) writes
    /// it: the caller reads it with its step, input and attempt
    /// ([`WorkflowHandler::stream_origin`](crate::WorkflowHandler::stream_origin)); from a
    /// child run it reaches the parent's caller inside a
    /// [`ChildEvent`](crate::ChildEvent) naming the child's path. If the attempt then fails,
    /// the stream gets a [`StreamRetracted`](crate::event::StreamRetracted) naming it, so a
    /// caller can take back what that attempt showed; a retry streams anew.
    ///
    /// ```
    /// use eventflow::prelude::*;
    /// use futures::stream;
    ///
    /// #[derive(Debug, Clone, Serialize, Deserialize, Event)]
    /// struct Token(String);
    ///
    /// struct Writer;
    ///
    /// #[workflow]
    /// impl Writer {
    ///     #[step(stream_only(Token))]
    ///     async fn write(&self, ctx: &Context, _ev: StartEvent<()>) -> StopEvent<String> {
    ///         let words = ["Hello", ", ", "world"].map(|w| Token(w.into()));
    ///         let tokens = ctx.stream_from(stream::iter(words)).await;
    ///         StopEvent::new(tokens.into_iter().map(|t| t.0).collect())
    ///     }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), WorkflowError> {
    /// let mut handler = Runner::new(Writer).run(());
    /// let mut shown = String::new();
    /// while let Some(event) = handler.next().await {
    ///     if let Some(Token(text)) = event.downcast_ref::<Token>() {
    ///         shown.push_str(text);
    ///     }
    /// }
    /// assert_eq!(shown, "Hello, world");
    /// assert_eq!(handler.await?, "Hello, world");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn stream_from<E, St>(&self, stream: St) -> Vec<E>
    where
        E: Event,
        St: Stream<Item = E>,
    {
        self.run().streamed_by(self.execution_id());
        let mut stream = std::pin::pin!(stream);
        let mut all = Vec::new();
        while let Some(item) = stream.next().await {
            self.write_event_to_stream(item.clone());
            all.push(item);
        }
        all
    }

    /// Like [`stream_from`](Self::stream_from), for a stream whose items can fail (a
    /// connection that drops): forwards the items up to the first error, and returns that
    /// error.
    ///
    /// # Errors
    ///
    /// The stream's first error; what came before it was forwarded.
    pub async fn try_stream_from<E, Er, St>(&self, stream: St) -> Result<Vec<E>, Er>
    where
        E: Event,
        St: Stream<Item = Result<E, Er>>,
    {
        self.run().streamed_by(self.execution_id());
        let mut stream = std::pin::pin!(stream);
        let mut all = Vec::new();
        while let Some(item) = stream.next().await {
            let item = item?;
            self.write_event_to_stream(item.clone());
            all.push(item);
        }
        Ok(all)
    }
}
