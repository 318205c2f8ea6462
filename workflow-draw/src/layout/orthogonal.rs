//! The lines between the frames of a grouped diagram: across and down only, around every node
//! and heading, turning with rounded corners.
//!
//! Such a line has no layers to run through, so it is searched for. The grid it runs on is made
//! of the lines just clear of every node's sides, the lines through the ends it joins, and
//! lanes around each frame and around the whole drawing; nothing blocks the outermost lanes, so
//! a way always exists. A line leaves its source from the bottom or a side and enters its target
//! from the top or a side (the other sides carry the lines within the frame), straight for a
//! while at both ends. The way chosen is the cheapest by length, plus a price for each turn so
//! that lines turn seldom, plus a price for running through a frame the line neither leaves nor
//! enters, for crossing the lines drawn within the frames, and for running along a line from
//! another source, so that lines keep apart; A* finds it.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::geometry::{Path, Point, Rect};
use super::route::{Anchor, trim_end};

/// Room kept between a line and the nodes it passes.
const CLEAR: f64 = 10.0;
/// How far a line runs straight out of its source and into its target: more than a corner and
/// an arrowhead.
const STUB: f64 = 26.0;
/// Room between lanes around a frame or around the drawing.
const LANE: f64 = 12.0;
/// How many lanes go around the drawing, at most.
const MAX_LANES: usize = 8;
/// What a turn costs, in pixels of length.
const TURN: f64 = 40.0;
/// What a pixel inside a frame the line neither leaves nor enters costs, on top of its length.
const FOREIGN: f64 = 2.0;
/// What crossing a line within a frame costs, in pixels of length.
const CROSSING: f64 = 30.0;
/// What a pixel along a line from another source costs, on top of its length.
const SHARED: f64 = 4.0;
/// Radius of the corners.
const CORNER: f64 = 10.0;
/// Coordinates closer than this are the same.
const EPS: f64 = 0.5;

/// A line to route.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ends {
    /// The source node.
    pub(super) from: usize,
    /// The target node.
    pub(super) to: usize,
    /// The frames of the source and the target.
    pub(super) frames: (usize, usize),
    /// The length of the arrowhead, which the line stops short by.
    pub(super) arrow: f64,
}

