//! Lists of dependents, written late.
//!
//! Building a random graph, each `require(d, p)` names a random earlier
//! prerequisite `p`. Pushing `d` onto `p`'s list of dependents then and
//! there costs a cache miss on `p`'s node, often a second one on the
//! list's heap part, and reallocations as the list grows: most of the
//! cost of building. So `require` writes only `d`'s side and logs
//! `(p, d)`; `settle` writes the logged edges in order of `p`, each list
//! once, sequentially through memory.
//!
//! Why no reader sees a list without its logged edges: the log is
//! written only by `require`, and every reader of `Node::blocking` goes
//! through one of
//! - `settle` first, in `&mut` methods: `blocking`, `fire`, the removals,
//!   and the slow paths of `has_edge` and `reorder` (with its walks);
//! - `blocking_of`, for `&Graph` readers (DOT, layout, the queue), which
//!   adds the logged edges to its copy when the log is not empty.
//!
//! The make engine reads dependents through `blocking`. Removals settle
//! first, so a logged edge always names two live tasks.

use super::{Graph, TaskId};
use crate::error::TaskError;
use std::borrow::Cow;

/// A settled log keeps its buffer up to this many edges, for the next
/// few; a larger one (a whole graph's) is given back.
const KEEP: usize = 1024;

impl Graph {
    /// Logs that `dependent` now requires `prerequisite`, for `settle` to
    /// add to `prerequisite`'s list of dependents.
    pub(super) fn log_blocking(&mut self, prerequisite: TaskId, dependent: TaskId) {
        self.pending.push((prerequisite, dependent));
    }

    /// Writes the logged edges into the lists of dependents, each list
    /// keeping the order its edges were logged. Cheap when there are
    /// none, so readers call it unconditionally.
    pub(crate) fn settle(&mut self) {
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
            self.settle_grouped(&pending);
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
    fn settle_grouped(&mut self, pending: &[(TaskId, TaskId)]) {
        // starts[p]..starts[p + 1]: where p's dependents go in `grouped`.
        let mut starts = vec![0u32; self.nodes.len() + 1];
        for &(p, _) in pending {
            if let Some(count) = starts.get_mut(p.index() + 1) {
                *count += 1;
            }
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut grouped = vec![TaskId(0); pending.len()];
        let mut next = starts.clone();
        for &(p, d) in pending {
            if let Some(at) = next.get_mut(p.index()) {
                grouped[*at as usize] = d;
                *at += 1;
            }
        }
        for (i, span) in starts.windows(2).enumerate() {
            let (from, to) = (span[0] as usize, span[1] as usize);
            if from < to {
                if let Ok(node) = self.node_mut(TaskId(i as u32)) {
                    node.blocking.extend_from_slice(&grouped[from..to]);
                }
            }
        }
    }

    /// The task's dependents, in the order they were added, for readers
    /// that hold only `&Graph`; it copies them while edges are logged.
    pub(crate) fn blocking_of(&self, id: TaskId) -> Result<Cow<'_, [TaskId]>, TaskError> {
        let settled = &self.node(id)?.blocking;
        if self.pending.is_empty() {
            return Ok(Cow::Borrowed(settled));
        }
        let logged = self
            .pending
            .iter()
            .filter(|&&(p, _)| p == id)
            .map(|&(_, d)| d);
        Ok(Cow::Owned(settled.iter().copied().chain(logged).collect()))
    }
}
