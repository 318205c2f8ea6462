//! Diagrams to test drawings with: the shapes of real workflows, and odd ones.

use crate::diagram::{Diagram, Emphasis, Link, LinkKind, Node, NodeKind};

use LinkKind::{Failure, FanOut, Flow, Join, Sends, Stream};
use NodeKind::{External, Internal, RecoveryStep, Start, Step, Stop};

/// Builds a diagram from `(kind, label)` nodes and `(from, to, kind, label)` links.
pub(crate) fn build(
    title: &str,
    nodes: &[(NodeKind, &str)],
    links: &[(usize, usize, LinkKind, Option<&str>)],
) -> Diagram {
    Diagram {
        title: title.to_owned(),
        subtitle: None,
        nodes: nodes
            .iter()
            .enumerate()
            .map(|(i, &(kind, label))| Node {
                id: format!("n{i}"),
                label: label.to_owned(),
                kind,
                badges: Vec::new(),
                emphasis: Emphasis::Normal,
            })
            .collect(),
        links: links
            .iter()
            .map(|&(from, to, kind, label)| Link {
                from,
                to,
                kind,
                label: label.map(str::to_owned),
            })
            .collect(),
        notes: Vec::new(),
        groups: Vec::new(),
    }
}

/// A loop: `begin` asks for feedback, which orders or clears, and both lead back to `begin`.
pub(crate) fn feedback_monitor() -> Diagram {
    build(
        "FeedbackMonitorWorkflow",
        &[
            (Step, "begin"),
            (Step, "get_feedback"),
            (Step, "order"),
            (Step, "clear"),
            (Start, "StartEvent"),
            (Internal, "GetFeedbackEvent"),
            (Internal, "OrderEvent"),
            (Internal, "ClearEvent"),
            (Internal, "LoopEvent"),
            (Stop, "StopEvent"),
        ],
        &[
            (4, 0, Flow, None),
            (8, 0, Flow, None),
            (0, 5, Flow, None),
            (0, 9, Flow, None),
            (5, 1, Flow, None),
            (1, 6, Flow, None),
            (1, 7, Flow, None),
            (6, 2, Flow, None),
            (7, 3, Flow, None),
            (2, 8, Flow, None),
            (3, 8, Flow, None),
        ],
    )
}

/// Three concurrent branches sent by `start`, collected by `trading_decision`.
pub(crate) fn concurrent() -> Diagram {
    build(
        "ComplexFeedbackMonitor",
        &[
            (Step, "start"),
            (Step, "online_feedback"),
            (Step, "offline_feedback"),
            (Step, "trending_predict"),
            (Step, "trading_decision"),
            (Step, "trade"),
            (Start, "StartEvent"),
            (Internal, "OnlineEvent"),
            (Internal, "OfflineEvent"),
            (Internal, "TrendingPredictionEvent"),
            (Internal, "OnlineFeedbackEvent"),
            (Internal, "OfflineFeedbackEvent"),
            (Internal, "PredictionResultEvent"),
            (Internal, "TradeEvent"),
            (Stop, "StopEvent"),
        ],
        &[
            (6, 0, Flow, None),
            (0, 7, Sends, Some("sends")),
            (0, 8, Sends, Some("sends")),
            (0, 9, Sends, Some("sends")),
            (7, 1, Flow, None),
            (1, 10, Flow, None),
            (8, 2, Flow, None),
            (2, 11, Flow, None),
            (9, 3, Flow, None),
            (3, 12, Flow, None),
            (10, 4, Flow, None),
            (11, 4, Flow, None),
            (12, 4, Flow, None),
            (4, 13, Flow, None),
            (13, 5, Flow, None),
            (5, 14, Flow, None),
        ],
    )
}

/// Every kind of node and link: a fan-out, a join, sends, a stream, failures and a recovery
/// step, and an external event nothing links to.
pub(crate) fn everything() -> Diagram {
    let mut d = build(
        "Everything",
        &[
            (Step, "plan"),
            (Step, "call"),
            (Step, "gather"),
            (Step, "draft"),
            (Step, "review"),
            (RecoveryStep, "fallback"),
            (Start, "StartEvent"),
            (Internal, "Call"),
            (Internal, "Note"),
            (Internal, "Found"),
            (NodeKind::Stream, "Progress"),
            (Internal, "Question"),
            (Internal, "Draft"),
            (External, "Approval"),
            (Stop, "StopEvent"),
            (NodeKind::Failure, "StepFailed"),
        ],
        &[
            (6, 0, Flow, None),
            (0, 7, FanOut, Some("fan-out")),
            (0, 8, Sends, Some("sends")),
            (7, 1, Flow, None),
            (1, 9, Flow, None),
            (1, 10, Stream, None),
            (1, 15, Failure, None),
            (9, 2, Join, Some("join first 2")),
            (2, 11, Flow, None),
            (11, 3, Flow, None),
            (8, 3, Flow, None),
            (3, 12, Flow, None),
            (12, 4, Flow, None),
            (4, 14, Flow, None),
            (4, 15, Failure, None),
            (5, 14, Flow, None),
            (15, 5, Flow, None),
        ],
    );
    d.nodes[1].badges = vec!["8 workers".into(), "retries".into()];
    d.nodes[2].badges = vec!["first 2".into()];
    d.nodes[3].badges = vec!["one of each".into()];
    d
}

