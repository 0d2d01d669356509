//! Tasks as SVG, laid out here (no Graphviz): the same tasks and edges as
//! the DOT drawing. This first layout is simple and safe: each task on the
//! row of its longest chain of drawn prerequisites, rows in drawing order,
//! boxes sized from their labels, so boxes never overlap; edges are
//! straight arrows. (The full layered layout of issue 5 replaces it.)
//! The output follows Graphviz's structure and classes, so CSS written for
//! Graphviz SVG applies, with the task's state and id as data attributes.

use crate::dot::{drawn, DotOptions};
use crate::error::TaskError;
use crate::graph::{Graph, TaskId};
use crate::idmap::IdMap;
use std::fmt::Write;

const CHAR_WIDTH: f64 = 7.5; // average advance of 13px sans-serif
const LINE_HEIGHT: f64 = 16.0;
const PAD_X: f64 = 12.0;
const GAP_X: f64 = 24.0;
const GAP_Y: f64 = 56.0;
const MARGIN: f64 = 8.0;

/// Escapes text for SVG content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A laid-out box: centre, width and height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NodeBox {
    pub task: TaskId,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// Lays the drawn tasks out: the boxes, in drawing order.
pub fn layout(
    g: &Graph,
    tasks: &[TaskId],
    follow_blocking: bool,
) -> Result<Vec<NodeBox>, TaskError> {
    layout_drawn(g, &drawn(g, tasks, follow_blocking)?)
}

/// Lays out tasks already chosen by `drawn`.
fn layout_drawn(g: &Graph, drawn: &[(TaskId, Vec<TaskId>)]) -> Result<Vec<NodeBox>, TaskError> {
    let mut index: IdMap<usize> = IdMap::default();
    for (i, (t, _)) in drawn.iter().enumerate() {
        index.insert(*t, i);
    }
    // Longest chain of drawn prerequisites (Kahn's order; no cycles).
    let n = drawn.len();
    let mut waiting = vec![0usize; n];
    for (_, blocked) in drawn {
        for d in blocked {
            if let Some(&j) = index.get(d) {
                waiting[j] += 1;
            }
        }
    }
    let mut rank = vec![0usize; n];
    let mut ready: Vec<usize> = (0..n).filter(|&i| waiting[i] == 0).collect();
    while let Some(i) = ready.pop() {
        for d in &drawn[i].1 {
            if let Some(&j) = index.get(d) {
                rank[j] = rank[j].max(rank[i] + 1);
                waiting[j] -= 1;
                if waiting[j] == 0 {
                    ready.push(j);
                }
            }
        }
    }
    let rows = rank.iter().max().map_or(0, |r| r + 1);
    let mut next_x = vec![MARGIN; rows];
    let mut boxes = Vec::with_capacity(n);
    for (i, (t, _)) in drawn.iter().enumerate() {
        let (name, state) = (g.name(*t)?, g.state(*t)?.name());
        let chars = name.chars().count().max(state.len()) as f64;
        let width = chars * CHAR_WIDTH + 2.0 * PAD_X;
        let height = 2.0 * LINE_HEIGHT + 12.0;
        let row = rank[i];
        let x = next_x[row] + width / 2.0;
        next_x[row] += width + GAP_X;
        let y = MARGIN + row as f64 * (height + GAP_Y) + height / 2.0;
        boxes.push(NodeBox {
            task: *t,
            x,
            y,
            width,
            height,
        });
    }
    Ok(boxes)
}

/// The tasks as an SVG document.
pub fn tasks_as_svg(
    g: &Graph,
    tasks: &[TaskId],
    name: Option<&str>,
    options: &DotOptions,
) -> Result<String, TaskError> {
    let drawn = drawn(g, tasks, options.follow_blocking)?;
    let boxes = layout_drawn(g, &drawn)?;
    let mut at: IdMap<NodeBox> = IdMap::default();
    for b in &boxes {
        at.insert(b.task, *b);
    }
    let width = boxes
        .iter()
        .map(|b| b.x + b.width / 2.0)
        .fold(0.0, f64::max)
        + MARGIN;
    let height = boxes
        .iter()
        .map(|b| b.y + b.height / 2.0)
        .fold(0.0, f64::max)
        + MARGIN;
    let mut svg = String::new();
    let title = escape(name.unwrap_or("tasks"));
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}pt\" height=\"{height:.0}pt\" viewBox=\"0 0 {width:.2} {height:.2}\">\n<g id=\"graph0\" class=\"graph\">\n<title>{title}</title>\n"
    );
    for (t, blocked) in &drawn {
        let from = at[t];
        for d in blocked {
            let Some(to) = at.get(d) else { continue };
            let (x1, y1) = (from.x, from.y + from.height / 2.0);
            let (x2, y2) = (to.x, to.y - to.height / 2.0);
            let (dx, dy) = (x2 - x1, y2 - y1);
            let len = (dx * dx + dy * dy).sqrt().max(1.0);
            let (ux, uy) = (dx / len, dy / len);
            let (bx, by) = (x2 - 9.0 * ux, y2 - 9.0 * uy);
            let _ = writeln!(
                svg,
                "<g class=\"edge\"><title>{}&#45;&gt;{}</title><path fill=\"none\" stroke=\"black\" d=\"M{x1:.2},{y1:.2} L{bx:.2},{by:.2}\"/><polygon fill=\"black\" stroke=\"black\" points=\"{x2:.2},{y2:.2} {:.2},{:.2} {:.2},{:.2}\"/></g>",
                g.serial(*t)?,
                g.serial(*d)?,
                bx - 4.0 * uy,
                by + 4.0 * ux,
                bx + 4.0 * uy,
                by - 4.0 * ux,
            );
        }
    }
    for b in &boxes {
        let state = g.state(b.task)?;
        let serial = g.serial(b.task)?;
        let name = escape(g.name(b.task)?);
        let _ = writeln!(
            svg,
            "<g id=\"node{serial}\" class=\"node\" data-task-id=\"{serial}\" data-state=\"{}\"><title>{name}</title><rect x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{:.2}\" fill=\"{}\" stroke=\"black\"/><text text-anchor=\"middle\" x=\"{:.2}\" y=\"{:.2}\" font-family=\"sans-serif\" font-size=\"13\">{name}</text><text text-anchor=\"middle\" x=\"{:.2}\" y=\"{:.2}\" font-family=\"sans-serif\" font-size=\"13\">{}</text></g>",
            state.name(),
            b.x - b.width / 2.0,
            b.y - b.height / 2.0,
            b.width,
            b.height,
            state.colour(),
            b.x,
            b.y - 3.0,
            b.x,
            b.y + LINE_HEIGHT - 3.0,
            state.name(),
        );
    }
    svg.push_str("</g>\n</svg>\n");
    Ok(svg)
}
