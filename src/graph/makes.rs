//! The makes a graph hosts: starting, stepping, stopping and ending them,
//! telling them of the watched tasks that changed state, and the per-task
//! counts they keep (watchers, reporters).

use super::{Graph, TaskId};
use crate::error::TaskError;
use crate::make::{Make, MakeId, MakeOptions, Step};

impl Graph {
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

    /// Tells every active make about the watched tasks that changed state,
    /// until no more changes come (a make may fire events as it hears).
    pub(crate) fn notify_makes(&mut self) {
        while let Some(id) = self.changed.pop_front() {
            for slot in 0..self.makes.len() {
                if let Some(mut make) = self.makes[slot].take() {
                    make.on_change(self, id);
                    self.makes[slot] = Some(make);
                }
            }
        }
    }

    /// Starts a make of `tasks` (see [`crate::make`]).
    pub fn make_start(
        &mut self,
        tasks: &[TaskId],
        options: MakeOptions,
    ) -> Result<MakeId, TaskError> {
        for &t in tasks {
            self.node(t)?;
        }
        // Serial 0 means "no make" in a node's make slot.
        self.make_serial = self.make_serial.wrapping_add(1).max(1);
        let make = Box::new(Make::new(self, tasks, options, self.make_serial));
        let slot = match self.makes.iter().position(Option::is_none) {
            Some(slot) => {
                self.makes[slot] = Some(make);
                slot
            }
            None => {
                self.makes.push(Some(make));
                self.makes.len() - 1
            }
        };
        Ok(MakeId {
            slot: slot as u32,
            serial: self.make_serial,
        })
    }

    /// The make's next step. See [`Step`].
    pub fn make_next(&mut self, id: MakeId) -> Step {
        let Some(mut make) = self.take_make(id) else {
            return Step::Finished;
        };
        let step = make.next(self);
        self.makes[id.slot as usize] = Some(make);
        self.notify_makes();
        step
    }

    /// Stops a make: nothing new starts and it yields nothing more. Tasks
    /// it queued but did not start are cancelled; the tasks it has running
    /// are returned, for the driver to cancel (cancellation of a running
    /// function is cooperative).
    pub fn make_abort(&mut self, id: MakeId) -> Vec<TaskId> {
        let Some(mut make) = self.take_make(id) else {
            return Vec::new();
        };
        let running = make.abort(self);
        self.makes[id.slot as usize] = Some(make);
        self.notify_makes();
        running
    }

    /// Has the make report the transitions of every task it touches, now
    /// and as it finds more (the make option `onTransition`): they go to
    /// the outbox (`take_transitions`) as an observed task's do.
    pub fn make_report(&mut self, id: MakeId) {
        if let Some(mut make) = self.take_make(id) {
            make.report(self);
            self.makes[id.slot as usize] = Some(make);
        }
    }

    /// Forgets a finished or abandoned make.
    pub fn make_end(&mut self, id: MakeId) {
        if let Some(make) = self.take_make(id) {
            make.release(self);
        }
    }

    fn take_make(&mut self, id: MakeId) -> Option<Box<Make>> {
        let slot = self.makes.get_mut(id.slot as usize)?;
        if slot.as_ref()?.serial() != id.serial {
            return None;
        }
        slot.take()
    }
}
