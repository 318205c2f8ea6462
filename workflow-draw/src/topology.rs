//! A workflow's [`Topology`] as a [`Diagram`].

use eventflow_core::{EdgeKind, EventRole, Taking, Topology};

use crate::diagram::{Diagram, Emphasis, Link, LinkKind, Node, NodeKind};

/// The diagram of every flow a workflow allows: its steps, its event types, and every way they
/// connect.
///
/// ```
/// use eventflow::prelude::*;
/// use eventflow::Topology;
/// use eventflow::draw::{NodeKind, diagram};
///
/// struct Echo;
///
/// #[workflow]
/// impl Echo {
///     #[step]
///     async fn echo(&self, ev: StartEvent<String>) -> StopEvent<String> {
///         StopEvent::new(ev.input)
///     }
/// }
///
/// let d = diagram(&Topology::of::<Echo>());
/// let kinds: Vec<NodeKind> = d.nodes.iter().map(|n| n.kind).collect();
/// assert_eq!(kinds, [NodeKind::Step, NodeKind::Start, NodeKind::Stop]);
/// ```
pub fn diagram(topology: &Topology) -> Diagram {
    let mut ids = Ids::default();
    let mut nodes: Vec<Node> = topology
        .steps
        .iter()
        .map(|step| {
            let mut badges = Vec::new();
            if step.num_workers != eventflow_core::DEFAULT_NUM_WORKERS {
                badges.push(format!("{} workers", step.num_workers));
            }
            if step.retries {
                badges.push("retries".to_owned());
            }
            match step.takes {
                Taking::EachOf => badges.push("one of each".to_owned()),
                Taking::Collections { take: Some(n) } => badges.push(format!("first {n}")),
                _ => {}
            }
            Node {
                id: ids.make("step", &step.name),
                label: step.name.clone(),
                kind: if step.recovers.is_some() {
                    NodeKind::RecoveryStep
                } else {
                    NodeKind::Step
                },
                badges,
                emphasis: Emphasis::Normal,
            }
        })
        .collect();
    let steps = nodes.len();
    nodes.extend(topology.events.iter().map(|event| Node {
        id: ids.make("event", &event.name),
        label: event.name.clone(),
        kind: match event.role {
            EventRole::Start => NodeKind::Start,
            EventRole::Stop => NodeKind::Stop,
            EventRole::External => NodeKind::External,
            EventRole::Stream => NodeKind::Stream,
            EventRole::Failure => NodeKind::Failure,
            _ => NodeKind::Internal,
        },
        badges: Vec::new(),
        emphasis: Emphasis::Normal,
    }));
    let links = topology
        .edges
        .iter()
        .map(|edge| {
            let step = edge.step;
            let event = steps + edge.event;
            let (from, to) = if edge.kind.into_step() {
                (event, step)
            } else {
                (step, event)
            };
            let (kind, label) = match edge.kind {
                EdgeKind::Joins => {
                    let label = match topology.steps[step].takes {
                        Taking::Collections { take: Some(n) } => format!("join first {n}"),
                        _ => "join".to_owned(),
                    };
                    (LinkKind::Join, Some(label))
                }
                EdgeKind::FansOut => (LinkKind::FanOut, Some("fan-out".to_owned())),
                EdgeKind::Sends => (LinkKind::Sends, Some("sends".to_owned())),
                EdgeKind::Streams => (LinkKind::Stream, None),
                EdgeKind::Fails => (LinkKind::Failure, None),
                _ => (LinkKind::Flow, None),
            };
            Link {
                from,
                to,
                kind,
                label,
            }
        })
        .collect();
    Diagram {
        title: topology.workflow.clone(),
        subtitle: None,
        nodes,
        links,
        notes: Vec::new(),
    }
}

/// Hands out identifiers made of `[a-z0-9_-]`, unique within one diagram.
#[derive(Default)]
pub(crate) struct Ids(Vec<String>);

impl Ids {
    pub(crate) fn make(&mut self, prefix: &str, name: &str) -> String {
        let mut base = String::with_capacity(prefix.len() + 1 + name.len());
        base.push_str(prefix);
        base.push('-');
        for c in name.chars() {
            match c {
                'a'..='z' | '0'..='9' | '_' => base.push(c),
                'A'..='Z' => base.push(c.to_ascii_lowercase()),
                _ => base.push('_'),
            }
        }
        let mut id = base.clone();
        let mut n = 1;
        while self.0.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.0.push(id.clone());
        id
    }
}
