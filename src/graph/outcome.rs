//! Running a task's function, as far as the core is concerned: the core
//! never calls the function. `dispatch` moves the task to RUNNING and
//! starts an attempt; the driver runs the function, possibly for a long
//! time, and reports how it ended with `finish`, which applies the rules
//! of SPEC §2 to pick the event.

use super::{Extra, Graph, TaskId};
use crate::error::{TaskError, TaskErrorKind};
use crate::task_state::{Event, TaskState};

/// How a task's function ended, as the driver saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It returned (or its Promise resolved); `cancel_on_result` is what
    /// the task's `cancelOnResult` test said of the value.
    Returned { cancel_on_result: bool },
    /// It threw (or its Promise rejected); `cancellation` when what it
    /// threw was a cancellation error.
    Threw { cancellation: bool },
}

/// What `cancel` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CancelOutcome {
    /// The task is running: cancellation was requested, and the task ends
    /// CANCELLED when its function returns.
    Requested,
    /// The task moved to CANCELLED now.
    Cancelled,
}

impl Graph {
    /// Fires `dispatch` if no prerequisite blocks the task, and starts a
    /// new attempt, whose number is returned for `finish`.
    pub fn dispatch(&mut self, id: TaskId) -> Result<u32, TaskError> {
        // With `runIf: 'settled'`, a cancelled prerequisite does not block.
        let if_settled = self.node(id)?.run_if_settled;
        let blocker = self
            .blockers(id)?
            .into_iter()
            .find(|&p| !(if_settled && self.state_of(p).is_ok_and(|s| s == TaskState::Cancelled)));
        if let Some(blocker) = blocker {
            let mut error = TaskError::new(
                TaskErrorKind::Blocked,
                Some(id),
                format!(
                    "task '{}' is blocked by '{}', which is {}",
                    self.name(id)?,
                    self.name(blocker)?,
                    self.state(blocker)?.name()
                ),
            );
            error.tasks = vec![blocker];
            return Err(error);
        }
        self.start(id)
    }

    /// Fires `dispatch` without the blocked check (the make engine has
    /// checked) and starts a new attempt.
    pub(crate) fn start(&mut self, id: TaskId) -> Result<u32, TaskError> {
        self.fire(id, Event::Dispatch, Extra::default())?;
        let node = self.node_mut(id)?;
        node.attempt += 1;
        node.cancel_requested = false;
        let attempt = node.attempt;
        if node.has_retry {
            self.begin_run(id);
        }
        Ok(attempt)
    }

    /// Applies the outcome of attempt `attempt`. Returns the new state, or
    /// `None` when the outcome is stale: the task left RUNNING meanwhile
    /// (someone fired `cancel` at it directly, say) and may even be on a
    /// later attempt, so this outcome no longer decides anything.
    pub fn finish(
        &mut self,
        id: TaskId,
        attempt: u32,
        outcome: Outcome,
    ) -> Result<Option<TaskState>, TaskError> {
        let node = self.node(id)?;
        if self.state_of(id)? != TaskState::Running
            || node.attempt != attempt
            || (node.has_retry && self.is_waiting_to_retry(id)?)
        {
            return Ok(None);
        }
        let cancel = node.cancel_requested
            || match outcome {
                Outcome::Returned { cancel_on_result } => cancel_on_result,
                Outcome::Threw { cancellation } => cancellation || node.cancel_on_exception,
            };
        let event = match outcome {
            _ if cancel => Event::Cancel,
            Outcome::Returned { .. } => Event::Done,
            Outcome::Threw { .. } => Event::Except,
        };
        self.fire(id, event, Extra::default()).map(Some)
    }

    /// Cancels a task: a running one cooperatively (see [`CancelOutcome`]),
    /// any other by firing `cancel`, an error where the state forbids it.
    pub fn cancel(&mut self, id: TaskId) -> Result<CancelOutcome, TaskError> {
        if self.state(id)? == TaskState::Running {
            if self.cancel_waiting(id)? {
                return Ok(CancelOutcome::Cancelled);
            }
            self.node_mut(id)?.cancel_requested = true;
            return Ok(CancelOutcome::Requested);
        }
        self.event(id, Event::Cancel, Extra::default())?;
        Ok(CancelOutcome::Cancelled)
    }
}
