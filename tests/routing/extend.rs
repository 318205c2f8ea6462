//! Workflows built from other workflows: `#[workflow(extends(Base, ..))]` inherits the base's
//! steps, replaces some (`#[step(replaces)]`), removes others (`without(..)`) and adds its own.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use eventflow::Topology;
use eventflow::prelude::*;

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Drafted(String);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Reviewed(String);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Flagged(String);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Log {
    steps: Vec<String>,
}

/// The base: draft, review (retried), then publish or reject.
struct Pipeline {
    prefix: String,
    /// Failures left before `review` succeeds.
    flaky: Arc<AtomicU32>,
}

#[workflow(extendable, state = Log)]
impl Pipeline {
    #[step]
    async fn draft(&self, ctx: &Context<Log>, ev: StartEvent<String>) -> Drafted {
        ctx.state().edit(|l| l.steps.push("draft".into()));
        Drafted(format!("{}{}", self.prefix, ev.input))
    }

    #[step(num_workers = 2, retry = RetryPolicy::immediate().max_attempts(3))]
    async fn review(
        &self,
        ctx: &Context<Log>,
        ev: Drafted,
    ) -> Result<OneOf![Reviewed | Flagged], String> {
        if self.flaky.load(Ordering::SeqCst) > 0 {
            self.flaky.fetch_sub(1, Ordering::SeqCst);
            return Err("reviewer unavailable".into());
        }
        ctx.state().edit(|l| l.steps.push("review".into()));
        Ok(if ev.0.contains("bad") {
            PipelineReviewOutput::Flagged(Flagged(ev.0))
        } else {
            PipelineReviewOutput::Reviewed(Reviewed(ev.0))
        })
    }

    #[step]
    async fn finish(
        &self,
        ctx: &Context<Log>,
        ev: OneOf![Reviewed | Flagged],
    ) -> StopEvent<String> {
        ctx.state().edit(|l| l.steps.push("finish".into()));
        StopEvent::new(match ev {
            PipelineFinishInput::Reviewed(r) => format!("published {}", r.0),
            PipelineFinishInput::Flagged(f) => format!("rejected {}", f.0),
        })
    }
}

impl Pipeline {
    fn new(prefix: &str, flaky: u32) -> Self {
        Self {
            prefix: prefix.into(),
            flaky: Arc::new(AtomicU32::new(flaky)),
        }
    }
}

/// All of the base's steps, nothing else.
struct Plain {
    base: Pipeline,
}

#[workflow(extends(Pipeline, via = base))]
impl Plain {}

/// The base's `finish` replaced by its own.
struct Loud {
    inner: Box<Pipeline>,
}

#[workflow(extends(Pipeline, via = inner), state = Log)]
impl Loud {
    #[step(replaces)]
    async fn finish(
        &self,
        ctx: &Context<Log>,
        ev: OneOf![Reviewed | Flagged],
    ) -> StopEvent<String> {
        ctx.state().edit(|l| l.steps.push("loud finish".into()));
        // The derived workflow's own `OneOf!` enum has the derived workflow's name.
        StopEvent::new(match ev {
            LoudFinishInput::Reviewed(r) => format!("PUBLISHED {}", r.0.to_uppercase()),
            LoudFinishInput::Flagged(f) => format!("REJECTED {}", f.0.to_uppercase()),
        })
    }
}

/// The base's `finish` removed; two steps of its own take its place. Reaches its base through
/// `AsRef`.
struct Strict {
    pipeline: Pipeline,
    rejected: AtomicU32,
}

impl AsRef<Pipeline> for Strict {
    fn as_ref(&self) -> &Pipeline {
        &self.pipeline
    }
}

#[workflow(extends(Pipeline, without(finish)))]
impl Strict {
    #[step]
    async fn publish(&self, ctx: &Context<Log>, ev: Reviewed) -> StopEvent<String> {
        ctx.state().edit(|l| l.steps.push("publish".into()));
        StopEvent::new(format!("strictly published {}", ev.0))
    }

    #[step]
    async fn reject(&self, ctx: &Context<Log>, ev: Flagged) -> StopEvent<String> {
        self.rejected.fetch_add(1, Ordering::SeqCst);
        ctx.state().edit(|l| l.steps.push("reject".into()));
        StopEvent::new(format!("strictly rejected {}", ev.0))
    }
}

fn step_names(topology: &Topology) -> Vec<&str> {
    topology.steps.iter().map(|s| s.name.as_str()).collect()
}

