//! The layered graph: the input's nodes on their rows plus a dummy node
//! (an edge slot) on every row a long edge crosses, and each drawn edge
//! as the chain of nodes it passes through.

use super::{Input, LOOP};

/// The graph once ranked and with dummy nodes, shared by the later stages.
/// Nodes `0..real` are the input's; the rest are dummies (edge slots).
pub(crate) struct Layered {
    pub real: usize,
    /// Slot width and height of each node (a real node's slot includes
    /// room for its self-loops; a label dummy's, the label).
    pub w: Vec<f64>,
    pub h: Vec<f64>,
    pub rank: Vec<usize>,
    pub up: Vec<Vec<u32>>,
    pub down: Vec<Vec<u32>>,
    pub layers: Vec<Vec<u32>>,
    /// Index of each node within its layer.
    pub pos: Vec<u32>,
}

impl Layered {
    fn add_node(&mut self, w: f64, h: f64, rank: usize) -> usize {
        self.w.push(w);
        self.h.push(h);
        self.rank.push(rank);
        self.up.push(Vec::new());
        self.down.push(Vec::new());
        self.w.len() - 1
    }

    fn link(&mut self, a: usize, b: usize) {
        self.down[a].push(b as u32);
        self.up[b].push(a as u32);
    }
}

/// One drawn edge: the nodes it passes through, top to bottom.
pub(crate) struct Chain {
    pub edge: usize,
    pub nodes: Vec<u32>,
    /// Drawn upwards: the input edge pointed from bottom to top.
    pub reversed: bool,
    /// The dummy that carries the label, if any.
    pub label: Option<u32>,
    /// Goes round the outside of the drawing, with no dummies.
    pub outside: bool,
}

/// What [`build`] needs to know of the edges besides their ends: for
/// each (non-loop) edge its input index, whether it was turned around and
/// whether it goes round the outside; the self-loops; and whether edges
/// carry labels.
pub(crate) struct Edges<'a> {
    pub ids: &'a [usize],
    pub reversed: &'a [bool],
    pub outside: &'a [bool],
    pub loops: &'a [usize],
    pub labelled: bool,
}

pub(crate) struct Built {
    pub l: Layered,
    pub chains: Vec<Chain>,
}

/// The layered graph of the edges `down` (pointing down) on `ranks`.
pub(crate) fn build(
    input: &Input,
    down: &[(usize, usize)],
    ranks: &[usize],
    edges: &Edges,
) -> Built {
    let n = input.sizes.len();
    let mut l = Layered {
        real: n,
        w: Vec::with_capacity(n),
        h: Vec::with_capacity(n),
        rank: Vec::new(),
        up: Vec::new(),
        down: Vec::new(),
        layers: Vec::new(),
        pos: Vec::new(),
    };
    let reach = loop_reach(input, edges.loops, edges.labelled);
    for (v, &(w, h)) in input.sizes.iter().enumerate() {
        l.add_node(w + 2.0 * reach[v], h, ranks[v]);
    }
    let mut chains = Vec::with_capacity(down.len());
    for (i, &(a, b)) in down.iter().enumerate() {
        let edge = edges.ids[i];
        let mut nodes = vec![a as u32];
        let mut label = None;
        let middle = (ranks[a] + ranks[b]) / 2;
        let slots = if edges.outside[i] {
            0..0
        } else {
            ranks[a] + 1..ranks[b]
        };
        for r in slots {
            let d = match edges.labelled.then(|| input.labels[edge]) {
                Some((lw, lh)) if r == middle => {
                    label = Some(l.w.len() as u32);
                    l.add_node(2.0 * (lw + 8.0), lh, r)
                }
                _ => l.add_node(0.0, 0.0, r),
            };
            nodes.push(d as u32);
        }
        nodes.push(b as u32);
        // An edge round the outside joins rows that are not neighbours:
        // ordering and placing leave it out.
        if !edges.outside[i] {
            for pair in nodes.windows(2) {
                l.link(pair[0] as usize, pair[1] as usize);
            }
        }
        chains.push(Chain {
            edge,
            nodes,
            reversed: edges.reversed[i],
            label,
            outside: edges.outside[i],
        });
    }
    Built { l, chains }
}

/// Which edges go round the outside: the longest, once the shorter ones
/// have used up `cap` dummies (never labelled ones).
pub(crate) fn outside_edges(
    down: &[(usize, usize)],
    ranks: &[usize],
    labelled: bool,
    cap: usize,
) -> Vec<bool> {
    let dummies = |&(a, b): &(usize, usize)| ranks[b].saturating_sub(ranks[a] + 1);
    let mut outside = vec![false; down.len()];
    if labelled || down.iter().map(dummies).sum::<usize>() <= cap {
        return outside;
    }
    // Shortest first; the key holds the edge's index below its length.
    let mut by_length: Vec<i64> = down
        .iter()
        .enumerate()
        .map(|(i, e)| (dummies(e) as i64) << 32 | i as i64)
        .collect();
    by_length.sort_unstable();
    let mut used = 0;
    for key in by_length {
        let i = (key & 0xffff_ffff) as usize;
        used += dummies(&down[i]);
        outside[i] = used > cap;
    }
    outside
}

/// How far each node's self-loops (and their labels) reach to its right.
fn loop_reach(input: &Input, loops: &[usize], labelled: bool) -> Vec<f64> {
    let mut reach = vec![0.0f64; input.sizes.len()];
    let mut count = vec![0usize; input.sizes.len()];
    for &e in loops {
        let v = input.edges[e].0;
        count[v] += 1;
        let label = if labelled {
            input.labels[e].0 + 8.0
        } else {
            0.0
        };
        reach[v] = reach[v].max(LOOP * count[v] as f64 * 0.75 + 4.0 + label);
    }
    reach
}
