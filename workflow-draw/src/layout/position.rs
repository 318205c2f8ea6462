//! Coordinates: each layer a horizontal band, each node an x within its band.
//!
//! The x coordinates come from repeated relaxation: every node moves towards the weighted mean
//! of its neighbours in the layer above, then below, then both, and each layer is then pushed
//! apart to the nearest positions that keep its order and spacing (an exact least-squares
//! projection). Edges between dummies weigh most, so long edges run straight; a node over two
//! children settles between them, and a chain of single links settles into one column.

use super::layered::{Layered, Member};

/// Horizontal room between two diagram nodes.
const NODE_GAP: f64 = 36.0;
/// Horizontal room between a node and an edge passing it.
const EDGE_GAP: f64 = 18.0;
/// Horizontal room between two edges passing side by side.
const LINE_GAP: f64 = 14.0;
/// How far a loop's lane runs from the side of the node it leaves or enters.
pub(crate) const LANE_GAP: f64 = 22.0;
/// How far short of the room it needs a column may still be straightened.
const STRAIGHTEN_SLACK: f64 = 1.0;
/// Vertical room between two layers, before adding room for slanted edges.
const LAYER_GAP: f64 = 50.0;

/// The room a node takes around its position.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Extent {
    /// From the node's x to its left edge.
    pub(crate) left: f64,
    /// From the node's x to its right edge, a self-loop included.
    pub(crate) right: f64,
    pub(crate) height: f64,
}

/// Where everything goes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Placement {
    /// Per node of the layered graph.
    pub(crate) x: Vec<f64>,
    /// Per layer, the top of its band.
    pub(crate) band_top: Vec<f64>,
    /// Per layer, the height of its band: its tallest node.
    pub(crate) band_h: Vec<f64>,
}

impl Placement {
    pub(crate) fn center_y(&self, rank: usize) -> f64 {
        self.band_top[rank] + self.band_h[rank] / 2.0
    }
}

/// Places the nodes of `g`, ordered in `layers`, with `extent[v]` for the real nodes.
pub(crate) fn place(g: &Layered, layers: &[Vec<usize>], extent: &[Extent]) -> Placement {
    let n = g.members.len();
    let ext = |v: usize| extent.get(v).copied().unwrap_or_default();
    let (mut outs, mut ins) = (vec![0usize; n], vec![0usize; n]);
    for &(a, b) in &g.edges {
        outs[a] += 1;
        ins[b] += 1;
    }
    let mut up = vec![Vec::new(); n];
    let mut down = vec![Vec::new(); n];
    for &(a, b) in &g.edges {
        // A link that is its ends' only one that way is a piece of a chain, which should run
        // straight as firmly as a long edge does.
        let w = if outs[a] == 1 && ins[b] == 1 {
            CHAIN_WEIGHT
        } else {
            weight(g.members[a], g.members[b])
        };
        down[a].push((b, w));
        up[b].push((a, w));
    }
    let gaps: Vec<Vec<f64>> = layers
        .iter()
        .map(|layer| {
            layer
                .windows(2)
                .map(|w| ext(w[0]).right + ext(w[1]).left + spacing(g, w[0], w[1]))
                .collect()
        })
        .collect();
    let s = Settle {
        g,
        layers,
        up: &up,
        down: &down,
        gaps: &gaps,
        ext: &ext,
    };

    let mut x = vec![0.0; n];
    for (layer, gaps) in layers.iter().zip(&gaps) {
        let mut at = -gaps.iter().sum::<f64>() / 2.0;
        for (i, &v) in layer.iter().enumerate() {
            x[v] = at;
            at += gaps.get(i).copied().unwrap_or(0.0);
        }
    }
    let mut pinned = vec![false; n];
    let alternate = [Dir::Down, Dir::Up].iter().cycle().take(24);
    s.relax(
        &mut x,
        alternate.chain([Dir::Both].iter().cycle().take(8)),
        &pinned,
    );
    s.straighten(&mut x, &mut pinned);
    s.relax(&mut x, [Dir::Both].iter().cycle().take(8), &pinned);
    s.close_up(&mut x);

    let left = (0..n)
        .map(|v| x[v] - ext(v).left)
        .fold(f64::INFINITY, f64::min);
    if left.is_finite() {
        for xv in &mut x {
            *xv -= left;
        }
    }

    let band_h: Vec<f64> = layers
        .iter()
        .map(|layer| layer.iter().map(|&v| ext(v).height).fold(24.0, f64::max))
        .collect();
    // Edges that travel far sideways between two layers get more room to bend.
    let mut slant = vec![0.0f64; layers.len()];
    for &(a, b) in &g.edges {
        let r = g.rank[a];
        slant[r] = slant[r].max((x[a] - x[b]).abs());
    }
    let mut band_top = Vec::with_capacity(layers.len());
    let mut y = 0.0;
    for (h, s) in band_h.iter().zip(&slant) {
        band_top.push(y);
        y += h + LAYER_GAP + (s * 0.06).min(30.0);
    }
    Placement {
        x,
        band_top,
        band_h,
    }
}

