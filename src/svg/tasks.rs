//! Tasks as SVG (and as plain geometry): the same tasks and edges as the
//! DOT drawing (both use `drawn`), each box labelled with the task's name
//! and state, coloured by state, with the task's id and state as data
//! attributes so a page can restyle nodes live.

use super::{close, open, push_edge_shapes, push_escaped, push_int, push_lines, push_rect};
use crate::dot::{drawn, DotOptions};
use crate::error::TaskError;
use crate::graph::{Graph, TaskId};
use crate::idmap::IdMap;
use crate::layout::{layout, text, Geometry, Input};

/// The drawn tasks, in drawing order, and their geometry: node `i` of
/// the geometry is `tasks[i]`.
#[derive(Clone, Debug)]
pub struct TasksLayout {
    pub tasks: Vec<TaskId>,
    pub geometry: Geometry,
}

/// Lays out the tasks that `tasks_as_dot` would draw with these options
/// (`sep` is not used), in the same order.
pub fn tasks_layout(
    g: &Graph,
    tasks: &[TaskId],
    options: &DotOptions,
) -> Result<TasksLayout, TaskError> {
    let drawn = drawn(g, tasks, options)?;
    let mut index: IdMap<usize> = IdMap::default();
    for (i, (t, _)) in drawn.iter().enumerate() {
        index.insert(*t, i);
    }
    let mut input = Input::default();
    for (t, blocked) in &drawn {
        let name = g.name(*t)?;
        let state = g.state(*t)?.name();
        input
            .sizes
            .push(text::box_size(name.split('\n').chain([state])));
        let from = index[t];
        input.edges.extend(
            blocked
                .iter()
                .filter_map(|d| index.get(d))
                .map(|&to| (from, to)),
        );
    }
    Ok(TasksLayout {
        tasks: drawn.into_iter().map(|(t, _)| t).collect(),
        geometry: layout(&input),
    })
}

/// The tasks as an SVG document.
pub fn tasks_as_svg(
    g: &Graph,
    tasks: &[TaskId],
    name: Option<&str>,
    options: &DotOptions,
) -> Result<String, TaskError> {
    let TasksLayout { tasks, geometry } = tasks_layout(g, tasks, options)?;
    let mut svg = String::with_capacity(256 * (tasks.len() + geometry.edges.len()) + 256);
    open(&mut svg, &geometry, name.unwrap_or("tasks"));
    for (k, e) in geometry.edges.iter().enumerate() {
        let (from, to) = (g.serial(tasks[e.from])?, g.serial(tasks[e.to])?);
        svg.push_str("<g id=\"edge");
        push_int(&mut svg, k as u64 + 1);
        svg.push_str("\" class=\"edge\" data-from=\"");
        push_int(&mut svg, from);
        svg.push_str("\" data-to=\"");
        push_int(&mut svg, to);
        svg.push_str("\"><title>");
        push_int(&mut svg, from);
        svg.push_str("&#45;&gt;");
        push_int(&mut svg, to);
        svg.push_str("</title>");
        push_edge_shapes(&mut svg, e);
        svg.push_str("</g>\n");
    }
    for (t, b) in tasks.iter().zip(&geometry.nodes) {
        let state = g.state(*t)?;
        let serial = g.serial(*t)?;
        let name = g.name(*t)?;
        svg.push_str("<g id=\"node");
        push_int(&mut svg, serial);
        svg.push_str("\" class=\"node\" data-task-id=\"");
        push_int(&mut svg, serial);
        svg.push_str("\" data-state=\"");
        svg.push_str(state.name());
        svg.push_str("\"><title>");
        push_escaped(&mut svg, name);
        svg.push_str("</title>");
        push_rect(&mut svg, b, state.colour(), 0.0);
        let lines: Vec<&str> = name.split('\n').chain([state.name()]).collect();
        // Light text on the dark fills (FAILED, ABORT).
        push_lines(&mut svg, b.centre(), &lines, state.colour());
        svg.push_str("</g>\n");
    }
    close(&mut svg);
    Ok(svg)
}
