//! A diagram with groups: each group laid out on its own, as a diagram without groups would
//! be, and framed under its heading; the frames packed left to right in rows; and the links
//! between groups routed around everything in between.
//!
//! Laying each group out alone keeps a workflow of a host looking exactly as it does in its own
//! drawing, and keeps the frames apart: a single layered layout of everything would interleave
//! the workflows' nodes wherever that saved a crossing.

use crate::diagram::{Diagram, Link};

use super::geometry::{Path, Point, Rect};
use super::orthogonal::{self, Ends};
use super::route::Anchor;
use super::size::{self, NodeBox};
use super::{Layout, PlacedGroup, arrow_length, flat, labels};

/// Font size of a frame's heading, in pixels (bold, proportional).
pub(crate) const TITLE_FONT: f64 = 13.0;
/// Bold proportional text averages under 0.62em; the margin keeps long names inside.
const TITLE_CHAR: f64 = TITLE_FONT * 0.62;
/// Headings longer than this are cut, with the full name in the frame's tooltip.
const MAX_TITLE_CHARS: usize = 60;
/// The band at the top of a frame that holds its heading.
const HEADER: f64 = 30.0;
/// Room left and right of a heading inside its frame.
const TITLE_PAD: f64 = 14.0;
/// Room between two frames, for the lines that run between them.
const FRAME_GAP: f64 = 64.0;
/// A row of frames ends before growing wider than this, so that a host of many workflows
/// stays readable at the width of a screen.
const ROW_WIDTH: f64 = 1500.0;

/// Lays out `d`, whose groups are not empty.
pub(super) fn layout(d: &Diagram) -> Layout {
    let n = d.nodes.len();
    let framed = d.groups.len();
    // Nodes in no group are laid out together, unframed, after the groups.
    let part: Vec<usize> = d
        .membership()
        .into_iter()
        .map(|g| g.unwrap_or(framed))
        .collect();
    let parts = framed + usize::from(part.contains(&framed));

    let mut centers = vec![Point::new(0.0, 0.0); n];
    // Every node is in a part, which replaces its box with the one it laid out.
    let mut boxes: Vec<NodeBox> = d.nodes.iter().map(NodeBox::of).collect();
    let mut rank = vec![0; n];
    let mut paths: Vec<Option<Path>> = vec![None; d.links.len()];
    let mut loops = vec![false; d.links.len()];
    let mut frames = Vec::with_capacity(parts);
    let mut groups = Vec::with_capacity(framed);
    let mut titles = Vec::with_capacity(framed);
    let (mut x, mut y, mut row_h) = (0.0f64, 0.0f64, 0.0f64);
    for p in 0..parts {
        let members: Vec<usize> = (0..n).filter(|&v| part[v] == p).collect();
        let (sub, inner) = part_layout(d, &part, p, &members);
        let heading = d
            .groups
            .get(p)
            .map(|g| size::clip(&g.label, MAX_TITLE_CHARS));
        let title_w = heading
            .as_deref()
            .map_or(0.0, |t| size::text_width(t, TITLE_CHAR) + 2.0 * TITLE_PAD);
        let header = if heading.is_some() { HEADER } else { 0.0 };
        let (w, h) = (sub.width.max(title_w), header + sub.height);
        if x > 0.0 && x + w > ROW_WIDTH {
            x = 0.0;
            y += row_h + FRAME_GAP;
            row_h = 0.0;
        }
        let frame = Rect { x, y, w, h };
        let (dx, dy) = (x + (w - sub.width) / 2.0, y + header);
        for (i, &v) in members.iter().enumerate() {
            let placed = &sub.nodes[i];
            centers[v] = Point::new(placed.center.x + dx, placed.center.y + dy);
            boxes[v] = placed.boxed.clone();
            rank[v] = sub.rank[i];
        }
        for (j, &link) in inner.iter().enumerate() {
            if let Some(Some(placed)) = sub.links.get(j) {
                let mut path = placed.path.clone();
                path.shift(dx, dy);
                paths[link] = Some(path);
                loops[link] = placed.loops_back;
            }
        }
        if let Some(title) = heading {
            let title_at = Point::new(x + TITLE_PAD, y + HEADER / 2.0 + 1.0);
            titles.push(Rect {
                x: title_at.x - 4.0,
                y: y + 4.0,
                w: title_w - 2.0 * TITLE_PAD + 8.0,
                h: HEADER - 8.0,
            });
            groups.push(PlacedGroup {
                frame,
                title,
                title_at,
            });
        }
        frames.push(frame);
        x += w + FRAME_GAP;
        row_h = row_h.max(h);
    }

    let anchors: Vec<Anchor<'_>> = (0..n)
        .map(|v| Anchor {
            center: centers[v],
            kind: d.nodes[v].kind,
            boxed: &boxes[v],
        })
        .collect();
    let between: Vec<(usize, Ends)> = d
        .links
        .iter()
        .enumerate()
        .filter(|(_, l)| l.from < n && l.to < n && l.from != l.to && part[l.from] != part[l.to])
        .map(|(i, l)| {
            (
                i,
                Ends {
                    from: l.from,
                    to: l.to,
                    frames: (part[l.from], part[l.to]),
                    arrow: arrow_length(l.kind),
                },
            )
        })
        .collect();
    let ends: Vec<Ends> = between.iter().map(|(_, e)| *e).collect();
    let drawn: Vec<&Path> = paths.iter().flatten().collect();
    let routed = orthogonal::route(&anchors, &titles, &frames, &drawn, &ends);
    for ((i, _), path) in between.iter().zip(routed) {
        paths[*i] = Some(path);
    }

    let rects: Vec<Rect> = anchors
        .iter()
        .map(|a| Rect::centered(a.center, a.boxed.w, a.boxed.h))
        .collect();
    let mut keep_clear = rects.clone();
    keep_clear.extend(titles);
    let labels = labels(d, &paths, &keep_clear);
    Layout::assemble(centers, boxes, paths, labels, loops, rank, groups)
}

/// The layout of part `p` of `d` on its own: the nodes `members` and the links between them,
/// whose indices in `d` come second.
fn part_layout(d: &Diagram, part: &[usize], p: usize, members: &[usize]) -> (Layout, Vec<usize>) {
    let n = d.nodes.len();
    let mut local = vec![usize::MAX; n];
    for (i, &v) in members.iter().enumerate() {
        local[v] = i;
    }
    let inner: Vec<usize> = d
        .links
        .iter()
        .enumerate()
        .filter(|(_, l)| l.from < n && l.to < n && part[l.from] == p && part[l.to] == p)
        .map(|(i, _)| i)
        .collect();
    let sub = Diagram {
        nodes: members.iter().map(|&v| d.nodes[v].clone()).collect(),
        links: inner
            .iter()
            .map(|&i| Link {
                from: local[d.links[i].from],
                to: local[d.links[i].to],
                ..d.links[i].clone()
            })
            .collect(),
        ..Diagram::default()
    };
    (flat(&sub), inner)
}
