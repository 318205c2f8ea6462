//! The left-to-right order of the nodes in each layer, chosen to cross as few edges as
//! possible.
//!
//! Layers are swept down and up, each node moving to the median or the barycentre of its
//! neighbours in the layer just swept, then neighbours are swapped while that removes
//! crossings; the best order seen wins. A loop's lane moves with the node it is beside: the
//! node and its lanes form a block, ordered as one.

use super::layered::{Chain, Layered, Member};

/// Sweeps at most this many times.
const MAX_SWEEPS: usize = 24;
/// Gives up after this many sweeps without fewer crossings.
const PATIENCE: usize = 6;
/// Tries the other side for at most this many loops: each try settles the layers again, so
/// big graphs get fewer tries, this much work divided by their size.
const MAX_FLIPS: usize = 40;
const FLIP_WORK: usize = 20_000;

/// Each layer's nodes from left to right, lanes included.
pub(crate) fn order(g: &Layered) -> Vec<Vec<usize>> {
    let mut o = Orderer::new(g);
    o.initial();
    let mut best = (o.crossings(), o.units.clone());
    let mut stale = 0;
    for sweep in 0..MAX_SWEEPS {
        if best.0 == 0 || stale >= PATIENCE {
            break;
        }
        o.sweep(sweep % 2 == 0, (sweep / 2) % 2 == 0);
        o.transpose();
        let crossings = o.crossings();
        if crossings < best.0 {
            best = (crossings, o.units.clone());
            stale = 0;
        } else {
            stale += 1;
        }
    }
    o.units = best.1;
    o.refresh_all();
    o.flip_loops();
    o.transpose();
    (0..g.layers).map(|r| o.expand(r)).collect()
}

/// Total crossings between adjacent layers of `layers`, an order of `g`'s nodes.
pub(crate) fn count_crossings(g: &Layered, layers: &[Vec<usize>]) -> usize {
    let mut pos = vec![0; g.members.len()];
    for layer in layers {
        for (i, &v) in layer.iter().enumerate() {
            pos[v] = i;
        }
    }
    let mut pairs: Vec<Vec<(usize, usize)>> = vec![Vec::new(); layers.len()];
    for &(a, b) in &g.edges {
        if let Some(p) = pairs.get_mut(g.rank[a]) {
            p.push((pos[a], pos[b]));
        }
    }
    pairs
        .iter_mut()
        .enumerate()
        .map(|(r, p)| inversions(p, layers.get(r + 1).map_or(0, Vec::len)))
        .sum()
}

/// Crossings among edges given as (upper position, lower position), the lower layer holding
/// `width` nodes: the pairs whose lower ends come in the other order than their upper ends.
fn inversions(pairs: &mut [(usize, usize)], width: usize) -> usize {
    pairs.sort_unstable();
    // A binary indexed tree over the lower positions counts, for each edge, the earlier edges
    // whose lower end lies further right.
    let mut tree = vec![0usize; width + 1];
    let mut count = 0;
    for (seen, &(_, lower)) in pairs.iter().enumerate() {
        let mut i = lower + 1;
        let mut at_most = 0;
        while i > 0 {
            at_most += tree[i];
            i &= i - 1;
        }
        count += seen - at_most;
        let mut i = lower + 1;
        while i <= width {
            tree[i] += 1;
            i += i & i.wrapping_neg();
        }
    }
    count
}

struct Orderer<'a> {
    g: &'a Layered,
    up: Vec<Vec<usize>>,
    down: Vec<Vec<usize>>,
    /// Per layer, the nodes that are not lanes, left to right.
    units: Vec<Vec<usize>>,
    /// Per node, the lanes beside it on each side, nearest first.
    left: Vec<Vec<usize>>,
    right: Vec<Vec<usize>>,
    /// Per node, its position in its layer, lanes included.
    pos: Vec<usize>,
}

impl<'a> Orderer<'a> {
    fn new(g: &'a Layered) -> Self {
        let n = g.members.len();
        let mut up = vec![Vec::new(); n];
        let mut down = vec![Vec::new(); n];
        for &(a, b) in &g.edges {
            down[a].push(b);
            up[b].push(a);
        }
        let mut right = vec![Vec::new(); n];
        for (v, m) in g.members.iter().enumerate() {
            if let Member::Lane { anchor } = *m {
                right[anchor].push(v);
            }
        }
        Self {
            g,
            up,
            down,
            units: vec![Vec::new(); g.layers],
            left: vec![Vec::new(); n],
            right,
            pos: vec![0; n],
        }
    }

    fn is_lane(&self, v: usize) -> bool {
        matches!(self.g.members[v], Member::Lane { .. })
    }

    /// Depth first from the top: what hangs together starts together.
    fn initial(&mut self) {
        let n = self.g.members.len();
        let mut roots: Vec<usize> = (0..n).filter(|&v| !self.is_lane(v)).collect();
        roots.sort_by_key(|&v| (self.g.rank[v], v));
        let mut seen = vec![false; n];
        let mut stack = Vec::new();
        for root in roots {
            stack.push(root);
            while let Some(v) = stack.pop() {
                if seen[v] {
                    continue;
                }
                seen[v] = true;
                if !self.is_lane(v) {
                    self.units[self.g.rank[v]].push(v);
                }
                // The lanes first, so that a loop's climb follows the node it returns to.
                let next = self.down[v].iter().rev().chain(self.right[v].iter().rev());
                stack.extend(next.filter(|&&c| !seen[c]));
            }
        }
        self.refresh_all();
    }