#[tokio::test]
async fn a_workflow_extending_another_runs_all_its_steps_on_the_base_instance() {
    let runner = Runner::new(Plain {
        base: Pipeline::new("v1:", 0),
    });
    let mut handler = runner.run("essay".to_string());
    while handler.next().await.is_some() {}
    assert_eq!(handler.state().steps, ["draft", "review", "finish"]);
    // `draft` read the base's `prefix`; the base's `OneOf!` enums route both outcomes.
    assert_eq!(handler.await.ok().as_deref(), Some("published v1:essay"));
    let rejected = runner.run("bad essay".to_string()).await;
    assert_eq!(rejected.ok().as_deref(), Some("rejected v1:bad essay"));
}

#[tokio::test]
async fn the_extending_workflow_has_its_own_name_and_the_base_s_step_specs() {
    let base = Topology::of::<Pipeline>();
    let plain = Topology::of::<Plain>();
    assert_eq!(plain.workflow, "Plain");
    assert_eq!(step_names(&plain), ["draft", "review", "finish"]);
    let review = &plain.steps[1];
    assert_eq!(review.num_workers, 2, "`num_workers` carries over");
    assert!(review.retries, "the retry policy carries over");
    assert_eq!(plain.events.len(), base.events.len());
}

#[tokio::test]
async fn a_replaced_step_keeps_its_place_and_runs_the_derived_method() {
    let runner = Runner::new(Loud {
        inner: Box::new(Pipeline::new("v2:", 0)),
    });
    assert_eq!(
        step_names(&Topology::of::<Loud>()),
        ["draft", "review", "finish"]
    );
    let mut handler = runner.run("essay".to_string());
    while handler.next().await.is_some() {}
    assert_eq!(handler.state().steps, ["draft", "review", "loud finish"]);
    assert_eq!(handler.await.ok().as_deref(), Some("PUBLISHED V2:ESSAY"));
    let rejected = runner.run("bad".to_string()).await;
    assert_eq!(rejected.ok().as_deref(), Some("REJECTED V2:BAD"));
}

#[tokio::test]
async fn a_removed_step_is_gone_and_new_steps_come_after_the_inherited_ones() {
    let strict = Strict {
        pipeline: Pipeline::new("", 0),
        rejected: AtomicU32::new(0),
    };
    let runner = Runner::new(strict);
    assert_eq!(
        step_names(&Topology::of::<Strict>()),
        ["draft", "review", "publish", "reject"]
    );
    let mut handler = runner.run("bad idea".to_string());
    while handler.next().await.is_some() {}
    assert_eq!(handler.state().steps, ["draft", "review", "reject"]);
    assert_eq!(
        handler.await.ok().as_deref(),
        Some("strictly rejected bad idea")
    );
    let published = runner.run("idea".to_string()).await;
    assert_eq!(published.ok().as_deref(), Some("strictly published idea"));
}

#[tokio::test]
async fn an_inherited_step_is_retried_with_the_base_s_policy() {
    // Two failures: the third and last attempt succeeds.
    let flaky = Pipeline::new("", 2);
    let counter = Arc::clone(&flaky.flaky);
    let runner = Runner::new(Plain { base: flaky });
    assert_eq!(
        runner.run("essay".to_string()).await.ok().as_deref(),
        Some("published essay")
    );
    assert_eq!(counter.load(Ordering::SeqCst), 0);

    // Three failures exhaust the base's three attempts: the run fails.
    let runner = Runner::new(Plain {
        base: Pipeline::new("", 3),
    });
    let error = runner.run("essay".to_string()).await.err();
    let message = error.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("reviewer unavailable"),
        "unexpected outcome: {message:?}"
    );
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Note(String);

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Extra(String);

/// A base that hands `Note` to the other workflows of a host.
struct Announcer;

#[workflow(extendable, publishes(Note))]
impl Announcer {
    #[step(sends(Note))]
    async fn announce(&self, ctx: &Context, ev: StartEvent<String>) -> StopEvent<String> {
        ctx.send_event(Note(ev.input.clone()));
        StopEvent::new(ev.input)
    }
}

struct LoudAnnouncer(Announcer);

#[workflow(extends(Announcer, via = 0), publishes(Extra))]
impl LoudAnnouncer {
    #[step(replaces, sends(Note, Extra))]
    async fn announce(&self, ctx: &Context, ev: StartEvent<String>) -> StopEvent<String> {
        ctx.send_event(Note(ev.input.clone()));
        ctx.send_event(Extra(ev.input.clone()));
        StopEvent::new(ev.input)
    }
}

#[test]
fn declared_events_of_the_base_carry_over_and_the_extending_workflow_adds_its_own() {
    use eventflow::Workflow;
    let names = |list: &[eventflow::event::EventType]| -> Vec<&str> {
        list.iter().map(eventflow::event::EventType::name).collect()
    };
    assert_eq!(names(<Announcer as Workflow>::PUBLISHES), ["Note"]);
    // The base's first, then its own.
    assert_eq!(
        names(<LoudAnnouncer as Workflow>::PUBLISHES),
        ["Note", "Extra"]
    );
}