/// What settling the x coordinates needs to know.
struct Settle<'a> {
    g: &'a Layered,
    layers: &'a [Vec<usize>],
    /// Per node, its neighbours in the layer above and below, with the weight of the edge.
    up: &'a [Vec<(usize, f64)>],
    down: &'a [Vec<(usize, f64)>],
    /// Per layer, the least distance between each two neighbouring nodes.
    gaps: &'a [Vec<f64>],
    ext: &'a dyn Fn(usize) -> Extent,
}

impl Settle<'_> {
    /// Moves every node towards its neighbours, a layer at a time, in `rounds`; pinned nodes
    /// stay where they are and the others make room around them.
    fn relax<'d>(&self, x: &mut [f64], rounds: impl Iterator<Item = &'d Dir>, pinned: &[bool]) {
        for &dir in rounds {
            let order: Vec<usize> = match dir {
                Dir::Up => (0..self.layers.len()).rev().collect(),
                _ => (0..self.layers.len()).collect(),
            };
            for r in order {
                let layer = &self.layers[r];
                let mut target = Vec::with_capacity(layer.len());
                let mut pull = Vec::with_capacity(layer.len());
                for &v in layer {
                    let (t, p) = if pinned[v] {
                        (x[v], 1e6)
                    } else {
                        self.wish(x, v, dir)
                    };
                    target.push(t);
                    pull.push(p);
                }
                for (&v, xv) in layer.iter().zip(project(&target, &pull, &self.gaps[r])) {
                    x[v] = xv;
                }
            }
        }
    }

    /// Where `v` would like to be, and how strongly.
    fn wish(&self, x: &[f64], v: usize, dir: Dir) -> (f64, f64) {
        let (up, down) = (&self.up[v], &self.down[v]);
        let near: Vec<(usize, f64)> = match dir {
            Dir::Down if !up.is_empty() => up.clone(),
            Dir::Up if !down.is_empty() => down.clone(),
            _ => up.iter().chain(down).copied().collect(),
        };
        let mut sum: f64 = near.iter().map(|&(u, w)| w * x[u]).sum();
        let mut total: f64 = near.iter().map(|&(_, w)| w).sum();
        if let Member::Lane { anchor } = self.g.members[v] {
            // A lane hugs the side of its node it was ordered on.
            let e = (self.ext)(anchor);
            let beside = if x[v] >= x[anchor] {
                x[anchor] + e.right + LANE_GAP
            } else {
                x[anchor] - e.left - LANE_GAP
            };
            sum += 8.0 * beside;
            total += 8.0;
        }
        if total == 0.0 {
            // Nothing to follow: stay, and give way to nodes that have somewhere to be.
            (x[v], 0.05)
        } else {
            (sum / total, total)
        }
    }

    /// The range `v` may move in without coming too close to its neighbours.
    fn room(&self, x: &[f64], v: usize) -> (f64, f64) {
        let r = self.g.rank[v];
        let layer = &self.layers[r];
        let Some(i) = layer.iter().position(|&u| u == v) else {
            return (x[v], x[v]);
        };
        let lo = i
            .checked_sub(1)
            .map_or(f64::NEG_INFINITY, |j| x[layer[j]] + self.gaps[r][j]);
        let hi = layer
            .get(i + 1)
            .map_or(f64::INFINITY, |&u| x[u] - self.gaps[r][i]);
        (lo, hi)
    }

    /// Sets each run of one-to-one links (a long edge, a loop's climb, a chain of steps and
    /// events) in one column where the layers leave room for it, and pins it there.
    fn straighten(&self, x: &mut [f64], pinned: &mut [bool]) {
        let n = self.g.members.len();
        let (mut outs, mut ins) = (vec![0usize; n], vec![0usize; n]);
        for &(a, b) in &self.g.edges {
            outs[a] += 1;
            ins[b] += 1;
        }
        let mut next = vec![None; n];
        let mut has_prev = vec![false; n];
        for &(a, b) in &self.g.edges {
            if outs[a] == 1 && ins[b] == 1 {
                next[a] = Some(b);
                has_prev[b] = true;
            }
        }
        let mut columns: Vec<Vec<usize>> = (0..n)
            .filter(|&v| next[v].is_some() && !has_prev[v])
            .map(|v| {
                let mut column = vec![v];
                let mut at = v;
                while let Some(b) = next[at] {
                    column.push(b);
                    at = b;
                }
                column
            })
            .collect();
        columns.sort_by_key(|c| std::cmp::Reverse(c.len()));
        // Straightening one column can make room for another, so those left over get
        // another go while any succeeds.
        for _ in 0..4 {
            let before = columns.len();
            columns.retain(|column| !self.straighten_one(x, pinned, column));
            if columns.is_empty() || columns.len() == before {
                break;
            }
        }
    }

    /// Puts `column` in one column and pins it, if its layers leave room; says whether they
    /// did.
    fn straighten_one(&self, x: &mut [f64], pinned: &mut [bool], column: &[usize]) -> bool {
        let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
        for &v in column {
            let (l, h) = self.room(x, v);
            lo = lo.max(l);
            hi = hi.min(h);
        }
        // Layers packed tight leave single points that miss each other by rounding; a column
        // may take a fraction of a pixel from spacings of a dozen or more.
        if lo > hi + STRAIGHTEN_SLACK {
            return false;
        }
        let mut xs: Vec<f64> = column.iter().map(|&v| x[v]).collect();
        xs.sort_by(f64::total_cmp);
        let at = if lo > hi {
            (lo + hi) / 2.0
        } else {
            xs[xs.len() / 2].clamp(lo, hi)
        };
        for &v in column {
            x[v] = at;
            pinned[v] = true;
        }
        true
    }

    /// Nodes linked to nothing move up to a neighbour instead of floating wherever the first
    /// guess left them.
    fn close_up(&self, x: &mut [f64]) {
        for (r, layer) in self.layers.iter().enumerate() {
            for (i, &v) in layer.iter().enumerate() {
                let lonely = self.up[v].is_empty()
                    && self.down[v].is_empty()
                    && self.g.members[v] == Member::Real
                    && !self.g.members.contains(&Member::Lane { anchor: v });
                if !lonely {
                    continue;
                }
                if let Some(j) = i.checked_sub(1) {
                    x[v] = x[layer[j]] + self.gaps[r][j];
                } else if let Some(&u) = layer.get(1) {
                    x[v] = x[u] - self.gaps[r][0];
                }
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Dir {
    Down,
    Up,
    Both,
}

/// How strongly a piece of a long edge or a chain pulls its ends into line.
const CHAIN_WEIGHT: f64 = 8.0;

/// How strongly an edge pulls its ends into line: long edges most, so they run straight.
fn weight(a: Member, b: Member) -> f64 {
    match (a == Member::Real, b == Member::Real) {
        (false, false) => CHAIN_WEIGHT,
        (true, true) => 1.0,
        _ => 2.0,
    }
}

/// The room between neighbours `a` and `b` of a layer, beyond their own extents.
fn spacing(g: &Layered, a: usize, b: usize) -> f64 {
    match (g.members[a], g.members[b]) {
        (Member::Real, Member::Real) => NODE_GAP,
        (Member::Lane { anchor }, Member::Real) if anchor == b => LANE_GAP,
        (Member::Real, Member::Lane { anchor }) if anchor == a => LANE_GAP,
        (Member::Real, _) | (_, Member::Real) => EDGE_GAP,
        _ => LINE_GAP,
    }
}

/// The positions closest to `target` (in the least squares sense, weighted by `weight`) such
/// that each is at least `gap[i]` right of the one before: pooled adjacent violators on the
/// positions less their minimal offsets.
fn project(target: &[f64], weight: &[f64], gap: &[f64]) -> Vec<f64> {
    let mut offset = Vec::with_capacity(target.len());
    let mut at = 0.0;
    for i in 0..target.len() {
        offset.push(at);
        at += gap.get(i).copied().unwrap_or(0.0);
    }
    // (total weight, weighted sum, members) of each pool, left to right.
    let mut pools: Vec<(f64, f64, usize)> = Vec::new();
    for ((t, o), w) in target.iter().zip(&offset).zip(weight) {
        let w = w.max(1e-9);
        pools.push((w, w * (t - o), 1));
        while let [.., (w1, s1, c1), (w2, s2, c2)] = pools[..] {
            if s1 / w1 <= s2 / w2 {
                break;
            }
            pools.truncate(pools.len() - 2);
            pools.push((w1 + w2, s1 + s2, c1 + c2));
        }
    }
    let mut out = Vec::with_capacity(target.len());
    for (w, s, count) in pools {
        for _ in 0..count {
            out.push(s / w + offset[out.len()]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projection_keeps_order_and_gaps_and_moves_as_little_as_it_can() {
        let out = project(&[0.0, 0.0, 100.0], &[1.0, 1.0, 1.0], &[10.0, 10.0]);
        assert_eq!(out, [-5.0, 5.0, 100.0]);
        let heavy = project(&[0.0, 0.0], &[9.0, 1.0], &[10.0]);
        assert_eq!(heavy, [-1.0, 9.0]);
        let free = project(&[3.0, 50.0], &[1.0, 1.0], &[10.0]);
        assert_eq!(free, [3.0, 50.0]);
    }

    #[test]
    fn a_parent_sits_over_the_middle_of_its_children_and_a_chain_is_straight() {
        // 0 -> 1, 0 -> 2; 1 -> 3 -> 4.
        let rank = [0, 1, 1, 2, 3];
        let links: Vec<Option<(usize, usize)>> =
            [(0, 1), (0, 2), (1, 3), (3, 4)].map(Some).to_vec();
        let g = Layered::new(&rank, &links, &[false; 4]);
        let layers = vec![vec![0], vec![1, 2], vec![3], vec![4]];
        let e = Extent {
            left: 30.0,
            right: 30.0,
            height: 30.0,
        };
        let p = place(&g, &layers, &[e; 5]);
        let x = &p.x;
        assert!(((x[1] + x[2]) / 2.0 - x[0]).abs() < 10.0, "{x:?}");
        assert!((x[3] - x[4]).abs() < 1.0, "{x:?}");
        assert!(x[2] - x[1] >= 60.0 + NODE_GAP - 1e-6, "{x:?}");
        assert!(p.band_top.windows(2).all(|w| w[1] > w[0] + 30.0));
    }
}
