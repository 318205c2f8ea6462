//! The legend: what each shape and line of the drawing means, for those it shows.

use std::fmt::Write as _;

use crate::diagram::{Diagram, LinkKind, NodeKind};
use crate::layout::Layout;
use crate::style::{self, NODE_KINDS};

use super::svg::{LINK_KINDS, link_class};

/// What a node kind is, in words.
pub(crate) fn kind_name(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Step => "step",
        NodeKind::RecoveryStep => "error-recovery step",
        NodeKind::Internal => "event",
        NodeKind::Start => "start event",
        NodeKind::Stop => "stop event",
        NodeKind::External => "event sent from outside",
        NodeKind::Stream => "event only streamed to the caller",
        NodeKind::Failure => "step failure",
        NodeKind::Published => "event handed to other workflows (published)",
        NodeKind::Subscribed => "event taken from other workflows (subscribed)",
        NodeKind::ChildWorkflow => "child workflow a step runs",
    }
}

/// What a link kind is, in words.
pub(crate) fn link_name(kind: LinkKind) -> &'static str {
    match kind {
        LinkKind::Flow => "takes or returns",
        LinkKind::Sends => "sends",
        LinkKind::FanOut => "fans out",
        LinkKind::Join => "joins",
        LinkKind::Stream => "streams",
        LinkKind::Failure => "fails",
        LinkKind::Runs => "runs as a child",
        LinkKind::Starts => "starts a run of another workflow",
        LinkKind::Crosses => "reaches another workflow's subscribed runs",
    }
}

/// The legend of `diagram` as an HTML list, or nothing when there is nothing to explain.
pub(crate) fn legend(diagram: &Diagram, layout: &Layout) -> String {
    let mut items = Vec::new();
    for kind in NODE_KINDS {
        if !diagram.nodes.iter().any(|n| n.kind == kind) {
            continue;
        }
        let class = style::class(kind);
        let (w, h, rx) = if kind.is_box() {
            (30, 18, 5)
        } else {
            (30, 16, 8)
        };
        let shape = match kind {
            // Leaning out and leaning in, as the drawing has them.
            NodeKind::Published => {
                r#"<path class="shape" d="M7.5,2 H31.5 L25.5,18 H1.5 Z"/>"#.to_owned()
            }
            NodeKind::Subscribed => {
                r#"<path class="shape" d="M1.5,2 H25.5 L31.5,18 H7.5 Z"/>"#.to_owned()
            }
            _ => format!(
                r#"<rect class="shape" x="1.5" y="{}" width="{w}" height="{h}" rx="{rx}"/>"#,
                (20 - h) / 2
            ),
        };
        let inside = match kind {
            NodeKind::RecoveryStep => r#"<path class="accent" d="M4.5,6 V14"/>"#,
            NodeKind::ChildWorkflow => r#"<path class="bars" d="M6,1 V19 M27,1 V19"/>"#,
            _ => "",
        };
        let mut swatch = format!(r#"<g class="node {class}">{shape}{inside}"#);
        swatch.push_str("</g>");
        items.push((swatch, capitalised(kind_name(kind))));
    }
    let used = |kind: LinkKind| {
        diagram
            .links
            .iter()
            .zip(&layout.links)
            .any(|(l, p)| l.kind == kind && p.is_some())
    };
    for kind in LINK_KINDS.into_iter().filter(|&k| used(k)) {
        let class = link_class(kind);
        let end = 32.0 - crate::layout::arrow_length(kind);
        let d = format!("M3,10 H{end}");
        let core = if kind == LinkKind::FanOut {
            format!(r#"<path class="core" d="{d}"/>"#)
        } else {
            String::new()
        };
        let swatch = format!(
            r#"<g class="link {class}"><path class="line" d="{d}"/>{core}<path class="tip" d="{d}" marker-end="url(#ef-arrow-{class})"/></g>"#
        );
        items.push((swatch, capitalised(link_name(kind))));
    }
    if !diagram.groups.is_empty() {
        let swatch = r#"<g class="group"><rect class="frame" x="1.5" y="1.5" width="30" height="17" rx="4"/><path class="frame-title" d="M5,6 H17"/></g>"#;
        items.push((swatch.to_owned(), "Workflow of the host".to_owned()));
    }
    if layout.links.iter().flatten().any(|l| l.loops_back) {
        let swatch = r#"<g class="link flow loop"><path class="line" d="M3,15 H20 Q27,15 27,10 Q27,5 20,5 H19"/><path class="tip" d="M3,15 H20 Q27,15 27,10 Q27,5 20,5 H19" marker-end="url(#ef-arrow-flow)"/></g>"#;
        items.push((
            swatch.to_owned(),
            "Loops back to an earlier step".to_owned(),
        ));
    }
    if items.is_empty() {
        return String::new();
    }
    let mut out = String::from(r#"<ul class="legend" aria-label="Legend">"#);
    for (swatch, text) in items {
        let _ = write!(
            out,
            r#"<li><svg width="34" height="20" viewBox="0 0 34 20" aria-hidden="true">{swatch}</svg>{}</li>"#,
            super::escape::escape(&text)
        );
    }
    out.push_str("</ul>");
    out
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
