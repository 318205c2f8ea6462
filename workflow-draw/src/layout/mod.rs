//! Where everything in a drawing goes: a layered layout, top to bottom.
//!
//! The stages, each in its own module:
//! 1. [`acyclic`]: loops are broken by turning their way back around;
//! 2. [`rank`]: each node gets a layer, every edge pointing down;
//! 3. [`layered`]: long edges are cut into one piece per layer by dummy nodes, and loops get
//!    lanes beside their ends;
//! 4. [`order`]: the order within each layer that crosses the fewest edges;
//! 5. [`position`]: coordinates, from node sizes ([`size`]);
//! 6. [`route`]: the lines, and [`label`]: where their labels go.
//!
//! A diagram with groups (a host's workflows) is laid out group by group that way, and
//! [`grouped`] frames the groups side by side and routes the links between them with
//! [`orthogonal`].

mod acyclic;
mod geometry;
mod grouped;
mod label;
mod layered;
mod order;
mod orthogonal;
mod position;
mod rank;
mod route;
mod size;

pub(crate) use geometry::{Path, Point, Rect, Segment};
pub(crate) use grouped::TITLE_FONT;
pub(crate) use size::{BADGE_FONT, CHILD_BAR, LABEL_FONT, LINK_FONT, NodeBox, SLANT, lean};

use crate::diagram::{Diagram, LinkKind, NodeKind};

use layered::Layered;
use position::Extent;
use route::Anchor;

/// Empty room around the drawing.
const MARGIN: f64 = 20.0;
/// Link labels longer than this are cut.
const MAX_LINK_LABEL_CHARS: usize = 32;

/// A diagram laid out: the place of every node, label and line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layout {
    pub(crate) width: f64,
    pub(crate) height: f64,
    /// Per node of the diagram.
    pub(crate) nodes: Vec<PlacedNode>,
    /// Per link of the diagram; `None` for a link naming a node that does not exist.
    pub(crate) links: Vec<Option<PlacedLink>>,
    /// Per node of the diagram, its layer, 0 at the top (of its group's frame, if grouped).
    pub(crate) rank: Vec<usize>,
    /// Per group of the diagram, its frame.
    pub(crate) groups: Vec<PlacedGroup>,
}

/// A group of the diagram, framed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PlacedGroup {
    pub(crate) frame: Rect,
    /// The heading as drawn, cut when too long.
    pub(crate) title: String,
    /// Where the heading starts, halfway down its line: it is drawn left-aligned from here.
    pub(crate) title_at: Point,
}

/// A node of the diagram, placed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PlacedNode {
    pub(crate) center: Point,
    pub(crate) boxed: NodeBox,
}

impl PlacedNode {
    pub(crate) fn rect(&self) -> Rect {
        Rect::centered(self.center, self.boxed.w, self.boxed.h)
    }
}

/// A link of the diagram, routed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PlacedLink {
    /// The line, stopping where the arrowhead starts.
    pub(crate) path: Path,
    /// The label's box and text, cut when too long.
    pub(crate) label: Option<(Rect, String)>,
    /// Whether the link closes a loop: it climbs back up to its target.
    pub(crate) loops_back: bool,
}

/// Lays `diagram` out.
pub(crate) fn layout(diagram: &Diagram) -> Layout {
    if diagram.groups.is_empty() {
        flat(diagram)
    } else {
        grouped::layout(diagram)
    }
}

