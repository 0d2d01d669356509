//! Lists of dependents, written late.
//!
//! Building a random graph, each `require(d, p)` names a random earlier
//! prerequisite `p`. Pushing `d` onto `p`'s list of dependents then and
//! there costs a cache miss on `p`'s node, often a second one on the
//! list's heap part, and reallocations as the list grows: most of the
//! cost of building. So `require` writes only `d`'s side and logs
//! `(p, d)`; `write_dependents` groups the log by `p` (a counting sort,
//! which keeps each `p`'s edges in the order they were logged) and
//! extends each list once, in task order: sequentially through memory.
//!
//! Why no reader sees a list without its logged edges: the log is
//! written only by `require`, and every reader of `Node::blocking` goes
//! through one of
//! - `write_dependents` first, in `&mut` methods: `Graph::blocking`
//!   (hence `&mut`; the make engine reads dependents through it), `fire`,
//!   the removals, and the slow paths of `has_edge` and `reorder` (with its walks);
//! - `blocking_of`, for `&Graph` readers (DOT, layout, the queue), which
//!   adds the logged edges to its copy. It scans the whole log, so the
//!   binding writes them before drawing.
//!
//! Removals write them first, so a logged edge always names two live tasks.

use super::{Graph, TaskId};
use crate::error::TaskError;

/// An emptied log keeps its buffer up to this many edges, for the next
/// few; a larger one (a whole graph's) is given back.
const KEEP: usize = 1024;

impl Graph {
    /// Logs that `dependent` now requires `prerequisite`, for
    /// `write_dependents` to add to `prerequisite`'s list of dependents.
    pub(super) fn log_blocking(&mut self, prerequisite: TaskId, dependent: TaskId) {
        self.pending.push((prerequisite, dependent));
    }

    /// Writes the logged edges into the lists of dependents, each list
    /// keeping the order its edges were logged. Cheap when there are
    /// none, so readers call it unconditionally.
    pub(crate) fn write_dependents(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let mut pending = std::mem::take(&mut self.pending);
        // A few edges go straight to their lists; grouping them would
        // cost a pass over all tasks (and counts are u32).
        if pending.len() < self.nodes.len() / 16 || u32::try_from(pending.len()).is_err() {
            for &(p, d) in &pending {
                if let Ok(node) = self.node_mut(p) {
                    node.blocking.push(d);
                }
            }
        } else {
            self.write_dependents_grouped(&pending);
        }
        pending.clear();
        if pending.capacity() <= KEEP {
            self.pending = pending;
        }
    }

    /// Groups the logged edges by prerequisite with a counting sort
    /// (stable, and linear where a comparison sort of a whole graph's
    /// edges took most of the time), then extends each list once, in
    /// task order.
    fn write_dependents_grouped(&mut self, pending: &[(TaskId, TaskId)]) {
        // at[p]: where p's next dependent goes in `grouped`; once all are
        // placed, where they end (and p + 1's start).
        let mut at = vec![0u32; self.nodes.len()];
        for &(p, _) in pending {
            if let Some(count) = at.get_mut(p.index()) {
                *count += 1;
            }
        }
        let mut total = 0;
        for slot in &mut at {
            let count = *slot;
            *slot = total;
            total += count;
        }
        let mut grouped = vec![TaskId(0); pending.len()];
        for &(p, d) in pending {
            if let Some(next) = at.get_mut(p.index()) {
                if let Some(slot) = grouped.get_mut(*next as usize) {
                    *slot = d;
                }
                *next += 1;
            }
        }
        let mut start = 0;
        for (i, &end) in at.iter().enumerate() {
            let end = end as usize;
            // Tasks with no logged dependents are not touched.
            if start < end {
                if let (Some(dependents), Ok(node)) =
                    (grouped.get(start..end), self.node_mut(TaskId(i as u32)))
                {
                    node.blocking.extend_from_slice(dependents);
                }
            }
            start = end;
        }
    }

    /// The task's dependents, in the order they were added, logged ones
    /// included: for readers that hold only `&Graph` (DOT, layout, the
    /// queue), which copy the list anyway.
    pub(crate) fn blocking_of(&self, id: TaskId) -> Result<Vec<TaskId>, TaskError> {
        let logged = self.pending.iter().filter(|&&(p, _)| p == id);
        let written = self.node(id)?.blocking.iter().copied();
        Ok(written.chain(logged.map(|&(_, d)| d)).collect())
    }
}