/// The line of each of `links` between `nodes`, clear of every node and of `headings`, in
/// the order given. `frames` are the groups' frames, by part; `drawn` the lines already drawn
/// within them.
pub(super) fn route(
    nodes: &[Anchor<'_>],
    headings: &[Rect],
    frames: &[Rect],
    drawn: &[&Path],
    links: &[Ends],
) -> Vec<Path> {
    if links.is_empty() {
        return Vec::new();
    }
    let mut obstacles: Vec<Rect> = nodes.iter().map(|a| grow(&outline(a), CLEAR)).collect();
    obstacles.extend(headings.iter().copied());
    let mut grid = Grid::new(nodes, &obstacles, frames, links);
    for line in drawn {
        grid.count_crossings(line);
    }
    let mut used: Vec<Option<usize>> = vec![None; grid.edge_count()];
    links
        .iter()
        .map(|e| {
            let (Some(src), Some(dst)) = (nodes.get(e.from), nodes.get(e.to)) else {
                return Path::new(Point::new(0.0, 0.0));
            };
            let usable = |p: &Port, own: usize| grid.usable(p, own, &obstacles);
            let sources: Vec<Port> = [Dir::Down, Dir::Right, Dir::Left]
                .into_iter()
                .map(|d| Port::of(src, d))
                .filter(|p| usable(p, e.from))
                .collect();
            let targets: Vec<Port> = [Dir::Up, Dir::Left, Dir::Right]
                .into_iter()
                .map(|d| Port::of(dst, d))
                .filter(|p| usable(p, e.to))
                .collect();
            let mut path = match grid.search(&sources, &targets, e, &used) {
                Some(Way {
                    cells,
                    source,
                    target,
                }) => {
                    for pair in cells.windows(2) {
                        if let Some(edge) = grid.edge_between(pair[0], pair[1])
                            && used[edge].is_none()
                        {
                            used[edge] = Some(e.from);
                        }
                    }
                    let mut points = vec![sources[source].at];
                    points.extend(cells.iter().map(|&(i, j)| grid.point(i, j)));
                    points.push(targets[target].at);
                    rounded(&points)
                }
                // Only a node boxed in on every side has no way out; a straight line still
                // says what is linked.
                None => {
                    let mut path = Path::new(Port::of(src, Dir::Down).at);
                    path.line(Port::of(dst, Dir::Up).at);
                    path
                }
            };
            trim_end(&mut path, e.arrow);
            path
        })
        .collect()
}

/// The node's box.
fn outline(a: &Anchor<'_>) -> Rect {
    Rect::centered(a.center, a.boxed.w, a.boxed.h)
}

fn grow(r: &Rect, by: f64) -> Rect {
    Rect {
        x: r.x - by,
        y: r.y - by,
        w: r.w + 2.0 * by,
        h: r.h + 2.0 * by,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dir {
    Right,
    Left,
    Down,
    Up,
}

impl Dir {
    const ALL: [Self; 4] = [Self::Right, Self::Left, Self::Down, Self::Up];

    fn opposite(self) -> Self {
        match self {
            Self::Right => Self::Left,
            Self::Left => Self::Right,
            Self::Down => Self::Up,
            Self::Up => Self::Down,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A way found: the grid points from the source's stub end to the target's, and which of the
/// ports offered it leaves and enters by.
struct Way {
    cells: Vec<(usize, usize)>,
    source: usize,
    target: usize,
}

/// Where a line leaves or enters a node: `at` on its outline, `out` a stub's length away, in
/// direction `dir` from `at`.
#[derive(Debug, Clone, Copy)]
struct Port {
    at: Point,
    out: Point,
    dir: Dir,
}

impl Port {
    fn of(a: &Anchor<'_>, dir: Dir) -> Self {
        let (c, b) = (a.center, a.boxed);
        let (at, out) = match dir {
            Dir::Down => (
                Point::new(c.x, c.y + b.h / 2.0),
                Point::new(c.x, c.y + b.h / 2.0 + STUB),
            ),
            Dir::Up => (
                Point::new(c.x, c.y - b.h / 2.0),
                Point::new(c.x, c.y - b.h / 2.0 - STUB),
            ),
            Dir::Right => (
                Point::new(c.x + b.side_at(a.kind, 1.0, 0.0), c.y),
                Point::new(c.x + b.w / 2.0 + STUB, c.y),
            ),
            Dir::Left => (
                Point::new(c.x - b.side_at(a.kind, -1.0, 0.0), c.y),
                Point::new(c.x - b.w / 2.0 - STUB, c.y),
            ),
        };
        Self { at, out, dir }
    }
}

/// The grid lines run along: `xs` across, `ys` down, with what blocks each point and each
/// piece between two neighbouring points.
struct Grid {
    xs: Vec<f64>,
    ys: Vec<f64>,
    /// Per point `j * nx + i`.
    blocked: Vec<bool>,
    /// Per piece from `(i, j)` to `(i + 1, j)`, at `j * (nx - 1) + i`.
    across: Vec<bool>,
    /// Per piece from `(i, j)` to `(i, j + 1)`, at `i * (ny - 1) + j`.
    down: Vec<bool>,
    /// Per piece (across ones first), the frame it runs inside, if any.
    inside: Vec<Option<usize>>,
    /// Per piece (across ones first), how many drawn lines cross it.
    crossed: Vec<u16>,
}

impl Grid {
    fn new(nodes: &[Anchor<'_>], obstacles: &[Rect], frames: &[Rect], links: &[Ends]) -> Self {
        let (mut xs, mut ys) = (Vec::new(), Vec::new());
        for r in obstacles {
            xs.extend([r.x, r.right()]);
            ys.extend([r.y, r.bottom()]);
        }
        for e in links {
            for v in [e.from, e.to] {
                if let Some(a) = nodes.get(v) {
                    for d in Dir::ALL {
                        let p = Port::of(a, d);
                        xs.push(p.out.x);
                        ys.push(p.out.y);
                    }
                }
            }
        }
        for f in frames {
            for k in 1..=2 {
                let k = k as f64 * LANE;
                xs.extend([f.x - k, f.right() + k]);
                ys.extend([f.y - k, f.bottom() + k]);
            }
        }
        let (x0, x1) = bounds(&xs);
        let (y0, y1) = bounds(&ys);
        for k in 1..=links.len().min(MAX_LANES) + 1 {
            let k = k as f64 * LANE;
            xs.extend([x0 - k, x1 + k]);
            ys.extend([y0 - k, y1 + k]);
        }
        let xs = distinct(xs);
        let ys = distinct(ys);
        let (nx, ny) = (xs.len(), ys.len());
        let mut grid = Self {
            blocked: vec![false; nx * ny],
            across: vec![false; ny * nx.saturating_sub(1)],
            down: vec![false; nx * ny.saturating_sub(1)],
            inside: Vec::new(),
            crossed: Vec::new(),
            xs,
            ys,
        };
        for r in obstacles {
            grid.block(r);
        }
        let mids = (0..ny)
            .flat_map(|j| (0..nx.saturating_sub(1)).map(move |i| (i, j, true)))
            .chain((0..nx).flat_map(|i| (0..ny.saturating_sub(1)).map(move |j| (i, j, false))));
        grid.inside = mids
            .map(|(i, j, across)| {
                let mid = if across {
                    Point::new((grid.xs[i] + grid.xs[i + 1]) / 2.0, grid.ys[j])
                } else {
                    Point::new(grid.xs[i], (grid.ys[j] + grid.ys[j + 1]) / 2.0)
                };
                frames.iter().position(|f| f.contains(mid))
            })
            .collect();
        grid.crossed = vec![0; grid.edge_count()];
        grid
    }

    /// Counts where `line` crosses the pieces of the grid.
    fn count_crossings(&mut self, line: &Path) {
        let (nx, ny) = (self.xs.len(), self.ys.len());
        let points = line.samples(8);
        for pair in points.windows(2) {
            let (p, q) = (pair[0], pair[1]);
            // Where it crosses a row: the piece across that row it passes through.
            let (lo, hi) = (p.y.min(q.y), p.y.max(q.y));
            let rows = self.ys.partition_point(|&y| y <= lo)..self.ys.partition_point(|&y| y <= hi);
            for j in rows {
                let t = (self.ys[j] - p.y) / (q.y - p.y);
                let x = p.x + (q.x - p.x) * t;
                let i = self.xs.partition_point(|&v| v <= x);
                if i > 0 && i < nx {
                    let e = j * (nx - 1) + i - 1;
                    self.crossed[e] = self.crossed[e].saturating_add(1);
                }
            }
            let (lo, hi) = (p.x.min(q.x), p.x.max(q.x));
            let columns =
                self.xs.partition_point(|&x| x <= lo)..self.xs.partition_point(|&x| x <= hi);
            for i in columns {
                let t = (self.xs[i] - p.x) / (q.x - p.x);
                let y = p.y + (q.y - p.y) * t;
                let j = self.ys.partition_point(|&v| v <= y);
                if j > 0 && j < ny {
                    let e = self.across.len() + i * (ny - 1) + j - 1;
                    self.crossed[e] = self.crossed[e].saturating_add(1);
                }
            }
        }
    }

    /// Marks what lies strictly inside `r`: the outline itself stays free to run along.
    fn block(&mut self, r: &Rect) {
        let nx = self.xs.len();
        let ny = self.ys.len();
        let open = |v: &[f64], lo: f64, hi: f64| {
            let a = v.partition_point(|&x| x <= lo + EPS);
            let b = v.partition_point(|&x| x < hi - EPS);
            a..b.max(a)
        };
        let closed_start = |v: &[f64], lo: f64| v.partition_point(|&x| x < lo - EPS);
        let xin = open(&self.xs, r.x, r.right());
        let yin = open(&self.ys, r.y, r.bottom());
        for j in yin.clone() {
            for i in xin.clone() {
                self.blocked[j * nx + i] = true;
            }
            // Pieces across at this height, within the sides.
            let mut i = closed_start(&self.xs, r.x);
            while i + 1 < nx && self.xs[i + 1] <= r.right() + EPS {
                self.across[j * (nx - 1) + i] = true;
                i += 1;
            }
        }
        for i in xin {
            let mut j = closed_start(&self.ys, r.y);
            while j + 1 < ny && self.ys[j + 1] <= r.bottom() + EPS {
                self.down[i * (ny - 1) + j] = true;
                j += 1;
            }
        }
    }

    fn edge_count(&self) -> usize {
        self.across.len() + self.down.len()
    }

    fn point(&self, i: usize, j: usize) -> Point {
        Point::new(self.xs[i], self.ys[j])
    }

    fn find(&self, p: Point) -> Option<(usize, usize)> {
        Some((near(&self.xs, p.x)?, near(&self.ys, p.y)?))
    }

    /// Whether a line can leave or enter node `own` through `port`: the stub's far end is on
    /// the grid and free, and the stub crosses no other node.
    fn usable(&self, port: &Port, own: usize, obstacles: &[Rect]) -> bool {
        let Some((i, j)) = self.find(port.out) else {
            return false;
        };
        if self.blocked[j * self.xs.len() + i] {
            return false;
        }
        let stub = Rect {
            x: port.at.x.min(port.out.x),
            y: port.at.y.min(port.out.y),
            w: (port.at.x - port.out.x).abs(),
            h: (port.at.y - port.out.y).abs(),
        };
        obstacles
            .iter()
            .enumerate()
            .all(|(k, r)| k == own || !crosses(&stub, r))
    }

    /// The piece between two neighbouring points, and whether it is blocked.
    fn piece(&self, (i, j): (usize, usize), d: Dir) -> Option<((usize, usize), usize, f64)> {
        let (nx, ny) = (self.xs.len(), self.ys.len());
        let (to, edge, blocked) = match d {
            Dir::Right if i + 1 < nx => {
                let e = j * (nx - 1) + i;
                ((i + 1, j), e, self.across[e])
            }
            Dir::Left if i > 0 => {
                let e = j * (nx - 1) + i - 1;
                ((i - 1, j), e, self.across[e])
            }
            Dir::Down if j + 1 < ny => {
                let e = i * (ny - 1) + j;
                ((i, j + 1), self.across.len() + e, self.down[e])
            }
            Dir::Up if j > 0 => {
                let e = i * (ny - 1) + j - 1;
                ((i, j - 1), self.across.len() + e, self.down[e])
            }
            _ => return None,
        };
        if blocked || self.blocked[to.1 * nx + to.0] {
            return None;
        }
        let length = (self.xs[to.0] - self.xs[i]).abs() + (self.ys[to.1] - self.ys[j]).abs();
        Some((to, edge, length))
    }

    fn edge_between(&self, a: (usize, usize), b: (usize, usize)) -> Option<usize> {
        Dir::ALL
            .into_iter()
            .find_map(|d| self.piece(a, d).filter(|(to, _, _)| *to == b))
            .map(|(_, edge, _)| edge)
    }

    /// The cheapest way from one of `sources` to one of `targets` for `e`.
    fn search(
        &self,
        sources: &[Port],
        targets: &[Port],
        e: &Ends,
        used: &[Option<usize>],
    ) -> Option<Way> {
        let nx = self.xs.len();
        let states = nx * self.ys.len() * 4;
        let id = |(i, j): (usize, usize), d: Dir| (j * nx + i) * 4 + d.index();
        let ends: Vec<(usize, usize)> = targets
            .iter()
            .map(|t| self.find(t.out).unwrap_or((usize::MAX, usize::MAX)))
            .collect();
        let guess = |(i, j): (usize, usize)| {
            targets
                .iter()
                .map(|t| (self.xs[i] - t.out.x).abs() + (self.ys[j] - t.out.y).abs())
                .fold(f64::INFINITY, f64::min)
        };
        // Costs in hundredths of a pixel, so that the queue orders them exactly.
        let key = |cost: f64| (cost * 100.0).round() as u64;
        let mut best = vec![f64::INFINITY; states];
        let mut came: Vec<Option<usize>> = vec![None; states];
        let mut heap: BinaryHeap<Reverse<(u64, usize)>> = BinaryHeap::new();
        // The entries past the states are the targets, reached.
        let mut arrived = vec![f64::INFINITY; targets.len()];
        let mut arrived_from = vec![0usize; targets.len()];
        let mut start_port: Vec<(usize, usize)> = Vec::new();
        for (k, s) in sources.iter().enumerate() {
            let Some(at) = self.find(s.out) else { continue };
            let state = id(at, s.dir);
            if best[state] > 0.0 {
                best[state] = 0.0;
                start_port.push((state, k));
                heap.push(Reverse((key(guess(at)), state)));
            }
        }
        while let Some(Reverse((_, state))) = heap.pop() {
            if state >= states {
                let t = state - states;
                let mut way = Vec::new();
                let mut s = arrived_from[t];
                loop {
                    let cell = s / 4;
                    way.push((cell % nx, cell / nx));
                    match came[s] {
                        Some(previous) => s = previous,
                        None => break,
                    }
                }
                way.reverse();
                let source = start_port
                    .iter()
                    .find(|(first, _)| *first == s)
                    .map_or(0, |(_, k)| *k);
                return Some(Way {
                    cells: way,
                    source,
                    target: t,
                });
            }
            let cost = best[state];
            let cell = state / 4;
            let at = (cell % nx, cell / nx);
            let dir = Dir::ALL[state % 4];
            for (t, target) in targets.iter().enumerate() {
                if ends[t] != at || dir == target.dir {
                    continue;
                }
                // The stub into the target goes against the port's direction.
                let turn = if dir == target.dir.opposite() {
                    0.0
                } else {
                    TURN
                };
                if cost + turn < arrived[t] {
                    arrived[t] = cost + turn;
                    arrived_from[t] = state;
                    heap.push(Reverse((key(cost + turn), states + t)));
                }
            }
            for d in Dir::ALL {
                if d == dir.opposite() {
                    continue;
                }
                let Some((to, edge, length)) = self.piece(at, d) else {
                    continue;
                };
                let mut step = length;
                if d != dir {
                    step += TURN;
                }
                if self.inside[edge].is_some_and(|f| f != e.frames.0 && f != e.frames.1) {
                    step += FOREIGN * length;
                }
                step += CROSSING * f64::from(self.crossed[edge]);
                if used[edge].is_some_and(|s| s != e.from) {
                    step += SHARED * length;
                }
                let next = id(to, d);
                if cost + step < best[next] {
                    best[next] = cost + step;
                    came[next] = Some(state);
                    heap.push(Reverse((key(cost + step + guess(to)), next)));
                }
            }
        }
        None
    }
}

fn bounds(v: &[f64]) -> (f64, f64) {
    v.iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        })
}

/// `v` sorted, without values within [`EPS`] of the one before.
fn distinct(mut v: Vec<f64>) -> Vec<f64> {
    v.retain(|x| x.is_finite());
    v.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = Vec::with_capacity(v.len());
    for x in v {
        if out.last().is_none_or(|&last| x - last > EPS) {
            out.push(x);
        }
    }
    out
}

/// The index of the value of sorted `v` within [`EPS`] of `x`.
fn near(v: &[f64], x: f64) -> Option<usize> {
    let i = v.partition_point(|&y| y < x - EPS);
    (i < v.len() && (v[i] - x).abs() <= EPS).then_some(i)
}

/// Whether the stub `s` (a box of no width or no height) runs into the inside of `r`.
fn crosses(s: &Rect, r: &Rect) -> bool {
    s.x < r.right() - EPS
        && s.right() > r.x + EPS
        && s.y < r.bottom() - EPS
        && s.bottom() > r.y + EPS
}

/// A path through `points`, straight between them, turning with rounded corners.
fn rounded(points: &[Point]) -> Path {
    // Points in a line with their neighbours are no corners.
    let mut corners: Vec<Point> = Vec::with_capacity(points.len());
    for &p in points {
        if corners
            .last()
            .is_some_and(|&q| (q.x - p.x).abs() < EPS && (q.y - p.y).abs() < EPS)
        {
            continue;
        }
        if corners.len() >= 2 {
            let (a, b) = (corners[corners.len() - 2], corners[corners.len() - 1]);
            let straight = ((a.x - b.x).abs() < EPS && (b.x - p.x).abs() < EPS)
                || ((a.y - b.y).abs() < EPS && (b.y - p.y).abs() < EPS);
            if straight {
                corners.pop();
            }
        }
        corners.push(p);
    }
    let Some(&start) = corners.first() else {
        return Path::new(Point::new(0.0, 0.0));
    };
    let mut path = Path::new(start);
    for k in 1..corners.len() {
        let (a, c) = (corners[k - 1], corners[k]);
        let Some(&b) = corners.get(k + 1) else {
            path.line(c);
            break;
        };
        let (l_in, l_out) = (dist(a, c), dist(c, b));
        let r = CORNER.min(l_in / 2.0).min(l_out / 2.0);
        let toward = |from: Point, to: Point, by: f64, len: f64| {
            Point::new(
                from.x + (to.x - from.x) / len * by,
                from.y + (to.y - from.y) / len * by,
            )
        };
        if r < 0.5 || l_in < EPS || l_out < EPS {
            path.line(c);
            continue;
        }
        path.line(toward(c, a, r, l_in));
        path.quad(c, toward(c, b, r, l_out));
    }
    path
}

fn dist(a: Point, b: Point) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}
