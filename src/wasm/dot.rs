//! Drawing exports.

use super::graph::{ids, try_graph};
use crate::dot::{tasks_as_dot, DotOptions};
use wasm_bindgen::prelude::*;

/// Tasks (by id, in order) as DOT.
#[wasm_bindgen(js_name = dotOfTasks)]
pub fn dot_of_tasks(
    tasks: &[u32],
    name: Option<String>,
    follow_blocking: bool,
    sep: &str,
) -> Result<String, JsValue> {
    let options = DotOptions {
        follow_blocking,
        sep: sep.to_string(),
    };
    try_graph(|g| tasks_as_dot(g, &ids(tasks), name.as_deref(), &options))
}

/// Tasks (by id, in order) as an SVG document laid out here.
#[wasm_bindgen(js_name = svgOfTasks)]
pub fn svg_of_tasks(
    tasks: &[u32],
    name: Option<String>,
    follow_blocking: bool,
) -> Result<String, JsValue> {
    let options = DotOptions {
        follow_blocking,
        ..DotOptions::default()
    };
    try_graph(|g| crate::svg::tasks_as_svg(g, &ids(tasks), name.as_deref(), &options))
}
