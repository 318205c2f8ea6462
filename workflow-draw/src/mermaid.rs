//! Mermaid flowcharts, which GitHub renders in Markdown.

use std::fmt::Write as _;

use crate::diagram::{Diagram, LinkKind, NodeKind};
use crate::style::{self, class, emphasis_class, link_colour, palette};

/// The diagram as a Mermaid flowchart, top to bottom.
///
/// Steps are rounded boxes, events are pills (the start event green, the stop event red, events
/// from outside hexagons); sends are dotted, fan-outs and joins thick.
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
    for node in &diagram.nodes {
        let id = mermaid_id(&node.id);
        let mut label = escape(&node.label);
        if !node.badges.is_empty() {
            label.push_str("<br/>");
            label.push_str(&escape(&node.badges.join(" · ")));
        }
        let (open, close) = match node.kind {
            NodeKind::Step | NodeKind::RecoveryStep => ("(\"", "\")"),
            NodeKind::External => ("{{\"", "\"}}"),
            _ => ("([\"", "\"])"),
        };
        let mut classes = class(node.kind).to_owned();
        if let Some(emphasis) = emphasis_class(node.emphasis) {
            classes.push_str(&format!(",{emphasis}"));
        }
        let _ = writeln!(out, "    {id}{open}{label}{close}:::{classes}");
    }
    for link in &diagram.links {
        let (Some(from), Some(to)) = (diagram.nodes.get(link.from), diagram.nodes.get(link.to))
        else {
            continue;
        };
        let arrow = match link.kind {
            LinkKind::Flow => "-->",
            LinkKind::Sends | LinkKind::Stream | LinkKind::Failure => "-.->",
            LinkKind::FanOut | LinkKind::Join => "==>",
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
        if link.kind != LinkKind::Flow {
            let _ = writeln!(out, "    linkStyle {i} stroke:{}", link_colour(link.kind));
        }
    }
    for kind in [
        NodeKind::Step,
        NodeKind::RecoveryStep,
        NodeKind::Internal,
        NodeKind::Start,
        NodeKind::Stop,
        NodeKind::External,
        NodeKind::Stream,
        NodeKind::Failure,
    ] {
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
}
