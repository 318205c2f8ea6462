//! Runs exported as OpenTelemetry traces: the run span, its step spans, and the links of a
//! join (feature `opentelemetry`).

use std::sync::{Arc, Mutex};

use eventflow::prelude::*;
use eventflow::telemetry;
use eventflow::telemetry::opentelemetry::trace::{SpanId, TracerProvider as _};
use eventflow::telemetry::opentelemetry_sdk::error::OTelSdkResult;
use eventflow::telemetry::opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};
use eventflow::telemetry::tracing_subscriber::layer::SubscriberExt as _;

/// Keeps every exported span.
#[derive(Debug, Clone, Default)]
struct Exported(Arc<Mutex<Vec<SpanData>>>);

impl SpanExporter for Exported {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        if let Ok(mut spans) = self.0.lock() {
            spans.extend(batch);
        }
        Ok(())
    }
}

#[derive(Clone, Serialize, Deserialize, Event)]
struct Call(u32);

#[derive(Clone, Serialize, Deserialize, Event)]
struct Answer(u32);

struct Tools;

#[workflow]
impl Tools {
    #[step]
    async fn plan(&self, ev: StartEvent<u32>) -> Vec<Call> {
        (0..ev.input).map(Call).collect()
    }

    #[step(num_workers = 3)]
    async fn call(&self, call: Call) -> Answer {
        tokio::task::yield_now().await;
        Answer(call.0 * 10)
    }

    #[step]
    async fn answer(&self, answers: Vec<Answer>) -> StopEvent<u32> {
        StopEvent::new(answers.iter().map(|a| a.0).sum())
    }
}

fn attribute(span: &SpanData, key: &str) -> Option<String> {
    span.attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| kv.value.to_string())
}

#[tokio::test]
async fn a_run_is_a_trace_with_step_spans_and_a_join_linked_to_its_branches() {
    let exported = Exported::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exported.clone())
        .build();
    let subscriber = eventflow::telemetry::tracing_subscriber::registry()
        .with(telemetry::layer(provider.tracer("test")));
    let _default = tracing::subscriber::set_default(subscriber);

    assert_eq!(Runner::new(Tools).run(3).await.ok(), Some(30));
    assert!(provider.force_flush().is_ok());

    let spans = exported.0.lock().map(|s| s.clone()).unwrap_or_default();
    let run = spans.iter().find(|s| s.name == "run").expect("a run span");
    assert_eq!(attribute(run, "workflow").as_deref(), Some("Tools"));
    let steps: Vec<&SpanData> = spans.iter().filter(|s| s.name == "step").collect();
    assert_eq!(steps.len(), 5, "plan, three calls and the join");
    for step in &steps {
        assert_eq!(step.parent_span_id, run.span_context.span_id());
        assert_eq!(step.span_context.trace_id(), run.span_context.trace_id());
    }
    let calls: Vec<SpanId> = steps
        .iter()
        .filter(|s| attribute(s, "step").as_deref() == Some("call"))
        .map(|s| s.span_context.span_id())
        .collect();
    assert_eq!(calls.len(), 3);
    let join = steps
        .iter()
        .find(|s| attribute(s, "step").as_deref() == Some("answer"))
        .expect("the join's span");
    // The join links to the three `Answer` events, each a span under the call that returned it.
    let mut producers: Vec<SpanId> = join
        .links
        .iter()
        .map(|link| {
            let event = spans
                .iter()
                .find(|s| s.span_context.span_id() == link.span_context.span_id())
                .expect("the linked span is exported");
            assert_eq!(event.name, "event");
            assert_eq!(attribute(event, "event").as_deref(), Some("Answer"));
            event.parent_span_id
        })
        .collect();
    producers.sort_unstable_by_key(|id| id.to_bytes());
    let mut expected = calls.clone();
    expected.sort_unstable_by_key(|id| id.to_bytes());
    assert_eq!(producers, expected);
    assert!(provider.shutdown().is_ok());
}