/// Thirteen steps in a pipeline with two loops, one inside the other's reach, and a side
/// branch.
pub(crate) fn large() -> Diagram {
    let steps = [
        "ingest", "parse", "validate", "enrich", "classify", "route", "review", "revise",
        "approve", "publish", "notify", "archive", "audit",
    ];
    let mut nodes: Vec<(NodeKind, String)> =
        steps.iter().map(|s| (Step, (*s).to_owned())).collect();
    let events = [
        "Raw",
        "Parsed",
        "Valid",
        "Enriched",
        "Classified",
        "ToReview",
        "Reviewed",
        "Revised",
        "Approved",
        "Published",
        "Notified",
        "Archived",
        "Retry",
    ];
    nodes.push((Start, "StartEvent".into()));
    let first_event = nodes.len();
    nodes.extend(events.iter().map(|e| (Internal, format!("{e}Event"))));
    nodes.push((Stop, "StopEvent".into()));
    let stop = nodes.len() - 1;
    let ev = |i: usize| first_event + i;
    let mut links = vec![(first_event - 1, 0, Flow, None)];
    // step i emits event i, which the next step takes.
    for i in 0..12 {
        links.push((i, ev(i), Flow, None));
        links.push((ev(i), i + 1, Flow, None));
    }
    links.extend([
        (12, stop, Flow, None),
        // validate fails: retry from parse.
        (2, ev(12), Flow, None),
        (ev(12), 1, Flow, None),
        // review sends back for revision, revise returns to review.
        (6, ev(7), Sends, Some("sends")),
        (7, ev(6), Flow, None),
        (ev(7), 7, Flow, None),
        // route can skip straight to approval.
        (5, ev(8), Flow, None),
    ]);
    let named: Vec<(NodeKind, &str)> = nodes.iter().map(|(k, s)| (*k, s.as_str())).collect();
    build("LargePipeline", &named, &links)
}

/// A deterministic jumble of `n` nodes: random links, self-links, duplicates and links to
/// nodes that do not exist.
pub(crate) fn jumble(n: usize, links: usize, seed: u64) -> Diagram {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut next = move |below: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) as usize) % below.max(1)
    };
    let kinds = [
        Step,
        Internal,
        Start,
        Stop,
        External,
        NodeKind::Stream,
        NodeKind::Failure,
        RecoveryStep,
    ];
    let labels: Vec<String> = (0..n)
        .map(|i| format!("node_{i}_{}", "x".repeat(next(12))))
        .collect();
    let nodes: Vec<(NodeKind, &str)> = labels
        .iter()
        .map(|l| (kinds[next(kinds.len())], l.as_str()))
        .collect();
    let kinds = [Flow, Sends, FanOut, Join, Stream, Failure];
    let mut all = Vec::new();
    for i in 0..links {
        let from = next(n + 2);
        let to = if i % 17 == 0 { from } else { next(n + 1) };
        let label = (i % 3 == 0).then_some("label");
        all.push((from, to, kinds[next(kinds.len())], label));
    }
    build("Jumble", &nodes, &all)
}

/// A host of three workflows, events crossing between them both ways.
pub(crate) fn host() -> Diagram {
    crate::host::host_diagram(&crate::host::samples::host())
}

/// A host of eight workflows, too wide for one row of frames, with crossings between the
/// rows and over other frames.
pub(crate) fn big_host() -> Diagram {
    let mut host = crate::host::samples::host();
    let (workflows, crossings) = (host.workflows.clone(), host.crossings.clone());
    for copy in 1..=2 {
        let base = host.workflows.len();
        host.workflows
            .extend(workflows.iter().cloned().map(|mut w| {
                w.workflow = format!("{}Copy{copy}", w.workflow);
                w
            }));
        host.crossings
            .extend(crossings.iter().cloned().map(|mut c| {
                c.from += base;
                c.to += base;
                c
            }));
    }
    // The first monitor also starts the last audit, far away.
    if let Some(mut far) = host.crossings.first().cloned() {
        far.to = host.workflows.len() - 1;
        host.crossings.push(far);
    }
    let mut d = crate::host::host_diagram(&host);
    // And a node in no group, laid out unframed after the groups.
    d.nodes.push(Node {
        id: "loose".into(),
        label: "Loose".into(),
        kind: Internal,
        badges: Vec::new(),
        emphasis: Emphasis::Normal,
    });
    d.links.push(Link {
        from: 1,
        to: d.nodes.len() - 1,
        kind: Flow,
        label: Some("somewhere".into()),
    });
    d
}

/// Every sample above, named.
pub(crate) fn all() -> Vec<(&'static str, Diagram)> {
    vec![
        ("host", host()),
        ("big_host", big_host()),
        ("feedback_monitor", feedback_monitor()),
        ("concurrent", concurrent()),
        ("everything", everything()),
        ("large", large()),
        ("jumble_small", jumble(12, 20, 7)),
        ("jumble_200", jumble(200, 320, 42)),
        ("empty", Diagram::default()),
        (
            "self_and_duplicates",
            build(
                "Odd",
                &[(Step, "a"), (Internal, "B")],
                &[
                    (0, 0, Flow, Some("again")),
                    (0, 0, Flow, None),
                    (0, 1, Flow, Some("one")),
                    (0, 1, Flow, Some("two")),
                    (1, 0, Flow, Some("back")),
                    (1, 0, Flow, None),
                    (5, 0, Flow, None),
                ],
            ),
        ),
        (
            "lonely",
            build("Lonely", &[(Step, "a"), (Internal, "B"), (Stop, "C")], &[]),
        ),
    ]
}
