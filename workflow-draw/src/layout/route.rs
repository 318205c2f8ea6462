//! The line of each link, through the places the layered graph reserved for it.
//!
//! Between two layers a line is an S-bend that leaves and arrives vertically; across a layer it
//! runs straight down the column of its dummy node. Nothing else is in those columns, and the
//! gaps between layers hold no nodes, so no line passes through a node. A loop leaves its
//! source sideways, climbs its lanes and enters its target sideways, turning with rounded
//! corners.

use crate::diagram::NodeKind;

use super::geometry::{Path, Point, Segment, distance};
use super::layered::{Chain, Layered};
use super::position::Placement;
use super::size::NodeBox;

/// Room between lines leaving or entering the same side of a node.
const PORT_SPACING: f64 = 14.0;
/// Room between loops meeting the same side of a node, one above the other.
const SIDE_SPACING: f64 = 8.0;
/// Radius of a loop's corners.
const CORNER: f64 = 10.0;
/// Length of an arrowhead: lines stop short of their target by this much, and the head fills
/// the rest. Thick lines get longer heads.
pub(crate) const ARROW: f64 = 9.0;
pub(crate) const THICK_ARROW: f64 = 12.0;
/// How far a self-loop reaches out from its node, and how much further each next one does.
pub(crate) const SELF_LOOP_REACH: f64 = 24.0;
pub(crate) const SELF_LOOP_STEP: f64 = 10.0;

/// A diagram node as placed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Anchor<'a> {
    pub(crate) center: Point,
    pub(crate) kind: NodeKind,
    pub(crate) boxed: &'a NodeBox,
}

impl Anchor<'_> {
    fn top(&self) -> f64 {
        self.center.y - self.boxed.h / 2.0
    }

    fn bottom(&self) -> f64 {
        self.center.y + self.boxed.h / 2.0
    }

    /// Where a horizontal line at `y` meets the outline on side `dir` (1 right, -1 left).
    fn side(&self, dir: f64, y: f64) -> Point {
        let dx = self.boxed.side_at(self.kind, dir, y - self.center.y);
        Point::new(self.center.x + dir * dx, y)
    }
}

