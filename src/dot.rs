//! Graphviz DOT output (SPEC §5): quoting, and tasks as a digraph.

use crate::error::TaskError;
use crate::fsm::Table;
use crate::graph::{Graph, TaskId};
use crate::sort;
use std::borrow::Cow;
use std::collections::{HashSet, VecDeque};

/// Quotes a DOT identifier or label: letters, digits and underscores
/// (with at least one letter or digit) stay bare; anything else is put in
/// double quotes with `\`, `"` and newline escaped.
pub fn quote(s: &str) -> Cow<'_, str> {
    let bare =
        s.chars().all(|c| c.is_alphanumeric() || c == '_') && s.chars().any(char::is_alphanumeric);
    if bare {
        return Cow::Borrowed(s);
    }
    let mut quoted = String::with_capacity(s.len() + 2);
    quoted.push('"');
    for c in s.chars() {
        match c {
            '\\' => quoted.push_str("\\\\"),
            '"' => quoted.push_str("\\\""),
            '\n' => quoted.push_str("\\n"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    Cow::Owned(quoted)
}

/// Options of [`tasks_as_dot`] (and of the SVG drawing and layout, which
/// draw the same tasks; see [`drawn`] for the order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DotOptions {
    /// Draw the tasks that the given ones block too, transitively, after
    /// them.
    pub follow_blocking: bool,
    /// Draw the tasks that the given ones require too (their
    /// prerequisites), transitively, after them. With `follow_blocking`
    /// as well, both directions are followed from every task drawn.
    pub follow_required: bool,
    /// What joins the lines; a newline by default.
    pub sep: String,
}

impl Default for DotOptions {
    fn default() -> Self {
        DotOptions {
            follow_blocking: false,
            follow_required: false,
            sep: "\n".to_string(),
        }
    }
}

/// The node line of one task:
/// `  ID[style=filled,fillcolor=COLOUR,label="NAME\nSTATE"];`
pub fn node_line(g: &Graph, t: TaskId) -> Result<String, TaskError> {
    let state = g.state(t)?;
    let label = format!("{}\n{}", g.name(t)?, state.name());
    Ok(format!(
        "  {}[style=filled,fillcolor={},label={}];",
        g.serial(t)?,
        state.colour(),
        quote(&label)
    ))
}

/// The tasks as a DOT digraph: for each task, in the order given, its node
/// line and then an edge `  ID->ID;` to each task it blocks, sorted by
/// name; with `follow_blocking` the blocked tasks are drawn too, and with
/// `follow_required` the prerequisites, after the given ones, in the order
/// of [`drawn`]. Each task is drawn once.
pub fn tasks_as_dot(
    g: &Graph,
    tasks: &[TaskId],
    name: Option<&str>,
    options: &DotOptions,
) -> Result<String, TaskError> {
    let mut lines = vec![digraph_open(name)];
    for (t, blocked) in drawn(g, tasks, options)? {
        lines.push(node_line(g, t)?);
        let from = g.serial(t)?;
        for d in blocked {
            lines.push(format!("  {}->{};", from, g.serial(d)?));
        }
    }
    lines.push("}".to_string());
    Ok(lines.join(&options.sep))
}

/// The tasks to draw, in drawing order, each with the tasks it blocks
/// (its edges), sorted by name and then by DOT id.
///
/// The order, which fixes the order of the DOT lines: first the given
/// tasks, in the order given (a task given twice is drawn at its first
/// place); then, breadth first, the tasks reached from those drawn: for
/// each task in drawing order, with `follow_blocking` the tasks it blocks,
/// then with `follow_required` the tasks it requires, each list sorted by
/// name and then by DOT id, leaving out tasks already drawn or waiting
/// to be. Each task is drawn once; the walk is a queue, not recursion, so
/// a chain of a million tasks is drawn like any other.
pub(crate) fn drawn(
    g: &Graph,
    tasks: &[TaskId],
    options: &DotOptions,
) -> Result<Vec<(TaskId, Vec<TaskId>)>, TaskError> {
    let mut seen = HashSet::new();
    let mut queue: VecDeque<TaskId> = tasks.iter().copied().filter(|&t| seen.insert(t)).collect();
    let mut out = Vec::new();
    while let Some(t) = queue.pop_front() {
        let blocked = by_name(g, g.blocking_of(t)?);
        if options.follow_blocking {
            queue.extend(blocked.iter().copied().filter(|&d| seen.insert(d)));
        }
        if options.follow_required {
            let required = by_name(g, g.required(t)?.to_vec());
            queue.extend(required.into_iter().filter(|&p| seen.insert(p)));
        }
        out.push((t, blocked));
    }
    Ok(out)
}

/// The tasks sorted by name, then by DOT id (then by id, for tasks gone).
fn by_name(g: &Graph, tasks: Vec<TaskId>) -> Vec<TaskId> {
    if tasks.len() < 2 {
        return tasks;
    }
    let mut keyed: Vec<(&str, u64, TaskId)> = tasks
        .into_iter()
        .map(|d| (g.name(d).unwrap_or(""), g.serial(d).unwrap_or(0), d))
        .collect();
    // Not `sort_unstable`: that would add a copy of the std sort for
    // this one element type; this path is rare (see sort.rs).
    sort::heapsort(&mut keyed);
    keyed.into_iter().map(|(_, _, d)| d).collect()
}

/// `digraph NAME {`, or `digraph {` when there is no name.
pub(crate) fn digraph_open(name: Option<&str>) -> String {
    match name {
        Some(name) => format!("digraph {} {{", quote(name)),
        None => "digraph {".to_string(),
    }
}

/// A transition table as a DOT digraph: `digraph NAME {`, then one
/// `  SRC->DST[label=EVENT];` per transition, source states in table
/// order and each state's events sorted by name, then `}`.
pub fn transitions_as_dot(table: &Table, name: Option<&str>) -> String {
    let mut lines = vec![digraph_open(name)];
    for (s, e, d) in table.transitions() {
        lines.push(format!(
            "  {}->{}[label={}];",
            quote(table.state_name(s)),
            quote(table.state_name(d)),
            quote(table.event_name(e))
        ));
    }
    lines.push("}".to_string());
    lines.join("\n")
}
