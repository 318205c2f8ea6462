//! Verbose mode is a subscriber of the run's step events: it prints them as lines (which the
//! `quickstart` example test checks) and passes everything on to the program's own subscriber,
//! which receives the same events with or without verbose mode.
//!
//! The test installs the process's global subscriber, so it has a test binary of its own.

use std::sync::{Arc, Mutex};

use eventflow::prelude::*;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Metadata, Subscriber};

/// Keeps every `eventflow::step` event as `message step=.. field=..`.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<String>>>);

#[derive(Default)]
struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0.insert_str(0, &format!("{value:?}"));
        } else {
            self.0.push_str(&format!(" {}={value:?}", field.name()));
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push_str(&format!(" {}={value}", field.name()));
    }
}

impl Subscriber for Capture {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target() == "eventflow::step" && metadata.is_event()
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut line = Line::default();
        event.record(&mut line);
        if let Ok(mut lines) = self.0.lock() {
            lines.push(line.0);
        }
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[derive(Clone, Serialize, Deserialize, Event)]
struct Draft(String);

#[derive(Debug, thiserror::Error)]
#[error("the reviewer is away")]
struct Away;

struct Review;

#[workflow]
impl Review {
    #[step]
    async fn write(&self, ev: StartEvent<String>) -> Draft {
        Draft(ev.input)
    }

    #[step]
    async fn review(&self, ev: Draft) -> Result<Option<StopEvent<String>>, Away> {
        match ev.0.as_str() {
            "fail" => Err(Away),
            "drop" => Ok(None),
            text => Ok(Some(StopEvent::new(text.to_uppercase()))),
        }
    }
}

#[tokio::test]
async fn the_program_subscriber_gets_the_step_events_with_or_without_verbose_mode() {
    let capture = Capture::default();
    tracing::subscriber::set_global_default(capture.clone()).expect("the only global subscriber");
    let lines = || {
        capture
            .0
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default()
    };
    let ok = [
        "started step=write event=StartEvent attempt=1",
        "returned step=write emitted=Draft",
        "started step=review event=Draft attempt=1",
        "returned step=review emitted=StopEvent",
    ];

    let verbose = Runner::new(Review).verbose(true);
    assert_eq!(verbose.run("ok".into()).await.ok().as_deref(), Some("OK"));
    assert_eq!(lines(), ok);

    assert!(verbose.run("fail".into()).await.is_err());
    assert_eq!(
        lines(),
        [
            "started step=write event=StartEvent attempt=1",
            "returned step=write emitted=Draft",
            "started step=review event=Draft attempt=1",
            "errored step=review attempt=1 error=the reviewer is away",
        ]
    );

    // The same events, whether or not the runner is verbose.
    assert!(Runner::new(Review).run("ok".into()).await.is_ok());
    assert_eq!(lines(), ok);
}
