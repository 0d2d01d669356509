//! A layered (Sugiyama) layout of a directed graph, independent of tasks:
//! node sizes and edges in, boxes and edge curves out. The stages, one
//! file each: `acyclic` (turn back edges around), `rank` (rows, with
//! `simplex`), `layered` (dummy nodes for long edges), `order`
//! (crossing reduction), `position` (coordinates, wrapping wide fans),
//! `route` (curves through the dummy slots, arrowheads).
//! Every walk is iterative and every loop has a budget, so a chain of a
//! million nodes or a fan of thousands stays linear-ish; nothing depends on
//! hash order or time, so the same input gives the same drawing.

mod acyclic;
mod layered;
mod order;
mod position;
mod rank;
mod route;
mod simplex;
pub mod text;

use layered::{build, outside_edges, Built, Edges};
pub(crate) use layered::{Chain, Layered};

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
    let outside = outside_edges(&down, &ranks, labelled, dummy_cap);
    let Built { mut l, chains } = build(
        input,
        &down,
        &ranks,
        &Edges {
            ids: &others,
            reversed: &reversed,
            outside: &outside,
            loops: &loops,
            labelled,
        },
    );
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