/// Lays `diagram` out as one graph, ignoring its groups.
fn flat(diagram: &Diagram) -> Layout {
    let n = diagram.nodes.len();
    let links: Vec<Option<(usize, usize)>> = diagram
        .links
        .iter()
        .map(|l| (l.from < n && l.to < n).then_some((l.from, l.to)))
        .collect();
    let (rank, loops_back) = rank_and_loops(diagram, &links);
    let g = Layered::new(&rank, &links, &loops_back);
    let boxes = boxes(diagram, &g);
    let layers = order::order(&g);
    let at = position::place(&g, &layers, &extents(&boxes, &links));

    let centers: Vec<Point> = (0..n)
        .map(|v| Point::new(at.x[v], at.center_y(rank[v])))
        .collect();
    let anchors: Vec<Anchor<'_>> = (0..n)
        .map(|v| Anchor {
            center: centers[v],
            kind: diagram.nodes[v].kind,
            boxed: &boxes[v],
        })
        .collect();
    let arrows: Vec<f64> = diagram.links.iter().map(|l| arrow_length(l.kind)).collect();
    let paths = route::route(&g, &at, &anchors, &arrows);
    let rects: Vec<Rect> = (0..n)
        .map(|v| Rect::centered(centers[v], boxes[v].w, boxes[v].h))
        .collect();
    let labels = labels(diagram, &paths, &rects);

    Layout::assemble(centers, boxes, paths, labels, loops_back, rank, Vec::new())
}

/// The layer of each node, and for each link whether it closes a loop, turned around so that
/// every other link points down.
fn rank_and_loops(diagram: &Diagram, links: &[Option<(usize, usize)>]) -> (Vec<usize>, Vec<bool>) {
    let n = diagram.nodes.len();
    let graph: Vec<(usize, usize)> = links
        .iter()
        .flatten()
        .copied()
        .filter(|(a, b)| a != b)
        .collect();
    // Loops are searched from the start event, then from whatever nothing leads to.
    let mut fed = vec![false; n];
    for &(_, to) in &graph {
        fed[to] = true;
    }
    let roots: Vec<usize> = (0..n)
        .filter(|&v| diagram.nodes[v].kind == NodeKind::Start)
        .chain((0..n).filter(|&v| !fed[v]))
        .collect();
    let back = acyclic::back_edges(n, &graph, &roots);
    let dag: Vec<(usize, usize)> = graph
        .iter()
        .zip(&back)
        .map(|(&(a, b), &r)| if r { (b, a) } else { (a, b) })
        .collect();
    let stops: Vec<bool> = diagram
        .nodes
        .iter()
        .map(|v| v.kind == NodeKind::Stop)
        .collect();
    let rank = rank::ranks(n, &dag, &stops);
    let mut back = back.into_iter();
    let loops = links
        .iter()
        .map(|l| match l {
            Some((a, b)) if a != b => back.next().unwrap_or(false),
            _ => false,
        })
        .collect();
    (rank, loops)
}

/// Each node's box, wide enough for its label and badges and for the lines meeting its top
/// and bottom.
fn boxes(diagram: &Diagram, g: &Layered) -> Vec<NodeBox> {
    let n = diagram.nodes.len();
    let (mut tops, mut bottoms) = (vec![0usize; n], vec![0usize; n]);
    for chain in g.chains.iter().flatten() {
        if let layered::Chain::Down(nodes) = chain
            && let (Some(&from), Some(&to)) = (nodes.first(), nodes.last())
        {
            bottoms[from] += 1;
            tops[to] += 1;
        }
    }
    diagram
        .nodes
        .iter()
        .enumerate()
        .map(|(v, node)| {
            let mut b = NodeBox::of(node);
            b.make_room(node.kind, tops[v].max(bottoms[v]));
            b
        })
        .collect()
}

/// The room each node takes, its self-loops included.
fn extents(boxes: &[NodeBox], links: &[Option<(usize, usize)>]) -> Vec<Extent> {
    let mut self_loops = vec![0usize; boxes.len()];
    for &(a, b) in links.iter().flatten() {
        if a == b {
            self_loops[a] += 1;
        }
    }
    boxes
        .iter()
        .zip(&self_loops)
        .map(|(b, &loops)| {
            let reach = match loops {
                0 => 0.0,
                k => route::SELF_LOOP_REACH + route::SELF_LOOP_STEP * (k - 1) as f64,
            };
            Extent {
                left: b.w / 2.0,
                right: b.w / 2.0 + reach,
                height: b.h,
            }
        })
        .collect()
}

