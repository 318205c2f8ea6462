//! The drawing itself: a laid-out diagram as inline SVG.
//!
//! Colours come from the page's style sheet, by class: each node is a `<g>` with the diagram's
//! id and its kind as class, each link a `<g>` naming the ids of its ends, which is what the
//! page's script follows to light up a node's neighbourhood.

use std::fmt::Write as _;

use crate::diagram::{Diagram, LinkKind, Node, NodeKind};
use crate::layout::{
    CHILD_BAR, Layout, Path, PlacedLink, PlacedNode, SLANT, Segment, arrow_length, lean,
};
use crate::style::{self, emphasis_class, link_colour};

use super::escape::{escape, num};
use super::legend::{kind_name, link_name};

/// Every link kind, in the order the legend lists them.
pub(crate) const LINK_KINDS: [LinkKind; 9] = [
    LinkKind::Flow,
    LinkKind::Sends,
    LinkKind::FanOut,
    LinkKind::Join,
    LinkKind::Stream,
    LinkKind::Failure,
    LinkKind::Runs,
    LinkKind::Starts,
    LinkKind::Crosses,
];

/// The class of a link kind.
pub(crate) fn link_class(kind: LinkKind) -> &'static str {
    match kind {
        LinkKind::Flow => "flow",
        LinkKind::Sends => "send",
        LinkKind::FanOut => "fan-out",
        LinkKind::Join => "join",
        LinkKind::Stream => "stream",
        LinkKind::Failure => "failure",
        LinkKind::Runs => "runs",
        LinkKind::Starts => "starts",
        LinkKind::Crosses => "crosses",
    }
}

/// The SVG `d` of a path.
pub(crate) fn path_data(path: &Path) -> String {
    let p = |pt: crate::layout::Point| format!("{},{}", num(pt.x), num(pt.y));
    let mut d = format!("M{}", p(path.start));
    for seg in &path.segments {
        let _ = match *seg {
            Segment::Line(to) => write!(d, " L{}", p(to)),
            Segment::Quad(c, to) => write!(d, " Q{} {}", p(c), p(to)),
            Segment::Cubic(c1, c2, to) => write!(d, " C{} {} {}", p(c1), p(c2), p(to)),
        };
    }
    d
}

/// The arrowheads, one per link kind in its colour; a fan-out's is doubled, for the many
/// events it starts. Heads start where their line stops and reach to the node.
pub(crate) fn markers() -> String {
    let mut out = String::from("<defs>");
    for kind in LINK_KINDS {
        let len = arrow_length(kind);
        let half = len * 0.45;
        let (l, h, w) = (num(len), num(half), num(2.0 * half));
        let head = if kind == LinkKind::FanOut {
            let mid = num(len * 0.45);
            format!("M0,0 L{mid},{h} L0,{w} Z M{mid},0 L{l},{h} L{mid},{w} Z")
        } else {
            format!("M0,0 L{l},{h} L0,{w} L{},{h} Z", num(len * 0.18))
        };
        let _ = write!(
            out,
            r#"<marker id="ef-arrow-{class}" viewBox="0 0 {l} {w}" refX="0" refY="{h}" markerWidth="{l}" markerHeight="{w}" markerUnits="userSpaceOnUse" orient="auto"><path d="{head}" fill="{colour}"/></marker>"#,
            class = link_class(kind),
            colour = link_colour(kind),
        );
    }
    out.push_str("</defs>");
    out
}

