//! Graphviz DOT, for `dot -Tsvg` and the tools that read it.

use std::fmt::Write as _;

use crate::diagram::{Diagram, Emphasis, LinkKind, Node, NodeKind};
use crate::style::{ERROR, GROUP, link_colour, palette};

/// The diagram as a Graphviz `digraph`, top to bottom.
///
/// Shapes and colours follow [`mermaid`](crate::mermaid)'s; each [`Group`](crate::Group) is a
/// `cluster_<id>` subgraph, framed and headed with its label.
///
/// ```
/// use eventflow::prelude::*;
/// use eventflow::Topology;
/// use eventflow::draw::{diagram, dot};
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
/// let text = dot(&diagram(&Topology::of::<Echo>()));
/// assert!(text.starts_with("digraph \"Echo\" {\n"));
/// assert!(text.contains("\"event-startevent\" -> \"step-echo\""));
/// ```
pub fn dot(diagram: &Diagram) -> String {
    let mut out = String::new();
    let title = match &diagram.subtitle {
        Some(subtitle) => format!("{}\n{subtitle}", diagram.title),
        None => diagram.title.clone(),
    };
    let _ = writeln!(out, "digraph {} {{", quote(&diagram.title));
    let _ = writeln!(
        out,
        "    graph [rankdir=TB, label={}, labelloc=t, fontname=\"Helvetica\", fontsize=16, nodesep=0.4, ranksep=0.5];",
        quote(&title)
    );
    let _ = writeln!(
        out,
        "    node [fontname=\"Helvetica\", fontsize=12, style=\"filled\", penwidth=1.4];"
    );
    let _ = writeln!(out, "    edge [fontname=\"Helvetica\", fontsize=10];");
    let membership = diagram.membership();
    for (g, group) in diagram.groups.iter().enumerate() {
        let _ = writeln!(
            out,
            "    subgraph {} {{",
            quote(&format!("cluster_{}", group.id))
        );
        let _ = writeln!(
            out,
            "        graph [label={}, labeljust=l, fontsize=14, style=\"rounded,filled\", fillcolor=\"{}\", color=\"{}\", fontcolor=\"{}\"];",
            quote(&group.label),
            GROUP.fill,
            GROUP.stroke,
            GROUP.text
        );
        for (v, node) in diagram.nodes.iter().enumerate() {
            if membership[v] == Some(g) {
                write_node(&mut out, "        ", node);
            }
        }
        let _ = writeln!(out, "    }}");
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
        let style = match link.kind {
            LinkKind::Flow | LinkKind::Runs => "solid",
            LinkKind::Sends | LinkKind::Failure => "dashed",
            LinkKind::Stream => "dotted",
            LinkKind::FanOut | LinkKind::Join | LinkKind::Starts => "bold",
            LinkKind::Crosses => "\"dashed,bold\"",
        };
        let mut attrs = format!("style={style}, color=\"{}\"", link_colour(link.kind));
        match link.kind {
            LinkKind::FanOut => attrs.push_str(", arrowhead=crow"),
            LinkKind::Runs => attrs.push_str(", arrowhead=empty"),
            LinkKind::Starts | LinkKind::Crosses => attrs.push_str(", penwidth=2"),
            _ => {}
        }
        if let Some(label) = &link.label {
            let _ = write!(attrs, ", label={}", quote(label));
        }
        let _ = writeln!(
            out,
            "    {} -> {} [{attrs}];",
            quote(&from.id),
            quote(&to.id)
        );
    }
    if !diagram.notes.is_empty() {
        for note in &diagram.notes {
            let _ = writeln!(out, "    // {}", note.replace('\n', " "));
        }
    }
    out.push_str("}\n");
    out
}

