//! The caller's stream of a run: what appears on it, in which order, and that it ends.

use std::time::Duration;

use eventflow::prelude::*;
use eventflow_testkit::drain;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Progress {
    step: String,
    n: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Next(u32);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Unheard(u32);

struct Chatty;

#[workflow]
impl Chatty {
    #[step(stream_only(Progress))]
    async fn first(&self, ctx: &Context, ev: StartEvent<u32>) -> Next {
        for n in 0..ev.input {
            ctx.write_event_to_stream(Progress {
                step: "first".into(),
                n,
            });
        }
        Next(ev.input)
    }

    // `Unheard` has no consumer: it goes to the stream, as declared.
    #[step(stream_only(Unheard), sends(Unheard))]
    async fn second(&self, ctx: &Context, ev: Next) -> StopEvent<u32> {
        ctx.send_event(Unheard(ev.0));
        tokio::task::yield_now().await;
        ctx.write_event_to_stream(Progress {
            step: "second".into(),
            n: 0,
        });
        StopEvent::new(ev.0 * 10)
    }
}

#[tokio::test]
async fn events_stream_in_order_and_the_stop_event_comes_last() {
    let mut handler = Runner::new(Chatty).run(3);
    let events = drain(&mut handler).await;
    let names: Vec<&str> = events.iter().map(AnyEvent::name).collect();
    let progress: Vec<(String, u32)> = events
        .iter()
        .filter_map(|e| e.downcast_ref::<Progress>())
        .map(|p| (p.step.clone(), p.n))
        .collect();
    assert_eq!(
        names,
        [
            "Progress",
            "Progress",
            "Progress",
            "Unheard",
            "Progress",
            "StopEvent"
        ]
    );
    assert_eq!(
        progress,
        [
            ("first".to_string(), 0),
            ("first".to_string(), 1),
            ("first".to_string(), 2),
            ("second".to_string(), 0)
        ]
    );
    assert_eq!(handler.await.ok(), Some(30));
}

#[tokio::test(start_paused = true)]
async fn the_stream_is_buffered_until_read() {
    let mut handler = Runner::new(Chatty).run(2);
    // Let the run finish before reading anything.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut count = 0;
    while let Some(event) = handler.stream_events().next().await {
        count += 1;
        if count == 5 {
            assert_eq!(
                event.downcast_ref::<StopEvent<u32>>(),
                Some(&StopEvent::new(20))
            );
        }
    }
    assert_eq!(count, 5);
    // The stream stays ended.
    assert!(handler.next().await.is_none());
    assert_eq!(handler.await.ok(), Some(20));
}

#[tokio::test]
async fn awaiting_without_reading_the_stream_gives_the_result() {
    assert_eq!(Runner::new(Chatty).run(1000).await.ok(), Some(10_000));
}

#[tokio::test]
async fn streamed_events_serialize_as_themselves() {
    let mut handler = Runner::new(Chatty).run(1);
    let first = handler.next().await.expect("an event");
    assert_eq!(
        serde_json::to_string(&first).ok().as_deref(),
        Some(r#"{"step":"first","n":0}"#)
    );
    let rest: Vec<AnyEvent> = handler.collect().await;
    // `Unheard(1)` is a newtype struct, so it serializes as `1`.
    assert_eq!(
        serde_json::to_string(&rest).ok().as_deref(),
        Some(r#"[1,{"step":"second","n":0},{"result":10}]"#)
    );
}

#[tokio::test]
async fn a_thousand_concurrent_runs_each_stream_their_own_events() {
    let runner = Runner::new(Chatty);
    let handlers: Vec<_> = (0..1000).map(|n| runner.run(n % 5)).collect();
    for (n, mut handler) in (0..1000).zip(handlers) {
        let mut count = 0;
        while let Some(event) = handler.next().await {
            if let Some(p) = event.downcast_ref::<Progress>() {
                assert!(p.step == "second" || p.n < n % 5);
            }
            count += 1;
        }
        assert_eq!(count, n % 5 + 3);
        assert_eq!(handler.await.ok(), Some(n % 5 * 10));
    }
}

struct Interleaved;

#[workflow]
impl Interleaved {
    #[step(sends(Unheard), stream_only(Unheard, Progress))]
    async fn only(&self, ctx: &Context, _ev: StartEvent) -> OneOf![Unheard | StopEvent<u32>] {
        ctx.write_event_to_stream(Progress {
            step: "only".into(),
            n: 1,
        });
        ctx.send_event(Unheard(2));
        ctx.write_event_to_stream(Progress {
            step: "only".into(),
            n: 3,
        });
        Unheard(4).into()
    }
}

#[tokio::test]
async fn written_sent_and_returned_events_reach_the_stream_in_the_order_they_happened() {
    let mut handler = Runner::new(Interleaved).run(());
    let mut seen = Vec::new();
    while let Some(event) = handler.next().await {
        if let Some(p) = event.downcast_ref::<Progress>() {
            seen.push(p.n);
        } else if let Some(u) = event.downcast_ref::<Unheard>() {
            seen.push(u.0);
        }
    }
    assert_eq!(seen, [1, 2, 3, 4]);
    // Nothing stopped the run: once every branch had ended, it stalled.
    assert!(matches!(handler.await, Err(WorkflowError::Stalled { .. })));
}

// --- run-state events, for callers that ask for them ---------------------------------------

mod run_state {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    use eventflow::event::{EventUnclaimed, RunIdle, StepPhase, StepStateChanged};
    use eventflow::prelude::*;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
    struct Job(u32);

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
    struct Note(u32);

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
    struct Go;

    #[derive(Default)]
    struct Busy {
        failures: AtomicU32,
    }

    #[workflow(external(Go))]
    impl Busy {
        #[step(sends(Job), stream_only(Note))]
        async fn start(&self, ctx: &Context, _ev: StartEvent) -> Result<Note, WaitError> {
            ctx.wait_for_event::<Go>().await?;
            ctx.send_event(Job(1));
            ctx.send_event(Job(2));
            Ok(Note(0))
        }

        #[step(num_workers = 1, retry = RetryPolicy::fixed(Duration::from_millis(10)))]
        async fn job(&self, ev: Job) -> Result<Option<StopEvent<u32>>, std::io::Error> {
            tokio::time::sleep(Duration::from_millis(5)).await;
            if ev.0 == 1 && self.failures.fetch_add(1, Ordering::SeqCst) == 0 {
                return Err(std::io::Error::other("flaky"));
            }
            Ok((ev.0 == 1).then(|| StopEvent::new(ev.0)))
        }
    }

    /// Every event of a run, with the stream sequence number it was yielded under. The caller
    /// answers the start step at once, or (`when_idle`) once the run says it is idle.
    async fn all(runner: &Runner<Busy>, when_idle: bool) -> Vec<(u64, AnyEvent)> {
        let mut handler = runner.run(());
        let mut events = Vec::new();
        let mut answered = !when_idle;
        if !when_idle {
            assert_eq!(handler.send_event(Go), Ok(()));
        }
        loop {
            let sequence = handler.stream_sequence();
            let Some(event) = handler.next().await else {
                break;
            };
            if !answered && event.is::<RunIdle>() {
                answered = true;
                assert_eq!(handler.send_event(Go), Ok(()));
            }
            events.push((sequence, event));
        }
        assert_eq!(handler.await.ok(), Some(1));
        events
    }

    fn phases(events: &[(u64, AnyEvent)]) -> Vec<(String, StepPhase, Option<u32>, Option<u32>)> {
        events
            .iter()
            .filter_map(|(_, e)| e.downcast_ref::<StepStateChanged>())
            .map(|s| (s.step.clone(), s.phase, s.attempt, s.worker))
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn a_caller_who_does_not_ask_sees_none() {
        let events = all(&Runner::new(Busy::default()), false).await;
        assert!(phases(&events).is_empty());
        assert!(
            !events
                .iter()
                .any(|(_, e)| e.is::<RunIdle>() || e.is::<EventUnclaimed>())
        );
    }

    #[tokio::test(start_paused = true)]
    async fn every_execution_is_seen_queued_started_and_finished_or_failed() {
        let runner = Runner::new(Busy::default()).stream_run_state(true);
        let events = all(&runner, true).await;
        let job = |phase, attempt, worker| ("job".to_owned(), phase, attempt, worker);
        let start = |phase, attempt, worker| ("start".to_owned(), phase, attempt, worker);
        assert_eq!(
            phases(&events),
            [
                start(StepPhase::Started, Some(1), Some(0)),
                // What a step sends is routed before its return.
                job(StepPhase::Started, Some(1), Some(0)),
                // One worker: the second job waits for it.
                job(StepPhase::Queued, None, None),
                start(StepPhase::Finished, Some(1), None),
                // The first job fails; the freed worker takes the second while the first
                // waits out its retry delay, then runs it again.
                job(StepPhase::Failed, Some(1), None),
                job(StepPhase::Started, Some(1), Some(0)),
                job(StepPhase::Finished, Some(1), None),
                job(StepPhase::Started, Some(2), Some(0)),
                job(StepPhase::Finished, Some(2), None),
            ]
        );
        // The run was idle while the start step waited for the caller.
        let idle = events.iter().position(|(_, e)| e.is::<RunIdle>());
        let first = events.iter().position(|(_, e)| e.is::<StepStateChanged>());
        assert!(idle > first, "{idle:?} after {first:?}");
        // `Note` went to the stream because no step takes it.
        let unclaimed: Vec<&str> = events
            .iter()
            .filter_map(|(_, e)| e.downcast_ref::<EventUnclaimed>())
            .map(|u| u.event.as_str())
            .collect();
        assert_eq!(unclaimed, ["Note"]);
    }

    #[tokio::test(start_paused = true)]
    async fn each_carries_its_stream_sequence_number_and_serializes() {
        let runner = Runner::new(Busy::default()).stream_run_state(true);
        let events = all(&runner, true).await;
        let mut checked = 0;
        for (sequence, event) in &events {
            let carried = event
                .downcast_ref::<StepStateChanged>()
                .map(|s| s.sequence)
                .or_else(|| event.downcast_ref::<RunIdle>().map(|i| i.sequence))
                .or_else(|| event.downcast_ref::<EventUnclaimed>().map(|u| u.sequence));
            if let Some(carried) = carried {
                assert_eq!(carried, *sequence, "{}", event.name());
                checked += 1;
            }
        }
        assert!(
            checked >= 11,
            "nine step changes, an idle run, an unclaimed note: {checked}"
        );
        let state = events
            .iter()
            .find_map(|(_, e)| e.downcast_ref::<StepStateChanged>())
            .cloned();
        let json = serde_json::to_value(&state).unwrap_or_default();
        assert_eq!(json["phase"], "started");
        assert_eq!(json["step"], "start");
        let back: Option<StepStateChanged> = serde_json::from_value(json).ok().flatten();
        assert_eq!(back, state);
    }
}

/// Which step execution wrote each streamed event, so that a view can discard what a failed
/// attempt streamed.
mod origins {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    use eventflow::event::{StepPhase, StepStateChanged};
    use eventflow::prelude::*;
    use eventflow::run::IdempotencyKey;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
    struct Token(String);

    /// Streams tokens; its first attempt fails halfway through its answer.
    #[derive(Default)]
    struct Model {
        attempts: AtomicU32,
    }

    #[workflow]
    impl Model {
        #[step(stream_only(Token), retry = RetryPolicy::fixed(Duration::from_millis(250)).max_attempts(3))]
        async fn answer(
            &self,
            ctx: &Context,
            ev: StartEvent<String>,
        ) -> Result<StopEvent<String>, String> {
            let attempt = self.attempts.fetch_add(1, Ordering::SeqCst) + 1;
            let words: Vec<&str> = ev.input.split(' ').collect();
            for (i, word) in words.iter().enumerate() {
                if attempt == 1 && i == 1 {
                    return Err("the connection dropped".to_owned());
                }
                ctx.write_event_to_stream(Token((*word).to_owned()));
            }
            Ok(StopEvent::new(ev.input))
        }
    }

    /// Every event with the origin the handler gave it.
    async fn origins<W: eventflow::Workflow>(
        mut handler: WorkflowHandler<W>,
    ) -> Vec<(AnyEvent, Option<IdempotencyKey>)> {
        let mut all = Vec::new();
        while let Some(event) = handler.next().await {
            all.push((event, handler.stream_origin()));
        }
        all
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_attempts_tokens_can_be_told_apart_and_discarded() {
        let runner = Runner::new(Model::default()).stream_run_state(true);
        let handler = runner.run("hello brave world".to_owned());
        let run = handler.run_id();
        let events = origins(handler).await;

        let tokens: Vec<(u32, String)> = events
            .iter()
            .filter_map(|(e, origin)| {
                Some((
                    origin.as_ref()?.attempt,
                    e.downcast_ref::<Token>()?.0.clone(),
                ))
            })
            .collect();
        assert_eq!(
            tokens,
            [
                (1, "hello".to_owned()),
                (2, "hello".to_owned()),
                (2, "brave".to_owned()),
                (2, "world".to_owned())
            ]
        );
        // Every token names its execution fully: the run, the step, the input and attempt.
        for (event, origin) in &events {
            if event.is::<Token>() {
                let origin = origin.expect("a token has an origin");
                assert_eq!((origin.run, origin.step, origin.input), (run, "answer", 1));
            }
        }
        // The run says which attempt failed and that another follows, before its tokens.
        let failed: Vec<&StepStateChanged> = events
            .iter()
            .filter_map(|(e, _)| e.downcast_ref::<StepStateChanged>())
            .filter(|s| s.phase == StepPhase::Failed)
            .collect();
        assert_eq!(failed.len(), 1);
        assert_eq!(
            (
                failed[0].input_number,
                failed[0].attempt,
                failed[0].retry_after_ms
            ),
            (Some(1), Some(1), Some(250))
        );
        // A view drops the tokens of the failed attempt and keeps the answer.
        let kept: Vec<&str> = events
            .iter()
            .filter_map(|(e, origin)| {
                let token = e.downcast_ref::<Token>()?;
                let discarded = failed.iter().any(|f| {
                    origin.is_some_and(|o| {
                        Some(o.input) == f.input_number && Some(o.attempt) == f.attempt
                    })
                });
                (!discarded).then_some(token.0.as_str())
            })
            .collect();
        assert_eq!(kept, ["hello", "brave", "world"]);
    }

    #[tokio::test(start_paused = true)]
    async fn events_no_execution_wrote_have_no_origin() {
        let runner = Runner::new(Model::default()).stream_run_state(true);
        let events = origins(runner.run("hi there".to_owned())).await;
        for (event, origin) in &events {
            let written = event.is::<Token>();
            assert_eq!(origin.is_some(), written, "{}", event.name());
        }
        // The last one is the stop event.
        assert!(
            events
                .last()
                .is_some_and(|(e, o)| e.is::<StopEvent<String>>() && o.is_none())
        );
    }

    #[tokio::test]
    async fn before_the_first_event_there_is_no_origin() {
        let handler = Runner::new(Model::default()).run("hi".to_owned());
        assert_eq!(handler.stream_origin(), None);
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
    struct Ask(String);

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
    struct Reply(String);

    /// Asks the caller a question, then runs a child that streams tokens.
    struct Asker {
        model: Runner<Model>,
    }

    #[workflow(external(Reply))]
    impl Asker {
        #[step(stream_only(Ask), runs(Model))]
        async fn ask(
            &self,
            ctx: &Context,
            _ev: StartEvent,
        ) -> Result<StopEvent<String>, WorkflowError> {
            let reply = ctx
                .wait_for_event::<Reply>()
                .requesting(Ask("what shall I say?".to_owned()))
                .await
                .map_err(|_| WorkflowError::Cancelled)?;
            ctx.child(&self.model)
                .run(reply.0)
                .await
                .map(StopEvent::new)
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_question_and_a_childs_events_come_from_the_step_that_wrote_them() {
        let runner = Runner::new(Asker {
            model: Runner::new(Model {
                // The child does not fail.
                attempts: AtomicU32::new(1),
            }),
        });
        let mut handler = runner.run(());
        let mut seen = Vec::new();
        while let Some(event) = handler.next().await {
            let origin = handler
                .stream_origin()
                .map(|o| (o.step, o.input, o.attempt));
            if event.is::<Ask>() {
                assert_eq!(handler.send_event(Reply("ok go".to_owned())), Ok(()));
            }
            seen.push((event.name().to_owned(), origin));
        }
        assert_eq!(
            seen,
            [
                ("Ask".to_owned(), Some(("ask", 1, 1))),
                ("ChildEvent".to_owned(), Some(("ask", 1, 1))),
                ("ChildEvent".to_owned(), Some(("ask", 1, 1))),
                ("StopEvent".to_owned(), None),
            ]
        );
        assert_eq!(handler.await.ok().as_deref(), Some("ok go"));
    }
}
