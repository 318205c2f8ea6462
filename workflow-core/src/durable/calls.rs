//! Journaled calls: [`Context::journal`] and [`Context::journal_ok`], a step's calls to the
//! outside (a model, a payment, any request that costs money or must not repeat) whose results
//! are committed to the run's journal as soon as they return.

use std::future::IntoFuture;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::context::Context;
use crate::engine::calls::CallKey;
use crate::error::JournalError;

impl<S> Context<S> {
    /// Runs `call` at most once per attempt of this execution, and returns what it returned,
    /// committed to the run's journal.
    ///
    /// In a run with a store and [`checkpoint_every_step`](crate::Runner::checkpoint_every_step),
    /// the result is committed as soon as `call` returns, before the step goes on. If the
    /// process dies after that and the step runs again on resume (the same attempt, with the
    /// same [`idempotency_key`](Self::idempotency_key)), `journal` returns the recorded result
    /// without running `call`. If the process dies before the commit, `call` runs again: give
    /// the service the idempotency key (and `name`) when it takes one, so the two requests
    /// count as one. A suspended run (see [`Runner::store`](crate::Runner::store)) carries the
    /// results of its waiting steps' calls the same way. Without a store, `journal` runs
    /// `call` and returns its result.
    ///
    /// `name` tells the step's calls apart: two calls of one name in one attempt are one call,
    /// and the second gets the first's result. A retry (the next attempt) makes its calls
    /// again; put [`attempt`](Self::attempt) aside and name calls by what they do. Whatever
    /// `call` returns is recorded, an error inside a `Result` included; to record only
    /// successes, and make the call again when it failed, use
    /// [`journal_ok`](Self::journal_ok).
    ///
    /// # Errors
    ///
    /// [`JournalError::Encode`] if the result cannot be serialized (nothing is recorded), and
    /// [`JournalError::Decode`] if a recorded result no longer reads as `T` (the step's code
    /// changed the type since).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicU32, Ordering};
    /// use eventflow::prelude::*;
    /// use eventflow::error::BoxError;
    /// use eventflow::store::MemoryStore;
    ///
    /// static CALLS: AtomicU32 = AtomicU32::new(0);
    ///
    /// async fn ask_the_model(prompt: &str) -> String {
    ///     CALLS.fetch_add(1, Ordering::Relaxed);
    ///     format!("an answer to {prompt}")
    /// }
    ///
    /// struct Agent;
    ///
    /// #[workflow]
    /// impl Agent {
    ///     #[step]
    ///     async fn answer(
    ///         &self,
    ///         ctx: &Context,
    ///         ev: StartEvent<String>,
    ///     ) -> Result<StopEvent<String>, BoxError> {
    ///         let reply = ctx.journal("model", ask_the_model(&ev.input)).await?;
    ///         Ok(StopEvent::new(reply))
    ///     }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), WorkflowError> {
    /// let runner = Runner::new(Agent)
    ///     .store(Arc::new(MemoryStore::new()))
    ///     .checkpoint_every_step(true);
    /// assert_eq!(runner.run("a question".into()).await?, "an answer to a question");
    /// assert_eq!(CALLS.load(Ordering::Relaxed), 1);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn journal<T, F>(&self, name: &str, call: F) -> Result<T, JournalError>
    where
        F: IntoFuture<Output = T>,
        T: Serialize + DeserializeOwned,
    {
        let key = self.call_key(name);
        if let Some(recorded) = self.recorded(&key)? {
            return Ok(recorded);
        }
        let output = call.await;
        self.record(key, &output).await?;
        Ok(output)
    }

    /// Like [`journal`](Self::journal), for a call that can fail: only its success is
    /// recorded, so a step that runs again after an error makes the call again. A journal
    /// error converts into the step's error type `E`.
    ///
    /// # Errors
    ///
    /// The call's error, unrecorded; or a [`JournalError`] converted into `E`.
    ///
    /// ```
    /// use eventflow::prelude::*;
    /// use eventflow::error::JournalError;
    ///
    /// #[derive(Debug, thiserror::Error)]
    /// enum ModelError {
    ///     #[error("the model is busy")]
    ///     Busy,
    ///     #[error(transparent)]
    ///     Journal(#[from] JournalError),
    /// }
    ///
    /// async fn ask(prompt: &str) -> Result<String, ModelError> {
    ///     if prompt.is_empty() { Err(ModelError::Busy) } else { Ok(prompt.to_uppercase()) }
    /// }
    ///
    /// struct Agent;
    ///
    /// #[workflow]
    /// impl Agent {
    ///     #[step]
    ///     async fn answer(
    ///         &self,
    ///         ctx: &Context,
    ///         ev: StartEvent<String>,
    ///     ) -> Result<StopEvent<String>, ModelError> {
    ///         let reply = ctx.journal_ok("model", ask(&ev.input)).await?;
    ///         Ok(StopEvent::new(reply))
    ///     }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), WorkflowError> {
    /// assert_eq!(Runner::new(Agent).run("hi".into()).await?, "HI");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn journal_ok<T, E, F>(&self, name: &str, call: F) -> Result<T, E>
    where
        F: IntoFuture<Output = Result<T, E>>,
        T: Serialize + DeserializeOwned,
        E: From<JournalError>,
    {
        let key = self.call_key(name);
        if let Some(recorded) = self.recorded(&key)? {
            return Ok(recorded);
        }
        let output = call.await?;
        self.record(key, &output).await?;
        Ok(output)
    }

    fn call_key(&self, name: &str) -> CallKey {
        let execution = self.execution_id();
        CallKey {
            execution: execution.input,
            attempt: execution.attempt,
            name: name.into(),
        }
    }

    /// The result recorded for `key`, if there is one.
    fn recorded<T: DeserializeOwned>(&self, key: &CallKey) -> Result<Option<T>, JournalError> {
        let Some(value) = self.run().recorded_call(key) else {
            return Ok(None);
        };
        tracing::debug!(target: "eventflow::run", run_id = %self.run_id(), step = self.step_name(), call = &*key.name, "a journaled call returns its recorded result");
        serde_json::from_value(value)
            .map(Some)
            .map_err(|e| JournalError::Decode {
                call: key.name.to_string(),
                reason: e.to_string(),
            })
    }

    /// Records what `key` returned and, in a run that commits it at once, waits until it has.
    async fn record<T: Serialize>(&self, key: CallKey, output: &T) -> Result<(), JournalError> {
        let value = serde_json::to_value(output).map_err(|e| JournalError::Encode {
            call: key.name.to_string(),
            reason: e.to_string(),
        })?;
        if let Some(committed) = self.run().record_call(key, value) {
            // The loop answers once the commit is done, or drops the answer as the run ends:
            // either way the step may go on (an ended run drops it soon after).
            let _ = committed.await;
        }
        Ok(())
    }
}
