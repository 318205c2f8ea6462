//! Mermaid flowcharts, which GitHub renders in Markdown.

use std::fmt::Write as _;

use crate::diagram::{Diagram, LinkKind, Node, NodeKind};
use crate::style::{self, GROUP, NODE_KINDS, class, emphasis_class, link_colour, palette};

/// The diagram as a Mermaid flowchart, top to bottom.
///
/// Steps are rounded boxes, events are pills (the start event green, the stop event red, events
/// from outside hexagons, events published to other workflows and subscribed from them
/// parallelograms leaning out and in), child workflows subroutine boxes; sends are dotted,
/// fan-outs and joins thick. Each [`Group`](crate::Group) is a `subgraph`; a crossing that
/// starts a run is a thick arrow, one that reaches subscribers a dotted one.
///
/// ```
/// use eventflow::prelude::*;
/// use eventflow::Topology;
/// use eventflow::draw::{diagram, mermaid};
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
/// let text = mermaid(&diagram(&Topology::of::<Echo>()));
/// assert!(text.starts_with("---\ntitle: Echo\n---\nflowchart TD\n"));
/// assert!(text.contains("event_startevent --> step_echo"));
/// ```
pub fn mermaid(diagram: &Diagram) -> String {
    let mut out = String::new();
    let title = match &diagram.subtitle {
        Some(subtitle) => format!("{} — {subtitle}", diagram.title),
        None => diagram.title.clone(),
    };
    let _ = writeln!(out, "---\ntitle: {}\n---\nflowchart TD", escape(&title));
    let membership = diagram.membership();
    for (g, group) in diagram.groups.iter().enumerate() {
        let _ = writeln!(
            out,
            "    subgraph {}[\"{}\"]",
            group_id(&group.id),
            escape(&group.label)
        );
        let _ = writeln!(out, "        direction TB");
        for (v, node) in diagram.nodes.iter().enumerate() {
            if membership[v] == Some(g) {
                write_node(&mut out, "        ", node);
            }
        }
        let _ = writeln!(out, "    end");
    }
    for (node, group) in diagram.nodes.iter().zip(&membership) {
        if group.is_none() {
            write_node(&mut out, "    ", node);
        }
    }
    for link in &diagram.links {
        let (Some(from), Some(to)) = (diagram.nodes.get(link.from), diagram.nodes.get(link.to))
        else {
            continue;
        };
        let arrow = match link.kind {
            LinkKind::Flow | LinkKind::Runs => "-->",
            LinkKind::Sends | LinkKind::Stream | LinkKind::Failure | LinkKind::Crosses => "-.->",
            LinkKind::FanOut | LinkKind::Join | LinkKind::Starts => "==>",
        };
        let label = link
            .label
            .as_deref()
            .map(|l| format!("|\"{}\"|", escape(l)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    {} {arrow}{label} {}",
            mermaid_id(&from.id),
            mermaid_id(&to.id)
        );
    }
    // Colours per link kind: Mermaid styles links by their position.
    for (i, link) in diagram.links.iter().enumerate() {
        match link.kind {
            LinkKind::Flow => {}
            // What crosses between workflows is the point of a host's drawing.
            LinkKind::Starts | LinkKind::Crosses => {
                let _ = writeln!(
                    out,
                    "    linkStyle {i} stroke:{},stroke-width:2.5px",
                    link_colour(link.kind)
                );
            }
            _ => {
                let _ = writeln!(out, "    linkStyle {i} stroke:{}", link_colour(link.kind));
            }
        }
    }
    for kind in NODE_KINDS {
        let p = palette(kind);
        let dashed = if matches!(kind, NodeKind::Stream | NodeKind::Failure) {
            ",stroke-dasharray:4 3"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "    classDef {} fill:{},stroke:{},color:{}{dashed}",
            class(kind),
            p.fill,
            p.stroke,
            p.text
        );
    }
    for group in &diagram.groups {
        let _ = writeln!(
            out,
            "    style {} fill:{},stroke:{},color:{}",
            group_id(&group.id),
            GROUP.fill,
            GROUP.stroke,
            GROUP.text
        );
    }
    let _ = writeln!(out, "    classDef faint opacity:0.35");
    let _ = writeln!(
        out,
        "    classDef error stroke:{},stroke-width:3px",
        style::ERROR
    );
    for note in &diagram.notes {
        let _ = writeln!(out, "%% {}", note.replace('\n', " "));
    }
    out
}

/// One node's line, with its shape and classes.
fn write_node(out: &mut String, indent: &str, node: &Node) {
    let id = mermaid_id(&node.id);
    let mut label = escape(&node.label);
    if !node.badges.is_empty() {
        label.push_str("<br/>");
        label.push_str(&escape(&node.badges.join(" · ")));
    }
    let (open, close) = match node.kind {
        NodeKind::Step | NodeKind::RecoveryStep => ("(\"", "\")"),
        NodeKind::ChildWorkflow => ("[[\"", "\"]]"),
        NodeKind::External => ("{{\"", "\"}}"),
        // Leaning out of the workflow, and into it.
        NodeKind::Published => ("[/\"", "\"/]"),
        NodeKind::Subscribed => ("[\\\"", "\"\\]"),
        _ => ("([\"", "\"])"),
    };
    let mut classes = class(node.kind).to_owned();
    if let Some(emphasis) = emphasis_class(node.emphasis) {
        classes.push_str(&format!(",{emphasis}"));
    }
    let _ = writeln!(out, "{indent}{id}{open}{label}{close}:::{classes}");
}

/// A subgraph's id, kept apart from Mermaid's keywords (a workflow may be called `End`).
fn group_id(id: &str) -> String {
    mermaid_id(&format!("group-{id}"))
}

/// Mermaid ids are safest as `[a-z0-9_]`.
fn mermaid_id(id: &str) -> String {
    id.replace('-', "_")
}

/// Escapes what would end a quoted Mermaid label or be read as markup.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::{Emphasis, Link, Node};

    fn node(id: &str, label: &str, kind: NodeKind) -> Node {
        Node {
            id: id.into(),
            label: label.into(),
            kind,
            badges: Vec::new(),
            emphasis: Emphasis::Normal,
        }
    }

    #[test]
    fn shapes_arrows_and_styles_follow_the_kinds() {
        let mut step = node("step-a", "a", NodeKind::Step);
        step.badges = vec!["8 workers".into(), "retries".into()];
        let d = Diagram {
            title: "W".into(),
            subtitle: None,
            nodes: vec![
                step,
                node("event-start", "StartEvent", NodeKind::Start),
                node("event-x", "X", NodeKind::External),
            ],
            links: vec![
                Link {
                    from: 1,
                    to: 0,
                    kind: LinkKind::Flow,
                    label: None,
                },
                Link {
                    from: 0,
                    to: 2,
                    kind: LinkKind::FanOut,
                    label: Some("fan-out".into()),
                },
            ],
            notes: vec![],
            groups: vec![],
        };
        let text = mermaid(&d);
        assert!(
            text.contains("    step_a(\"a<br/>8 workers · retries\"):::step\n"),
            "{text}"
        );
        assert!(text.contains("    event_x{{\"X\"}}:::external\n"), "{text}");
        assert!(text.contains("    event_start --> step_a\n"), "{text}");
        assert!(
            text.contains("    step_a ==>|\"fan-out\"| event_x\n"),
            "{text}"
        );
        assert!(text.contains("    linkStyle 1 stroke:#0369a1\n"), "{text}");
    }

    #[test]
    fn labels_cannot_break_out_of_their_quotes() {
        assert_eq!(escape(r#"a "b" <c>"#), "a #quot;b#quot; #lt;c#gt;");
    }

    #[test]
    fn a_host_is_one_subgraph_per_workflow_and_its_crossings_join_them() {
        let d = crate::layout::samples::host();
        let text = mermaid(&d);
        // Each workflow's nodes are declared inside its subgraph, and only there.
        let block = |id: &str| {
            let open = format!("    subgraph group_{id}[");
            let start = text
                .find(&open)
                .unwrap_or_else(|| panic!("{open} in {text}"));
            let end = text[start..]
                .find("    end\n")
                .map_or(text.len(), |e| start + e);
            &text[start..end]
        };
        let orders = block("orders");
        assert!(
            orders.starts_with("    subgraph group_orders[\"Orders\"]\n        direction TB\n")
        );
        for line in [
            "        orders_step_trade(\"trade\"):::step\n",
            "        orders_event_trade([\"Trade\"]):::start\n",
            "        orders_event_settled[/\"Settled\"/]:::published\n",
            "        orders_child_payments[[\"Payments<br/>1 step\"]]:::child\n",
        ] {
            assert!(orders.contains(line), "{line:?} not in {orders}");
        }
        assert!(!orders.contains("monitor_"), "{orders}");
        assert!(
            block("monitor")
                .contains("        monitor_event_settled[\\\"Settled\"\\]:::subscribed\n"),
            "{text}"
        );
        // Crossings: thick to a start event, dotted to a subscriber, both coloured and wide.
        let links: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("-->") || l.contains("==>") || l.contains("-.->"))
            .collect();
        let at = |line: &str| {
            links
                .iter()
                .position(|l| *l == line)
                .unwrap_or_else(|| panic!("{line:?} not in {links:#?}"))
        };
        let starts = at("    monitor_event_trade ==>|\"starts\"| orders_event_trade");
        let delivers = at("    orders_event_settled -.->|\"delivers\"| monitor_event_settled");
        let runs = at("    orders_step_trade -->|\"runs\"| orders_child_payments");
        assert!(text.contains(&format!(
            "    linkStyle {starts} stroke:#c026d3,stroke-width:2.5px\n"
        )));
        assert!(text.contains(&format!(
            "    linkStyle {delivers} stroke:#0d9488,stroke-width:2.5px\n"
        )));
        assert!(text.contains(&format!("    linkStyle {runs} stroke:#0284c7\n")));
        assert!(text.contains("    style group_audit fill:#f8fafc,stroke:#cbd5e1,color:#334155\n"));
        for class in ["published", "subscribed", "child"] {
            assert!(
                text.contains(&format!("    classDef {class} fill:")),
                "{class}"
            );
        }
    }
}
