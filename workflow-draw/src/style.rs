//! The colours and line styles every format shares, so that a Mermaid drawing and an HTML page
//! of one workflow look alike.

use crate::diagram::{Emphasis, LinkKind, NodeKind};

/// The colour of problems: failed steps, failure links.
pub(crate) const ERROR: &str = "#dc2626";

/// Fill, border and text of a group's frame (a workflow of a host).
pub(crate) const GROUP: Palette = Palette {
    fill: "#f8fafc",
    stroke: "#cbd5e1",
    text: "#334155",
};

/// Every node kind, in the order legends and style sheets list them.
pub(crate) const NODE_KINDS: [NodeKind; 11] = [
    NodeKind::Step,
    NodeKind::RecoveryStep,
    NodeKind::ChildWorkflow,
    NodeKind::Internal,
    NodeKind::Start,
    NodeKind::Stop,
    NodeKind::External,
    NodeKind::Published,
    NodeKind::Subscribed,
    NodeKind::Stream,
    NodeKind::Failure,
];

/// Fill, border and text colours of a node kind.
pub(crate) struct Palette {
    pub(crate) fill: &'static str,
    pub(crate) stroke: &'static str,
    pub(crate) text: &'static str,
}

pub(crate) fn palette(kind: NodeKind) -> Palette {
    let (fill, stroke, text) = match kind {
        NodeKind::Step => ("#eef2ff", "#4f46e5", "#1e1b4b"),
        NodeKind::RecoveryStep => ("#fff7ed", "#c2410c", "#431407"),
        NodeKind::Internal => ("#f8fafc", "#64748b", "#0f172a"),
        NodeKind::Start => ("#dcfce7", "#15803d", "#052e16"),
        NodeKind::Stop => ("#fee2e2", "#b91c1c", "#450a0a"),
        NodeKind::External => ("#ffedd5", "#ea580c", "#431407"),
        NodeKind::Stream => ("#f1f5f9", "#94a3b8", "#334155"),
        NodeKind::Failure => ("#fef2f2", "#dc2626", "#7f1d1d"),
        NodeKind::Published => ("#fdf4ff", "#c026d3", "#4a044e"),
        NodeKind::Subscribed => ("#f0fdfa", "#0d9488", "#134e4a"),
        NodeKind::ChildWorkflow => ("#f0f9ff", "#0284c7", "#0c4a6e"),
    };
    Palette { fill, stroke, text }
}

/// The class name of a node kind, in Mermaid and HTML.
pub(crate) fn class(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Step => "step",
        NodeKind::RecoveryStep => "recovery",
        NodeKind::Internal => "event",
        NodeKind::Start => "start",
        NodeKind::Stop => "stop",
        NodeKind::External => "external",
        NodeKind::Stream => "stream",
        NodeKind::Failure => "failure",
        NodeKind::Published => "published",
        NodeKind::Subscribed => "subscribed",
        NodeKind::ChildWorkflow => "child",
    }
}

/// The colour of a link kind.
pub(crate) fn link_colour(kind: LinkKind) -> &'static str {
    match kind {
        LinkKind::Flow => "#475569",
        LinkKind::Sends => "#7c3aed",
        LinkKind::FanOut | LinkKind::Join => "#0369a1",
        LinkKind::Stream => "#94a3b8",
        LinkKind::Failure => "#dc2626",
        LinkKind::Runs => "#0284c7",
        LinkKind::Starts => "#c026d3",
        LinkKind::Crosses => "#0d9488",
    }
}

/// Whether the node is drawn faintly or as an error, as a short word for class names.
pub(crate) fn emphasis_class(emphasis: Emphasis) -> Option<&'static str> {
    match emphasis {
        Emphasis::Normal => None,
        Emphasis::Faint => Some("faint"),
        Emphasis::Error => Some("error"),
    }
}
