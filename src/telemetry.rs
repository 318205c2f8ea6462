//! Runs as OpenTelemetry traces (feature `opentelemetry`).
//!
//! eventflow describes every run with `tracing`: a span per run, a child span per step
//! execution (with its step, input event, attempt and worker), events for what steps return,
//! send, stream and wait for, and links from each execution to the executions whose events it
//! took, so that a join shows every branch it collected. [`layer`] sends those spans to an
//! OpenTelemetry tracer; [`install_stdout`] sets up the whole pipeline, printing spans as text,
//! for a first look.
//!
//! The crates it builds on are re-exported, so that their versions match.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::Layer as _;
use tracing_subscriber::filter::{Filtered, Targets};
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::{SubscriberInitExt as _, TryInitError};

pub use opentelemetry;
pub use opentelemetry_sdk;
pub use opentelemetry_stdout;
pub use tracing_opentelemetry;
pub use tracing_subscriber;

/// The layer [`layer`] returns.
pub type Layer<S, T> = Filtered<tracing_opentelemetry::OpenTelemetryLayer<S, T>, Targets, S>;

/// A `tracing` layer that exports eventflow's spans through `tracer`, and only those: step
/// spans are at `DEBUG` level, which filters set for the rest of a program often leave out.
///
/// ```
/// use eventflow::telemetry::{self, opentelemetry::trace::TracerProvider as _};
/// use eventflow::telemetry::opentelemetry_sdk::trace::SdkTracerProvider;
/// use eventflow::telemetry::tracing_subscriber::{Registry, layer::SubscriberExt as _};
///
/// let provider = SdkTracerProvider::builder().build();
/// let subscriber = Registry::default().with(telemetry::layer(provider.tracer("my-service")));
/// # drop(subscriber);
/// ```
pub fn layer<S, T>(tracer: T) -> Layer<S, T>
where
    S: tracing::Subscriber + for<'span> LookupSpan<'span>,
    T: opentelemetry::trace::Tracer + 'static,
    T::Span: Send + Sync,
{
    let eventflow = Targets::new().with_target("eventflow", tracing::Level::DEBUG);
    tracing_opentelemetry::layer()
        .with_tracer(tracer)
        .with_filter(eventflow)
}

/// Installs a global subscriber that prints eventflow's spans to standard output as
/// OpenTelemetry spans. Call [`SdkTracerProvider::shutdown`] on the result before the program
/// ends, which prints what is buffered.
///
/// # Errors
///
/// If the program already has a global subscriber.
pub fn install_stdout(service: &'static str) -> Result<SdkTracerProvider, TryInitError> {
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(opentelemetry_stdout::SpanExporter::default())
        .build();
    tracing_subscriber::registry()
        .with(layer(provider.tracer(service)))
        .try_init()?;
    Ok(provider)
}
