//! The rules of a valid eventflow event graph, shared by the `#[workflow]` macro (which checks
//! an impl at compile time) and the runtime (which checks workflows assembled from free-function
//! steps when their runner is built), so both apply the same rules and word each problem the
//! same way. It uses only `std`.
//!
//! Events are numbered by the caller (by `TypeId` at run time, by spelling at compile time);
//! a problem names a step and, where it has one, the position of the offending type in that
//! step's lists, so the macro can point at the exact token.
//!
//! Each rule assumes the problems found by the others are fixed, so that one mistake is
//! reported once: a step that accepts an event nobody emits is not also called unreachable,
//! and a step that emits an event nobody accepts is not also called a dead end.
//!
//! ```
//! use eventflow_rules::{Graph, Node, Problem, check, describe};
//!
//! // Event 0 starts the run, event 1 stops it; the only step takes 0 and emits nothing.
//! let graph = Graph {
//!     steps: vec![Node { name: "begin".into(), accepts: vec![0], ..Node::default() }],
//!     events: vec!["StartEvent".into(), "StopEvent".into()],
//!     start: Some(0),
//!     stop: Some(1),
//!     external: vec![],
//!     published: vec![],
//!     step_failed: None,
//! };
//! let problems = check(&graph);
//! assert_eq!(problems, [Problem::NoStopProducer]);
//! assert!(describe(&graph, &problems[0]).contains("StopEvent"));
//! ```

use std::collections::HashSet;

/// A workflow's event graph.
#[derive(Debug, Clone)]
pub struct Graph {
    /// The steps, in declaration order; a step's number is its index here.
    pub steps: Vec<Node>,
    /// Printable names of the events, indexed by event number.
    pub events: Vec<String>,
    /// The start event, if known; `None` skips the rules that need it.
    pub start: Option<usize>,
    /// The stop event, if known; `None` skips the rules that need it.
    pub stop: Option<usize>,
    /// Events that arrive from outside the run: from its caller, or from other workflows of
    /// its host.
    pub external: Vec<usize>,
    /// Events the workflow hands to other workflows of its host.
    pub published: Vec<usize>,
    /// The event an error-recovery step takes, which the runtime produces.
    pub step_failed: Option<usize>,
}

/// One step of a [`Graph`].
#[derive(Debug, Clone, Default)]
pub struct Node {
    /// The step's name.
    pub name: String,
    /// The events it takes, in signature order.
    pub accepts: Vec<usize>,
    /// The events it may return, in signature order.
    pub emits: Vec<usize>,
    /// The events it may send through its context (`sends(..)`).
    pub sends: Vec<usize>,
    /// Emitted events that need no taker: they only go to the caller's stream.
    pub stream_only: Vec<usize>,
    /// The step need not lead to the stop event.
    pub allow_dead_end: bool,
    /// The step need not be reachable from the start event.
    pub allow_unreachable: bool,
    /// For an error-recovery step, the steps it recovers (empty: every other step).
    pub catches: Option<Vec<String>>,
    /// The emitted events that come as a fan-out (`-> Vec<E>`, or the `Vec<E>` arm of
    /// `-> OneOf![Vec<E> | F]`): each execution returns either one event or a collection of
    /// one of these, whose branches the steps that take collections join.
    pub fans_out: Vec<usize>,
    /// The step takes collections: it joins fan-outs of the events it accepts.
    pub collects: bool,
}

/// Where in a step's signature an event appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site {
    /// The n-th accepted type.
    Accepts(usize),
    /// The n-th returned type.
    Emits(usize),
    /// The n-th type of `sends(..)`.
    Sends(usize),
}