/// The drawing of `diagram`, laid out as `layout`.
pub(crate) fn svg(diagram: &Diagram, layout: &Layout) -> String {
    let mut out = String::new();
    let (w, h) = (num(layout.width), num(layout.height));
    let _ = write!(
        out,
        r#"<svg class="ef-drawing" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" preserveAspectRatio="xMidYMin meet" role="img" aria-label="{}">"#,
        escape(&diagram.title)
    );
    out.push_str(&markers());
    if diagram.nodes.is_empty() {
        let _ = write!(
            out,
            r#"<text class="empty" x="{}" y="{}">(nothing to draw)</text>"#,
            num(layout.width / 2.0),
            num(layout.height / 2.0)
        );
    }
    if !diagram.groups.is_empty() {
        out.push_str(r#"<g class="groups">"#);
        for (group, placed) in diagram.groups.iter().zip(&layout.groups) {
            let r = placed.frame;
            let _ = write!(
                out,
                r#"<g id="group-{}" class="group"><title>{}</title><rect class="frame" x="{}" y="{}" width="{}" height="{}" rx="12"/><text class="group-title" x="{}" y="{}">{}</text></g>"#,
                escape(&group.id),
                escape(&group.label),
                num(r.x),
                num(r.y),
                num(r.w),
                num(r.h),
                num(placed.title_at.x),
                num(placed.title_at.y),
                escape(&placed.title),
            );
        }
        out.push_str("</g>");
    }
    let ends = |i: usize| diagram.nodes.get(i);

    out.push_str(r#"<g class="links">"#);
    for (link, placed) in diagram.links.iter().zip(&layout.links) {
        let (Some(placed), Some(from), Some(to)) = (placed, ends(link.from), ends(link.to)) else {
            continue;
        };
        write_link(&mut out, link.kind, link.label.as_deref(), placed, from, to);
    }
    out.push_str("</g><g class=\"link-labels\">");
    for (link, placed) in diagram.links.iter().zip(&layout.links) {
        let (Some(placed), Some(from), Some(to)) = (placed, ends(link.from), ends(link.to)) else {
            continue;
        };
        let Some((r, text)) = &placed.label else {
            continue;
        };
        let _ = write!(
            out,
            r#"<g class="link-label {}" data-from="{}" data-to="{}"><rect x="{}" y="{}" width="{}" height="{}" rx="4"/><text x="{}" y="{}">{}</text></g>"#,
            link_class(link.kind),
            escape(&from.id),
            escape(&to.id),
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h),
            num(r.x + r.w / 2.0),
            num(r.y + r.h / 2.0),
            escape(text),
        );
    }
    out.push_str("</g><g class=\"nodes\">");
    for (node, placed) in diagram.nodes.iter().zip(&layout.nodes) {
        write_node(&mut out, node, placed);
    }
    out.push_str("</g></svg>");
    out
}

fn write_link(
    out: &mut String,
    kind: LinkKind,
    label: Option<&str>,
    placed: &PlacedLink,
    from: &Node,
    to: &Node,
) {
    let class = link_class(kind);
    let d = path_data(&placed.path);
    let _ = write!(
        out,
        r#"<g class="link {class}{}" data-from="{}" data-to="{}"><title>{} → {}: {}{}</title>"#,
        if placed.loops_back { " loop" } else { "" },
        escape(&from.id),
        escape(&to.id),
        escape(&from.label),
        escape(&to.label),
        link_name(kind),
        label
            .map(|l| format!(" ({})", escape(l)))
            .unwrap_or_default(),
    );
    let _ = write!(out, r#"<path class="line" d="{d}"/>"#);
    if kind == LinkKind::FanOut {
        // A white core down the thick line makes it a double line.
        let _ = write!(out, r#"<path class="core" d="{d}"/>"#);
    }
    // The head goes on a path of its own, drawn last, so no line crosses it.
    let _ = write!(
        out,
        r#"<path class="tip" d="{d}" marker-end="url(#ef-arrow-{class})"/></g>"#
    );
}

fn write_node(out: &mut String, node: &Node, placed: &PlacedNode) {
    let b = &placed.boxed;
    let c = placed.center;
    let r = placed.rect();
    let mut class = format!("node {}", style::class(node.kind));
    if let Some(e) = emphasis_class(node.emphasis) {
        class.push(' ');
        class.push_str(e);
    }
    let mut tip = format!("{} ({})", node.label, kind_name(node.kind));
    for badge in &node.badges {
        tip.push('\n');
        tip.push_str(badge);
    }
    let _ = write!(
        out,
        r#"<g id="{}" class="{class}"><title>{}</title>"#,
        escape(&node.id),
        escape(&tip)
    );
    if let Some(lean) = lean(node.kind) {
        // A parallelogram leaning out of the workflow (published) or into it (subscribed).
        let s = b.h * SLANT;
        let (top, bottom) = if lean > 0.0 { (s, 0.0) } else { (0.0, s) };
        let _ = write!(
            out,
            r#"<path class="shape" d="M{},{} H{} L{},{} H{} Z"/>"#,
            num(r.x + top),
            num(r.y),
            num(r.right() - bottom),
            num(r.right() - top),
            num(r.bottom()),
            num(r.x + bottom),
        );
    } else {
        let radius = if node.kind.is_box() { 8.0 } else { b.h / 2.0 };
        let _ = write!(
            out,
            r#"<rect class="shape" x="{}" y="{}" width="{}" height="{}" rx="{}"/>"#,
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h),
            num(radius)
        );
    }
    if node.kind == NodeKind::ChildWorkflow {
        // Bars inside both ends, as Mermaid draws a subroutine: a whole workflow in one box.
        let _ = write!(
            out,
            r#"<path class="bars" d="M{l},{t} V{b} M{rr},{t} V{b}"/>"#,
            l = num(r.x + CHILD_BAR),
            rr = num(r.right() - CHILD_BAR),
            t = num(r.y),
            b = num(r.bottom()),
        );
    }
    if node.kind == NodeKind::RecoveryStep {
        let _ = write!(
            out,
            r#"<path class="accent" d="M{x},{t} V{b}"/>"#,
            x = num(r.x + 3.0),
            t = num(r.y + 8.0),
            b = num(r.bottom() - 8.0),
        );
    }
    if let Some(icon) = b.icon {
        let (x, y) = (c.x + icon.x, c.y + icon.y);
        let _ = write!(
            out,
            r#"<path class="icon" d="M{},{} L{},{} L{},{} Z"/><path class="icon-mark" d="M{x},{} V{} M{x},{} V{}"/>"#,
            num(x),
            num(y - 7.0),
            num(x + 7.5),
            num(y + 6.0),
            num(x - 7.5),
            num(y + 6.0),
            num(y - 2.5),
            num(y + 1.5),
            num(y + 3.6),
            num(y + 3.8),
            x = num(x),
        );
    }
    let _ = write!(
        out,
        r#"<text class="label" x="{}" y="{}">{}</text>"#,
        num(c.x + b.label_at.x),
        num(c.y + b.label_at.y),
        escape(&b.label)
    );
    for chip in &b.chips {
        let cr = chip.rect;
        let _ = write!(
            out,
            r#"<rect class="chip" x="{}" y="{}" width="{}" height="{}" rx="{}"/><text class="chip-text" x="{}" y="{}">{}</text>"#,
            num(c.x + cr.x),
            num(c.y + cr.y),
            num(cr.w),
            num(cr.h),
            num(cr.h / 2.0),
            num(c.x + cr.x + cr.w / 2.0),
            num(c.y + cr.y + cr.h / 2.0),
            escape(&chip.text)
        );
    }
    out.push_str("</g>");
}
