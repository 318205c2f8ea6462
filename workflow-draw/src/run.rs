//! One recorded run as a [`Diagram`]: the workflow's graph, annotated with what the run did.

use eventflow_core::Topology;
use eventflow_core::topology::EdgeKind;
use eventflow_core::trace::{Endpoint, RunTrace, TraceOutcome};

use crate::diagram::{Diagram, Emphasis, LinkKind};
use crate::topology::diagram;

/// The diagram of one run: every step and event of the workflow, with how often each step ran
/// (and in which order it first did), its failures, retries and waits; how many events went
/// along each arrow; the fan-outs; steps that never ran and events that never flowed drawn
/// faintly (and the child workflows of steps that never ran); the step that failed the run
/// marked. The run's timeline is in the notes.
///
/// ```
/// use eventflow::prelude::*;
/// use eventflow::draw::{Emphasis, run_diagram};
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct Retry;
///
/// struct Once;
///
/// #[workflow]
/// impl Once {
///     #[step]
///     async fn start(&self, _ev: StartEvent) -> OneOf![StopEvent<u32> | Retry] {
///         StopEvent::new(1).into()
///     }
///
///     #[step]
///     async fn again(&self, _ev: Retry) -> StopEvent<u32> {
///         StopEvent::new(2)
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), WorkflowError> {
/// let runner = Runner::new(Once).record_runs(true);
/// runner.run(()).await?;
/// let trace = runner.last_run().expect("recorded");
/// let d = run_diagram(&runner.topology(), &trace);
/// let node = |id: &str| d.nodes.iter().find(|n| n.id == id).expect("a node");
/// assert!(node("step-start").badges.contains(&"ran 1×".to_string()));
/// assert_eq!(node("step-again").emphasis, Emphasis::Faint);
/// # Ok(())
/// # }
/// ```
pub fn run_diagram(topology: &Topology, trace: &RunTrace) -> Diagram {
    let mut d = diagram(topology);
    let steps = topology.steps.len();
    let failed_step = match &trace.outcome {
        TraceOutcome::Failed { step, .. } => Some(step.as_str()),
        _ => None,
    };
    for (i, step) in topology.steps.iter().enumerate() {
        let node = &mut d.nodes[i];
        let Some(activity) = trace.step(&step.name) else {
            continue;
        };
        let mut badges = Vec::new();
        if let Some(order) = activity.order {
            badges.push(format!("#{order}"));
        }
        if activity.started > 0 {
            badges.push(format!("ran {}×", activity.started));
        }
        if activity.failed > 0 {
            badges.push(format!("{} failed", activity.failed));
        }
        if activity.retried > 0 {
            badges.push(format!("{} retried", activity.retried));
        }
        if activity.waited > 0 {
            badges.push(format!("waited {}×", activity.waited));
        }
        node.badges = badges;
        node.emphasis = if failed_step == Some(step.name.as_str()) {
            Emphasis::Error
        } else if activity.started == 0 {
            Emphasis::Faint
        } else {
            Emphasis::Normal
        };
    }

    // Which error-recovery step each failure event feeds.
    let handler_of = |event: usize| {
        topology
            .edges
            .iter()
            .find(|e| e.event == event && e.kind == EdgeKind::Recovers)
            .map(|e| topology.steps[e.step].name.as_str())
    };
    let mut flowed = vec![false; topology.events.len()];
    for (edge, link) in topology.edges.iter().zip(d.links.iter_mut()) {
        let step = Endpoint::step(topology.steps[edge.step].name.clone());
        let event = &topology.events[edge.event];
        let count = match edge.kind {
            EdgeKind::Recovers => trace.count_to(&event.name, &step),
            EdgeKind::Fails => handler_of(edge.event).map_or(0, |handler| {
                trace.count(&step, &event.name, &Endpoint::step(handler))
            }),
            kind if kind.into_step() => trace.count_to(&event.name, &step),
            _ => trace.count_from(&step, &event.name),
        };
        if count == 0 {
            continue;
        }
        flowed[edge.event] = true;
        let mut label = match (&link.label, edge.kind) {
            (Some(label), _) => format!("{label} ×{count}"),
            (None, _) => format!("×{count}"),
        };
        if edge.kind == EdgeKind::FansOut
            && let Some(fan_out) = trace.fan_outs.iter().find(|f| f.step == step_name(&step))
        {
            label = format!(
                "{} fan-out{} of {} events",
                fan_out.fan_outs,
                if fan_out.fan_outs == 1 { "" } else { "s" },
                fan_out.events
            );
            if fan_out.cut_short > 0 {
                label.push_str(&format!(", {} cut short", fan_out.cut_short));
            }
        }
        link.label = Some(label);
    }
    // The start event flows from the caller; external events may too.
    for (i, event) in topology.events.iter().enumerate() {
        if trace
            .flows
            .iter()
            .any(|f| f.event == event.name && f.from == Endpoint::Outside)
        {
            flowed[i] = true;
        }
        if !flowed[i] {
            d.nodes[steps + i].emphasis = Emphasis::Faint;
        }
    }
    // A child ran only if a step that runs it did.
    let runs: Vec<(usize, usize)> = d
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::Runs)
        .map(|l| (l.from, l.to))
        .collect();
    for &(_, child) in &runs {
        let ran = runs.iter().any(|&(step, c)| {
            c == child
                && d.nodes
                    .get(step)
                    .is_some_and(|n| n.emphasis != Emphasis::Faint)
        });
        if !ran && let Some(node) = d.nodes.get_mut(child) {
            node.emphasis = Emphasis::Faint;
        }
    }

    let executions: u64 = trace.steps.iter().map(|s| s.started).sum();
    d.title = format!("{} — run {}", topology.workflow, trace.run_id);
    d.subtitle = Some(format!(
        "{} · {executions} step execution{}",
        trace.outcome,
        if executions == 1 { "" } else { "s" }
    ));
    d.notes = trace.timeline.iter().map(ToString::to_string).collect();
    if trace.timeline_dropped > 0 {
        d.notes
            .push(format!("… and {} more happenings", trace.timeline_dropped));
    }
    d
}

fn step_name(endpoint: &Endpoint) -> &str {
    match endpoint {
        Endpoint::Step(name) => name,
        _ => "",
    }
}

/// Counting helpers over a trace's flows.
trait Counts {
    fn count_from(&self, from: &Endpoint, event: &str) -> u64;
    fn count_to(&self, event: &str, to: &Endpoint) -> u64;
}

impl Counts for RunTrace {
    /// Events that left `from`: each was delivered to every receiver, so the busiest
    /// receiver's count is the number sent.
    fn count_from(&self, from: &Endpoint, event: &str) -> u64 {
        self.flows
            .iter()
            .filter(|f| f.from == *from && f.event == event)
            .map(|f| f.count)
            .max()
            .unwrap_or(0)
    }

    fn count_to(&self, event: &str, to: &Endpoint) -> u64 {
        self.flows
            .iter()
            .filter(|f| f.event == event && f.to == *to)
            .map(|f| f.count)
            .sum()
    }
}
