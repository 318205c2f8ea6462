//! The layered graph: every edge between adjacent layers, long edges cut by dummy nodes.
//!
//! A dummy node is where an edge crosses a layer; ordering and positioning treat it like a
//! node of no width, which reserves the edge a way between the real nodes. An edge that closes
//! a loop also gets a lane node beside each of its ends, in the end's own layer: the loop leaves
//! its source sideways, climbs beside the nodes and enters its target sideways, so it can never
//! be mistaken for an edge going down.

/// What a node of the layered graph stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Member {
    /// A node of the diagram.
    Real,
    /// A long edge crossing a layer.
    Dummy,
    /// A loop's turn beside `anchor`, a real node in the same layer.
    Lane { anchor: usize },
}

/// How one link of the diagram runs through the layered graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Chain {
    /// From its source down to its target: the source, the dummies, the target.
    Down(Vec<usize>),
    /// A loop, from its source up to its target: the source, its lane, the dummies from the
    /// bottom up, the target's lane, the target.
    Up(Vec<usize>),
    /// A link from a node to itself.
    SelfLoop(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layered {
    /// Per node; the first ones are the diagram's nodes, with the same indices.
    pub(crate) members: Vec<Member>,
    pub(crate) rank: Vec<usize>,
    /// From a layer to the next one down.
    pub(crate) edges: Vec<(usize, usize)>,
    pub(crate) layers: usize,
    /// Per link of the diagram; `None` for a link naming a node that does not exist.
    pub(crate) chains: Vec<Option<Chain>>,
}

impl Layered {
    /// Builds the layered graph of `rank.len()` real nodes and `links`, `back[i]` telling that
    /// link `i` closes a loop (its target is above its source).
    pub(crate) fn new(rank: &[usize], links: &[Option<(usize, usize)>], back: &[bool]) -> Self {
        let mut g = Self {
            members: vec![Member::Real; rank.len()],
            rank: rank.to_vec(),
            edges: Vec::new(),
            layers: rank.iter().map(|r| r + 1).max().unwrap_or(0),
            chains: Vec::with_capacity(links.len()),
        };
        for (i, link) in links.iter().enumerate() {
            let chain = link.map(|(from, to)| {
                if from == to {
                    Chain::SelfLoop(from)
                } else if back.get(i).copied().unwrap_or(false) && rank[to] < rank[from] {
                    g.up(from, to)
                } else if rank[from] < rank[to] {
                    g.down(from, to)
                } else {
                    // Ranking never leaves a link level or pointing up unless it is a loop;
                    // drawing it as one is still better than dropping it.
                    g.up(from, to)
                }
            });
            g.chains.push(chain);
        }
        g
    }

    fn add(&mut self, member: Member, rank: usize) -> usize {
        self.members.push(member);
        self.rank.push(rank);
        self.members.len() - 1
    }

    fn down(&mut self, from: usize, to: usize) -> Chain {
        let mut nodes = vec![from];
        for r in self.rank[from] + 1..self.rank[to] {
            nodes.push(self.add(Member::Dummy, r));
        }
        nodes.push(to);
        self.edges.extend(nodes.windows(2).map(|w| (w[0], w[1])));
        Chain::Down(nodes)
    }

    fn up(&mut self, from: usize, to: usize) -> Chain {
        let (low, high) = (self.rank[from], self.rank[to]);
        let mut nodes = vec![from, self.add(Member::Lane { anchor: from }, low)];
        // A level link still needs a layer to climb through: it gets none, and its two lanes
        // sit side by side in the same layer.
        for r in (high + 1..low).rev() {
            nodes.push(self.add(Member::Dummy, r));
        }
        nodes.push(self.add(Member::Lane { anchor: to }, high));
        nodes.push(to);
        let climb = &nodes[1..nodes.len() - 1];
        self.edges.extend(
            climb
                .windows(2)
                .filter(|w| self.rank[w[1]] < self.rank[w[0]])
                .map(|w| (w[1], w[0])),
        );
        Chain::Up(nodes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_edges_get_one_dummy_per_layer_crossed() {
        let g = Layered::new(&[0, 3], &[Some((0, 1))], &[false]);
        assert_eq!(g.chains, [Some(Chain::Down(vec![0, 2, 3, 1]))]);
        assert_eq!(g.rank[2..], [1, 2]);
        assert_eq!(g.edges, [(0, 2), (2, 3), (3, 1)]);
    }

    #[test]
    fn a_loop_climbs_from_a_lane_beside_its_source_to_one_beside_its_target() {
        // 1 (layer 2) loops back to 0 (layer 0).
        let g = Layered::new(&[0, 2], &[Some((1, 0))], &[true]);
        assert_eq!(g.chains, [Some(Chain::Up(vec![1, 2, 3, 4, 0]))]);
        assert_eq!(g.members[2], Member::Lane { anchor: 1 });
        assert_eq!(g.members[4], Member::Lane { anchor: 0 });
        assert_eq!(g.rank[2..], [2, 1, 0]);
        // Every edge of the layered graph goes one layer down.
        for &(a, b) in &g.edges {
            assert_eq!(g.rank[a] + 1, g.rank[b], "{a} -> {b}");
        }
        assert_eq!(g.edges.len(), 2);
    }

    #[test]
    fn missing_nodes_and_self_links_are_not_layered() {
        let g = Layered::new(&[0], &[None, Some((0, 0))], &[false, false]);
        assert_eq!(g.chains, [None, Some(Chain::SelfLoop(0))]);
        assert!(g.edges.is_empty());
    }
}
