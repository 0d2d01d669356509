//! Freeing tasks: one by one, in sets (each staying neighbour cleaned
//! once), and whole components (no lists to clean).

use super::{is_failed, Graph, TaskId};
use crate::error::TaskError;
use crate::task_state::TaskState;

impl Graph {
    /// Removes a task and its edges; its id may be reused afterwards. The
    /// binding calls this once JS can no longer reach the task.
    pub fn remove_task(&mut self, id: TaskId) -> Result<(), TaskError> {
        self.node(id)?;
        self.remove_tasks(&[id]);
        Ok(())
    }

    /// Frees tasks together (ids already gone are skipped). Each neighbour
    /// that stays is cleaned once, so freeing the many dependents of one
    /// task together is linear in their edges, where freeing them one at
    /// a time would scan that task's whole list each time.
    pub fn remove_tasks(&mut self, ids: &[TaskId]) {
        self.write_dependents();
        let epoch = self.next_epoch();
        let mut dying = Vec::with_capacity(ids.len());
        for &id in ids {
            if self.contains(id) && !self.marked(id, epoch) {
                self.mark(id, epoch);
                dying.push(id);
            }
        }
        let is_dying = |g: &Graph, t: TaskId| g.marked(t, epoch);
        // The neighbours that stay, each once (their ids sorted as i64:
        // the one sort the crate instantiates, see sort.rs).
        let mut staying: Vec<i64> = Vec::new();
        for &id in &dying {
            if let Ok(node) = self.node(id) {
                for &n in node.required.iter().chain(node.blocking.iter()) {
                    if !is_dying(self, n) {
                        staying.push(i64::from(n.0));
                    }
                }
            }
        }
        staying.sort_unstable();
        staying.dedup();
        for n in staying.iter().map(|&n| TaskId(n as u32)) {
            let Ok(node) = self.node_mut(n) else { continue };
            let mut required = std::mem::take(&mut node.required);
            let mut blocking = std::mem::take(&mut node.blocking);
            let (mut uncompleted, mut failed) = (0, 0);
            required.retain(|p| {
                let p = *p;
                if !is_dying(self, p) {
                    return true;
                }
                let state = self.state_of(p).unwrap_or(TaskState::Done);
                uncompleted += u32::from(!state.is_completed());
                failed += u32::from(is_failed(state));
                false
            });
            blocking.retain(|d| !is_dying(self, *d));
            if let Ok(node) = self.node_mut(n) {
                node.required = required;
                node.blocking = blocking;
                node.uncompleted -= uncompleted;
                node.failed -= failed;
            }
        }
        for id in dying {
            self.free_slot(id);
        }
        self.tidy_log();
    }

    /// Drops a task's node (its edges are already handled) and lets its
    /// slot be reused; its history is dead (`tidy_log` once all are freed).
    fn free_slot(&mut self, id: TaskId) {
        self.forget_history(id);
        self.forget_retry(id);
        self.forget_schedule(id);
        self.nodes[id.index()] = None;
        self.states[id.index()] = None;
        self.free.push(id.0);
        self.live -= 1;
    }

    /// Frees every task linked to one of `from` by requirements, either
    /// way: whole components. No task that stays can have an edge to a
    /// freed one, so unlike `remove_tasks` there are no lists to clean;
    /// one walk finds the tasks. Returns how many were freed.
    pub fn remove_components(&mut self, from: &[TaskId]) -> usize {
        self.write_dependents();
        let epoch = self.next_epoch();
        let mut dying = Vec::new();
        for &id in from {
            if self.contains(id) && !self.marked(id, epoch) {
                self.mark(id, epoch);
                dying.push(id);
            }
        }
        let mut next = 0;
        while let Some(&t) = dying.get(next) {
            next += 1;
            let Some(Some(node)) = self.nodes.get(t.index()) else {
                continue;
            };
            for &n in node.required.iter().chain(node.blocking.iter()) {
                if let Some(stamp) = self.stamps.get_mut(n.index()) {
                    if *stamp != epoch {
                        *stamp = epoch;
                        dying.push(n);
                    }
                }
            }
        }
        // Freed in slot order when they are many: the walk reaches them
        // in no useful order, so each node freed as found would cost a
        // cache miss, and the free list would hand the next graph's slots
        // out in that order, scattering its tasks. Highest first, so that
        // the next tasks get ascending slots. Scanning the marks costs a
        // pass over all slots, so a few tasks of a large graph are freed
        // as found.
        if dying.len() >= self.stamps.len() / 8 {
            for slot in (0..self.stamps.len()).rev() {
                if self.stamps[slot] == epoch {
                    self.free_slot(TaskId(slot as u32));
                }
            }
        } else {
            for &id in &dying {
                self.free_slot(id);
            }
        }
        self.tidy_log();
        dying.len()
    }
}
