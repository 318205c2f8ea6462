//! A workflow's [`Topology`] as a [`Diagram`].

use eventflow_core::Topology;
use eventflow_core::step::Takes;
use eventflow_core::topology::{EdgeKind, EventRole};

use crate::diagram::{Diagram, Emphasis, Link, LinkKind, Node, NodeKind};

/// The diagram of every flow a workflow allows: its steps, its event types, and every way they
/// connect.
///
/// The nodes are the steps in declaration order, then the event types, then one node per child
/// workflow a step runs ([`NodeKind::ChildWorkflow`], linked from its step by
/// [`LinkKind::Runs`]). A child is drawn collapsed, as one box badged with its number of steps:
/// its own graph is the child's drawing.
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
            if step.num_workers != eventflow_core::step::DEFAULT_NUM_WORKERS {
                badges.push(format!("{} workers", step.num_workers));
            }
            if step.retries {
                badges.push("retries".to_owned());
            }
            match step.takes {
                Takes::EachOf => badges.push("one of each".to_owned()),
                Takes::Collections { take: Some(n) } => badges.push(format!("first {n}")),
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
            EventRole::Published => NodeKind::Published,
            EventRole::Subscribed => NodeKind::Subscribed,
            _ => NodeKind::Internal,
        },
        badges: Vec::new(),
        emphasis: Emphasis::Normal,
    }));
    let mut links: Vec<Link> = topology
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
                        Takes::Collections { take: Some(n) } => format!("join first {n}"),
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
    // After the events and their links, so that node `steps + i` stays event `i` and link `i`
    // edge `i`, which is how a run's diagram finds them.
    // One node per child workflow, however many steps run it.
    let mut children: Vec<(&str, usize)> = Vec::new();
    for child in &topology.children {
        if child.step >= steps {
            continue;
        }
        if let Some(&(_, node)) = children.iter().find(|(w, _)| *w == child.workflow) {
            if !links.iter().any(|l| l.from == child.step && l.to == node) {
                links.push(Link {
                    from: child.step,
                    to: node,
                    kind: LinkKind::Runs,
                    label: Some("runs".to_owned()),
                });
            }
            continue;
        }
        children.push((&child.workflow, nodes.len()));
        let badge = match &child.topology {
            Some(t) => format!(
                "{} step{}",
                t.steps.len(),
                if t.steps.len() == 1 { "" } else { "s" }
            ),
            // The child is this workflow or one of its ancestors.
            None => "recursive".to_owned(),
        };
        links.push(Link {
            from: child.step,
            to: nodes.len(),
            kind: LinkKind::Runs,
            label: Some("runs".to_owned()),
        });
        nodes.push(Node {
            id: ids.make("child", &child.workflow),
            label: child.workflow.clone(),
            kind: NodeKind::ChildWorkflow,
            badges: vec![badge],
            emphasis: Emphasis::Normal,
        });
    }
    Diagram {
        title: topology.workflow.clone(),
        subtitle: None,
        nodes,
        links,
        notes: Vec::new(),
        groups: Vec::new(),
    }
}

/// Hands out identifiers made of `[a-z0-9_-]`, unique within one diagram.
#[derive(Default)]
pub(crate) struct Ids(Vec<String>);

