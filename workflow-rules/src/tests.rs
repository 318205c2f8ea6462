//! The rules on small graphs, one behaviour each.

use crate::{Graph, Node, Problem, Site, check, fan_out_joins};

fn node(name: &str, accepts: &[usize], emits: &[usize]) -> Node {
    Node {
        name: name.into(),
        accepts: accepts.to_vec(),
        emits: emits.to_vec(),
        ..Node::default()
    }
}

fn graph(steps: Vec<Node>) -> Graph {
    Graph {
        steps,
        events: (0..8).map(|i| format!("E{i}")).collect(),
        start: Some(0),
        stop: Some(1),
        external: vec![],
        published: vec![],
        step_failed: None,
    }
}

#[test]
fn a_straight_line_is_valid() {
    assert!(check(&graph(vec![node("a", &[0], &[2]), node("b", &[2], &[1])])).is_empty());
}

#[test]
fn a_loop_with_an_exit_is_valid() {
    let g = graph(vec![
        node("begin", &[0, 3], &[2, 1]),
        node("work", &[2], &[3]),
    ]);
    assert!(check(&g).is_empty());
}

#[test]
fn an_unproduced_event_is_reported_once_and_not_as_unreachable() {
    // `b` accepts E5 that nobody emits; `c` only follows from `b`.
    let g = graph(vec![
        node("a", &[0], &[1]),
        node("b", &[5], &[6]),
        node("c", &[6], &[1]),
    ]);
    assert_eq!(
        check(&g),
        vec![Problem::NeverProduced {
            event: 5,
            step: 1,
            site: Site::Accepts(0)
        }]
    );
}

#[test]
fn an_unconsumed_event_is_not_also_a_dead_end() {
    let g = graph(vec![node("a", &[0], &[1]), node("b", &[0], &[5])]);
    let problems = check(&g);
    assert_eq!(
        problems,
        vec![Problem::NeverConsumed {
            event: 5,
            step: 1,
            site: Site::Emits(0)
        }]
    );
}

#[test]
fn a_closed_cycle_is_unreachable_and_not_a_dead_end() {
    let g = graph(vec![
        node("a", &[0], &[1]),
        node("x", &[3], &[4]),
        node("y", &[4], &[3]),
    ]);
    assert_eq!(
        check(&g),
        vec![
            Problem::Unreachable { step: 1 },
            Problem::Unreachable { step: 2 }
        ]
    );
}

#[test]
fn a_cycle_without_exit_is_a_dead_end() {
    let g = graph(vec![
        node("a", &[0], &[1, 3]),
        node("x", &[3], &[4]),
        node("y", &[4], &[3]),
    ]);
    assert_eq!(
        check(&g),
        vec![Problem::DeadEnd { step: 1 }, Problem::DeadEnd { step: 2 }]
    );
}

#[test]
fn opt_outs_silence_their_rule() {
    let mut sink = node("sink", &[0], &[]);
    sink.allow_dead_end = true;
    let mut progress = node("progress", &[0], &[6]);
    progress.stream_only = vec![6];
    progress.allow_dead_end = true;
    let g = graph(vec![node("a", &[0], &[1]), sink, progress]);
    assert!(check(&g).is_empty());
}

#[test]
fn missing_start_and_stop_do_not_cascade() {
    let g = graph(vec![node("a", &[2], &[3]), node("b", &[3], &[2])]);
    assert_eq!(
        check(&g),
        vec![Problem::NoStartConsumer, Problem::NoStopProducer]
    );
}

#[test]
fn asking_the_caller_ends_a_branch_in_a_workflow_with_external_events() {
    let mut ask = node("ask", &[0], &[6]);
    ask.stream_only = vec![6];
    let mut g = graph(vec![ask, node("answer", &[7], &[1])]);
    assert!(check(&g).contains(&Problem::DeadEnd { step: 0 }));
    g.external = vec![7];
    assert!(check(&g).is_empty());
}

#[test]
fn external_events_count_as_produced_and_reachable() {
    let mut g = graph(vec![node("a", &[0], &[1]), node("answer", &[7], &[1])]);
    g.external = vec![7];
    assert!(check(&g).is_empty());
}