/// Each link's label, cut when too long, and where it goes along `paths`, clear of `nodes`.
impl Layout {
    /// The layout of placed nodes and routed, labelled links, fitted to its contents.
    pub(crate) fn assemble(
        centers: Vec<Point>,
        boxes: Vec<NodeBox>,
        paths: Vec<Option<Path>>,
        labels: Vec<Option<(Rect, String)>>,
        loops_back: Vec<bool>,
        rank: Vec<usize>,
        groups: Vec<PlacedGroup>,
    ) -> Self {
        let mut placed = Self {
            width: 0.0,
            height: 0.0,
            nodes: centers
                .into_iter()
                .zip(boxes)
                .map(|(center, boxed)| PlacedNode { center, boxed })
                .collect(),
            links: paths
                .into_iter()
                .zip(labels)
                .zip(loops_back)
                .map(|((path, label), loops_back)| {
                    Some(PlacedLink {
                        path: path?,
                        label,
                        loops_back,
                    })
                })
                .collect(),
            rank,
            groups,
        };
        placed.fit();
        placed
    }
}

fn labels(
    diagram: &Diagram,
    paths: &[Option<Path>],
    nodes: &[Rect],
) -> Vec<Option<(Rect, String)>> {
    let texts: Vec<Option<String>> = diagram
        .links
        .iter()
        .zip(paths)
        .map(|(l, path)| {
            let text = l.label.as_deref().filter(|t| !t.trim().is_empty())?;
            path.as_ref()
                .map(|_| size::clip(text, MAX_LINK_LABEL_CHARS))
        })
        .collect();
    let wanted: Vec<label::Wanted> = texts
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let (w, h) = size::link_label_size(t.as_deref()?);
            Some(label::Wanted {
                link: i,
                w,
                h,
                at_end: diagram.links[i].kind == LinkKind::Join,
            })
        })
        .collect();
    // Boxes come in the order of the labels wanted, which is the order of the links that have
    // one.
    let mut placed = label::place(&wanted, paths, nodes).into_iter();
    texts
        .into_iter()
        .map(|t| {
            let t = t?;
            Some((placed.next()?, t))
        })
        .collect()
}

/// How long the arrowhead of a link of `kind` is.
pub(crate) fn arrow_length(kind: LinkKind) -> f64 {
    match kind {
        LinkKind::FanOut | LinkKind::Join | LinkKind::Starts | LinkKind::Crosses => {
            route::THICK_ARROW
        }
        _ => route::ARROW,
    }
}

impl Layout {
    /// Moves everything so that the drawing starts at the margin, and sizes it.
    fn fit(&mut self) {
        let mut rects: Vec<Rect> = self.nodes.iter().map(PlacedNode::rect).collect();
        for link in self.links.iter().flatten() {
            rects.extend(link.path.hull().map(|p| Rect {
                x: p.x,
                y: p.y,
                w: 0.0,
                h: 0.0,
            }));
            rects.extend(link.label.as_ref().map(|(r, _)| *r));
        }
        rects.extend(self.groups.iter().map(|g| g.frame));
        let Some(first) = rects.first().copied() else {
            self.width = 2.0 * MARGIN;
            self.height = 2.0 * MARGIN;
            return;
        };
        let (mut x0, mut y0, mut x1, mut y1) = (first.x, first.y, first.right(), first.bottom());
        for r in &rects {
            x0 = x0.min(r.x);
            y0 = y0.min(r.y);
            x1 = x1.max(r.right());
            y1 = y1.max(r.bottom());
        }
        let (dx, dy) = (MARGIN - x0, MARGIN - y0);
        for node in &mut self.nodes {
            node.center.x += dx;
            node.center.y += dy;
        }
        for link in self.links.iter_mut().flatten() {
            link.path.shift(dx, dy);
            if let Some((r, _)) = &mut link.label {
                r.x += dx;
                r.y += dy;
            }
        }
        for group in &mut self.groups {
            group.frame.x += dx;
            group.frame.y += dy;
            group.title_at.x += dx;
            group.title_at.y += dy;
        }
        self.width = (x1 - x0 + 2.0 * MARGIN).ceil();
        self.height = (y1 - y0 + 2.0 * MARGIN).ceil();
    }
}

#[cfg(test)]
pub(crate) mod samples;
#[cfg(test)]
mod tests;
