//! How big each node is, and where its label and badges go inside it.
//!
//! Text is never measured: the page sets the fonts, and widths are estimated from a fixed
//! average character width per font. Labels use a monospace font, whose advance is the same for
//! every character, so the estimate holds for the identifiers that steps and events are named
//! after.

use crate::diagram::{Node, NodeKind};

use super::geometry::{Point, Rect};

/// Font size of node labels, in pixels (monospace).
pub(crate) const LABEL_FONT: f64 = 13.0;
/// Font size of badges, in pixels.
pub(crate) const BADGE_FONT: f64 = 10.5;
/// Font size of link labels, in pixels.
pub(crate) const LINK_FONT: f64 = 11.0;

/// Monospace advance is 0.6em in common fonts; the margin keeps wider ones inside the box.
const LABEL_CHAR: f64 = LABEL_FONT * 0.62;
/// Proportional fonts average under 0.6em over lower-case text and digits.
const BADGE_CHAR: f64 = BADGE_FONT * 0.6;
const LINK_CHAR: f64 = LINK_FONT * 0.6;

/// Labels longer than this are cut, with the full text in the tooltip.
const MAX_LABEL_CHARS: usize = 48;
/// Badges longer than this are cut.
const MAX_BADGE_CHARS: usize = 32;

const STEP_HEIGHT: f64 = 38.0;
const STEP_PAD: f64 = 16.0;
const STEP_MIN_WIDTH: f64 = 96.0;
const PILL_HEIGHT: f64 = 30.0;
const CHIP_HEIGHT: f64 = 16.0;
const CHIP_PAD: f64 = 6.0;
const CHIP_GAP: f64 = 4.0;
/// Room along a node's top or bottom for each line that meets it there.
const LINE_ROOM: f64 = 12.0;
/// Nodes grow for the lines meeting them up to this width.
const MAX_ROOMY_WIDTH: f64 = 420.0;
/// Room at the left of a recovery step for its warning mark.
const ICON_ROOM: f64 = 18.0;
/// How far a published or subscribed event's ends lean, as a share of its height.
pub(crate) const SLANT: f64 = 0.4;
/// How far inside a child workflow's ends its bars are drawn.
pub(crate) const CHILD_BAR: f64 = 7.0;

/// Which way a node leans if it is a parallelogram: 1 like `/` for an event published to
/// other workflows, -1 like `\` for one subscribed from them.
pub(crate) fn lean(kind: NodeKind) -> Option<f64> {
    match kind {
        NodeKind::Published => Some(1.0),
        NodeKind::Subscribed => Some(-1.0),
        _ => None,
    }
}

/// The estimated width of `text` in a font whose average advance is `per_char`.
pub(super) fn text_width(text: &str, per_char: f64) -> f64 {
    // Ideographs take about two advances.
    let advances: usize = text
        .chars()
        .map(|c| if u32::from(c) >= 0x2E80 { 2 } else { 1 })
        .sum();
    advances as f64 * per_char
}

/// The width of a link label's box.
pub(crate) fn link_label_size(text: &str) -> (f64, f64) {
    (text_width(text, LINK_CHAR) + 10.0, LINK_FONT + 6.0)
}

/// `text` cut to at most `max` characters, ending with an ellipsis when cut.
pub(crate) fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A badge drawn as a chip inside a node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Chip {
    /// Relative to the node's centre.
    pub(crate) rect: Rect,
    pub(crate) text: String,
}

/// A node's size and the places of what is drawn inside it, relative to its centre.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NodeBox {
    pub(crate) w: f64,
    pub(crate) h: f64,
    /// The label as drawn, cut when too long.
    pub(crate) label: String,
    /// The middle of the label's line.
    pub(crate) label_at: Point,
    pub(crate) chips: Vec<Chip>,
    /// The centre of a recovery step's warning mark.
    pub(crate) icon: Option<Point>,
}

impl NodeBox {
    pub(crate) fn of(node: &Node) -> Self {
        let label = clip(&node.label, MAX_LABEL_CHARS);
        let label_w = text_width(&label, LABEL_CHAR);
        let chips: Vec<(String, f64)> = node
            .badges
            .iter()
            .map(|b| {
                let text = clip(b, MAX_BADGE_CHARS);
                let w = text_width(&text, BADGE_CHAR) + 2.0 * CHIP_PAD;
                (text, w)
            })
            .collect();
        if node.kind.is_box() {
            Self::step(node.kind, label, label_w, &chips)
        } else {
            Self::pill(label, label_w, &chips)
        }
    }

