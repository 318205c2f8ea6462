//! Graphviz DOT, for `dot -Tsvg` and the tools that read it.

use std::fmt::Write as _;

use crate::diagram::{Diagram, Emphasis, LinkKind, NodeKind};
use crate::style::{ERROR, link_colour, palette};

/// The diagram as a Graphviz `digraph`, top to bottom.
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
    for node in &diagram.nodes {
        let p = palette(node.kind);
        let label = if node.badges.is_empty() {
            node.label.clone()
        } else {
            format!("{}\n{}", node.label, node.badges.join(" · "))
        };
        let (shape, mut style) = match node.kind {
            NodeKind::Step | NodeKind::RecoveryStep => ("box", "rounded,filled".to_owned()),
            NodeKind::External => ("hexagon", "filled".to_owned()),
            NodeKind::Stream | NodeKind::Failure => ("box", "rounded,filled,dashed".to_owned()),
            _ => ("box", "rounded,filled".to_owned()),
        };
        if !node.kind.is_step() && node.kind != NodeKind::External {
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
            "    {} [label={}, shape={shape}, style={}, fillcolor=\"{}{faint}\", color=\"{stroke}{faint}\", fontcolor=\"{}{faint}\", penwidth={penwidth}];",
            quote(&node.id),
            quote(&label),
            quote(&style),
            p.fill,
            p.text,
        );
    }
    for link in &diagram.links {
        let (Some(from), Some(to)) = (diagram.nodes.get(link.from), diagram.nodes.get(link.to))
        else {
            continue;
        };
        let style = match link.kind {
            LinkKind::Flow => "solid",
            LinkKind::Sends | LinkKind::Failure => "dashed",
            LinkKind::Stream => "dotted",
            LinkKind::FanOut | LinkKind::Join => "bold",
        };
        let mut attrs = format!("style={style}, color=\"{}\"", link_colour(link.kind));
        if link.kind == LinkKind::FanOut {
            attrs.push_str(", arrowhead=crow");
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
}
