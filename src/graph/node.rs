//! How a task is stored: a compact `Node` with what building and making
//! touch, a `Cold` part beside it (name, serial) that only
//! descriptions, DOT and observers read, and the state and the position
//! in the order in dense arrays of their own.
//!
//! Making a random graph of 100,000 tasks visits nodes in no useful
//! order, so nearly every visit is a cache miss; the fewer and the
//! smaller the records a finished task touches, the faster. The make
//! that owns a task's slot keeps its entry for the task in the node too
//! (see `crate::slot`), next to the counts `fire` has just updated.
//!
//! Building a random graph, each `require` looks at the state and the
//! position of a random earlier task: in dense arrays (9 bytes a task)
//! they mostly stay in cache, where that task's node would not.

use super::{Graph, TaskId};
use crate::error::TaskError;
use crate::slot::Entry;
use crate::task_state::TaskState;
use std::sync::Arc;

/// A task's prerequisites or dependents. Most tasks have a few, kept
/// inline: a separate allocation per list made building a graph slow
/// (two mallocs per task) and scattered it in memory.
pub(super) type Neighbours = smallvec::SmallVec<[TaskId; 4]>;

#[derive(Debug)]
pub(super) struct Node {
    pub(super) cancel_requested: bool,
    pub(super) cancel_on_exception: bool,
    pub(super) observed: bool,
    /// How many makes report this task's transitions (`make_report`).
    pub(super) reporters: u16,
    pub(super) async_hint: bool,
    /// `runIf: 'settled'`.
    pub(super) run_if_settled: bool,
    /// Has a retry policy (`Graph::retries`).
    pub(super) has_retry: bool,
    /// How many of `required` are not completed.
    pub(super) uncompleted: u32,
    /// How many of `required` are FAILED or ABORT (so a make can tell
    /// "all prerequisites done" without looking at each).
    pub(super) failed: u32,
    /// How many active makes care about this task's state changes.
    pub(super) watchers: u32,
    /// Number of the current run of the function (a retry starts another).
    pub(super) attempt: u32,
    /// The task's last record in the history log (see `history.rs`).
    pub(super) history: u32,
    /// The make that keeps its entry for this task here (0: none); other
    /// makes keep theirs in a map.
    pub(super) make_owner: u32,
    pub(super) make_entry: Entry,
    pub(super) required: Neighbours,
    /// Dependents, in the order they were added, but only those added
    /// before the last `Graph::write_dependents`: `require` logs the
    /// others (see `pending.rs`). Read it through `Graph::blocking`,
    /// `blocking_of`, or after `write_dependents`.
    pub(super) blocking: Neighbours,
}

/// What only descriptions, DOT and observers read.
#[derive(Debug)]
pub(super) struct Cold {
    /// Shared with the tasks added just before of the same name, so a
    /// graph of many like-named tasks does not allocate a name per task
    /// (`Arc`, not `Rc`: a `Graph` stays `Send`).
    pub(super) name: Arc<str>,
    pub(super) serial: u64,
}

impl Node {
    pub(super) const fn new() -> Node {
        Node {
            cancel_requested: false,
            cancel_on_exception: false,
            observed: false,
            reporters: 0,
            async_hint: false,
            run_if_settled: false,
            has_retry: false,
            history: super::history::NONE,
            uncompleted: 0,
            failed: 0,
            watchers: 0,
            attempt: 0,
            make_owner: 0,
            make_entry: Entry::NEW,
            required: Neighbours::new_const(),
            blocking: Neighbours::new_const(),
        }
    }
}

/// Stands in for a missing node in walks; it has no edges, so a walk
/// simply does not continue through it.
static DETACHED: Node = Node::new();

impl Graph {
    pub(super) fn node(&self, id: TaskId) -> Result<&Node, TaskError> {
        self.nodes
            .get(id.index())
            .and_then(Option::as_ref)
            .ok_or_else(|| super::unknown(id))
    }

