//! Verbose mode is `tracing` events: with a subscriber installed, the lines go there (and
//! nothing is printed by the run itself). Without one, the run prints them, which the
//! `quickstart` example test checks.

use std::sync::{Arc, Mutex};

use eventflow::prelude::*;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Metadata, Subscriber};

/// Keeps the message of every `eventflow::verbose` event.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<String>>>);

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

impl Subscriber for Capture {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target() == "eventflow::verbose"
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut message = Message(String::new());
        event.record(&mut message);
        if let Ok(mut lines) = self.0.lock() {
            lines.push(message.0);
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
async fn verbose_lines_name_each_step_and_its_events() {
    let capture = Capture::default();
    tracing::subscriber::set_global_default(capture.clone()).expect("the only global subscriber");
    let lines = || {
        capture
            .0
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default()
    };

    let runner = Runner::new(Review).verbose(true);
    assert_eq!(runner.run("ok".into()).await.ok().as_deref(), Some("OK"));
    assert_eq!(
        lines(),
        [
            "Running step write with StartEvent",
            "Step write produced event Draft",
            "Running step review with Draft",
            "Step review produced event StopEvent",
        ]
    );

    assert!(runner.run("fail".into()).await.is_err());
    assert_eq!(
        lines(),
        [
            "Running step write with StartEvent",
            "Step write produced event Draft",
            "Running step review with Draft",
            "Step review failed: the reviewer is away",
        ]
    );

    // Without verbose mode, nothing is logged at that target.
    assert!(Runner::new(Review).run("ok".into()).await.is_ok());
    assert_eq!(lines(), Vec::<String>::new());
}
