//! A host's workflows, and the events crossing between them, as one [`Diagram`].

use eventflow_core::Topology;
use eventflow_core::topology::{EventRole, HostTopology};

use crate::diagram::{Diagram, Emphasis, Group, Link, LinkKind, Node, NodeKind};
use crate::topology::diagram;

/// The diagram of a host: every workflow's own graph in a group of its own, and an arrow for
/// each event that crosses from one workflow to another.
///
/// Each workflow's nodes are those of its [`diagram`], with ids prefixed by the workflow's
/// snake-case name (`order_station-step-trade`), so that two workflows with a step or an event
/// of the same name stay apart; the group has the prefix as id and the workflow's name as
/// heading. A crossing goes from the publisher's [`NodeKind::Published`] event to the
/// receiver's start event ([`LinkKind::Starts`]: each event starts a run) or to its
/// [`NodeKind::Subscribed`] event ([`LinkKind::Crosses`]: it reaches the receiver's runs of the
/// same conversation).
///
/// ```
/// use eventflow::draw::{LinkKind, host_diagram};
/// use eventflow::prelude::*;
///
/// #[derive(Clone, Serialize, Deserialize, Event)]
/// struct Trade(String);
///
/// struct Monitor;
///
/// #[workflow(publishes(Trade))]
/// impl Monitor {
///     #[step(sends(Trade))]
///     async fn watch(&self, ctx: &Context, ev: StartEvent<String>) -> StopEvent<String> {
///         ctx.send_event(Trade(ev.input));
///         StopEvent::new("watched".into())
///     }
/// }
///
/// struct Orders;
///
/// #[workflow(start = Trade)]
/// impl Orders {
///     #[step]
///     async fn order(&self, ev: Trade) -> StopEvent<String> {
///         StopEvent::new(ev.0)
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let host = eventflow::host![Monitor => Runner::new(Monitor), Orders => Runner::new(Orders)]
///     .expect("every crossing has both ends");
/// let d = host_diagram(&host.topology());
/// assert_eq!(d.groups.len(), 2);
/// let starts = d.links.iter().find(|l| l.kind == LinkKind::Starts).expect("a crossing");
/// assert_eq!(d.nodes[starts.from].id, "monitor-event-trade");
/// assert_eq!(d.nodes[starts.to].id, "orders-event-trade");
/// # }
/// ```
pub fn host_diagram(host: &HostTopology) -> Diagram {
    let mut d = Diagram {
        title: "Host".to_owned(),
        subtitle: Some(format!(
            "{} workflow{} · {} crossing{}",
            host.workflows.len(),
            plural(host.workflows.len()),
            host.crossings.len(),
            plural(host.crossings.len()),
        )),
        ..Diagram::default()
    };
    // Where each workflow's nodes start in the diagram.
    let mut starts = Vec::with_capacity(host.workflows.len());
    for topology in &host.workflows {
        let prefix = unique(&d, &prefix_of(topology));
        let part = diagram(topology);
        let base = d.nodes.len();
        starts.push(base);
        d.groups.push(Group {
            id: prefix.clone(),
            label: topology.workflow.clone(),
            nodes: (base..base + part.nodes.len()).collect(),
        });
        d.nodes.extend(part.nodes.into_iter().map(|mut node| {
            node.id = format!("{prefix}-{}", node.id);
            node
        }));
        d.links.extend(part.links.into_iter().map(|mut link| {
            link.from += base;
            link.to += base;
            link
        }));
    }
    for crossing in &host.crossings {
        let (Some(publisher), Some(receiver)) = (
            host.workflows.get(crossing.from),
            host.workflows.get(crossing.to),
        ) else {
            continue;
        };
        let from = event_node(
            &mut d,
            crossing.from,
            starts[crossing.from],
            publisher,
            &crossing.event,
            NodeKind::Published,
        );
        let (kind, link, label) = if crossing.starts {
            (NodeKind::Start, LinkKind::Starts, "starts")
        } else {
            (NodeKind::Subscribed, LinkKind::Crosses, "delivers")
        };
        let to = event_node(
            &mut d,
            crossing.to,
            starts[crossing.to],
            receiver,
            &crossing.event,
            kind,
        );
        d.links.push(Link {
            from,
            to,
            kind: link,
            label: Some(label.to_owned()),
        });
    }
    d
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The id prefix of a workflow's nodes: its snake-case name, `[a-z0-9_]` only.
fn prefix_of(topology: &Topology) -> String {
    let slug = crate::topology::id_part(&topology.slug());
    if slug.is_empty() {
        "workflow".to_owned()
    } else {
        slug
    }
}

/// `base`, or `base_2`, `base_3`… when a group already has it. Without a `-`, a prefix can
/// never run into the id it prefixes.
fn unique(d: &Diagram, base: &str) -> String {
    let taken = |id: &str| d.groups.iter().any(|g| g.id == id);
    let mut id = base.to_owned();
    let mut n = 1;
    while taken(&id) {
        n += 1;
        id = format!("{base}_{n}");
    }
    id
}

/// The node of event `name` in workflow `workflow` (the `group`-th, its nodes from `base`),
/// preferably the one drawn as `kind`. A topology read from a file may lack it: then it gets a
/// node of its own, so that the crossing still shows.
fn event_node(
    d: &mut Diagram,
    group: usize,
    base: usize,
    topology: &Topology,
    name: &str,
    kind: NodeKind,
) -> usize {
    let role = match kind {
        NodeKind::Start => EventRole::Start,
        NodeKind::Subscribed => EventRole::Subscribed,
        _ => EventRole::Published,
    };
    let named = |wanted: Option<EventRole>| {
        topology
            .events
            .iter()
            .position(|e| e.name == name && wanted.is_none_or(|r| e.role == r))
    };
    let events = base + topology.steps.len();
    if let Some(i) = named(Some(role)).or_else(|| named(None))
        && d.nodes.get(events + i).is_some()
    {
        return events + i;
    }
    let prefix = d.groups.get(group).map_or("", |g| g.id.as_str());
    let base_id = format!("{prefix}-event-{}", crate::topology::id_part(name));
    let mut id = base_id.clone();
    let mut n = 1;
    while d.nodes.iter().any(|node| node.id == id) {
        n += 1;
        id = format!("{base_id}-{n}");
    }
    d.nodes.push(Node {
        id,
        label: name.to_owned(),
        kind,
        badges: Vec::new(),
        emphasis: Emphasis::Normal,
    });
    let index = d.nodes.len() - 1;
    if let Some(g) = d.groups.get_mut(group) {
        g.nodes.push(index);
    }
    index
}

/// A host to test drawings with: a monitor that publishes trades and subscribes to
/// settlements, an order station started by each trade that settles it (running a payment as
/// a child workflow), and an audit log also started by each trade.
#[cfg(test)]
pub(crate) mod samples {
    use eventflow::Runner;
    use eventflow::prelude::*;
    use eventflow::topology::HostTopology;

    #[derive(Clone, Serialize, Deserialize, Event)]
    pub(crate) struct Trade(String);

    #[derive(Clone, Serialize, Deserialize, Event)]
    pub(crate) struct Settled(String);

    #[derive(Clone, Serialize, Deserialize, Event)]
    pub(crate) struct Reviewed(String);

    pub(crate) struct Monitor;

    #[workflow(publishes(Trade), subscribes(Settled))]
    impl Monitor {
        #[step]
        async fn review(&self, ev: StartEvent<String>) -> Reviewed {
            Reviewed(ev.input)
        }

        #[step(sends(Trade))]
        async fn decide(
            &self,
            ctx: &Context,
            ev: Reviewed,
        ) -> Result<StopEvent<String>, WaitError> {
            ctx.send_event(Trade(ev.0));
            let settled = ctx.wait_for_event::<Settled>().await?;
            Ok(StopEvent::new(settled.0))
        }
    }

    pub(crate) struct Payments;

    #[workflow]
    impl Payments {
        #[step]
        async fn pay(&self, ev: StartEvent<String>) -> StopEvent<String> {
            StopEvent::new(ev.input)
        }
    }

    pub(crate) struct Orders {
        payments: Runner<Payments>,
    }

    #[workflow(start = Trade, publishes(Settled))]
    impl Orders {
        #[step(sends(Settled), runs(Payments))]
        async fn trade(
            &self,
            ctx: &Context,
            ev: Trade,
        ) -> Result<StopEvent<String>, WorkflowError> {
            let paid = ctx.child(&self.payments).run(ev.0).await?;
            ctx.send_event(Settled(paid));
            Ok(StopEvent::new("settled".into()))
        }
    }

    pub(crate) struct Audit;

    #[workflow(start = Trade)]
    impl Audit {
        #[step]
        async fn log(&self, ev: Trade) -> StopEvent<String> {
            StopEvent::new(ev.0)
        }
    }

    pub(crate) fn host() -> HostTopology {
        let host = eventflow::host![
            Monitor => Runner::new(Monitor),
            Orders => Runner::new(Orders { payments: Runner::new(Payments) }),
            Audit => Runner::new(Audit),
        ];
        match host {
            Ok(host) => host.topology(),
            Err(e) => panic!("the sample host is valid: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node<'d>(d: &'d Diagram, id: &str) -> (usize, &'d Node) {
        d.nodes
            .iter()
            .enumerate()
            .find(|(_, n)| n.id == id)
            .unwrap_or_else(|| panic!("no node {id} in {:?}", d.nodes))
    }

    fn linked(d: &Diagram, from: &str, to: &str, kind: LinkKind) -> bool {
        let (from, to) = (node(d, from).0, node(d, to).0);
        d.links
            .iter()
            .any(|l| l.from == from && l.to == to && l.kind == kind)
    }

    #[test]
    fn every_workflow_is_a_group_of_its_own_nodes() {
        let d = host_diagram(&samples::host());
        let groups: Vec<(&str, &str)> = d
            .groups
            .iter()
            .map(|g| (g.id.as_str(), g.label.as_str()))
            .collect();
        assert_eq!(
            groups,
            [
                ("monitor", "Monitor"),
                ("orders", "Orders"),
                ("audit", "Audit")
            ]
        );
        // Each node in exactly one group, prefixed with its group's id.
        let membership = d.membership();
        for (v, n) in d.nodes.iter().enumerate() {
            let g = membership[v].unwrap_or_else(|| panic!("{} is in no group", n.id));
            assert!(
                n.id.starts_with(&format!("{}-", d.groups[g].id)),
                "{}",
                n.id
            );
            assert_eq!(d.groups.iter().filter(|g| g.nodes.contains(&v)).count(), 1);
        }
        // Two workflows take the same event: the prefixes keep their nodes apart.
        assert_eq!(node(&d, "orders-event-trade").1.kind, NodeKind::Start);
        assert_eq!(node(&d, "audit-event-trade").1.kind, NodeKind::Start);
        assert_eq!(node(&d, "monitor-event-trade").1.kind, NodeKind::Published);
        assert_eq!(
            node(&d, "monitor-event-settled").1.kind,
            NodeKind::Subscribed
        );
        assert_eq!(node(&d, "orders-event-settled").1.kind, NodeKind::Published);
        assert_eq!(d.subtitle.as_deref(), Some("3 workflows · 3 crossings"));
    }

    #[test]
    fn each_crossing_joins_the_publisher_to_the_receiver() {
        let d = host_diagram(&samples::host());
        let crossings: Vec<(&str, &str, LinkKind, Option<&str>)> = d
            .links
            .iter()
            .filter(|l| matches!(l.kind, LinkKind::Starts | LinkKind::Crosses))
            .map(|l| {
                (
                    d.nodes[l.from].id.as_str(),
                    d.nodes[l.to].id.as_str(),
                    l.kind,
                    l.label.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            crossings,
            [
                (
                    "monitor-event-trade",
                    "orders-event-trade",
                    LinkKind::Starts,
                    Some("starts")
                ),
                (
                    "monitor-event-trade",
                    "audit-event-trade",
                    LinkKind::Starts,
                    Some("starts")
                ),
                (
                    "orders-event-settled",
                    "monitor-event-settled",
                    LinkKind::Crosses,
                    Some("delivers")
                ),
            ]
        );
        // The workflows' own links are still there, between their own nodes.
        assert!(linked(
            &d,
            "monitor-step-decide",
            "monitor-event-trade",
            LinkKind::Sends
        ));
        assert!(linked(
            &d,
            "orders-step-trade",
            "orders-child-payments",
            LinkKind::Runs
        ));
    }

    #[test]
    fn a_crossing_whose_event_a_topology_lacks_still_shows() {
        let mut host = samples::host();
        // As if the receiver's file were older than the host's: no `Settled` in it.
        host.workflows[0].events.retain(|e| e.name != "Settled");
        let d = host_diagram(&host);
        let (to, settled) = node(&d, "monitor-event-settled");
        assert_eq!(settled.kind, NodeKind::Subscribed);
        assert!(d.groups[0].nodes.contains(&to));
        assert!(linked(
            &d,
            "orders-event-settled",
            "monitor-event-settled",
            LinkKind::Crosses
        ));
    }

    #[test]
    fn workflows_of_the_same_name_get_different_prefixes() {
        let mut host = samples::host();
        host.workflows[2].workflow = "Orders".into();
        let d = host_diagram(&host);
        let ids: Vec<&str> = d.groups.iter().map(|g| g.id.as_str()).collect();
        assert_eq!(ids, ["monitor", "orders", "orders_2"]);
        assert_eq!(node(&d, "orders_2-event-trade").1.kind, NodeKind::Start);
    }

    #[test]
    fn crossings_naming_no_workflow_are_left_out() {
        let mut host = samples::host();
        let crossings = host.crossings.len();
        host.workflows.truncate(2);
        let d = host_diagram(&host);
        let drawn = d
            .links
            .iter()
            .filter(|l| l.kind == LinkKind::Starts || l.kind == LinkKind::Crosses)
            .count();
        assert_eq!(drawn, crossings - 1);
    }
}