    /// The task's state; `None` in `states` marks a free slot.
    pub(super) fn state_of(&self, id: TaskId) -> Result<TaskState, TaskError> {
        match self.states.get(id.index()) {
            Some(&Some(state)) => Ok(state),
            _ => Err(super::unknown(id)),
        }
    }

    /// The task's position in the order (any value for a free slot).
    pub(super) fn ord(&self, id: TaskId) -> i64 {
        self.ords.get(id.index()).copied().unwrap_or(0)
    }

    pub(super) fn set_ord(&mut self, id: TaskId, ord: i64) {
        if let Some(slot) = self.ords.get_mut(id.index()) {
            *slot = ord;
        }
    }

    pub(super) fn node_mut(&mut self, id: TaskId) -> Result<&mut Node, TaskError> {
        self.nodes
            .get_mut(id.index())
            .and_then(Option::as_mut)
            .ok_or_else(|| super::unknown(id))
    }

    /// Only for ids taken from live edge lists, which always name live
    /// tasks (removal unlinks a task from its neighbours).
    pub(super) fn node_or_detached(&self, id: TaskId) -> &Node {
        match self.nodes.get(id.index()).and_then(Option::as_ref) {
            Some(node) => node,
            None => &DETACHED,
        }
    }

    /// Whether the walk or removal of `epoch` has marked the task. The
    /// marks are a dense array of their own: freeing a whole component
    /// checks each neighbour of each task, and 4 bytes a task stay in
    /// cache where nodes do not.
    pub(super) fn marked(&self, id: TaskId, epoch: u32) -> bool {
        self.stamps.get(id.index()) == Some(&epoch)
    }

    pub(super) fn mark(&mut self, id: TaskId, epoch: u32) {
        if let Some(stamp) = self.stamps.get_mut(id.index()) {
            *stamp = epoch;
        }
    }

    /// The cold part of a live task.
    pub(super) fn cold(&self, id: TaskId) -> Result<&Cold, TaskError> {
        self.node(id)?;
        self.cold.get(id.index()).ok_or_else(|| super::unknown(id))
    }

    /// The entry make `owner` keeps in the task's node, if it owns it.
    pub(crate) fn make_entry(&self, id: TaskId, owner: u32) -> Option<&Entry> {
        let node = self.nodes.get(id.index())?.as_ref()?;
        (node.make_owner == owner).then_some(&node.make_entry)
    }

    pub(crate) fn make_entry_mut(&mut self, id: TaskId, owner: u32) -> Option<&mut Entry> {
        let node = self.nodes.get_mut(id.index())?.as_mut()?;
        (node.make_owner == owner).then_some(&mut node.make_entry)
    }

    /// Gives make `owner` the task's entry slot, fresh, if no make has
    /// it; false when another make (or a removed task) stands in the way.
    pub(crate) fn claim_make_entry(&mut self, id: TaskId, owner: u32) -> bool {
        match self.node_mut(id) {
            Ok(node) if node.make_owner == 0 => {
                node.make_owner = owner;
                node.make_entry = Entry::NEW;
                true
            }
            _ => false,
        }
    }

    /// Frees the task's entry slot if make `owner` holds it.
    pub(crate) fn release_make_entry(&mut self, id: TaskId, owner: u32) {
        if let Ok(node) = self.node_mut(id) {
            if node.make_owner == owner {
                node.make_owner = 0;
            }
        }
    }

    /// A make reporting the task's transitions starts or stops doing so:
    /// while any does, they go to the outbox as an observed task's do.
    pub(crate) fn report(&mut self, id: TaskId, on: bool) {
        if let Ok(node) = self.node_mut(id) {
            node.reporters = if on {
                node.reporters.saturating_add(1)
            } else {
                node.reporters.saturating_sub(1)
            };
        }
    }

    pub(crate) fn watch(&mut self, id: TaskId) {
        if let Ok(node) = self.node_mut(id) {
            node.watchers += 1;
        }
    }

    pub(crate) fn unwatch(&mut self, id: TaskId) {
        if let Ok(node) = self.node_mut(id) {
            node.watchers = node.watchers.saturating_sub(1);
        }
    }
}
