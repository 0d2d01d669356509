//! What can be asked of a task: its name, state, edges and counts.

use super::{Graph, TaskId};
use crate::error::TaskError;
use crate::task_state::TaskState;

impl Graph {
    /// (uncompleted, failed) prerequisite counts, and whether the task
    /// runs once its prerequisites are settled (`runIf: 'settled'`).
    pub(crate) fn prerequisite_counts(&self, id: TaskId) -> (u32, u32, bool) {
        self.node(id).map_or((0, 0, false), |n| {
            (n.uncompleted, n.failed, n.run_if_settled)
        })
    }

    pub fn contains(&self, id: TaskId) -> bool {
        self.state_of(id).is_ok()
    }

    pub fn name(&self, id: TaskId) -> Result<&str, TaskError> {
        Ok(&self.cold(id)?.name)
    }

    /// The task's display id: unique for the life of the graph, used as
    /// its DOT node id.
    pub fn serial(&self, id: TaskId) -> Result<u64, TaskError> {
        Ok(self.cold(id)?.serial)
    }

    /// The string form of a task: `Task:NAME:STATE`.
    pub fn describe(&self, id: TaskId) -> Result<String, TaskError> {
        let state = self.state_of(id)?;
        Ok(format!("Task:{}:{}", self.cold(id)?.name, state.name()))
    }

    pub fn state(&self, id: TaskId) -> Result<TaskState, TaskError> {
        self.state_of(id)
    }

    /// Prerequisites, in the order they were required.
    pub fn required(&self, id: TaskId) -> Result<&[TaskId], TaskError> {
        Ok(&self.node(id)?.required)
    }

    /// The tasks and all their prerequisites, transitively, each once:
    /// the given ones first, then breadth first (iterative: a chain of a
    /// million is fine). With each, the index in the list of the task
    /// that led to it (a given task: its own).
    pub fn with_prerequisites(&self, tasks: &[TaskId]) -> Result<Vec<(TaskId, u32)>, TaskError> {
        let mut seen = vec![false; self.nodes.len()];
        let mut all = Vec::with_capacity(tasks.len());
        let mut add = |t: TaskId, via: Option<u32>, all: &mut Vec<(TaskId, u32)>| {
            if let Some(s) = seen.get_mut(t.index()) {
                if !std::mem::replace(s, true) {
                    let via = via.unwrap_or(all.len() as u32);
                    all.push((t, via));
                }
            }
        };
        for &t in tasks {
            self.node(t)?;
            add(t, None, &mut all);
        }
        let mut i = 0;
        while i < all.len() {
            for &p in self.node(all[i].0)?.required.iter() {
                add(p, Some(i as u32), &mut all);
            }
            i += 1;
        }
        Ok(all)
    }

    /// Dependents, in the order they were added. `&mut`: it writes the
    /// edges `require` has logged first (see `pending.rs`).
    pub fn blocking(&mut self, id: TaskId) -> Result<&[TaskId], TaskError> {
        self.write_dependents();
        Ok(&self.node(id)?.blocking)
    }

    pub fn is_completed(&self, id: TaskId) -> Result<bool, TaskError> {
        Ok(self.state_of(id)?.is_completed())
    }

    /// True while any prerequisite is not completed.
    pub fn is_blocked(&self, id: TaskId) -> Result<bool, TaskError> {
        Ok(self.node(id)?.uncompleted > 0)
    }

    /// The prerequisites that are not completed, in requirement order.
    pub fn blockers(&self, id: TaskId) -> Result<Vec<TaskId>, TaskError> {
        let node = self.node(id)?;
        if node.uncompleted == 0 {
            return Ok(Vec::new());
        }
        Ok(node
            .required
            .iter()
            .copied()
            .filter(|&p| self.state_of(p).is_ok_and(|p| !p.is_completed()))
            .collect())
    }

    /// Whether the task's function is known never to finish synchronously.
    pub fn async_hint(&self, id: TaskId) -> Result<bool, TaskError> {
        Ok(self.node(id)?.async_hint)
    }

    pub fn attempt(&self, id: TaskId) -> Result<u32, TaskError> {
        Ok(self.node(id)?.attempt)
    }

    pub fn cancel_requested(&self, id: TaskId) -> Result<bool, TaskError> {
        Ok(self.node(id)?.cancel_requested)
    }
}
