//! The legend: what each shape and line of the drawing means, for those it shows.

use std::fmt::Write as _;

use crate::diagram::{Diagram, LinkKind, NodeKind};
use crate::layout::Layout;
use crate::style;

use super::svg::{LINK_KINDS, link_class};

pub(crate) const NODE_KINDS: [NodeKind; 8] = [
    NodeKind::Step,
    NodeKind::RecoveryStep,
    NodeKind::Internal,
    NodeKind::Start,
    NodeKind::Stop,
    NodeKind::External,
    NodeKind::Stream,
    NodeKind::Failure,
];

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
        let (w, h, rx) = if kind.is_step() {
            (30, 18, 5)
        } else {
            (30, 16, 8)
        };
        let mut swatch = format!(
            r#"<g class="node {class}"><rect class="shape" x="1.5" y="{}" width="{w}" height="{h}" rx="{rx}"/>"#,
            (20 - h) / 2
        );
        if kind == NodeKind::RecoveryStep {
            swatch.push_str(r#"<path class="accent" d="M4.5,6 V14"/>"#);
        }
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
