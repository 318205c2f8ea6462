//! Which layer each node goes in: every edge of the acyclic graph points to a lower layer.

use std::collections::VecDeque;

/// The layer of each of `n` nodes, 0 at the top, such that every edge `(from, to)` goes from a
/// layer to one strictly below it. `edges` must have no cycle.
///
/// Nodes go as high as their longest way in allows, which keeps chains tight. Then two moves
/// make the drawing read better without breaking that rule: a node nothing leads to (an event
/// sent from outside, say) moves down to just above what it feeds, instead of waiting at the top
/// with a long edge; and the nodes flagged in `to_bottom` that lead nowhere (the stop event)
/// move to the bottom layer, so a run always ends at the foot of the drawing.
pub(crate) fn ranks(n: usize, edges: &[(usize, usize)], to_bottom: &[bool]) -> Vec<usize> {
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for &(from, to) in edges {
        succ[from].push(to);
        indegree[to] += 1;
    }
    let sources: Vec<bool> = indegree.iter().map(|&d| d == 0).collect();
    let mut ready: VecDeque<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
    let mut topo = Vec::with_capacity(n);
    let mut rank = vec![0usize; n];
    while let Some(v) = ready.pop_front() {
        topo.push(v);
        for &s in &succ[v] {
            rank[s] = rank[s].max(rank[v] + 1);
            indegree[s] -= 1;
            if indegree[s] == 0 {
                ready.push_back(s);
            }
        }
    }
    // Sources feed only nodes already placed; the lowest layer above all of them is free.
    for &v in topo.iter().rev() {
        if sources[v]
            && let Some(lowest) = succ[v].iter().map(|&s| rank[s]).min()
        {
            rank[v] = lowest.saturating_sub(1);
        }
    }
    let bottom = rank.iter().copied().max().unwrap_or(0);
    for v in 0..n {
        if succ[v].is_empty() && !sources[v] && to_bottom.get(v).copied().unwrap_or(false) {
            rank[v] = bottom;
        }
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;

    fn respects(edges: &[(usize, usize)], rank: &[usize]) -> bool {
        edges.iter().all(|&(a, b)| rank[a] < rank[b])
    }

    #[test]
    fn every_edge_points_down() {
        let edges = [(0, 1), (1, 2), (0, 2), (2, 3), (4, 3), (1, 5)];
        let rank = ranks(6, &edges, &[false; 6]);
        assert!(respects(&edges, &rank), "{rank:?}");
        assert_eq!(rank[3], 3);
    }

    #[test]
    fn a_source_sits_just_above_what_it_feeds() {
        // 0 -> 1 -> 2 -> 3, and 4 only feeds 3.
        let rank = ranks(5, &[(0, 1), (1, 2), (2, 3), (4, 3)], &[false; 5]);
        assert_eq!(rank, [0, 1, 2, 3, 2]);
    }

    #[test]
    fn flagged_sinks_go_to_the_bottom() {
        // 0 -> 1 -> 2 -> 3 -> 4, and 1 -> 5 where 5 is a stop.
        let edges = [(0, 1), (1, 2), (2, 3), (3, 4), (1, 5)];
        let mut flags = [false; 6];
        assert_eq!(ranks(6, &edges, &flags)[5], 2);
        flags[5] = true;
        let rank = ranks(6, &edges, &flags);
        assert_eq!(rank[5], 4);
        assert!(respects(&edges, &rank));
    }

    #[test]
    fn lone_nodes_stay_at_the_top() {
        assert_eq!(ranks(3, &[], &[true; 3]), [0, 0, 0]);
    }
}
