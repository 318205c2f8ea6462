//! Which edges to turn around so that the graph has no cycle and can be drawn top to bottom.
//!
//! Loops are common in workflows: a step emits an event that leads back to an earlier step.
//! A depth-first search from the start event finds them as the edges that return to a node
//! still on the search path; those, and only those, are turned around. Starting from the start
//! event makes "earlier" mean what a reader expects: the loop's way back is the edge reversed,
//! never the way in.

/// For each edge `(from, to)` of a graph on `n` nodes, whether it closes a cycle and must be
/// reversed. `roots` lists where the search starts first; every node is searched eventually.
pub(crate) fn back_edges(n: usize, edges: &[(usize, usize)], roots: &[usize]) -> Vec<bool> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, &(from, _)) in edges.iter().enumerate() {
        out[from].push(i);
    }
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        OnPath,
        Done,
    }
    let mut state = vec![State::New; n];
    let mut back = vec![false; edges.len()];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in roots.iter().copied().chain(0..n) {
        if root >= n || state[root] != State::New {
            continue;
        }
        state[root] = State::OnPath;
        stack.push((root, 0));
        while let Some(top) = stack.last_mut() {
            let (node, next) = *top;
            if let Some(&edge) = out[node].get(next) {
                top.1 += 1;
                let to = edges[edge].1;
                match state[to] {
                    State::OnPath => back[edge] = true,
                    State::New => {
                        state[to] = State::OnPath;
                        stack.push((to, 0));
                    }
                    State::Done => {}
                }
            } else {
                state[node] = State::Done;
                stack.pop();
            }
        }
    }
    back
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the edges, with the flagged ones reversed, have no cycle.
    fn acyclic(n: usize, edges: &[(usize, usize)], back: &[bool]) -> bool {
        let mut indegree = vec![0; n];
        let flipped: Vec<(usize, usize)> = edges
            .iter()
            .zip(back)
            .map(|(&(a, b), &r)| if r { (b, a) } else { (a, b) })
            .collect();
        for &(_, b) in &flipped {
            indegree[b] += 1;
        }
        let mut ready: Vec<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
        let mut seen = 0;
        while let Some(v) = ready.pop() {
            seen += 1;
            for &(a, b) in &flipped {
                if a == v {
                    indegree[b] -= 1;
                    if indegree[b] == 0 {
                        ready.push(b);
                    }
                }
            }
        }
        seen == n
    }

    #[test]
    fn the_way_back_of_a_loop_is_reversed_not_the_way_in() {
        // start -> begin -> ask -> answer -> begin, begin -> stop
        let edges = [(0, 1), (1, 2), (2, 3), (3, 1), (1, 4)];
        let back = back_edges(5, &edges, &[0]);
        assert_eq!(back, [false, false, false, true, false]);
    }

    #[test]
    fn every_cycle_is_broken() {
        // Two interleaved loops, a 2-cycle and a triangle, searched from a node inside them.
        let edges = [
            (0, 1),
            (1, 0),
            (1, 2),
            (2, 3),
            (3, 1),
            (3, 4),
            (4, 2),
            (5, 6),
            (6, 5),
        ];
        let back = back_edges(7, &edges, &[2]);
        assert!(acyclic(7, &edges, &back));
        let dag = [(0, 1), (0, 2), (1, 3), (2, 3)];
        assert_eq!(back_edges(4, &dag, &[]), [false; 4]);
    }

    #[test]
    fn out_of_range_roots_are_ignored() {
        assert_eq!(back_edges(2, &[(0, 1), (1, 0)], &[7]), [false, true]);
    }
}