/// One node's statement, with its shape and colours.
fn write_node(out: &mut String, indent: &str, node: &Node) {
    let p = palette(node.kind);
    let label = if node.badges.is_empty() {
        node.label.clone()
    } else {
        format!("{}\n{}", node.label, node.badges.join(" · "))
    };
    let (shape, mut style) = match node.kind {
        NodeKind::Step | NodeKind::RecoveryStep => ("box", "rounded,filled".to_owned()),
        // A double border: a whole workflow inside one box.
        NodeKind::ChildWorkflow => ("box, peripheries=2", "rounded,filled".to_owned()),
        NodeKind::External => ("hexagon", "filled".to_owned()),
        // Leaning out of the workflow, and into it.
        NodeKind::Published => ("polygon, sides=4, skew=0.3", "filled".to_owned()),
        NodeKind::Subscribed => ("polygon, sides=4, skew=-0.3", "filled".to_owned()),
        NodeKind::Stream | NodeKind::Failure => ("box", "rounded,filled,dashed".to_owned()),
        _ => ("box", "rounded,filled".to_owned()),
    };
    if !node.kind.is_box()
        && !matches!(
            node.kind,
            NodeKind::External | NodeKind::Published | NodeKind::Subscribed
        )
    {
        // Events are pills: rounded boxes with the ends fully round.
        style.push_str(",bold");
    }
    let (stroke, penwidth) = match node.emphasis {
        Emphasis::Error => (ERROR, "3"),
        _ => (p.stroke, "1.4"),
    };
    let faint = if node.emphasis == Emphasis::Faint {
        // Graphviz has no opacity; an alpha channel on every colour does the same.
        "55"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "{indent}{} [label={}, shape={shape}, style={}, fillcolor=\"{}{faint}\", color=\"{stroke}{faint}\", fontcolor=\"{}{faint}\", penwidth={penwidth}];",
        quote(&node.id),
        quote(&label),
        quote(&style),
        p.fill,
        p.text,
    );
}

/// A DOT quoted string.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_escape_what_would_end_them() {
        assert_eq!(quote("a \"b\" \\ c\nd"), r#""a \"b\" \\ c\nd""#);
    }

    #[test]
    fn a_host_is_one_cluster_per_workflow_and_its_crossings_join_them() {
        let text = dot(&crate::layout::samples::host());
        let start = text
            .find("    subgraph \"cluster_orders\" {\n")
            .unwrap_or_else(|| panic!("{text}"));
        let end = text[start..]
            .find("\n    }\n")
            .map_or(text.len(), |e| start + e);
        let cluster = &text[start..end];
        assert!(
            cluster.contains("        graph [label=\"Orders\", labeljust=l"),
            "{cluster}"
        );
        for node in [
            "        \"orders-step-trade\" [label=\"trade\", shape=box,",
            "        \"orders-event-settled\" [label=\"Settled\", shape=polygon, sides=4, skew=0.3,",
            "        \"orders-child-payments\" [label=\"Payments\\n1 step\", shape=box, peripheries=2,",
        ] {
            assert!(cluster.contains(node), "{node:?} not in {cluster}");
        }
        assert!(!cluster.contains("monitor-"), "{cluster}");
        assert!(text.contains(
            "\"monitor-event-settled\" [label=\"Settled\", shape=polygon, sides=4, skew=-0.3,"
        ));
        for edge in [
            "    \"monitor-event-trade\" -> \"orders-event-trade\" [style=bold, color=\"#c026d3\", penwidth=2, label=\"starts\"];\n",
            "    \"monitor-event-trade\" -> \"audit-event-trade\" [style=bold, color=\"#c026d3\", penwidth=2, label=\"starts\"];\n",
            "    \"orders-event-settled\" -> \"monitor-event-settled\" [style=\"dashed,bold\", color=\"#0d9488\", penwidth=2, label=\"delivers\"];\n",
            "    \"orders-step-trade\" -> \"orders-child-payments\" [style=solid, color=\"#0284c7\", arrowhead=empty, label=\"runs\"];\n",
        ] {
            assert!(text.contains(edge), "{edge:?} not in {text}");
        }
    }
}
