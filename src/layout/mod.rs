//! A layered (Sugiyama) layout of a directed graph, independent of tasks:
//! node sizes and edges in, boxes and edge curves out. The stages, one
//! file each: [`acyclic`] (turn back edges around), [`rank`] (rows),
//! [`order`] (dummy nodes for long edges, crossing reduction), [`position`]
//! (x coordinates), [`route`] (curves through the dummy slots, arrowheads).
//! Every walk is iterative and every loop has a budget, so a chain of a
//! million nodes or a fan of thousands stays linear-ish; nothing depends on
//! hash order or time, so the same input gives the same drawing.

mod acyclic;
mod order;
mod position;
mod rank;
mod route;
mod simplex;
pub mod text;

/// Horizontal gap between boxes on a row (Graphviz's `nodesep`, 0.25in).
pub const NODE_SEP: f64 = 18.0;
/// Vertical gap between rows (Graphviz's `ranksep`, 0.5in).
pub const RANK_SEP: f64 = 36.0;
/// Blank border around the drawing.
pub const MARGIN: f64 = 8.0;
/// Length of an arrowhead, along the edge.
pub const ARROW: f64 = 10.0;
/// How far a self-loop reaches out of the right side of its box.
pub const LOOP: f64 = 28.0;
/// Most dummy nodes (edge slots) in one drawing: past this, the longest
/// edges go round the outside instead, so time and memory stay bounded.
pub const DUMMY_CAP: usize = 150_000;
/// Room between the edges that go round the outside.
pub const OUTSIDE_GAP: f64 = 3.0;

/// What to lay out: node sizes, edges `(from, to)` by node index, and
/// optionally (same length as `edges`) the size of each edge's label.
#[derive(Clone, Debug, Default)]
pub struct Input {
    pub sizes: Vec<(f64, f64)>,
    pub edges: Vec<(usize, usize)>,
    pub labels: Vec<(f64, f64)>,
}

/// A node's box: top-left corner, width and height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NodeBox {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl NodeBox {
    pub fn centre(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

/// An edge as a cubic Bézier spline, `points` = start, then (control,
/// control, end) per piece, ending at the base of the arrowhead; `arrow`
/// is the tip and the two base corners; `label_pos` the label's centre.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgePath {
    pub from: usize,
    pub to: usize,
    pub points: Vec<(f64, f64)>,
    pub arrow: [(f64, f64); 3],
    pub label_pos: Option<(f64, f64)>,
}

/// The laid-out drawing. `edges` holds the input edges whose ends are
/// valid node indices, in input order.
#[derive(Clone, Debug, PartialEq)]
pub struct Geometry {
    pub width: f64,
    pub height: f64,
    pub nodes: Vec<NodeBox>,
    pub edges: Vec<EdgePath>,
}

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

/// Lays the graph out.
pub fn layout(input: &Input) -> Geometry {
    layout_counted(input).0
}

/// Lays the graph out; also gives the crossings left between rows (for
/// benchmarks and tuning).
pub fn layout_counted(input: &Input) -> (Geometry, u64) {
    layout_capped(input, DUMMY_CAP)
}

/// [`layout_counted`] with another cap on dummy nodes (tests use a small
/// one to exercise edges round the outside on small graphs).
#[doc(hidden)]
pub fn layout_capped(input: &Input, dummy_cap: usize) -> (Geometry, u64) {
    let n = input.sizes.len();
    let labelled = input.labels.len() == input.edges.len() && !input.labels.is_empty();
    let valid: Vec<usize> = (0..input.edges.len())
        .filter(|&e| input.edges[e].0 < n && input.edges[e].1 < n)
        .collect();
    let (loops, others): (Vec<usize>, Vec<usize>) = valid
        .iter()
        .partition(|&&e| input.edges[e].0 == input.edges[e].1);
    let pairs: Vec<(usize, usize)> = others.iter().map(|&e| input.edges[e]).collect();
    let reversed = acyclic::back_edges(n, &pairs);
    let down: Vec<(usize, usize)> = pairs
        .iter()
        .zip(&reversed)
        .map(|(&(a, b), &r)| if r { (b, a) } else { (a, b) })
        .collect();
    // A labelled edge spans two rows at least, so its label has a row.
    let span = if labelled { 2 } else { 1 };
    let ranks = rank::ranks(n, &down, span);
    let label_of = |e: usize| {
        if labelled {
            Some(input.labels[e])
        } else {
            None
        }
    };
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
    let reach = loop_reach(input, &loops, labelled);
    for (v, &(w, h)) in input.sizes.iter().enumerate() {
        l.add_node(w + 2.0 * reach[v], h, ranks[v]);
    }
    let outside = outside_edges(&down, &ranks, labelled, dummy_cap);
    let mut chains = Vec::with_capacity(down.len());
    for (i, &(a, b)) in down.iter().enumerate() {
        let edge = others[i];
        let mut nodes = vec![a as u32];
        let mut label = None;
        let middle = (ranks[a] + ranks[b]) / 2;
        let slots = if outside[i] {
            0..0
        } else {
            ranks[a] + 1..ranks[b]
        };
        for r in slots {
            let d = match label_of(edge) {
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
        if !outside[i] {
            for pair in nodes.windows(2) {
                l.link(pair[0] as usize, pair[1] as usize);
            }
        }
        chains.push(Chain {
            edge,
            nodes,
            reversed: reversed[i],
            label,
            outside: outside[i],
        });
    }
    order::order(&mut l);
    let crossings = order::crossings(&l);
    let placed = position::place(&l);
    // Back in input order (by index, not by sorting: a sort of this type
    // would cost the .wasm kilobytes).
    let mut by_edge: Vec<Option<EdgePath>> = vec![None; input.edges.len()];
    let routed = route::route(input, &l, &placed, &chains);
    for (e, path) in routed
        .into_iter()
        .chain(route::self_loops(input, &placed, &loops, labelled))
    {
        by_edge[e] = Some(path);
    }
    let nodes = (0..n)
        .map(|v| {
            let (w, h) = input.sizes[v];
            NodeBox {
                x: placed.x[v] - w / 2.0,
                y: placed.centre_y(v) - h / 2.0,
                w,
                h,
            }
        })
        .collect();
    let round = outside.iter().filter(|&&o| o).count();
    let geometry = Geometry {
        width: placed.width + round as f64 * OUTSIDE_GAP,
        height: placed.height,
        nodes,
        edges: by_edge.into_iter().flatten().collect(),
    };
    (geometry, crossings)
}

/// Which edges go round the outside: the longest, once the shorter ones
/// have used up `cap` dummies (never labelled ones).
fn outside_edges(
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