    /// The nodes of the block headed by `u`, left to right.
    fn block(&self, u: usize) -> impl Iterator<Item = usize> + '_ {
        let left = self.left[u].iter().rev().copied();
        left.chain(std::iter::once(u))
            .chain(self.right[u].iter().copied())
    }

    fn expand(&self, r: usize) -> Vec<usize> {
        self.units[r].iter().flat_map(|&u| self.block(u)).collect()
    }

    fn refresh(&mut self, r: usize) {
        for (i, v) in self.expand(r).into_iter().enumerate() {
            self.pos[v] = i;
        }
    }

    fn refresh_all(&mut self) {
        for r in 0..self.g.layers {
            self.refresh(r);
        }
    }

    fn crossings(&self) -> usize {
        let layers: Vec<Vec<usize>> = (0..self.g.layers).map(|r| self.expand(r)).collect();
        count_crossings(self.g, &layers)
    }

    /// Positions of the neighbours of `u`'s block, above or below.
    fn neighbours(&self, u: usize, above: bool) -> Vec<usize> {
        let adj = if above { &self.up } else { &self.down };
        let mut out: Vec<usize> = self
            .block(u)
            .flat_map(|v| adj[v].iter().map(|&w| self.pos[w]))
            .collect();
        out.sort_unstable();
        out
    }

    fn sweep(&mut self, downwards: bool, median: bool) {
        let layers: Vec<usize> = if downwards {
            (1..self.g.layers).collect()
        } else {
            (0..self.g.layers.saturating_sub(1)).rev().collect()
        };
        for r in layers {
            let mut keyed = Vec::new();
            let mut fixed = Vec::new();
            for (i, &u) in self.units[r].iter().enumerate() {
                let near = self.neighbours(u, downwards);
                match key(&near, median) {
                    Some(k) => keyed.push((k, i, u)),
                    None => fixed.push((i, u)),
                }
            }
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            // Nodes with no neighbours there keep their places; the others fill the gaps.
            let total = self.units[r].len();
            let mut keyed = keyed.into_iter().map(|(_, _, u)| u);
            let mut fixed = fixed.into_iter().peekable();
            let mut next = Vec::with_capacity(total);
            while next.len() < total {
                let placed = next.len();
                let v = match fixed.next_if(|&(i, _)| i <= placed) {
                    Some((_, u)) => Some(u),
                    None => keyed.next().or_else(|| fixed.next().map(|(_, u)| u)),
                };
                match v {
                    Some(v) => next.push(v),
                    None => break,
                }
            }
            self.units[r] = next;
            self.refresh(r);
        }
    }

    /// Swaps neighbouring blocks while that removes crossings.
    fn transpose(&mut self) {
        for _ in 0..8 {
            let mut improved = false;
            for r in 0..self.g.layers {
                let units = &self.units[r];
                if units.len() < 2 {
                    continue;
                }
                // The layers around stay put while this one changes, so each block's
                // neighbours are looked up once.
                let near: Vec<[Vec<usize>; 2]> = units
                    .iter()
                    .map(|&u| [self.neighbours(u, true), self.neighbours(u, false)])
                    .collect();
                let mut at: Vec<usize> = (0..units.len()).collect();
                let mut changed = false;
                for i in 1..at.len() {
                    let (a, b) = (&near[at[i - 1]], &near[at[i]]);
                    if pair_crossings(b, a) < pair_crossings(a, b) {
                        at.swap(i - 1, i);
                        changed = true;
                    }
                }
                if changed {
                    self.units[r] = at.iter().map(|&i| units[i]).collect();
                    self.refresh(r);
                    improved = true;
                }
            }
            if !improved {
                break;
            }
        }
    }

    /// Moves each loop to the other side of the nodes it joins when, once the layers have
    /// settled around it again, that crosses fewer edges. Both ends of a loop move together:
    /// a loop that leaves one node rightwards and enters the other from the left would have
    /// to cross everything between.
    fn flip_loops(&mut self) {
        let loops: Vec<[usize; 2]> = self
            .g
            .chains
            .iter()
            .filter_map(|c| match c {
                Some(Chain::Up(nodes)) if nodes.len() >= 4 => {
                    Some([nodes[1], nodes[nodes.len() - 2]])
                }
                _ => None,
            })
            .take(MAX_FLIPS.min(FLIP_WORK / self.g.members.len().max(1)))
            .collect();
        let mut current = self.crossings();
        for lanes in loops {
            if current == 0 {
                return;
            }
            let saved = (self.units.clone(), self.left.clone(), self.right.clone());
            for lane in lanes {
                self.flip(lane);
            }
            self.refresh_all();
            let mut best = (self.crossings(), self.units.clone());
            for sweep in 0..2 {
                self.sweep(sweep % 2 == 0, true);
                self.transpose();
                let crossings = self.crossings();
                if crossings < best.0 {
                    best = (crossings, self.units.clone());
                }
            }
            if best.0 < current {
                current = best.0;
                self.units = best.1;
            } else {
                (self.units, self.left, self.right) = saved;
            }
            self.refresh_all();
        }
    }

    /// Moves `lane` to the other side of its node, nearest the node.
    fn flip(&mut self, lane: usize) {
        let Member::Lane { anchor } = self.g.members[lane] else {
            return;
        };
        if let Some(i) = self.right[anchor].iter().position(|&v| v == lane) {
            self.right[anchor].remove(i);
            self.left[anchor].insert(0, lane);
        } else if let Some(i) = self.left[anchor].iter().position(|&v| v == lane) {
            self.left[anchor].remove(i);
            self.right[anchor].insert(0, lane);
        }
    }
}

