//! Adding tasks.

use super::node::{Cold, Node};
use super::{Graph, TaskId, TaskOptions};
use std::sync::Arc;

impl Graph {
    /// Adds a task with no edges.
    pub fn add_task(&mut self, name: &str, options: TaskOptions) -> TaskId {
        self.name_next(name);
        self.add_task_named_as_last(options)
    }

    /// The name the next `add_task_named_as_last` gives its task.
    pub(crate) fn name_next(&mut self, name: &str) {
        if *self.last_name != *name {
            self.last_name = Arc::from(name);
        }
    }

    /// Adds a task with no edges, named as the task added last (the
    /// binding passes a name only when it changes).
    pub(crate) fn add_task_named_as_last(&mut self, options: TaskOptions) -> TaskId {
        let mut node = Node::new();
        node.cancel_on_exception = options.cancel_on_exception;
        node.observed = options.observed;
        node.async_hint = options.async_hint;
        node.run_if_settled = options.run_if_settled;
        let cold = Cold {
            name: Arc::clone(&self.last_name),
            serial: self.next_serial,
        };
        let (state, ord) = (Some(options.state), self.next_ord);
        self.next_serial += 1;
        self.next_ord += 1;
        self.live += 1;
        match self.free.pop() {
            Some(slot) => {
                let i = slot as usize;
                self.nodes[i] = Some(node);
                self.cold[i] = cold;
                self.states[i] = state;
                self.ords[i] = ord;
                self.stamps[i] = 0;
                TaskId(slot)
            }
            None => {
                self.nodes.push(Some(node));
                self.cold.push(cold);
                self.states.push(state);
                self.ords.push(ord);
                self.stamps.push(0);
                TaskId((self.nodes.len() - 1) as u32)
            }
        }
    }
}