/// A broken rule. Steps and events are numbers into the [`Graph`]'s lists; `site` is where in
/// the step's signature the offending event appears.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(
    missing_docs,
    reason = "the fields are the step, event and site numbers the type's docs describe"
)]
pub enum Problem {
    /// Two steps share a name: `step` is the second, `first` the first.
    DuplicateName { step: usize, first: usize },
    /// No step accepts the start event.
    NoStartConsumer,
    /// No step emits or sends the stop event.
    NoStopProducer,
    /// A step accepts the stop event.
    AcceptsStop { step: usize, site: Site },
    /// An accepted event that no step emits or sends (reported at its first acceptance).
    NeverProduced {
        event: usize,
        step: usize,
        site: Site,
    },
    /// An emitted or sent event that no step accepts (reported at its first emission).
    NeverConsumed {
        event: usize,
        step: usize,
        site: Site,
    },
    /// A step that no path from the start event reaches.
    Unreachable { step: usize },
    /// A step with no path to the stop event.
    DeadEnd { step: usize },
    /// An error-recovery step names a step that does not exist (`target` is the name's
    /// position in the step's `catches` list).
    RecoversUnknownStep { step: usize, target: usize },
    /// An error-recovery step names another error-recovery step (at position `target` of its
    /// `catches` list).
    RecoversRecoverer { step: usize, target: usize },
    /// Two error-recovery steps name the same step: `step` names it (at position `target` of
    /// its `catches` list) after step `first` did.
    RecoveredTwice {
        step: usize,
        target: usize,
        first: usize,
    },
    /// Two error-recovery steps both recover every other step.
    TwoCatchAlls { step: usize, first: usize },
    /// An error-recovery step does not take the failure event.
    RecovererWithoutFailure { step: usize },
    /// A step takes a collection of an event that no fan-out leads to.
    JoinWithoutFanOut {
        event: usize,
        step: usize,
        site: Site,
    },
    /// The workflow publishes an event that no step emits or sends; `at` is its position in
    /// the published list.
    PublishedNeverProduced { event: usize, at: usize },
}

impl Problem {
    /// The step the problem is about, if any.
    pub fn step(&self) -> Option<usize> {
        match *self {
            Self::NoStartConsumer | Self::NoStopProducer | Self::PublishedNeverProduced { .. } => {
                None
            }
            Self::DuplicateName { step, .. }
            | Self::AcceptsStop { step, .. }
            | Self::NeverProduced { step, .. }
            | Self::NeverConsumed { step, .. }
            | Self::Unreachable { step }
            | Self::DeadEnd { step }
            | Self::RecoversUnknownStep { step, .. }
            | Self::RecoversRecoverer { step, .. }
            | Self::RecoveredTwice { step, .. }
            | Self::TwoCatchAlls { step, .. }
            | Self::RecovererWithoutFailure { step }
            | Self::JoinWithoutFanOut { step, .. } => Some(step),
        }
    }

    /// Where in that step's signature, if the problem is about one type.
    pub fn site(&self) -> Option<Site> {
        match *self {
            Self::AcceptsStop { site, .. }
            | Self::NeverProduced { site, .. }
            | Self::NeverConsumed { site, .. }
            | Self::JoinWithoutFanOut { site, .. } => Some(site),
            _ => None,
        }
    }
}

/// Checks every rule and returns the problems in a stable order.
pub fn check(g: &Graph) -> Vec<Problem> {
    let mut problems = Vec::new();
    duplicate_names(g, &mut problems);
    recoverers(g, &mut problems);

    let accepted = events_where(g, |n| n.accepts.iter());
    let produced = events_where(g, |n| n.emits.iter().chain(&n.sends));

    let start_ok = g.start.is_some_and(|s| accepted.contains(&s));
    let stop_ok = g.stop.is_some_and(|s| produced.contains(&s));
    if g.start.is_some() && !start_ok {
        problems.push(Problem::NoStartConsumer);
    }
    if g.stop.is_some() && !stop_ok {
        problems.push(Problem::NoStopProducer);
    }

    let accepts_stop = accepts_stop(g, &mut problems);
    let unproduced = never_produced(g, &produced, &mut problems);
    let unconsumed = never_consumed(g, &accepted, &mut problems);
    joins_without_fan_out(g, &unproduced, &mut problems);
    for (at, &event) in g.published.iter().enumerate() {
        if !produced.contains(&event) {
            problems.push(Problem::PublishedNeverProduced { event, at });
        }
    }

    let reached = if start_ok {
        reachable(g, &unproduced)
    } else {
        vec![true; g.steps.len()]
    };
    for (i, node) in g.steps.iter().enumerate() {
        if !reached[i] && !node.allow_unreachable && !accepts_stop.contains(&i) {
            problems.push(Problem::Unreachable { step: i });
        }
    }

    if stop_ok {
        let leads = leads_to_stop(g, &unconsumed);
        for (i, node) in g.steps.iter().enumerate() {
            if !leads[i] && !node.allow_dead_end && reached[i] && !accepts_stop.contains(&i) {
                problems.push(Problem::DeadEnd { step: i });
            }
        }
    }
    problems
}

