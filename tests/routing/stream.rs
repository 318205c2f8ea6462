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