/// The line of every link of `g` (`None` where the link has no chain), ending where its
/// arrowhead, `arrows[link]` long, starts.
pub(crate) fn route(
    g: &Layered,
    at: &Placement,
    nodes: &[Anchor<'_>],
    arrows: &[f64],
) -> Vec<Option<Path>> {
    let ports = Ports::assign(g, at, nodes);
    let mut self_loops = vec![0usize; nodes.len()];
    g.chains
        .iter()
        .enumerate()
        .map(|(i, chain)| {
            let mut path = match chain.as_ref()? {
                Chain::Down(chain) => down(g, at, nodes, &ports, i, chain),
                Chain::Up(chain) => up(g, at, nodes, &ports, i, chain),
                &Chain::SelfLoop(v) => {
                    let k = self_loops[v];
                    self_loops[v] += 1;
                    self_loop(nodes[v], k)
                }
            };
            trim_end(&mut path, arrows.get(i).copied().unwrap_or(ARROW));
            Some(path)
        })
        .collect()
}

fn band_bottom(at: &Placement, r: usize) -> f64 {
    at.band_top[r] + at.band_h[r]
}

fn down(
    g: &Layered,
    at: &Placement,
    nodes: &[Anchor<'_>],
    ports: &Ports,
    link: usize,
    chain: &[usize],
) -> Path {
    let (Some(&s), Some(&t)) = (chain.first(), chain.last()) else {
        return Path::new(Point::new(0.0, 0.0));
    };
    let (src, dst) = (nodes[s], nodes[t]);
    let start = Point::new(src.center.x + ports.offset(link, true), src.bottom());
    let mut path = Path::new(start);
    path.line(Point::new(start.x, band_bottom(at, g.rank[s])));
    for &d in &chain[1..chain.len() - 1] {
        let r = g.rank[d];
        path.bend(Point::new(at.x[d], at.band_top[r]));
        path.line(Point::new(at.x[d], band_bottom(at, r)));
    }
    let end_x = dst.center.x + ports.offset(link, false);
    path.bend(Point::new(end_x, at.band_top[g.rank[t]]));
    path.line(Point::new(end_x, dst.top()));
    path
}

fn up(
    g: &Layered,
    at: &Placement,
    nodes: &[Anchor<'_>],
    ports: &Ports,
    link: usize,
    chain: &[usize],
) -> Path {
    let n = chain.len();
    if n < 4 {
        return Path::new(Point::new(0.0, 0.0));
    }
    let (s, lane_s, lane_t, t) = (chain[0], chain[1], chain[n - 2], chain[n - 1]);
    let (src, dst) = (nodes[s], nodes[t]);
    let dir_s = if at.x[lane_s] >= src.center.x {
        1.0
    } else {
        -1.0
    };
    let dir_t = if at.x[lane_t] >= dst.center.x {
        1.0
    } else {
        -1.0
    };
    let ys = ports.side_y(link, true);
    let yt = ports.side_y(link, false);

    let start = src.side(dir_s, ys);
    let mut path = Path::new(start);
    let lx = at.x[lane_s];
    let top_s = at.band_top[g.rank[s]];
    let r = CORNER
        .min((lx - start.x).abs() / 2.0)
        .min((ys - top_s).max(0.0));
    path.line(Point::new(lx - dir_s * r, ys));
    path.quad(Point::new(lx, ys), Point::new(lx, ys - r));
    path.line(Point::new(lx, top_s));
    for &d in &chain[2..n - 2] {
        let r = g.rank[d];
        path.bend(Point::new(at.x[d], band_bottom(at, r)));
        path.line(Point::new(at.x[d], at.band_top[r]));
    }
    let lx = at.x[lane_t];
    let end = dst.side(dir_t, yt);
    let bottom_t = band_bottom(at, g.rank[t]);
    let r = CORNER
        .min((lx - end.x).abs() / 2.0)
        .min((bottom_t - yt).max(0.0));
    path.bend(Point::new(lx, bottom_t));
    path.line(Point::new(lx, yt + r));
    path.quad(Point::new(lx, yt), Point::new(lx - dir_t * r, yt));
    path.line(end);
    path
}

/// The `k`-th link from `node` to itself: a loop over its top right corner, out of the top
/// and back into the side, clear of the lines meeting the middle of either.
fn self_loop(node: Anchor<'_>, k: usize) -> Path {
    let reach = SELF_LOOP_REACH + SELF_LOOP_STEP * k as f64;
    let top = node.top();
    // Each next loop leaves further left and comes back lower, so that heads do not stack.
    let start = Point::new(
        node.center.x + node.boxed.flat_half(node.kind).max(0.0) - 6.0 - 8.0 * k as f64,
        top,
    );
    let drop = (5.0 + 7.0 * k as f64).min(node.boxed.h / 2.0 - 2.0);
    let end = node.side(1.0, top + drop);
    let mut path = Path::new(start);
    path.segments.push(Segment::Cubic(
        Point::new(start.x, top - reach),
        Point::new(end.x + reach, end.y),
        end,
    ));
    path
}

/// Pulls the end of `path` back by `len` along its final direction, leaving room for the
/// arrowhead, whose tip then lands where the path ended.
pub(crate) fn trim_end(path: &mut Path, len: f64) {
    let before = |path: &Path| {
        path.segments
            .len()
            .checked_sub(2)
            .map_or(path.start, |i| path.segments[i].end())
    };
    // Straight lines shorter than the head go entirely, as long as something is left.
    let mut len = len;
    while path.segments.len() > 1 {
        let Some(&Segment::Line(end)) = path.segments.last() else {
            break;
        };
        let length = distance(before(path), end);
        if length >= len {
            break;
        }
        path.segments.pop();
        len -= length;
    }
    let from = before(path);
    let Some(last) = path.segments.last_mut() else {
        return;
    };
    let toward = match *last {
        Segment::Line(_) => from,
        Segment::Quad(c, _) => c,
        Segment::Cubic(_, c2, _) => c2,
    };
    let end = last.end();
    let dist = distance(toward, end);
    if dist < 1e-6 {
        return;
    }
    // A line shorter than the head keeps a sliver, so that its direction stays known.
    let cut = if matches!(last, Segment::Line(_)) {
        len.min(dist - 0.5).max(0.0)
    } else {
        len
    };
    let (ux, uy) = (
        (end.x - toward.x) / dist * cut,
        (end.y - toward.y) / dist * cut,
    );
    let moved = |p: Point| Point::new(p.x - ux, p.y - uy);
    *last = match *last {
        Segment::Line(p) => Segment::Line(moved(p)),
        Segment::Quad(c, p) => Segment::Quad(c, moved(p)),
        Segment::Cubic(c1, c2, p) => Segment::Cubic(c1, moved(c2), moved(p)),
    };
}

/// Where each link leaves and enters its nodes: spread along the bottom and top in the order
/// of where the lines go, so that they do not cross at the node; loops one above the other on
/// the sides, nearest lane nearest the middle.
struct Ports {
    /// Per link, the x offset from the centre at its source and at its target.
    offsets: Vec<(f64, f64)>,
    /// Per loop, the y where it leaves its source and enters its target.
    sides: Vec<(f64, f64)>,
}

impl Ports {
    fn assign(g: &Layered, at: &Placement, nodes: &[Anchor<'_>]) -> Self {
        let links = g.chains.len();
        let mut ports = Self {
            offsets: vec![(0.0, 0.0); links],
            sides: vec![(0.0, 0.0); links],
        };
        // (link, x of where the line goes, leaving) per node and face.
        let mut bottom: Vec<Vec<(f64, usize)>> = vec![Vec::new(); nodes.len()];
        let mut top: Vec<Vec<(f64, usize)>> = vec![Vec::new(); nodes.len()];
        // (leaving, distance of the lane, link) per node and side.
        let mut sides: Vec<[Vec<(bool, f64, usize)>; 2]> =
            vec![[Vec::new(), Vec::new()]; nodes.len()];
        for (i, chain) in g.chains.iter().enumerate() {
            match chain {
                Some(Chain::Down(c)) if c.len() >= 2 => {
                    bottom[c[0]].push((at.x[c[1]], i));
                    top[c[c.len() - 1]].push((at.x[c[c.len() - 2]], i));
                }
                Some(Chain::Up(c)) if c.len() >= 4 => {
                    let n = c.len();
                    for (node, lane, leaving) in [(c[0], c[1], true), (c[n - 1], c[n - 2], false)] {
                        let d = at.x[lane] - nodes[node].center.x;
                        sides[node][usize::from(d >= 0.0)].push((leaving, d.abs(), i));
                    }
                }
                _ => {}
            }
        }
        for (v, node) in nodes.iter().enumerate() {
            let room = node.boxed.flat_half(node.kind).max(0.0);
            for (list, leaving) in [(&mut bottom[v], true), (&mut top[v], false)] {
                list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                let k = list.len();
                let step = if k > 1 {
                    PORT_SPACING.min(2.0 * room / (k - 1) as f64)
                } else {
                    0.0
                };
                for (j, &(_, link)) in list.iter().enumerate() {
                    let off = (j as f64 - (k as f64 - 1.0) / 2.0) * step;
                    let slot = &mut ports.offsets[link];
                    if leaving {
                        slot.0 = off;
                    } else {
                        slot.1 = off;
                    }
                }
            }
            let limit = (node.boxed.h / 2.0 - 4.0).max(0.0);
            for side in &mut sides[v] {
                side.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.2.cmp(&b.2)));
                let mixed = side.iter().any(|s| s.0) && side.iter().any(|s| !s.0);
                let base = if mixed { SIDE_SPACING / 2.0 } else { 0.0 };
                let (mut arriving, mut leaving) = (0.0, 0.0);
                for &(out, _, link) in side.iter() {
                    // Arriving loops come from below and stack upwards, leaving loops climb
                    // from under the ones nearer the node: neither crosses its neighbours.
                    let dy = if out {
                        leaving += 1.0;
                        base + (leaving - 1.0) * SIDE_SPACING
                    } else {
                        arriving += 1.0;
                        -(base + (arriving - 1.0) * SIDE_SPACING)
                    };
                    let y = node.center.y + dy.clamp(-limit, limit);
                    let slot = &mut ports.sides[link];
                    if out {
                        slot.0 = y;
                    } else {
                        slot.1 = y;
                    }
                }
            }
        }
        ports
    }

    fn offset(&self, link: usize, leaving: bool) -> f64 {
        let (from, to) = self.offsets[link];
        if leaving { from } else { to }
    }

    fn side_y(&self, link: usize, leaving: bool) -> f64 {
        let (from, to) = self.sides[link];
        if leaving { from } else { to }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimming_leaves_room_for_the_arrowhead_in_the_final_direction() {
        let mut path = Path::new(Point::new(0.0, 0.0));
        path.line(Point::new(0.0, 100.0));
        trim_end(&mut path, ARROW);
        assert_eq!(path.end(), Point::new(0.0, 100.0 - ARROW));

        let mut path = Path::new(Point::new(0.0, 0.0));
        path.bend(Point::new(50.0, 100.0));
        trim_end(&mut path, ARROW);
        let end = path.end();
        assert!((end.x - 50.0).abs() < 1e-9 && (end.y - (100.0 - ARROW)).abs() < 1e-9);

        // A last stretch shorter than the head goes, and the one before it is cut instead.
        let mut path = Path::new(Point::new(0.0, 0.0));
        path.line(Point::new(0.0, 100.0));
        path.line(Point::new(0.0, 104.0));
        trim_end(&mut path, ARROW);
        assert_eq!(
            path.segments,
            [Segment::Line(Point::new(0.0, 104.0 - ARROW))]
        );
    }
}