#[test]
fn duplicates_and_stop_acceptance_are_reported() {
    let g = graph(vec![node("a", &[0], &[1]), node("a", &[1], &[])]);
    assert_eq!(
        check(&g),
        vec![
            Problem::DuplicateName { step: 1, first: 0 },
            Problem::AcceptsStop {
                step: 1,
                site: Site::Accepts(0)
            },
        ]
    );
}

fn fan_out(name: &str, accepts: &[usize], emits: &[usize]) -> Node {
    Node {
        fans_out: emits.to_vec(),
        ..node(name, accepts, emits)
    }
}

fn join(name: &str, accepts: &[usize], emits: &[usize]) -> Node {
    Node {
        collects: true,
        ..node(name, accepts, emits)
    }
}

#[test]
fn a_join_must_follow_a_fan_out() {
    let g = graph(vec![node("a", &[0], &[2]), join("gather", &[2], &[1])]);
    assert_eq!(
        check(&g),
        vec![Problem::JoinWithoutFanOut {
            event: 2,
            step: 1,
            site: Site::Accepts(0)
        }]
    );
    let g = graph(vec![
        fan_out("a", &[0], &[3]),
        node("work", &[3], &[2]),
        join("gather", &[2], &[1]),
    ]);
    assert!(check(&g).is_empty());
    assert_eq!(fan_out_joins(&g, 0), [2]);
}

#[test]
fn nested_fan_outs_have_their_own_joins() {
    // split: E0 => [E2]; chunk: E2 => [E3]; inner: [E3] -> E4; outer: [E4] -> E1.
    let g = graph(vec![
        fan_out("split", &[0], &[2]),
        fan_out("chunk", &[2], &[3]),
        join("inner", &[3], &[4]),
        join("outer", &[4], &[1]),
    ]);
    assert!(check(&g).is_empty());
    assert_eq!(fan_out_joins(&g, 0), [3]);
    assert_eq!(fan_out_joins(&g, 1), [2]);
    // A second join of E4 after the outer one closes no fan-out.
    let mut g = g;
    g.steps[3].emits = vec![5];
    g.steps.push(join("again", &[5], &[1]));
    assert_eq!(
        check(&g),
        vec![Problem::JoinWithoutFanOut {
            event: 5,
            step: 4,
            site: Site::Accepts(0)
        }]
    );
}

#[test]
fn a_recovery_inside_a_branch_stays_in_its_fan_out() {
    let mut recover = node("recover", &[7], &[2]);
    recover.catches = Some(vec!["work".into()]);
    let mut g = graph(vec![
        fan_out("split", &[0], &[3]),
        node("work", &[3], &[6]),
        recover,
        join("gather", &[2, 6], &[1]),
    ]);
    g.step_failed = Some(7);
    assert!(check(&g).is_empty(), "{:?}", check(&g));
}

/// The agent shape: `model` returns either the tool calls (a fan-out) or the stop event; the
/// tools' results are joined and loop back to `model`.
#[test]
fn a_step_may_fan_out_one_event_and_emit_another() {
    // model: E0 | E4 => [E2] | E1; tool: E2 -> E3; gather: [E3] -> E4.
    let mut model = node("model", &[0, 4], &[2, 1]);
    model.fans_out = vec![2];
    let g = graph(vec![
        model,
        node("tool", &[2], &[3]),
        join("gather", &[3], &[4]),
    ]);
    assert!(check(&g).is_empty(), "{:?}", check(&g));
    assert_eq!(fan_out_joins(&g, 0), [2]);
    // The plain arm is no fan-out: a join of what follows it has nothing to join.
    let mut model = node("model", &[0], &[2, 5]);
    model.fans_out = vec![2];
    let g = graph(vec![
        model,
        node("tool", &[2], &[3]),
        join("gather", &[3], &[1]),
        node("direct", &[5], &[6]),
        join("lonely", &[6], &[1]),
    ]);
    assert_eq!(
        check(&g),
        vec![Problem::JoinWithoutFanOut {
            event: 6,
            step: 4,
            site: Site::Accepts(0)
        }]
    );
}
