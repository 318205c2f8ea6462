//! A workflow's steps as the rules crate's graph, and the joins of each fan-out, which the
//! routing table needs as much as the checks do.

use std::any::TypeId;
use std::collections::HashMap;

use eventflow_rules as rules;

use crate::event::EventType;
use crate::step::spec::{Boundary, StepSpec};
use crate::step_failed::StepFailed;

/// For each step that fans out, the steps that join its fan-outs (empty for the others).
pub(crate) fn fan_out_joins(steps: &[&StepSpec]) -> Box<[Box<[u32]>]> {
    let graph = graph(None, steps);
    steps
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            if spec.fans_out.is_empty() {
                return Box::default();
            }
            rules::fan_out_joins(&graph, i)
                .into_iter()
                .filter_map(|j| u32::try_from(j).ok())
                .collect()
        })
        .collect()
}

pub(crate) fn graph(boundary: Option<&Boundary>, steps: &[&StepSpec]) -> rules::Graph {
    let mut events = Interner::default();
    let start = boundary.map(|b| events.id(b.start));
    let stop = boundary.map(|b| events.id(b.stop));
    let external = boundary
        .map(|b| {
            b.external
                .iter()
                .chain(b.subscribes)
                .map(|&x| events.id(x))
                .collect()
        })
        .unwrap_or_default();
    let published = boundary
        .map(|b| b.publishes.iter().map(|&x| events.id(x)).collect())
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
            fans_out: spec.fans_out.iter().map(|&e| events.id(e)).collect(),
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
