//! Building a workflow's [`Topology`] from its step descriptions.

use std::any::TypeId;
use std::collections::HashMap;

use crate::event::EventType;
use crate::step::spec::{Boundary, StepSpec};
use crate::step_failed::StepFailed;
use crate::topology::{ChildTopology, Edge, EdgeKind, EventNode, EventRole, StepNode, Topology};

impl Topology {
    /// The topology of the workflow `boundary` describes, with the steps described by `specs`
    /// (its own and those added to its runner), `retries[i]` telling whether step `i` has a
    /// retry policy.
    pub(crate) fn build(boundary: &Boundary, specs: &[&StepSpec], retries: &[bool]) -> Self {
        let workflow = boundary.workflow;
        let stop = boundary.stop;
        let mut graph = Builder::default();
        graph.event(boundary.start, EventRole::Start);
        for spec in specs {
            for &ty in spec.accepts.iter().chain(spec.emits).chain(spec.sends) {
                if ty.type_id() != stop.type_id() && ty.type_id() != TypeId::of::<StepFailed>() {
                    graph.event(ty, EventRole::Internal);
                }
            }
            for &ty in spec.stream_only {
                graph.event(ty, EventRole::Stream);
            }
        }
        for &ty in boundary.external {
            graph.event(ty, EventRole::External);
        }
        for &ty in boundary.subscribes {
            graph.event(ty, EventRole::Subscribed);
        }
        for &ty in boundary.publishes {
            graph.event(ty, EventRole::Published);
        }
        graph.event(stop, EventRole::Stop);

        let steps = specs
            .iter()
            .zip(retries.iter().copied().chain(std::iter::repeat(false)))
            .map(|(spec, retries)| StepNode {
                name: spec.name.to_owned(),
                num_workers: spec.num_workers,
                takes: spec.takes,
                fans_out: !spec.fans_out.is_empty(),
                retries,
                recovers: spec
                    .catches
                    .map(|c| c.steps.iter().map(|s| (*s).to_owned()).collect()),
            })
            .collect::<Vec<_>>();

        for (i, spec) in specs.iter().enumerate() {
            let into = if spec.takes.is_collections() {
                EdgeKind::Joins
            } else {
                EdgeKind::Accepts
            };
            for &ty in spec.accepts {
                if spec.catches.is_some() && ty.type_id() == TypeId::of::<StepFailed>() {
                    continue;
                }
                graph.edge(i, ty, into);
            }
            for &ty in spec.emits {
                let kind = if spec.stream_only.iter().any(|s| s.type_id() == ty.type_id()) {
                    EdgeKind::Streams
                } else if spec.fans_out.iter().any(|f| f.type_id() == ty.type_id()) {
                    EdgeKind::FansOut
                } else {
                    EdgeKind::Emits
                };
                graph.edge(i, ty, kind);
            }
            for &ty in spec.sends {
                graph.edge(i, ty, EdgeKind::Sends);
            }
            for &ty in spec.stream_only {
                if !spec.emits.iter().any(|e| e.type_id() == ty.type_id()) {
                    graph.edge(i, ty, EdgeKind::Streams);
                }
            }
        }
        graph.recoveries(specs);
        let children = children(workflow, specs);
        Self {
            workflow: workflow.to_owned(),
            steps,
            events: graph.events,
            edges: graph.edges,
            children,
        }
    }
}

thread_local! {
    /// The workflows whose topologies are being built, outermost first.
    static BUILDING: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The topologies of the children the steps declare, except those already being built.
fn children(workflow: &str, specs: &[&StepSpec]) -> Vec<ChildTopology> {
    BUILDING.with(|building| building.borrow_mut().push(workflow.to_owned()));
    let children = specs
        .iter()
        .enumerate()
        .flat_map(|(step, spec)| spec.children.iter().map(move |child| (step, child)))
        .map(|(step, child)| {
            let recursive =
                BUILDING.with(|building| building.borrow().iter().any(|w| w == child.name));
            ChildTopology {
                step,
                workflow: child.name.to_owned(),
                topology: (!recursive).then(|| (child.topology)()),
            }
        })
        .collect();
    BUILDING.with(|building| building.borrow_mut().pop());
    children
}

/// Collects events (each type once) and edges (each once).
#[derive(Default)]
struct Builder {
    events: Vec<EventNode>,
    ids: HashMap<TypeId, usize>,
    edges: Vec<Edge>,
}

impl Builder {
    fn event(&mut self, ty: EventType, role: EventRole) -> usize {
        if let Some(&i) = self.ids.get(&ty.type_id()) {
            // The first role wins, except that a declared role beats "between steps".
            if self.events[i].role == EventRole::Internal {
                self.events[i].role = role;
            }
            return i;
        }
        self.events.push(EventNode {
            name: ty.name().to_owned(),
            role,
        });
        self.ids.insert(ty.type_id(), self.events.len() - 1);
        self.events.len() - 1
    }

    fn edge(&mut self, step: usize, ty: EventType, kind: EdgeKind) {
        let event = self.event(ty, EventRole::Internal);
        let edge = Edge { step, event, kind };
        if !self.edges.contains(&edge) {
            self.edges.push(edge);
        }
    }

    /// One failure event per error-recovery step, fed by the steps it recovers.
    fn recoveries(&mut self, specs: &[&StepSpec]) {
        let name = EventType::of::<StepFailed>().name();
        let wildcard = specs
            .iter()
            .position(|s| s.catches.is_some_and(|c| c.steps.is_empty()));
        for (handler, spec) in specs.iter().enumerate() {
            let Some(catches) = spec.catches else {
                continue;
            };
            self.events.push(EventNode {
                name: name.to_owned(),
                role: EventRole::Failure,
            });
            let failure = self.events.len() - 1;
            self.edges.push(Edge {
                step: handler,
                event: failure,
                kind: EdgeKind::Recovers,
            });
            for (step, target) in specs.iter().enumerate() {
                if target.catches.is_some() {
                    continue;
                }
                let named = specs
                    .iter()
                    .position(|h| h.catches.is_some_and(|c| c.steps.contains(&target.name)));
                let recovered_by = named.or(wildcard);
                let covers = if catches.steps.is_empty() {
                    recovered_by == Some(handler)
                } else {
                    catches.steps.contains(&target.name)
                };
                if covers {
                    self.edges.push(Edge {
                        step,
                        event: failure,
                        kind: EdgeKind::Fails,
                    });
                }
            }
        }
    }
}