fn duplicate_names(g: &Graph, problems: &mut Vec<Problem>) {
    for (i, node) in g.steps.iter().enumerate() {
        if let Some(first) = g.steps[..i].iter().position(|n| n.name == node.name) {
            problems.push(Problem::DuplicateName { step: i, first });
        }
    }
}

fn recoverers(g: &Graph, problems: &mut Vec<Problem>) {
    let mut claimed: Vec<(usize, usize)> = Vec::new();
    let mut catch_all: Option<usize> = None;
    for (i, node) in g.steps.iter().enumerate() {
        let Some(targets) = &node.catches else {
            continue;
        };
        if g.step_failed
            .is_some_and(|failed| !node.accepts.contains(&failed))
        {
            problems.push(Problem::RecovererWithoutFailure { step: i });
        }
        if targets.is_empty() {
            match catch_all {
                Some(first) => problems.push(Problem::TwoCatchAlls { step: i, first }),
                None => catch_all = Some(i),
            }
        }
        for (at, name) in targets.iter().enumerate() {
            let Some(target) = g.steps.iter().position(|n| n.name == *name) else {
                problems.push(Problem::RecoversUnknownStep {
                    step: i,
                    target: at,
                });
                continue;
            };
            if g.steps[target].catches.is_some() {
                problems.push(Problem::RecoversRecoverer {
                    step: i,
                    target: at,
                });
            } else if let Some(&(_, first)) = claimed.iter().find(|(t, _)| *t == target) {
                problems.push(Problem::RecoveredTwice {
                    step: i,
                    target: at,
                    first,
                });
            } else {
                claimed.push((target, i));
            }
        }
    }
}

