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
        // The sequence number keeps each list in the order edges were
        // added; it must fit in the key's low 32 bits.
        let sequence = u32::try_from(self.pending.len()).unwrap_or_else(|_| {
            self.settle();
            0
        });
        let key = (i64::from(prerequisite.0) << 32) | i64::from(sequence);
        self.pending.push((key, dependent));
    }

    /// Writes the logged edges into the lists of dependents. Cheap when
    /// there are none, so readers call it unconditionally.
    pub(crate) fn settle(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let mut pending = std::mem::take(&mut self.pending);
        // (i64, TaskId) pairs: the one sort the crate instantiates for ids.
        pending.sort_unstable();
        let mut start = 0;
        while let Some(&(key, _)) = pending.get(start) {
            let prerequisite = key >> 32;
            let end = pending[start..]
                .iter()
                .position(|&(k, _)| k >> 32 != prerequisite)
                .map_or(pending.len(), |n| start + n);
            if let Ok(node) = self.node_mut(TaskId(prerequisite as u32)) {
                node.blocking.reserve(end - start);
                node.blocking
                    .extend(pending[start..end].iter().map(|&(_, d)| d));
            }
            start = end;
        }
        pending.clear();
        if pending.capacity() <= KEEP {
            self.pending = pending;
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
            .filter(|&&(key, _)| key >> 32 == i64::from(id.0))
            .map(|&(_, d)| d);
        Ok(Cow::Owned(settled.iter().copied().chain(logged).collect()))
    }
}
