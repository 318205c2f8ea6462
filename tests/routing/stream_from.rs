//! Streamed output from a step (`Context::stream_from`): tokens reach the caller as they come,
//! tagged with their step and attempt, from child runs too, and a failed attempt's tokens are
//! retracted.

use eventflow::event::StreamRetracted;
use eventflow::prelude::*;
use eventflow::{ChildEvent, WorkflowHandler};
use futures::stream;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Token(String);

fn tokens(text: &str) -> Vec<Token> {
    text.split_inclusive(' ').map(|t| Token(t.into())).collect()
}

/// Streams its answer; its first attempt fails after streaming when `flaky` is set.
struct Model {
    flaky: bool,
}

#[workflow]
impl Model {
    #[step(stream_only(Token), retry = RetryPolicy::immediate().max_attempts(2))]
    async fn answer(
        &self,
        ctx: &Context,
        ev: StartEvent<String>,
    ) -> Result<StopEvent<String>, String> {
        let streamed = ctx.stream_from(stream::iter(tokens(&ev.input))).await;
        if self.flaky && ctx.attempt() == 1 {
            return Err("the connection dropped".into());
        }
        Ok(StopEvent::new(streamed.into_iter().map(|t| t.0).collect()))
    }
}

/// What the caller saw, as `(attempt, what)`, where `what` is a token's text or a retraction.
async fn watch<W: eventflow::Workflow>(mut handler: WorkflowHandler<W>) -> Vec<(u32, String)> {
    let mut seen = Vec::new();
    while let Some(event) = handler.next().await {
        if let Some(Token(text)) = event.downcast_ref::<Token>() {
            let attempt = handler.stream_origin().map_or(0, |o| o.attempt);
            seen.push((attempt, text.clone()));
        } else if let Some(void) = event.downcast_ref::<StreamRetracted>() {
            seen.push((
                void.attempt,
                format!("retract {} ({})", void.step, void.error),
            ));
        }
    }
    seen
}

#[tokio::test]
async fn tokens_reach_the_caller_in_order_and_the_step_gets_the_whole() {
    let mut handler = Runner::new(Model { flaky: false }).run("the quick fox".into());
    let mut seen = Vec::new();
    while let Some(event) = handler.next().await {
        if let Some(Token(text)) = event.downcast_ref::<Token>() {
            let origin = handler.stream_origin().expect("a token has its origin");
            assert_eq!((origin.step, origin.attempt), ("answer", 1));
            seen.push(text.clone());
        }
        assert!(!event.is::<StreamRetracted>(), "nothing failed");
    }
    assert_eq!(seen, ["the ", "quick ", "fox"]);
    assert_eq!(handler.await.ok().as_deref(), Some("the quick fox"));
}

#[tokio::test]
async fn a_failed_attempts_tokens_are_retracted_before_the_retry_streams_anew() {
    let seen = watch(Runner::new(Model { flaky: true }).run("hi there".into())).await;
    assert_eq!(
        seen,
        [
            (1, "hi ".to_owned()),
            (1, "there".to_owned()),
            (1, "retract answer (the connection dropped)".to_owned()),
            (2, "hi ".to_owned()),
            (2, "there".to_owned()),
        ]
    );
}

#[tokio::test]
async fn an_empty_stream_gives_nothing_and_retracts_nothing() {
    let seen = watch(Runner::new(Model { flaky: false }).run(String::new())).await;
    assert!(seen.is_empty(), "{seen:?}");
}

/// Streams from a source that fails midway.
struct Broken;

#[workflow]
impl Broken {
    #[step(stream_only(Token))]
    async fn answer(&self, ctx: &Context, _ev: StartEvent<()>) -> Result<StopEvent<usize>, String> {
        let items = vec![
            Ok(Token("a".into())),
            Err("cut".to_owned()),
            Ok(Token("b".into())),
        ];
        let got = ctx.try_stream_from(stream::iter(items)).await?;
        Ok(StopEvent::new(got.len()))
    }
}

#[tokio::test]
async fn a_stream_that_fails_forwards_what_came_before_and_fails_the_step() {
    let mut handler = Runner::new(Broken).run(());
    let mut names = Vec::new();
    while let Some(event) = handler.next().await {
        names.push(event.name().to_owned());
    }
    assert_eq!(names, ["Token", "StreamRetracted", "WorkflowFailed"]);
    let error = handler.await.expect_err("the step failed");
    assert!(error.to_string().contains("cut"), "{error}");
}

/// Runs the model as a child.
struct Chat {
    model: Runner<Model>,
}

#[workflow]
impl Chat {
    #[step(runs(Model))]
    async fn chat(
        &self,
        ctx: &Context,
        ev: StartEvent<String>,
    ) -> Result<StopEvent<String>, WorkflowError> {
        Ok(StopEvent::new(ctx.child(&self.model).run(ev.input).await?))
    }
}

#[tokio::test]
async fn a_child_runs_tokens_reach_the_parents_caller_in_order_with_its_path() {
    let mut handler = Runner::new(Chat {
        model: Runner::new(Model { flaky: true }),
    })
    .run("one two".into());
    let mut seen = Vec::new();
    while let Some(event) = handler.next().await {
        if let Some(child) = event.downcast_ref::<ChildEvent>() {
            let path = child.path().join("/");
            if let Some(Token(text)) = child.downcast_ref::<Token>() {
                seen.push(format!("{path}: {text}"));
            } else if let Some(void) = child.downcast_ref::<StreamRetracted>() {
                seen.push(format!("{path}: retract attempt {}", void.attempt));
            }
        }
    }
    assert_eq!(
        seen,
        [
            "Model: one ",
            "Model: two",
            "Model: retract attempt 1",
            "Model: one ",
            "Model: two"
        ]
    );
    assert_eq!(handler.await.ok().as_deref(), Some("one two"));
}