impl Ids {
    pub(crate) fn make(&mut self, prefix: &str, name: &str) -> String {
        let base = format!("{prefix}-{}", id_part(name));
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

/// `name` made of `[a-z0-9_]`: lower case, anything else an underscore.
pub(crate) fn id_part(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '_' => c,
            'A'..='Z' => c.to_ascii_lowercase(),
            _ => '_',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use eventflow::Topology;

    use super::*;
    use crate::host::samples::{Monitor, Orders};

    #[test]
    fn a_child_workflow_is_a_node_the_step_that_runs_it_links_to() {
        let d = diagram(&Topology::of::<Orders>());
        let (child, node) = d
            .nodes
            .iter()
            .enumerate()
            .find(|(_, n)| n.kind == NodeKind::ChildWorkflow)
            .expect("a child node");
        assert_eq!(
            (node.id.as_str(), node.label.as_str()),
            ("child-payments", "Payments")
        );
        assert_eq!(node.badges, ["1 step"]);
        let step = d.nodes.iter().position(|n| n.id == "step-trade");
        let runs: Vec<&Link> = d
            .links
            .iter()
            .filter(|l| l.kind == LinkKind::Runs)
            .collect();
        assert_eq!(runs.len(), 1);
        assert_eq!((Some(runs[0].from), runs[0].to), (step, child));
        assert_eq!(runs[0].label.as_deref(), Some("runs"));
        // The child comes after every event, and its link after every edge's.
        let topology = Topology::of::<Orders>();
        assert_eq!(child, topology.steps.len() + topology.events.len());
        assert_eq!(d.links.len(), topology.edges.len() + 1);
    }

    #[test]
    fn a_child_two_steps_run_is_one_node() {
        let mut topology = Topology::of::<Orders>();
        let mut again = topology.children[0].clone();
        topology.children.push(again.clone());
        // A second step running the same child.
        topology.steps.push(topology.steps[0].clone());
        topology.steps[1].name = "retrade".into();
        again.step = 1;
        topology.children.push(again);
        let d = diagram(&topology);
        let children: Vec<usize> = (0..d.nodes.len())
            .filter(|&v| d.nodes[v].kind == NodeKind::ChildWorkflow)
            .collect();
        assert_eq!(children.len(), 1);
        let from: Vec<&str> = d
            .links
            .iter()
            .filter(|l| l.kind == LinkKind::Runs && l.to == children[0])
            .map(|l| d.nodes[l.from].label.as_str())
            .collect();
        assert_eq!(from, ["trade", "retrade"]);
    }

    #[test]
    fn a_recursive_child_says_so() {
        let mut topology = Topology::of::<Orders>();
        topology.children[0].topology = None;
        let d = diagram(&topology);
        let child = d.nodes.iter().find(|n| n.kind == NodeKind::ChildWorkflow);
        assert_eq!(
            child.map(|n| n.badges.clone()),
            Some(vec!["recursive".to_owned()])
        );
    }

    #[test]
    fn published_and_subscribed_events_have_kinds_of_their_own() {
        let d = diagram(&Topology::of::<Monitor>());
        let kind = |id: &str| d.nodes.iter().find(|n| n.id == id).map(|n| n.kind);
        assert_eq!(kind("event-trade"), Some(NodeKind::Published));
        assert_eq!(kind("event-settled"), Some(NodeKind::Subscribed));
        assert_eq!(kind("event-reviewed"), Some(NodeKind::Internal));
    }

    /// A workflow whose step that runs a child never runs.
    mod sometimes {
        use eventflow::prelude::*;

        use crate::host::samples::Payments;

        #[derive(Clone, Serialize, Deserialize, Event)]
        pub(super) struct Go;

        pub(super) struct Sometimes {
            pub(super) payments: Runner<Payments>,
        }

        #[workflow]
        impl Sometimes {
            #[step]
            async fn begin(&self, _ev: StartEvent<bool>) -> OneOf![Go | StopEvent<String>] {
                StopEvent::new("not today".to_owned()).into()
            }

            #[step(runs(Payments))]
            async fn pay(
                &self,
                ctx: &Context,
                _ev: Go,
            ) -> Result<StopEvent<String>, WorkflowError> {
                let paid = ctx.child(&self.payments).run("now".to_owned()).await?;
                Ok(StopEvent::new(paid))
            }
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_child_of_a_step_that_did_not_run_is_faint() {
        let runner = eventflow::Runner::new(sometimes::Sometimes {
            payments: eventflow::Runner::new(crate::host::samples::Payments),
        })
        .record_runs(true);
        let done = runner.run(true).await;
        assert!(done.is_ok());
        let trace = runner.last_run().expect("a recorded run");
        let d = crate::run::run_diagram(&runner.topology(), &trace);
        let child = d.nodes.iter().find(|n| n.kind == NodeKind::ChildWorkflow);
        assert_eq!(child.map(|n| n.emphasis), Some(Emphasis::Faint));
    }
}
