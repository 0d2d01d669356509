//! The core of the JS `TaskQueue`: its three sets, by task id.

use super::graph::{raw, with_graph};
use crate::graph::TaskId;
use crate::queue::TaskQueue;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(js_name = TaskQueueCore)]
pub struct TaskQueueCore {
    inner: TaskQueue,
}

#[wasm_bindgen(js_class = TaskQueueCore)]
impl TaskQueueCore {
    #[wasm_bindgen(constructor)]
    pub fn new(run_dependent_tasks: bool) -> TaskQueueCore {
        TaskQueueCore {
            inner: TaskQueue::new(run_dependent_tasks),
        }
    }

    pub fn add(&mut self, task: u32) {
        with_graph(|g| self.inner.add(g, TaskId(task)));
    }

    /// The id of the task taken, or -1 when none is available.
    pub fn get(&mut self) -> i64 {
        with_graph(|g| self.inner.get(g)).map_or(-1, |t| i64::from(t.0))
    }

    /// Refiles (or adds) the tasks `task` blocks; returns the ids of tasks
    /// that joined the queue.
    #[wasm_bindgen(js_name = afterRun)]
    pub fn after_run(&mut self, task: u32) -> Vec<u32> {
        with_graph(|g| {
            let before: Vec<TaskId> = g
                .blocking(TaskId(task))
                .map(<[TaskId]>::to_vec)
                .unwrap_or_default();
            let fresh: Vec<TaskId> = before
                .into_iter()
                .filter(|&d| !self.inner.contains(d))
                .collect();
            self.inner.after_run(g, TaskId(task));
            raw(&fresh
                .into_iter()
                .filter(|&d| self.inner.contains(d))
                .collect::<Vec<_>>())
        })
    }

    /// The queue's tasks in the order they joined.
    pub fn tasks(&self) -> Vec<u32> {
        raw(&self.inner.tasks())
    }
}
