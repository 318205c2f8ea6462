//! Verbose mode: a `tracing` subscriber that prints a line for each step event of a run, and
//! passes everything on to the subscriber the program already had.

use std::fmt::{self, Write as _};
use std::io::Write as _;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Dispatch, Event, Metadata, Subscriber};

/// Prints the step events of verbose runs to standard output, and hands every span and event
/// to `inner` (the program's own subscriber, or none) as if it were not there.
pub(crate) struct VerbosePrinter {
    inner: Dispatch,
}

impl VerbosePrinter {
    /// A printer in front of the subscriber current where it is made.
    pub(crate) fn new() -> Self {
        Self {
            inner: tracing::dispatcher::get_default(Dispatch::clone),
        }
    }
}

/// The events verbose mode prints: those of the run loop and its steps.
fn printed(metadata: &Metadata<'_>) -> bool {
    metadata.is_event() && matches!(metadata.target(), "eventflow::step" | "eventflow::run")
}

impl Subscriber for VerbosePrinter {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        // Scoped to verbose runs: never let a global decision be cached from here.
        let _ = self.inner.register_callsite(metadata);
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        printed(metadata) || self.inner.enabled(metadata)
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        // Step events are DEBUG: they must pass whatever the inner subscriber filters.
        None
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        // Only called for spans the inner subscriber enabled: this one prints no spans.
        self.inner.new_span(span)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        self.inner.record(span, values);
    }

    fn record_follows_from(&self, span: &Id, follows: &Id) {
        self.inner.record_follows_from(span, follows);
    }

    fn event(&self, event: &Event<'_>) {
        if printed(event.metadata())
            && let Some(line) = line(event)
        {
            // Writing to stdout may fail (a closed pipe); a lost line is not a step failure.
            let _ = writeln!(std::io::stdout().lock(), "{line}");
        }
        if self.inner.enabled(event.metadata()) {
            self.inner.event(event);
        }
    }

    fn enter(&self, span: &Id) {
        self.inner.enter(span);
    }

    fn exit(&self, span: &Id) {
        self.inner.exit(span);
    }

    fn clone_span(&self, id: &Id) -> Id {
        self.inner.clone_span(id)
    }

    fn try_close(&self, id: Id) -> bool {
        self.inner.try_close(id)
    }

    fn current_span(&self) -> tracing_core::span::Current {
        self.inner.current_span()
    }
}

/// The fields of a step event, as verbose lines need them.
#[derive(Default)]
struct Fields {
    message: String,
    step: String,
    event: String,
    attempt: u64,
    emitted: Option<String>,
    fanned_out: Option<u64>,
    error: String,
    then: String,
    delay: String,
    by: String,
    fan_out: String,
    events: u64,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        let slot = match field.name() {
            "step" => &mut self.step,
            "event" => &mut self.event,
            "then" => &mut self.then,
            "by" => &mut self.by,
            "fan_out" => &mut self.fan_out,
            "error" => &mut self.error,
            "emitted" => {
                self.emitted = Some(value.to_owned());
                return;
            }
            _ => return,
        };
        value.clone_into(slot);
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "attempt" => self.attempt = value,
            "fanned_out" => self.fanned_out = Some(value),
            "events" => self.events = value,
            _ => {}
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.record_u64(field, u64::try_from(value).unwrap_or(0));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let text = format!("{value:?}");
        match field.name() {
            "message" => self.message = text,
            "delay" => self.delay = text,
            "error" => self.error = text,
            _ => {}
        }
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        if field.name() == "error" {
            self.error = value.to_string();
        }
    }
}

/// The verbose line for a step event, if it has one.
fn line(event: &Event<'_>) -> Option<String> {
    let mut f = Fields::default();
    event.record(&mut f);
    let mut out = String::new();
    let step = &f.step;
    match f.message.as_str() {
        "started" if f.attempt > 1 => {
            let _ = write!(
                out,
                "Running step {step} with {} (attempt {})",
                f.event, f.attempt
            );
        }
        "started" => {
            let _ = write!(out, "Running step {step} with {}", f.event);
        }
        "returned" => match (&f.emitted, f.fanned_out) {
            (_, Some(n)) => {
                let _ = write!(out, "Step {step} fanned out {n} events");
            }
            (Some(emitted), None) => {
                let _ = write!(out, "Step {step} produced event {emitted}");
            }
            (None, None) => {
                let _ = write!(out, "Step {step} produced no event");
            }
        },
        "failed" => {
            let error = &f.error;
            match f.then.as_str() {
                "retry" => {
                    let _ = write!(
                        out,
                        "Step {step} failed (attempt {}): {error}; retrying in {}",
                        f.attempt, f.delay
                    );
                }
                "recover" => {
                    let _ = write!(out, "Step {step} failed: {error}; recovering in {}", f.by);
                }
                _ => {
                    let _ = write!(out, "Step {step} failed: {error}");
                }
            }
        }
        "joining" => {
            let _ = write!(
                out,
                "Joining the fan-out of {} in {step} ({} events)",
                f.fan_out, f.events
            );
        }
        _ => return None,
    }
    Some(out)
}
