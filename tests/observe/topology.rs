//! A workflow's topology as data: every kind of step and connection, as the macro declared it.

use eventflow::prelude::*;
use eventflow::step::Takes;
use eventflow::topology::{EdgeKind, EventRole};
use eventflow::{StepFailed, Topology};
// The workflow with every kind of step and connection: the drawings are tested on it too.
use eventflow_testkit::samples::{Approval, Draft, Everything};

fn edges(t: &Topology, step: &str) -> Vec<(EdgeKind, String)> {
    let i = t.step(step).expect("the step exists");
    t.edges_of(i)
        .map(|e| (e.kind, t.events[e.event].name.clone()))
        .collect()
}

#[test]
fn every_kind_of_connection_is_in_the_topology() {
    let t = Topology::of::<Everything>();
    assert_eq!(t.workflow, "Everything");
    let names: Vec<&str> = t.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["plan", "call", "gather", "draft", "review", "fallback"]
    );

    let e = |kind, name: &str| (kind, name.to_string());
    assert_eq!(
        edges(&t, "plan"),
        [
            e(EdgeKind::Accepts, "StartEvent"),
            e(EdgeKind::FansOut, "Call"),
            e(EdgeKind::Sends, "Note")
        ]
    );
    assert_eq!(
        edges(&t, "call"),
        [
            e(EdgeKind::Accepts, "Call"),
            e(EdgeKind::Emits, "Found"),
            e(EdgeKind::Streams, "Progress"),
            e(EdgeKind::Fails, "StepFailed")
        ]
    );
    assert_eq!(
        edges(&t, "gather"),
        [e(EdgeKind::Joins, "Found"), e(EdgeKind::Emits, "Question")]
    );
    assert_eq!(
        edges(&t, "fallback"),
        [
            e(EdgeKind::Emits, "StopEvent"),
            e(EdgeKind::Recovers, "StepFailed")
        ]
    );

    let call = &t.steps[1];
    assert_eq!((call.num_workers, call.retries), (8, true));
    assert_eq!(t.steps[2].takes, Takes::Collections { take: Some(2) });
    assert_eq!(t.steps[3].takes, Takes::EachOf);
    assert!(t.steps[0].fans_out);
    assert_eq!(
        t.steps[5].recovers,
        Some(vec!["call".to_string(), "review".to_string()])
    );

    let role = |name: &str| t.events.iter().find(|e| e.name == name).map(|e| e.role);
    assert_eq!(role("StartEvent"), Some(EventRole::Start));
    assert_eq!(role("StopEvent"), Some(EventRole::Stop));
    assert_eq!(role("Approval"), Some(EventRole::External));
    assert_eq!(role("Progress"), Some(EventRole::Stream));
    assert_eq!(role("StepFailed"), Some(EventRole::Failure));
    assert_eq!(role("Call"), Some(EventRole::Internal));
}

#[test]
fn the_listing_reads_like_the_signatures() {
    assert_eq!(
        Topology::of::<Everything>().to_string(),
        "\
workflow Everything
  start StartEvent
  stop StopEvent
  external Approval
step plan
  accepts StartEvent
  fans out Call
  sends Note
step call (8 workers, retries)
  accepts Call
  emits Found
  streams Progress
step gather (takes 2)
  joins Found
  emits Question
step draft
  accepts Question + Note
  emits Draft
step review
  accepts Draft
  emits StopEvent
step fallback
  emits StopEvent
  recovers steps call, review
"
    );
}

