//! Checking an event graph assembled at run time.

use eventflow_rules as rules;

use std::any::TypeId;
use std::collections::HashMap;

use crate::error::ValidationError;
use crate::event::EventType;
use crate::step::StepSpec;
use crate::step_failed::StepFailed;

/// What a workflow exchanges with the world beyond its steps.
pub(crate) struct Edges<'a> {
    pub(crate) start: EventType,
    pub(crate) stop: EventType,
    /// From the caller, and from other workflows of a host.
    pub(crate) external: Vec<EventType>,
    /// To other workflows of a host.
    pub(crate) published: &'a [EventType],
}

impl Edges<'_> {
    /// The edges workflow `W` declares.
    pub(crate) fn of<W: crate::Workflow>() -> Edges<'static> {
        Edges {
            start: EventType::of::<W::Start>(),
            stop: EventType::of::<W::Stop>(),
            external: W::EXTERNAL.iter().chain(W::SUBSCRIBES).copied().collect(),
            published: W::PUBLISHES,
        }
    }
}

/// Checks the graph made of `steps` with the rules `#[workflow]` applies at compile time.
pub(crate) fn validate(
    workflow: &'static str,
    edges: &Edges<'_>,
    steps: &[&StepSpec],
) -> Result<(), ValidationError> {
    let graph = graph(Some(edges), steps);
    let problems = rules::check(&graph);
    if problems.is_empty() {
        return Ok(());
    }
    let described = problems
        .iter()
        .map(|p| rules::describe(&graph, p))
        .collect();
    Err(ValidationError::new(workflow, described))
}

/// For each step that fans out, the steps that join its fan-outs (empty for the others).
pub(crate) fn fan_out_joins(steps: &[&StepSpec]) -> Box<[Box<[u32]>]> {
    let graph = graph(None, steps);
    steps
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            if !spec.fans_out {
                return Box::default();
            }
            rules::fan_out_joins(&graph, i)
                .into_iter()
                .filter_map(|j| u32::try_from(j).ok())
                .collect()
        })
        .collect()
}

fn graph(edges: Option<&Edges<'_>>, steps: &[&StepSpec]) -> rules::Graph {
    let mut events = Interner::default();
    let start = edges.map(|e| events.id(e.start));
    let stop = edges.map(|e| events.id(e.stop));
    let external = edges
        .map(|e| e.external.iter().map(|&x| events.id(x)).collect())
        .unwrap_or_default();
    let published = edges
        .map(|e| e.published.iter().map(|&x| events.id(x)).collect())
        .unwrap_or_default();
    let nodes = steps
        .iter()
        .map(|spec| rules::Node {
            name: spec.name.to_owned(),
            accepts: spec.accepts.iter().map(|&e| events.id(e)).collect(),
            emits: spec.emits.iter().map(|&e| events.id(e)).collect(),
            sends: spec.sends.iter().map(|&e| events.id(e)).collect(),
            stream_only: spec.stream_only.iter().map(|&e| events.id(e)).collect(),
            allow_dead_end: spec.allow_dead_end,
            allow_unreachable: spec.allow_unreachable,
            catches: spec
                .catches
                .map(|c| c.steps.iter().map(|s| (*s).to_owned()).collect()),
            fans_out: spec.fans_out,
            collects: spec.takes.is_collections(),
        })
        .collect();
    let step_failed = Some(events.id(EventType::of::<StepFailed>()));
    rules::Graph {
        steps: nodes,
        events: events.names,
        start,
        stop,
        external,
        published,
        step_failed,
    }
}

#[derive(Default)]
struct Interner {
    ids: HashMap<TypeId, usize>,
    names: Vec<String>,
}

impl Interner {
    fn id(&mut self, event: EventType) -> usize {
        *self.ids.entry(event.type_id()).or_insert_with(|| {
            self.names.push(event.name().to_owned());
            self.names.len() - 1
        })
    }
}
