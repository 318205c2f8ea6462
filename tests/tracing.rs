//! Runs as `tracing` sees them: a span per run, a child span per step execution, events for
//! what steps do, and joins whose spans follow from every branch they collected.
//!
//! Each test sets its own subscriber for its thread. Whether a call site has a listener is cached
//! for the whole process, so a workflow run at the same time by a test of another area could
//! leave a call site unheard here: the tests have a binary of their own.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use eventflow::prelude::*;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Metadata, Subscriber};

#[derive(Debug, Clone, Default)]
struct SpanRecord {
    name: String,
    fields: HashMap<String, String>,
    parent: Option<u64>,
    follows: Vec<u64>,
}

#[derive(Debug, Clone)]
struct EventRecord {
    message: String,
    fields: HashMap<String, String>,
    span: Option<u64>,
}

#[derive(Default)]
struct Recorded {
    spans: HashMap<u64, SpanRecord>,
    events: Vec<EventRecord>,
    /// The entered spans, innermost last (the tests run on one thread).
    stack: Vec<u64>,
}

/// Records every `eventflow` span and event.
#[derive(Clone, Default)]
struct Capture {
    recorded: Arc<Mutex<Recorded>>,
    next: Arc<AtomicU64>,
}

#[derive(Default)]
struct Fields(HashMap<String, String>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl Capture {
    fn with<T>(&self, f: impl FnOnce(&mut Recorded) -> T) -> Option<T> {
        self.recorded.lock().ok().map(|mut r| f(&mut r))
    }
}

impl Subscriber for Capture {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("eventflow")
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let id = self.next.fetch_add(1, Ordering::SeqCst) + 1;
        let mut fields = Fields::default();
        span.record(&mut fields);
        self.with(|r| {
            let parent = match span.parent() {
                Some(parent) => Some(parent.into_u64()),
                None if span.is_contextual() => r.stack.last().copied(),
                None => None,
            };
            r.spans.insert(
                id,
                SpanRecord {
                    name: span.metadata().name().to_owned(),
                    fields: fields.0,
                    parent,
                    follows: Vec::new(),
                },
            );
        });
        Id::from_u64(id)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, span: &Id, follows: &Id) {
        self.with(|r| {
            if let Some(record) = r.spans.get_mut(&span.into_u64()) {
                record.follows.push(follows.into_u64());
            }
        });
    }

    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let message = fields.0.remove("message").unwrap_or_default();
        self.with(|r| {
            let span = match event.parent() {
                Some(parent) => Some(parent.into_u64()),
                None if event.is_contextual() => r.stack.last().copied(),
                None => None,
            };
            r.events.push(EventRecord {
                message,
                fields: fields.0,
                span,
            });
        });
    }

    fn enter(&self, span: &Id) {
        self.with(|r| r.stack.push(span.into_u64()));
    }

    fn exit(&self, span: &Id) {
        self.with(|r| {
            if let Some(at) = r.stack.iter().rposition(|s| *s == span.into_u64()) {
                r.stack.remove(at);
            }
        });
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Job(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Done(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Progress;

#[derive(Debug, thiserror::Error)]
#[error("not yet")]
struct NotYet;

struct Traced;

#[workflow]
impl Traced {
    #[step]
    async fn split(&self, ev: StartEvent<u32>) -> Vec<Job> {
        (0..ev.input).map(Job).collect()
    }

    #[step(num_workers = 2, stream_only(Progress), retry = RetryPolicy::immediate().max_attempts(2))]
    async fn work(&self, ctx: &Context, job: Job) -> Result<Done, NotYet> {
        ctx.write_event_to_stream(Progress);
        tokio::time::sleep(Duration::from_millis(u64::from(job.0))).await;
        if job.0 == 1 && ctx.attempt() == 1 {
            return Err(NotYet);
        }
        Ok(Done(job.0))
    }

    #[step]
    async fn gather(&self, done: Vec<Done>) -> StopEvent<usize> {
        StopEvent::new(done.len())
    }
}

fn step_spans<'a>(r: &'a Recorded, step: &str) -> Vec<(u64, &'a SpanRecord)> {
    let mut spans: Vec<(u64, &SpanRecord)> = r
        .spans
        .iter()
        .filter(|(_, s)| s.name == "step" && s.fields.get("step").map(String::as_str) == Some(step))
        .map(|(id, s)| (*id, s))
        .collect();
    spans.sort_by_key(|(id, _)| *id);
    spans
}

#[tokio::test(start_paused = true)]
async fn runs_steps_events_and_the_links_of_a_join() {
    let capture = Capture::default();
    // This test's thread only: the current-thread runtime runs the run's task here.
    let _default = tracing::subscriber::set_default(capture.clone());
    assert_eq!(Runner::new(Traced).run(3).await.ok(), Some(3));

    let checked = capture.with(|r| {
        // One run span, named after the workflow, with its id.
        let runs: Vec<(u64, &SpanRecord)> = r
            .spans
            .iter()
            .filter(|(_, s)| s.name == "run")
            .map(|(id, s)| (*id, s))
            .collect();
        assert_eq!(runs.len(), 1);
        let (run, run_span) = runs[0];
        assert_eq!(
            run_span.fields.get("workflow").map(String::as_str),
            Some("Traced")
        );
        assert!(run_span.fields.contains_key("run_id"));

        // Every step execution is a child of the run, with its step, event, attempt and worker.
        let work = step_spans(r, "work");
        assert_eq!(work.len(), 4, "three jobs and a retry");
        for (_, span) in &work {
            assert_eq!(span.parent, Some(run));
            assert_eq!(span.fields.get("event").map(String::as_str), Some("Job"));
        }
        let mut workers: Vec<&str> = work
            .iter()
            .filter_map(|(_, s)| s.fields.get("worker").map(String::as_str))
            .collect();
        workers.sort_unstable();
        workers.dedup();
        assert_eq!(workers, ["0", "1"], "two workers take turns");
        let attempts: Vec<&str> = work
            .iter()
            .filter_map(|(_, s)| s.fields.get("attempt").map(String::as_str))
            .collect();
        assert_eq!(attempts.iter().filter(|a| **a == "2").count(), 1);

        // Events in flight are spans under the execution that produced them, and the
        // executions that take them follow from them.
        let produced_by = |link: u64| r.spans.get(&link).and_then(|s| s.parent);

        // The retry follows from the failure of the attempt before it.
        let retry = work
            .iter()
            .find(|(_, s)| s.fields.get("attempt").map(String::as_str) == Some("2"))
            .map(|(_, s)| s.follows.clone())
            .unwrap_or_default();
        assert_eq!(retry.len(), 1);
        assert_eq!(
            r.spans.get(&retry[0]).map(|s| s.name.as_str()),
            Some("failure")
        );
        let failed_attempt = produced_by(retry[0]).expect("the failure's execution");
        let errored = r
            .events
            .iter()
            .find(|e| e.message == "errored")
            .expect("the error is an event of its execution");
        assert_eq!(errored.span, Some(failed_attempt));
        let failed = r
            .events
            .iter()
            .find(|e| e.message == "failed")
            .expect("the decision is an event of the run");
        assert_eq!(failed.span, Some(run));
        assert_eq!(failed.fields.get("then").map(String::as_str), Some("retry"));

        // The join follows from the three `Done` events, each under the execution that
        // returned it: every branch, not the failed attempt.
        let gather = step_spans(r, "gather");
        assert_eq!(gather.len(), 1);
        let mut producers: Vec<u64> = gather[0]
            .1
            .follows
            .iter()
            .filter_map(|link| {
                assert_eq!(r.spans.get(link).map(|s| s.name.as_str()), Some("event"));
                produced_by(*link)
            })
            .collect();
        producers.sort_unstable();
        let mut succeeded: Vec<u64> = work
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| *id != failed_attempt)
            .collect();
        succeeded.sort_unstable();
        assert_eq!(producers, succeeded);

        // Each work execution followed from the fan-out of the split.
        let split = step_spans(r, "split")[0].0;
        let first_attempts = work
            .iter()
            .filter(|(_, s)| s.fields.get("attempt").map(String::as_str) == Some("1"));
        for (_, span) in first_attempts {
            assert_eq!(span.follows.len(), 1);
            assert_eq!(
                r.spans.get(&span.follows[0]).map(|s| s.name.as_str()),
                Some("fan-out")
            );
            assert_eq!(produced_by(span.follows[0]), Some(split));
        }

        // What steps did, as events in their spans.
        let streamed = r.events.iter().filter(|e| e.message == "streamed").count();
        assert_eq!(streamed, 4);
        let returned: Vec<&str> = r
            .events
            .iter()
            .filter(|e| e.message == "returned")
            .filter_map(|e| e.fields.get("step").map(String::as_str))
            .collect();
        assert_eq!(returned.iter().filter(|s| **s == "work").count(), 3);
        assert!(returned.contains(&"gather"));
        let joining = r
            .events
            .iter()
            .find(|e| e.message == "joining")
            .expect("the join is an event");
        assert_eq!(joining.fields.get("events").map(String::as_str), Some("3"));
        assert_eq!(joining.span, Some(run));
    });
    assert!(checked.is_some());
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Online(u32);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Offline(u32);

struct Vote;

#[workflow]
impl Vote {
    #[step(sends(Online, Offline))]
    async fn start(&self, ctx: &Context, _ev: StartEvent) {
        ctx.send_event(Online(1));
        ctx.send_event(Offline(2));
        ctx.send_event(Online(3));
    }

    #[step]
    async fn decide(&self, ctx: &Context, ev: OneOf![Online | Offline]) -> Option<StopEvent<u32>> {
        let (a, b, c) = ctx.collect_events::<(Online, Offline, Online)>(ev)?;
        Some(StopEvent::new(a.0 + b.0 + c.0))
    }
}

#[tokio::test]
async fn the_step_that_completes_a_collection_follows_from_the_ones_that_buffered_it() {
    let capture = Capture::default();
    let _default = tracing::subscriber::set_default(capture.clone());
    assert_eq!(Runner::new(Vote).run(()).await.ok(), Some(6));
    let checked = capture.with(|r| {
        let decide = step_spans(r, "decide");
        assert_eq!(decide.len(), 3);
        let parent_of = |link: &u64| r.spans.get(link).and_then(|s| s.parent);
        let start = step_spans(r, "start")[0].0;
        // The execution that completes the set follows from its own input (sent by `start`)
        // and from the events the two executions before it buffered.
        let mut sources: Vec<u64> = decide[2].1.follows.iter().filter_map(parent_of).collect();
        sources.sort_unstable();
        assert_eq!(sources, [start, decide[0].0, decide[1].0]);
    });
    assert!(checked.is_some());
}