#[test]
fn a_topology_round_trips_through_json() -> Result<(), serde_json::Error> {
    let t = Topology::of::<Everything>();
    let json = serde_json::to_string(&t)?;
    assert!(json.contains(r#""kind":"fans_out""#), "{json}");
    let back: Topology = serde_json::from_str(&json)?;
    assert_eq!(back, t);
    Ok(())
}

/// One recovery step for everything: each step's failure reaches it.
struct CatchAll;

#[workflow]
impl CatchAll {
    #[step]
    async fn a(&self, ev: StartEvent) -> Draft {
        Draft(format!("{:?}", ev.input))
    }

    #[step]
    async fn b(&self, ev: Draft) -> StopEvent<String> {
        StopEvent::new(ev.0)
    }

    #[step(catch_errors)]
    async fn rescue(&self, _failed: StepFailed) -> StopEvent<String> {
        StopEvent::new("rescued".into())
    }
}

#[test]
fn a_catch_all_recovery_step_is_fed_by_every_other_step() {
    let t = Topology::of::<CatchAll>();
    let failing: Vec<&str> = t
        .edges
        .iter()
        .filter(|e| e.kind == EdgeKind::Fails)
        .map(|e| t.steps[e.step].name.as_str())
        .collect();
    assert_eq!(failing, ["a", "b"]);
    assert!(t.to_string().contains("  recovers every other step\n"));
}

mod free {
    use eventflow::prelude::*;

    #[derive(Clone, Serialize, Deserialize, Event)]
    pub(crate) struct Shout(pub(crate) String);

    #[step]
    pub(crate) async fn shout(ev: Shout) -> StopEvent<String> {
        StopEvent::new(ev.0.to_uppercase())
    }
}

struct Open;

#[workflow(open, stop = StopEvent<String>)]
impl Open {
    #[step]
    async fn start(&self, ev: StartEvent<String>) -> free::Shout {
        free::Shout(ev.input)
    }
}

#[test]
fn a_runner_topology_includes_free_steps() -> Result<(), eventflow::error::ValidationError> {
    let runner = Runner::builder(Open).step(free::ShoutStep).build()?;
    let t = runner.topology();
    let names: Vec<&str> = t.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["start", "shout"]);
    // The static view of the open workflow knows only its own steps.
    assert_eq!(Topology::of::<Open>().steps.len(), 1);
    Ok(())
}

#[test]
fn file_names_come_from_workflow_names_in_snake_case() {
    assert_eq!(Topology::of::<Everything>().slug(), "everything");
    assert_eq!(Topology::of::<CatchAll>().slug(), "catch_all");
}

mod snapshots {
    use eventflow::Topology;
    use eventflow::testing::assert_topology_snapshot;
    use eventflow_testkit::ScratchDir;

    #[test]
    fn a_matching_snapshot_passes() {
        let topology = Topology::of::<super::CatchAll>();
        let dir = ScratchDir::new("snapshots");
        let path = dir.join("match.topology");
        std::fs::write(&path, topology.to_string()).expect("a scratch file");
        assert_topology_snapshot(&topology, &path);
    }

    #[test]
    fn a_changed_topology_fails_showing_the_difference() {
        let topology = Topology::of::<super::CatchAll>();
        let dir = ScratchDir::new("snapshots");
        let path = dir.join("changed.topology");
        let old = topology.to_string().replace("step b\n", "step c\n");
        std::fs::write(&path, &old).expect("a scratch file");
        let failure = std::panic::catch_unwind(|| assert_topology_snapshot(&topology, &path));
        let message = failure
            .err()
            .and_then(|p| p.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        assert!(message.contains("- step c\n+ step b\n"), "{message}");
        assert!(message.contains("EVENTFLOW_BLESS=1"), "{message}");
        // The snapshot is left as it was.
        assert_eq!(std::fs::read_to_string(&path).ok(), Some(old));
    }

    #[test]
    fn a_missing_snapshot_fails() {
        let topology = Topology::of::<super::CatchAll>();
        let dir = ScratchDir::new("snapshots");
        let path = dir.join("missing.topology");
        assert!(std::panic::catch_unwind(|| assert_topology_snapshot(&topology, &path)).is_err());
    }
}

// --- comparing two versions of a workflow ------------------------------------------------------

/// `Everything` as a later release would change it: `call` has fewer workers and no retries,
/// `draft` emits a second kind of event, and `fallback` is gone.
mod next_release {
    use eventflow::prelude::*;
    use eventflow_testkit::samples::{
        Approval, Call, Down, Draft, Found, Note, Progress, Question,
    };

    #[derive(Clone, Serialize, Deserialize, Event)]
    pub(crate) struct Outline(pub(crate) String);

    pub(crate) struct Everything;

    #[workflow(external(Approval))]
    impl Everything {
        #[step(sends(Note))]
        async fn plan(&self, ctx: &Context, ev: StartEvent<String>) -> Vec<Call> {
            ctx.send_event(Note(ev.input.clone()));
            vec![Call(ev.input)]
        }

        #[step(stream_only(Progress))]
        async fn call(&self, ctx: &Context, ev: Call) -> Result<Found, Down> {
            ctx.write_event_to_stream(Progress(1));
            Ok(Found(ev.0))
        }

        #[step(take = 2)]
        async fn gather(&self, found: Vec<Found>) -> Question {
            Question(found.into_iter().map(|f| f.0).collect())
        }

        #[step]
        async fn draft(&self, question: Question, note: Note) -> OneOf![Draft | Outline] {
            if note.0.is_empty() {
                return Outline(question.0).into();
            }
            Draft(question.0 + &note.0).into()
        }

        #[step]
        async fn outline(&self, ev: Outline) -> Draft {
            Draft(ev.0)
        }

        #[step]
        async fn review(&self, ctx: &Context, ev: Draft) -> Result<StopEvent<String>, WaitError> {
            let approval = ctx.wait_for_event::<Approval>().await?;
            Ok(StopEvent::new(if approval.0 {
                ev.0
            } else {
                String::new()
            }))
        }
    }
}

#[test]
fn a_changed_workflow_says_what_changed_step_by_step() {
    let before = Topology::of::<Everything>();
    let after = Topology::of::<next_release::Everything>();
    assert_ne!(after.fingerprint(), before.fingerprint());
    assert_eq!(
        after.changes_since(&before),
        [
            "step `fallback` removed",
            "step `call`: `8 workers, retries` removed",
            "step `draft`: `emits Draft` removed",
            "step `draft`: `emits Draft, Outline` added",
            "step `outline` added",
        ]
    );
    assert!(before.changes_since(&before).is_empty());
}

#[test]
fn a_fingerprint_is_the_same_for_the_same_graph_and_stable_across_builds() {
    let topology = Topology::of::<Everything>();
    let listing: Topology =
        serde_json::from_str(&serde_json::to_string(&topology).expect("a topology serializes"))
            .expect("and reads back");
    assert_eq!(listing.fingerprint(), topology.fingerprint());
    // FNV-1a of the listing, which does not depend on the build: pinned so that a change to
    // how it is computed shows here before it invalidates stored runs.
    let fnv = topology
        .to_string()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    assert_eq!(topology.fingerprint(), fnv);
}

#[test]
fn an_event_known_by_name_reads_back_from_json() {
    let runner = Runner::new(Everything);
    let approval = runner
        .event_type("Approval")
        .expect("external events are known");
    let event = approval.decode_json(b"true").expect("an approval");
    assert_eq!(event.downcast_ref::<Approval>().map(|a| a.0), Some(true));
    // Every event of the graph is known by its name, and reads back as the same type.
    let topology = runner.topology();
    for node in &topology.events {
        let ty = runner.event_type(&node.name);
        assert_eq!(ty.map(|t| t.name()), Some(node.name.as_str()));
    }
    assert!(runner.event_type("Refund").is_none());
    // A wrong shape or trailing input is an error, not a panic or a partial read.
    assert!(approval.decode_json(b"\"yes\"").is_err());
    assert!(approval.decode_json(b"true false").is_err());
    assert!(approval.decode_json(b"").is_err());
}
