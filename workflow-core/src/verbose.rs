//! The printer behind `Runner::verbose` when the program has no `tracing` subscriber.

use std::fmt::{self, Write as _};
use std::io::Write as _;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};

/// Prints the `eventflow::verbose` events of one run to standard output and ignores the rest.
pub(crate) struct VerbosePrinter;

pub(crate) const TARGET: &str = "eventflow::verbose";

impl Subscriber for VerbosePrinter {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        // This subscriber is scoped to verbose runs; never let it cache a global decision.
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target() == TARGET
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        // Spans are never enabled, so this is never called with one that matters.
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut line = Line(String::new());
        event.record(&mut line);
        // Writing to stdout may fail (a closed pipe); a lost log line is not a step failure.
        let _ = writeln!(std::io::stdout().lock(), "{}", line.0);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        }
    }
}
