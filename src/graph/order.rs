//! Requirements and the cycle check.
//!
//! The graph keeps every task at a position `ord` of a topological order
//! (prerequisites before dependents), maintained incrementally with the
//! Pearce–Kelly algorithm. Adding "a requires b" where `b` already comes
//! before `a` (the usual case: prerequisites are made first) cannot close a
//! cycle and costs O(1). Otherwise only the tasks between the two positions
//! are searched, and reordered when there is no cycle. All walks use an
//! explicit stack, so a chain of a million tasks is fine.

use super::{Graph, TaskId};
use crate::error::{TaskError, TaskErrorKind};
use crate::sort;
use crate::task_state::TaskState;

impl Graph {
    /// `task` may not run before `other` is completed; true when the edge
    /// is new (adding it again is a no-op that returns false). Rejected, leaving the graph as it was, when `task` is not
    /// PREPARE or PENDING, when `other` is `task`, or when it would close a
    /// cycle (the error lists the cycle: `a -> b -> c -> a`).
    ///
    /// Only `task`'s node is written now; `other`'s list of dependents gets
    /// `task` later, with the other logged edges (see `pending.rs`), so a
    /// random `other` costs no cache miss on its node.
    pub fn require(&mut self, task: TaskId, other: TaskId) -> Result<bool, TaskError> {
        let state = self.state_of(task)?;
        let other_state = self.state_of(other)?;
        if !matches!(state, TaskState::Prepare | TaskState::Pending) {
            return Err(TaskError::new(
                TaskErrorKind::RequirementState,
                Some(task),
                format!(
                    "cannot add a requirement to task '{}' in state {}: only PREPARE and PENDING tasks take new requirements",
                    self.cold(task)?.name,
                    state.name()
                ),
            ));
        }
        if task == other {
            return Err(self.cycle_error(vec![task, task]));
        }
        if self.has_edge(task, other)? {
            return Ok(false);
        }
        self.reorder(other, task)?;
        let node = self.node_mut(task)?;
        node.required.push(other);
        if !other_state.is_completed() {
            node.uncompleted += 1;
        }
        if matches!(other_state, TaskState::Failed | TaskState::Abort) {
            node.failed += 1;
        }
        self.log_blocking(other, task);
        Ok(true)
    }

    /// `other` may not run before `task` is completed.
    pub fn block(&mut self, task: TaskId, other: TaskId) -> Result<bool, TaskError> {
        self.require(other, task)
    }

    /// Whether `task` already requires `other`. A short `required` is
    /// scanned without looking at `other`; otherwise the shorter list, so
    /// wide fans (one task with 100,000 dependents) stay O(1) per edge.
    fn has_edge(&mut self, task: TaskId, other: TaskId) -> Result<bool, TaskError> {
        const SHORT: usize = 16;
        let required = &self.node(task)?.required;
        if required.len() <= SHORT {
            return Ok(required.contains(&other));
        }
        self.write_dependents();
        let required = &self.node(task)?.required;
        let blocking = &self.node(other)?.blocking;
        Ok(if required.len() <= blocking.len() {
            required.contains(&other)
        } else {
            blocking.contains(&task)
        })
    }

    /// Makes `first` come before `then` in the order, or reports the cycle
    /// that an edge `first -> then` would close.
    fn reorder(&mut self, first: TaskId, then: TaskId) -> Result<(), TaskError> {
        let upper = self.ord(first);
        let lower = self.ord(then);
        if upper < lower {
            return Ok(());
        }
        // A task with no prerequisites can go first in the order, and one
        // with no dependents last; neither can be on a cycle. This keeps
        // graphs built top-down (each new task a prerequisite of the last)
        // O(1) per edge, where the general case would walk the chain.
        if self.node(first)?.required.is_empty() {
            self.front_ord -= 1;
            self.set_ord(first, self.front_ord);
            return Ok(());
        }
        // What follows reads lists of dependents.
        self.write_dependents();
        if self.node(then)?.blocking.is_empty() {
            self.set_ord(then, self.next_ord);
            self.next_ord += 1;
            return Ok(());
        }
        // Forward from `then` through dependents, within the affected
        // window; reaching `first` means `first` already depends on `then`.
        let forward = self.walk(
            then,
            |g, v| &g.node_or_detached(v).blocking,
            |ord| ord < upper,
            Some(first),
        );
        let forward = match forward {
            Walk::Found(path) => {
                // path: then -> ... -> first through "blocks" edges, so in
                // "requires" order the cycle reads then, first, ..., then.
                let mut cycle = vec![then];
                cycle.extend(path.into_iter().rev());
                return Err(self.cycle_error(cycle));
            }
            Walk::Visited(nodes) => nodes,
        };
        let backward = match self.walk(
            first,
            |g, v| &g.node_or_detached(v).required,
            |ord| ord > lower,
            None,
        ) {
            Walk::Visited(nodes) | Walk::Found(nodes) => nodes,
        };
        // Give the backward set (which must come first) then the forward
        // set the same pool of positions, each keeping its internal order.
        // Sorts of i64 only (positions, and tasks by position through
        // `sort::by_key`): each distinct sort adds kilobytes of wasm.
        let mut slots: Vec<i64> = backward
            .iter()
            .chain(&forward)
            .map(|&v| self.ord(v))
            .collect();
        slots.sort_unstable();
        let by_ord = |set: &[TaskId]| sort::by_key(&slots, set.iter().map(|&v| (self.ord(v), v)));
        let moved = by_ord(&backward).into_iter().chain(by_ord(&forward));
        for (v, &ord) in moved.zip(&slots) {
            self.set_ord(v, ord);
        }
        Ok(())
    }

    /// Iterative depth-first walk from `start` along `edges`, entering only
    /// tasks whose position passes `inside`. Stops with the path from
    /// `start` when it reaches `target`.
    fn walk(
        &mut self,
        start: TaskId,
        edges: impl Fn(&Graph, TaskId) -> &[TaskId],
        inside: impl Fn(i64) -> bool,
        target: Option<TaskId>,
    ) -> Walk {
        let epoch = self.next_epoch();
        // Each visited task with the index of the task it was reached from.
        let mut visited: Vec<(TaskId, usize)> = vec![(start, usize::MAX)];
        self.mark(start, epoch);
        let mut stack = vec![0usize];
        while let Some(at) = stack.pop() {
            let v = visited[at].0;
            for i in 0..edges(self, v).len() {
                let w = edges(self, v)[i];
                if Some(w) == target {
                    let mut path = vec![w];
                    let mut back = at;
                    while back != usize::MAX {
                        path.push(visited[back].0);
                        back = visited[back].1;
                    }
                    path.reverse();
                    return Walk::Found(path);
                }
                if self.contains(w) && !self.marked(w, epoch) && inside(self.ord(w)) {
                    self.mark(w, epoch);
                    visited.push((w, at));
                    stack.push(visited.len() - 1);
                }
            }
        }
        Walk::Visited(visited.into_iter().map(|(v, _)| v).collect())
    }

    fn cycle_error(&self, cycle: Vec<TaskId>) -> TaskError {
        let names: Vec<&str> = cycle.iter().map(|&t| self.name(t).unwrap_or("?")).collect();
        let message = if cycle.len() == 2 && cycle[0] == cycle[1] {
            format!("task '{}' cannot require itself", names[0])
        } else {
            format!("requirement would close a cycle: {}", names.join(" -> "))
        };
        let mut error = TaskError::new(TaskErrorKind::Cycle, cycle.first().copied(), message);
        error.tasks = cycle;
        error
    }
}

enum Walk {
    Visited(Vec<TaskId>),
    Found(Vec<TaskId>),
}