    /// A box: the label, then the badges in rows under it.
    fn step(kind: NodeKind, label: String, label_w: f64, chips: &[(String, f64)]) -> Self {
        let icon_room = if kind == NodeKind::RecoveryStep {
            ICON_ROOM
        } else {
            0.0
        };
        // Rows of badges are as wide as the label, or a few badges when the label is short.
        let row_max = label_w.max(180.0);
        let mut rows: Vec<Vec<usize>> = Vec::new();
        let mut row_w = 0.0;
        for (i, (_, w)) in chips.iter().enumerate() {
            match rows.last_mut() {
                Some(row) if row_w + CHIP_GAP + w <= row_max => {
                    row.push(i);
                    row_w += CHIP_GAP + w;
                }
                _ => {
                    rows.push(vec![i]);
                    row_w = *w;
                }
            }
        }
        let row_widths: Vec<f64> = rows
            .iter()
            .map(|row| {
                row.iter().map(|&i| chips[i].1).sum::<f64>()
                    + CHIP_GAP * row.len().saturating_sub(1) as f64
            })
            .collect();
        let content_w = row_widths.iter().copied().fold(label_w, f64::max);
        let w = (content_w + 2.0 * STEP_PAD + icon_room).max(STEP_MIN_WIDTH);
        let rows_h = rows.len() as f64 * (CHIP_HEIGHT + CHIP_GAP);
        let h = STEP_HEIGHT + rows_h;
        let top = -h / 2.0;
        let content_x = icon_room / 2.0;
        let label_at = Point::new(content_x, top + STEP_HEIGHT / 2.0 - rows_h.min(1.0) * 2.0);
        let mut placed = Vec::with_capacity(chips.len());
        for (r, (row, row_w)) in rows.iter().zip(&row_widths).enumerate() {
            let y = top + STEP_HEIGHT - 6.0 + r as f64 * (CHIP_HEIGHT + CHIP_GAP);
            let mut x = content_x - row_w / 2.0;
            for &i in row {
                let (text, cw) = &chips[i];
                placed.push(Chip {
                    rect: Rect {
                        x,
                        y,
                        w: *cw,
                        h: CHIP_HEIGHT,
                    },
                    text: text.clone(),
                });
                x += cw + CHIP_GAP;
            }
        }
        Self {
            w,
            h,
            label,
            label_at,
            chips: placed,
            icon: (icon_room > 0.0).then(|| Point::new(-w / 2.0 + 4.0 + ICON_ROOM / 2.0, 0.0)),
        }
    }

    /// A pill: the label, then the badges on the same line.
    fn pill(label: String, label_w: f64, chips: &[(String, f64)]) -> Self {
        let h = PILL_HEIGHT;
        let chips_w: f64 = chips.iter().map(|(_, w)| CHIP_GAP + w).sum();
        // The rounded ends take half the height each; the text keeps clear of them.
        let w = label_w + chips_w + h + 4.0;
        let left = -(label_w + chips_w) / 2.0;
        let mut x = left + label_w + CHIP_GAP;
        let placed = chips
            .iter()
            .map(|(text, cw)| {
                let chip = Chip {
                    rect: Rect {
                        x,
                        y: -CHIP_HEIGHT / 2.0,
                        w: *cw,
                        h: CHIP_HEIGHT,
                    },
                    text: text.clone(),
                };
                x += cw + CHIP_GAP;
                chip
            })
            .collect();
        Self {
            w,
            h,
            label,
            label_at: Point::new(left + label_w / 2.0, 0.0),
            chips: placed,
            icon: None,
        }
    }

    /// Makes the node at least wide enough for `lines` lines to leave or arrive side by side
    /// along its top or bottom, up to a limit: a node many lines meet would otherwise have their
    /// arrowheads packed edge to edge.
    pub(crate) fn make_room(&mut self, kind: NodeKind, lines: usize) {
        let ends = if kind.is_box() { 20.0 } else { self.h };
        let wanted = (lines as f64 * LINE_ROOM + ends).min(MAX_ROOMY_WIDTH);
        if wanted > self.w {
            self.w = wanted;
            if let Some(icon) = &mut self.icon {
                icon.x = -wanted / 2.0 + 4.0 + ICON_ROOM / 2.0;
            }
        }
    }