fn events_where<'a, I>(g: &'a Graph, list: impl Fn(&'a Node) -> I) -> HashSet<usize>
where
    I: Iterator<Item = &'a usize>,
{
    g.steps.iter().flat_map(list).copied().collect()
}

fn accepts_stop(g: &Graph, problems: &mut Vec<Problem>) -> HashSet<usize> {
    let mut steps = HashSet::new();
    let Some(stop) = g.stop else {
        return steps;
    };
    for (i, node) in g.steps.iter().enumerate() {
        if let Some(at) = node.accepts.iter().position(|&e| e == stop) {
            problems.push(Problem::AcceptsStop {
                step: i,
                site: Site::Accepts(at),
            });
            steps.insert(i);
        }
    }
    steps
}

fn never_produced(
    g: &Graph,
    produced: &HashSet<usize>,
    problems: &mut Vec<Problem>,
) -> HashSet<usize> {
    let mut missing = HashSet::new();
    for (i, node) in g.steps.iter().enumerate() {
        for (at, &event) in node.accepts.iter().enumerate() {
            let from_runtime = node.catches.is_some() && Some(event) == g.step_failed;
            let from_outside =
                Some(event) == g.start || g.external.contains(&event) || from_runtime;
            if produced.contains(&event) || from_outside || Some(event) == g.stop {
                continue;
            }
            if missing.insert(event) {
                problems.push(Problem::NeverProduced {
                    event,
                    step: i,
                    site: Site::Accepts(at),
                });
            }
        }
    }
    missing
}

fn never_consumed(
    g: &Graph,
    accepted: &HashSet<usize>,
    problems: &mut Vec<Problem>,
) -> HashSet<usize> {
    let mut missing = HashSet::new();
    for (i, node) in g.steps.iter().enumerate() {
        let emitted = node
            .emits
            .iter()
            .enumerate()
            .map(|(at, e)| (Site::Emits(at), *e));
        let sent = node
            .sends
            .iter()
            .enumerate()
            .map(|(at, e)| (Site::Sends(at), *e));
        for (site, event) in emitted.chain(sent) {
            if accepted.contains(&event)
                || Some(event) == g.stop
                || node.stream_only.contains(&event)
                || g.published.contains(&event)
            {
                continue;
            }
            if missing.insert(event) {
                problems.push(Problem::NeverConsumed {
                    event,
                    step: i,
                    site,
                });
            }
        }
    }
    missing
}

/// Which steps a run can reach, counting events nobody produces as available (their absence
/// is reported on its own).
fn reachable(g: &Graph, unproduced: &HashSet<usize>) -> Vec<bool> {
    let mut available: HashSet<usize> = unproduced.clone();
    available.extend(g.start);
    available.extend(g.external.iter().copied());
    // A failure can happen anywhere: error-recovery steps are reachable.
    available.extend(g.step_failed);
    let mut reached = vec![false; g.steps.len()];
    loop {
        let mut changed = false;
        for (i, node) in g.steps.iter().enumerate() {
            if !reached[i] && node.accepts.iter().any(|e| available.contains(e)) {
                reached[i] = true;
                changed = true;
                available.extend(node.emits.iter().chain(&node.sends).copied());
            }
        }
        if !changed {
            return reached;
        }
    }
}

/// Which steps have a path to the stop event, counting events nobody accepts as leading there
/// (their absence of a consumer is reported on its own). In a workflow that takes events from
/// outside, a branch may also end by asking the caller something (a `stream_only` event): the
/// answer carries the run on.
fn leads_to_stop(g: &Graph, unconsumed: &HashSet<usize>) -> Vec<bool> {
    let mut good: HashSet<usize> = unconsumed.clone();
    good.extend(g.stop);
    // A branch may end by handing its event to another workflow.
    good.extend(g.published.iter().copied());
    if !g.external.is_empty() {
        good.extend(g.steps.iter().flat_map(|n| n.stream_only.iter().copied()));
    }
    let mut leads = vec![false; g.steps.len()];
    loop {
        let mut changed = false;
        for (i, node) in g.steps.iter().enumerate() {
            if !leads[i]
                && node
                    .emits
                    .iter()
                    .chain(&node.sends)
                    .any(|e| good.contains(e))
            {
                leads[i] = true;
                changed = true;
                good.extend(node.accepts.iter().copied());
            }
        }
        if !changed {
            return leads;
        }
    }
}

/// Every step that takes collections must be able to receive each of its events inside a
/// fan-out; an event nobody produces is reported on its own.
fn joins_without_fan_out(g: &Graph, unproduced: &HashSet<usize>, problems: &mut Vec<Problem>) {
    let mut joined = HashSet::new();
    for (i, node) in g.steps.iter().enumerate() {
        if !node.fans_out.is_empty() {
            fan_out_reach(g, i, &mut joined);
        }
    }
    for (i, node) in g.steps.iter().enumerate() {
        if !node.collects {
            continue;
        }
        for (at, &event) in node.accepts.iter().enumerate() {
            if !joined.contains(&(i, event)) && !unproduced.contains(&event) {
                problems.push(Problem::JoinWithoutFanOut {
                    event,
                    step: i,
                    site: Site::Accepts(at),
                });
            }
        }
    }
}

/// The steps that join the fan-out of step `from`: those that take collections of events its
/// branches lead to, without passing through a nested fan-out's join.
pub fn fan_out_joins(g: &Graph, from: usize) -> Vec<usize> {
    let mut joins: Vec<usize> = fan_out_reach(g, from, &mut HashSet::new());
    joins.sort_unstable();
    joins.dedup();
    joins
}

/// Follows the branches of step `from`'s fan-out through the graph, counting how many
/// fan-outs are open: a fan-out step opens one, a join closes one. Records in `joined` every
/// (join, event) pair reached inside some fan-out, and returns the joins of `from` itself.
fn fan_out_reach(g: &Graph, from: usize, joined: &mut HashSet<(usize, usize)>) -> Vec<usize> {
    let recoverer = recoverer_of(g);
    // Loops may nest fan-outs without end; deeper than one per step adds nothing new.
    let limit = g.steps.len() + 1;
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    let mut todo: Vec<(usize, usize)> = g.steps[from].fans_out.iter().map(|&e| (e, 1)).collect();
    let mut joins = Vec::new();
    let outputs = |step: usize, depth: usize, todo: &mut Vec<(usize, usize)>| {
        let node = &g.steps[step];
        todo.extend(node.emits.iter().map(|&e| {
            let fans_out = node.fans_out.contains(&e);
            (e, if fans_out { depth + 1 } else { depth })
        }));
        todo.extend(node.sends.iter().map(|&e| (e, depth)));
    };
    while let Some((event, depth)) = todo.pop() {
        if depth == 0 || depth > limit || !seen.insert((event, depth)) {
            continue;
        }
        for (i, node) in g.steps.iter().enumerate() {
            if !node.accepts.contains(&event) {
                continue;
            }
            if node.collects {
                joined.insert((i, event));
                if depth == 1 {
                    joins.push(i);
                }
                outputs(i, depth - 1, &mut todo);
            } else {
                outputs(i, depth, &mut todo);
            }
            // A failure inside a branch is recovered inside it.
            if let Some(r) = recoverer[i] {
                outputs(r, depth, &mut todo);
            }
        }
    }
    joins
}

/// For each step, the error-recovery step that handles its failures: the one that names it,
/// or else the one that names none.
fn recoverer_of(g: &Graph) -> Vec<Option<usize>> {
    let wildcard = g
        .steps
        .iter()
        .position(|n| n.catches.as_ref().is_some_and(Vec::is_empty));
    g.steps
        .iter()
        .map(|node| {
            if node.catches.is_some() {
                return None;
            }
            g.steps
                .iter()
                .position(|h| h.catches.as_ref().is_some_and(|c| c.contains(&node.name)))
                .or(wildcard)
        })
        .collect()
}

fn catch_target(g: &Graph, step: usize, at: usize) -> &str {
    g.steps[step]
        .catches
        .as_ref()
        .and_then(|t| t.get(at))
        .map_or("", String::as_str)
}

/// One sentence per problem, the same at compile time and at run time.
pub fn describe(g: &Graph, problem: &Problem) -> String {
    let step = |i: usize| &g.steps[i].name;
    let event = |i: usize| &g.events[i];
    let start = g.start.map_or("", |s| event(s).as_str());
    let stop = g.stop.map_or("", |s| event(s).as_str());
    match *problem {
        Problem::DuplicateName { step: i, .. } => {
            format!(
                "two steps are named `{}`; step names must be unique",
                step(i)
            )
        }
        Problem::NoStartConsumer => format!("no step accepts the start event `{start}`"),
        Problem::NoStopProducer => {
            format!("no step emits the stop event `{stop}`, so no run can finish")
        }
        Problem::AcceptsStop { step: i, .. } => format!(
            "step `{}` accepts the stop event `{stop}`, but the stop event ends the run and is never delivered to a step",
            step(i)
        ),
        Problem::NeverProduced {
            event: e, step: i, ..
        } => format!(
            "step `{}` accepts `{}`, but no step emits or sends it",
            step(i),
            event(e)
        ),
        Problem::NeverConsumed {
            event: e,
            step: i,
            site,
        } => {
            let verb = if matches!(site, Site::Sends(_)) {
                "sends"
            } else {
                "emits"
            };
            format!(
                "step `{}` {verb} `{}`, but no step accepts it; if it is only meant for the caller's stream, declare it with `#[step(stream_only({}))]`",
                step(i),
                event(e),
                event(e)
            )
        }
        Problem::Unreachable { step: i } => format!(
            "step `{}` is unreachable: no chain of events leads to it from the start event `{start}`",
            step(i)
        ),
        Problem::DeadEnd { step: i } => format!(
            "step `{}` has no path to the stop event `{stop}`; if it is meant to end its branch, add `#[step(allow(dead_end))]`",
            step(i)
        ),
        Problem::RecoversUnknownStep { step: i, target } => format!(
            "step `{}` recovers `{}`, but no step has that name",
            step(i),
            catch_target(g, i, target)
        ),
        Problem::RecoversRecoverer { step: i, target } => format!(
            "step `{}` recovers `{}`, which is itself an error-recovery step; a failing error-recovery step fails the run",
            step(i),
            catch_target(g, i, target)
        ),
        Problem::RecoveredTwice {
            step: i,
            target,
            first,
        } => format!(
            "step `{}` is recovered by both `{}` and `{}`; a step has one error-recovery step",
            catch_target(g, i, target),
            step(first),
            step(i)
        ),
        Problem::TwoCatchAlls { step: i, first } => format!(
            "steps `{}` and `{}` both recover every other step; one of them must name the steps it recovers",
            step(first),
            step(i)
        ),
        Problem::RecovererWithoutFailure { step: i } => format!(
            "error-recovery step `{}` must take the failure it recovers: `ev: StepFailed`",
            step(i)
        ),
        Problem::PublishedNeverProduced { event: e, .. } => format!(
            "the workflow publishes `{}`, but no step emits or sends it",
            event(e)
        ),
        Problem::JoinWithoutFanOut {
            event: e, step: i, ..
        } => format!(
            "step `{}` joins a fan-out of `{}`, but no fan-out leads to `{}`; fan out by returning `Vec<..>` from a step upstream, or take `{}` to run once per event",
            step(i),
            event(e),
            event(e),
            event(e)
        ),
    }
}

#[cfg(test)]
mod tests;
