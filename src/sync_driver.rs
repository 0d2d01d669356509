//! An in-process driver with plain Rust closures as task functions: the
//! native counterpart of the JS binding. Tests, examples and Rust users
//! run makes and task queues through it.
//!
//! Functions here are synchronous, so every task a make starts finishes
//! before the next step; asynchronous drivers feed `Scheduler::finish` later.

use crate::error::{TaskError, TaskErrorKind};
use crate::fsm::{CallbackId, Callbacks, On};
use crate::graph::{Outcome, TaskId, TaskOptions, TaskTransition};
use crate::idmap::IdMap;
use crate::make::{MakeOptions, Step};
use crate::queue::TaskQueue;
use crate::scheduler::Scheduler;
use crate::task_state::TaskState;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

/// How a task function can fail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// An ordinary error: the task ends FAILED (or CANCELLED with
    /// `cancel_on_exception`).
    Error(String),
    /// A cancellation error: the task ends CANCELLED.
    Cancelled,
}

pub type Func = Box<dyn FnMut() -> Result<(), Failure>>;
pub type Callback = Box<dyn FnMut(&str, &TaskTransition) -> Result<(), String>>;

#[derive(Default)]
pub struct SyncDriver {
    pub graph: Scheduler,
    funcs: IdMap<Func>,
    callbacks: IdMap<Callbacks<TaskState, Callback>>,
    callback_errors: Vec<String>,
}

/// A shared list of printed lines, for tracking and tests.
pub type Lines = Rc<RefCell<Vec<String>>>;

/// The seed's track line: `NAME OLDSTATE->EVENT->NEWSTATE`.
pub fn track_line(name: &str, tr: &TaskTransition) -> String {
    format!(
        "{} {}->{}->{}",
        name,
        tr.old_state.name(),
        tr.event.name(),
        tr.new_state.name()
    )
}

impl SyncDriver {
    pub fn new() -> Self {
        SyncDriver::default()
    }

    /// A new PENDING task running `func`.
    pub fn task(
        &mut self,
        name: &str,
        func: impl FnMut() -> Result<(), Failure> + 'static,
    ) -> TaskId {
        self.task_with(name, func, TaskOptions::default())
    }

    pub fn task_with(
        &mut self,
        name: &str,
        func: impl FnMut() -> Result<(), Failure> + 'static,
        options: TaskOptions,
    ) -> TaskId {
        let t = self.graph.add_task(name, options);
        self.funcs.insert(t, Box::new(func));
        t
    }

    /// A new task that requires `t`: `t.then(name, func)`.
    pub fn then(
        &mut self,
        t: TaskId,
        name: &str,
        func: impl FnMut() -> Result<(), Failure> + 'static,
    ) -> Result<TaskId, TaskError> {
        let next = self.task(name, func);
        self.graph.require(next, t)?;
        Ok(next)
    }

    /// Calls `callback` after every transition of `t` into the state `on`
    /// names (or into any state).
    pub fn on_transition(
        &mut self,
        t: TaskId,
        on: On<TaskState>,
        callback: impl FnMut(&str, &TaskTransition) -> Result<(), String> + 'static,
    ) -> Result<CallbackId, TaskError> {
        self.graph.set_observed(t, true)?;
        Ok(self
            .callbacks
            .entry(t)
            .or_default()
            .add(on, Box::new(callback)))
    }

    /// `track`: writes every transition of `t` as a seed-style line.
    pub fn track(&mut self, t: TaskId, lines: &Lines) -> Result<(), TaskError> {
        let lines = Rc::clone(lines);
        self.on_transition(t, On::Any, move |name, tr| {
            lines.borrow_mut().push(track_line(name, tr));
            Ok(())
        })?;
        Ok(())
    }

    /// Errors returned by callbacks so far; they did not stop anything.
    pub fn callback_errors(&self) -> &[String] {
        &self.callback_errors
    }

    /// Hands the graph's outbox to the callbacks, in order.
    pub fn deliver(&mut self) {
        for (t, tr) in self.graph.take_transitions() {
            let name = self.graph.name(t).unwrap_or("?").to_string();
            let Some(callbacks) = self.callbacks.get_mut(&t) else {
                continue;
            };
            for id in callbacks.matching(tr.new_state) {
                if let Some(callback) = callbacks.get_mut(id) {
                    if let Err(error) = callback(&name, &tr) {
                        self.callback_errors.push(error);
                    }
                }
            }
        }
    }

    /// Runs attempt `attempt` of the RUNNING task `t` and reports it.
    fn run(&mut self, t: TaskId, attempt: u32) -> Result<(), TaskError> {
        self.deliver();
        let result = match self.funcs.get_mut(&t) {
            Some(func) => func(),
            None => Ok(()),
        };
        let outcome = match result {
            Ok(()) => Outcome::Returned {
                cancel_on_result: false,
            },
            Err(Failure::Error(_)) => Outcome::Threw {
                cancellation: false,
            },
            Err(Failure::Cancelled) => Outcome::Threw { cancellation: true },
        };
        self.graph.finish(t, attempt, outcome)?;
        self.deliver();
        Ok(())
    }

    /// `task.dispatch()`: BlockedError if blocked, else run it now.
    pub fn dispatch(&mut self, t: TaskId) -> Result<TaskState, TaskError> {
        let attempt = self.graph.dispatch(t)?;
        self.run(t, attempt)?;
        self.graph.state(t)
    }

    /// `makeNow`: makes the tasks and returns the given ones in the order
    /// they completed. With `options.queue`, queued tasks run first come,
    /// first served, between steps.
    pub fn make(
        &mut self,
        tasks: &[TaskId],
        options: MakeOptions,
    ) -> Result<Vec<TaskId>, TaskError> {
        let id = self.graph.make_start(tasks, options)?;
        let mut queued = VecDeque::new();
        let mut yielded = Vec::new();
        let result = loop {
            let step = self.graph.make_next(id);
            self.deliver();
            match step {
                Step::Run { task, attempt } => {
                    if let Err(error) = self.run(task, attempt) {
                        break Err(error);
                    }
                }
                Step::Enqueue(task) => queued.push_back(task),
                Step::Yield(task) => yielded.push(task),
                Step::Discover { .. } => {}
                Step::Finished => break Ok(yielded),
                Step::Failed(error) => break Err(error),
                Step::Wait => match queued.pop_front() {
                    Some(task) => {
                        // The queue gets to it; it may have been cancelled.
                        if let Ok(attempt) = self.graph.dispatch(task) {
                            if let Err(error) = self.run(task, attempt) {
                                break Err(error);
                            }
                        }
                    }
                    None => {
                        break Err(TaskError::new(
                            TaskErrorKind::Stalled,
                            None,
                            "make is waiting for tasks that nothing here is running".to_string(),
                        ))
                    }
                },
            }
        };
        self.graph.make_end(id);
        result
    }

    /// `TaskQueue.run`: gets and runs tasks until none is available (or
    /// after one with `once`), returning them in order.
    pub fn run_queue(&mut self, q: &mut TaskQueue, once: bool) -> Result<Vec<TaskId>, TaskError> {
        let mut ran = Vec::new();
        while let Some(t) = q.get(&self.graph) {
            if !self.graph.is_completed(t)? {
                self.dispatch(t)?;
            }
            q.after_run(&self.graph, t);
            ran.push(t);
            if once {
                break;
            }
        }
        Ok(ran)
    }
}