    /// How far from the centre the node's outline is at height `dy` from its middle, on the
    /// side `dir` (1 right, -1 left): where a line arriving from the side touches it.
    pub(crate) fn side_at(&self, kind: NodeKind, dir: f64, dy: f64) -> f64 {
        let half = self.w / 2.0;
        if kind.is_box() {
            return half;
        }
        if let Some(lean) = lean(kind) {
            // Down the slanted end: 0 at the top, 1 at the bottom.
            let t = ((dy + self.h / 2.0) / self.h).clamp(0.0, 1.0);
            let inward = if (lean > 0.0) == (dir > 0.0) {
                t
            } else {
                1.0 - t
            };
            return half - self.h * SLANT * inward;
        }
        let r = self.h / 2.0;
        let dy = dy.abs().min(r);
        half - r + (r * r - dy * dy).sqrt()
    }

    /// How far from the centre the flat part of the top and bottom reaches, where lines may
    /// leave and arrive.
    pub(crate) fn flat_half(&self, kind: NodeKind) -> f64 {
        if kind.is_box() {
            self.w / 2.0 - 10.0
        } else {
            (self.w - self.h) / 2.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::Emphasis;

    fn node(kind: NodeKind, label: &str, badges: &[&str]) -> Node {
        Node {
            id: "n".into(),
            label: label.into(),
            kind,
            badges: badges.iter().map(|b| (*b).to_owned()).collect(),
            emphasis: Emphasis::Normal,
        }
    }

    #[test]
    fn longer_labels_make_wider_nodes() {
        let short = NodeBox::of(&node(NodeKind::Internal, "Go", &[]));
        let long = NodeBox::of(&node(NodeKind::Internal, "OnlineFeedbackEvent", &[]));
        assert!(long.w > short.w + 100.0, "{} vs {}", long.w, short.w);
    }

    #[test]
    fn badges_fit_inside_their_node() {
        for kind in [NodeKind::Step, NodeKind::RecoveryStep, NodeKind::Internal] {
            let b = NodeBox::of(&node(
                kind,
                "x",
                &["8 workers", "retries", "one of each", "first 2", "ran 12×"],
            ));
            let outline = Rect::centered(Point::new(0.0, 0.0), b.w, b.h);
            assert_eq!(b.chips.len(), 5);
            for chip in &b.chips {
                let c = chip.rect;
                assert!(
                    outline.contains(Point::new(c.x, c.y))
                        && outline.contains(Point::new(c.right(), c.bottom())),
                    "{kind:?}: {c:?} outside {outline:?}"
                );
            }
            for (i, a) in b.chips.iter().enumerate() {
                for c in &b.chips[i + 1..] {
                    assert!(!a.rect.overlaps(&c.rect, 0.0), "{a:?} / {c:?}");
                }
            }
        }
    }

    #[test]
    fn a_node_many_lines_meet_grows_but_not_without_end() {
        let mut b = NodeBox::of(&node(NodeKind::RecoveryStep, "x", &[]));
        let (narrow, icon) = (b.w, b.icon);
        b.make_room(NodeKind::RecoveryStep, 2);
        assert_eq!((b.w, b.icon), (narrow, icon));
        b.make_room(NodeKind::RecoveryStep, 12);
        assert!(b.w >= 12.0 * LINE_ROOM, "{}", b.w);
        assert!(b.icon.is_some_and(|i| i.x < icon.map_or(0.0, |i| i.x)));
        b.make_room(NodeKind::RecoveryStep, 1000);
        assert_eq!(b.w, MAX_ROOMY_WIDTH);
    }

    #[test]
    fn very_long_labels_are_cut() {
        let b = NodeBox::of(&node(NodeKind::Step, &"x".repeat(500), &[]));
        assert_eq!(b.label.chars().count(), MAX_LABEL_CHARS);
        assert!(b.label.ends_with('…'));
        assert!(b.w < 500.0);
    }
}