/// Crossings between the edges of two blocks when the one with neighbours `a` (sorted
/// positions above and below) is left of the one with neighbours `b`: the pairs whose other
/// ends come in the opposite order.
fn pair_crossings(a: &[Vec<usize>; 2], b: &[Vec<usize>; 2]) -> usize {
    let mut count = 0;
    for (a, b) in a.iter().zip(b) {
        let mut j = 0;
        for &p in a {
            while j < b.len() && b[j] < p {
                j += 1;
            }
            count += j;
        }
    }
    count
}

/// Where a node wants to be given its neighbours' sorted positions: their median (weighted
/// towards the denser side when even) or their mean.
fn key(near: &[usize], median: bool) -> Option<f64> {
    let n = near.len();
    if n == 0 {
        return None;
    }
    let v = |i: usize| near[i] as f64;
    if !median || n <= 2 {
        return Some(near.iter().sum::<usize>() as f64 / n as f64);
    }
    let m = n / 2;
    if n % 2 == 1 {
        return Some(v(m));
    }
    let left = v(m - 1) - v(0);
    let right = v(n - 1) - v(m);
    if left + right == 0.0 {
        return Some((v(m - 1) + v(m)) / 2.0);
    }
    Some((v(m - 1) * right + v(m) * left) / (left + right))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_cross_where_their_neighbours_come_in_the_other_order() {
        let left = [vec![0, 3], vec![]];
        let right = [vec![1, 2], vec![5]];
        // 3 lies right of both 1 and 2.
        assert_eq!(pair_crossings(&left, &right), 2);
        assert_eq!(pair_crossings(&right, &left), 2);
        assert_eq!(pair_crossings(&[vec![0], vec![]], &[vec![1], vec![]]), 0);
    }

    #[test]
    fn inversions_count_crossing_pairs() {
        // Edges 0-1 and 1-0 cross; 0-0 and 0-1 share an end and do not.
        assert_eq!(inversions(&mut [(0, 1), (1, 0)], 2), 1);
        assert_eq!(inversions(&mut [(0, 0), (0, 1), (1, 1)], 2), 0);
        assert_eq!(inversions(&mut [(0, 2), (1, 1), (2, 0)], 3), 3);
    }

    #[test]
    fn a_crossing_that_can_be_undone_is() {
        // Two parallel chains a0-a1-a2, b0-b1-b2 whose middle layer starts crossed.
        let rank = [0, 1, 2, 0, 1, 2];
        let links: Vec<Option<(usize, usize)>> =
            [(0, 1), (1, 2), (3, 4), (4, 5)].map(Some).to_vec();
        let g = Layered::new(&rank, &links, &[false; 4]);
        let crossed = vec![vec![0, 3], vec![4, 1], vec![2, 5]];
        assert_eq!(count_crossings(&g, &crossed), 2);
        let layers = order(&g);
        assert_eq!(count_crossings(&g, &layers), 0, "{layers:?}");
    }

    #[test]
    fn every_node_is_ordered_once_and_lanes_stay_beside_their_node() {
        // 0 -> 1 -> 2 -> 3, 3 loops back to 1, and 0 -> 4 -> 3.
        let rank = [0, 1, 2, 3, 1];
        let links: Vec<Option<(usize, usize)>> = [(0, 1), (1, 2), (2, 3), (3, 1), (0, 4), (4, 3)]
            .map(Some)
            .to_vec();
        let back = [false, false, false, true, false, false];
        let g = Layered::new(&rank, &links, &back);
        let layers = order(&g);
        let mut all: Vec<usize> = layers.iter().flatten().copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..g.members.len()).collect::<Vec<_>>());
        for layer in &layers {
            for (i, &v) in layer.iter().enumerate() {
                if let Member::Lane { anchor } = g.members[v] {
                    let beside = |j: Option<usize>| {
                        j.and_then(|j| layer.get(j)).is_some_and(|&w| {
                            w == anchor
                                || matches!(g.members[w], Member::Lane { anchor: a } if a == anchor)
                        })
                    };
                    assert!(
                        beside(i.checked_sub(1)) || beside(Some(i + 1)),
                        "{layers:?}"
                    );
                }
            }
        }
    }
}
