//! How the core names a task: an index into the graph's arrays. In a
//! module of its own, so that errors and maps can name tasks without
//! depending on the graph.

/// A task's place in the graph. Valid until the task is removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(pub u32);

impl TaskId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
