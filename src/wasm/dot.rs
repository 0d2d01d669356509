//! Drawing exports (`None`: failed, the error stashed; see `errors.rs`).

use super::graph::{ids, try_graph};
use crate::dot::{tasks_as_dot, DotOptions};
use crate::layout::{layout, Geometry, Input};
use wasm_bindgen::prelude::*;

/// Tasks (by id, in order) as DOT.
#[wasm_bindgen(js_name = dotOfTasks)]
pub fn dot_of_tasks(
    tasks: &[u32],
    name: Option<String>,
    follow_blocking: bool,
    follow_required: bool,
    sep: &str,
) -> Option<String> {
    let options = DotOptions {
        follow_blocking,
        follow_required,
        sep: sep.to_string(),
    };
    // Settled first, or each task drawn would scan the log of edges.
    try_graph(|g| {
        g.write_dependents();
        tasks_as_dot(g, &ids(tasks), name.as_deref(), &options)
    })
}

/// Tasks (by id, in order) as an SVG document laid out here.
#[wasm_bindgen(js_name = svgOfTasks)]
pub fn svg_of_tasks(
    tasks: &[u32],
    name: Option<String>,
    follow_blocking: bool,
    follow_required: bool,
) -> Option<String> {
    let options = DotOptions {
        follow_blocking,
        follow_required,
        ..DotOptions::default()
    };
    try_graph(|g| {
        g.write_dependents();
        crate::svg::tasks_as_svg(g, &ids(tasks), name.as_deref(), &options)
    })
}

/// The layout of the drawn tasks, flattened into numbers (one copy across
/// the boundary, no JSON): `[width, height, nodes, edges]`, then per node
/// `[taskId, x, y, width, height]` in drawing order, then per edge
/// `[from, to, points, x0, y0, ..., tipX, tipY, x1, y1, x2, y2]` with
/// `from`/`to` node indices and `points` the number of curve points.
#[wasm_bindgen(js_name = layoutOfTasks)]
pub fn layout_of_tasks(
    tasks: &[u32],
    follow_blocking: bool,
    follow_required: bool,
) -> Option<Vec<f64>> {
    let options = DotOptions {
        follow_blocking,
        follow_required,
        ..DotOptions::default()
    };
    let drawing = try_graph(|g| {
        g.write_dependents();
        crate::svg::tasks_layout(g, &ids(tasks), &options)
    })?;
    let ids: Vec<f64> = drawing.tasks.iter().map(|t| f64::from(t.0)).collect();
    Some(flatten(&drawing.geometry, &ids))
}

/// See [`layout_of_tasks`]; `ids[i]` names node `i`.
pub(crate) fn flatten(g: &Geometry, ids: &[f64]) -> Vec<f64> {
    let points: usize = g.edges.iter().map(|e| 2 * e.points.len() + 9).sum();
    let mut out = Vec::with_capacity(4 + 5 * g.nodes.len() + points);
    out.extend([
        g.width,
        g.height,
        g.nodes.len() as f64,
        g.edges.len() as f64,
    ]);
    for (b, &id) in g.nodes.iter().zip(ids) {
        out.extend([id, b.x, b.y, b.w, b.h]);
    }
    for e in &g.edges {
        out.extend([e.from as f64, e.to as f64, e.points.len() as f64]);
        for &(x, y) in e.points.iter().chain(&e.arrow) {
            out.extend([x, y]);
        }
    }
    out
}

/// Lays out any graph: node sizes `[w0, h0, w1, h1, ...]` and edges
/// `[from0, to0, from1, to1, ...]` by node index (edges naming no node
/// are left out), flattened as [`layout_of_tasks`] does with each node's
/// index as its id. The JS side draws grouped fans with it (js/groups.mjs).
#[wasm_bindgen(js_name = layoutGraph)]
pub fn layout_graph(sizes: &[f64], edges: &[u32]) -> Vec<f64> {
    let input = Input {
        sizes: sizes.chunks_exact(2).map(|c| (c[0], c[1])).collect(),
        edges: edges
            .chunks_exact(2)
            .map(|c| (c[0] as usize, c[1] as usize))
            .collect(),
        labels: Vec::new(),
    };
    let ids: Vec<f64> = (0..input.sizes.len()).map(|i| i as f64).collect();
    flatten(&layout(&input), &ids)
}
