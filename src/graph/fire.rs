//! How a task changes state: the transition's details, the one place
//! that fires an event (`fire`), and where transitions go: the task's
//! history, the outbox of observed tasks for the driver, and the queue
//! of watched tasks the scheduler tells the makes of.

use super::{history, is_failed, Graph, TaskId};
use crate::error::{TaskError, TaskErrorKind};
use crate::fsm::Transition;
use crate::task_state::{Event, TaskState};

/// Why the make fired an event at a pending task (SPEC §3): carried in
/// the transition's `extra`, with the prerequisites concerned. The
/// numbers are the codes JS reads (`BECAUSE` in js/protocol.mjs; 0 is
/// none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Because {
    FailedPrerequisites = 1,
    CancelledPrerequisites = 2,
    PrerequisitesNotDone = 3,
}

impl Because {
    pub const ALL: [Because; 3] = [
        Because::FailedPrerequisites,
        Because::CancelledPrerequisites,
        Because::PrerequisitesNotDone,
    ];

    /// The words users see, as the Python original writes them.
    pub fn name(self) -> &'static str {
        match self {
            Because::FailedPrerequisites => "failed prerequisites",
            Because::CancelledPrerequisites => "cancelled prerequisites",
            Because::PrerequisitesNotDone => "some prerequisites are not done",
        }
    }
}

/// Details of a transition: why it happened and which tasks caused it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Extra {
    pub because: Option<Because>,
    pub tasks: Vec<TaskId>,
}

impl Extra {
    pub fn because(because: Because, tasks: Vec<TaskId>) -> Self {
        Extra {
            because: Some(because),
            tasks,
        }
    }
}

pub type TaskTransition = Transition<TaskState, Event, Extra>;

impl Graph {
    pub fn set_observed(&mut self, id: TaskId, observed: bool) -> Result<(), TaskError> {
        self.node_mut(id)?.observed = observed;
        Ok(())
    }

    /// Takes the transitions of observed tasks made since the last call,
    /// in the order they happened, for the driver to deliver.
    pub fn take_transitions(&mut self) -> Vec<(TaskId, TaskTransition)> {
        std::mem::take(&mut self.outbox)
    }

    /// The next watched task whose state changed, for the scheduler to
    /// tell the makes.
    pub(crate) fn take_changed(&mut self) -> Option<TaskId> {
        self.changed.pop_front()
    }

    /// Whether transitions are waiting in the outbox.
    pub fn has_transitions(&self) -> bool {
        !self.outbox.is_empty()
    }

    /// The events allowed in the task's state now, in table order.
    pub fn events(&self, id: TaskId) -> Result<Vec<Event>, TaskError> {
        Ok(self.state_of(id)?.events().collect())
    }

    /// Fires `event` at a task. The error names the event and the state.
    pub fn event(
        &mut self,
        id: TaskId,
        event: Event,
        extra: Extra,
    ) -> Result<TaskState, TaskError> {
        self.fire(id, event, extra)
    }

    /// Fires an event given by name; an unknown name is reported like any
    /// event the state does not allow.
    pub fn event_named(
        &mut self,
        id: TaskId,
        event: &str,
        extra: Extra,
    ) -> Result<TaskState, TaskError> {
        match Event::from_name(event) {
            Some(e) => self.event(id, e, extra),
            None => Err(self.invalid_event(id, event)?),
        }
    }

    fn invalid_event(&self, id: TaskId, event: &str) -> Result<TaskError, TaskError> {
        let state = self.state_of(id)?;
        Ok(TaskError::new(
            TaskErrorKind::InvalidEvent,
            Some(id),
            format!(
                "task '{}': invalid event '{event}' for state '{}'",
                self.cold(id)?.name,
                state.name()
            ),
        ))
    }

    /// Fires an event: checks the table, then `apply`.
    pub(crate) fn fire(
        &mut self,
        id: TaskId,
        event: Event,
        extra: Extra,
    ) -> Result<TaskState, TaskError> {
        let old = self.state_of(id)?;
        let Some(new) = old.next(event) else {
            return Err(self.invalid_event(id, event.name())?);
        };
        self.apply(id, old, new, event, extra)
    }

    /// Sets a task that has not started (PENDING or PREPARE) to the
    /// settled state a store recorded for it (SPEC §9), as if it had
    /// ended so: its dependents' counts follow, and its history gets the
    /// transition under the event that ends in that state (`done`,
    /// `except`, `cancel`, `abort`), though the table has no such edge
    /// from where it was.
    pub fn restore(&mut self, id: TaskId, state: TaskState) -> Result<TaskState, TaskError> {
        let old = self.state_of(id)?;
        let event = match state {
            TaskState::Done => Event::Done,
            TaskState::Failed => Event::Except,
            TaskState::Cancelled => Event::Cancel,
            TaskState::Abort => Event::Abort,
            _ => return Err(self.invalid_event(id, "restore")?),
        };
        if !matches!(old, TaskState::Pending | TaskState::Prepare) {
            return Err(self.invalid_event(id, "restore")?);
        }
        self.apply(id, old, state, event, Extra::default())
    }

    /// The one place a task changes state (from `fire` and `restore`,
    /// which check it): keeps the blocked counts of its dependents right,
    /// records the transition for observers and history, and queues the
    /// change for watching makes.
    fn apply(
        &mut self,
        id: TaskId,
        old: TaskState,
        new: TaskState,
        event: Event,
        extra: Extra,
    ) -> Result<TaskState, TaskError> {
        self.states[id.index()] = Some(new);
        let node = self.node_mut(id)?;
        let (observed, watched) = (node.observed || node.reporters > 0, node.watchers > 0);
        if old == TaskState::Running && node.has_retry {
            // Leaving RUNNING ends the run: a wait to retry ends with it.
            self.end_wait(id);
        }
        self.record(id, old, new, event, extra, observed);
        let completed = i32::from(new.is_completed()) - i32::from(old.is_completed());
        let failed = i32::from(is_failed(new)) - i32::from(is_failed(old));
        if completed != 0 || failed != 0 {
            self.write_dependents();
            let blocking = std::mem::take(&mut self.node_mut(id)?.blocking);
            for &d in &blocking {
                if let Ok(d) = self.node_mut(d) {
                    d.uncompleted = d.uncompleted.wrapping_add_signed(-completed);
                    d.failed = d.failed.wrapping_add_signed(failed);
                }
            }
            self.node_mut(id)?.blocking = blocking;
        }
        if watched {
            self.changed.push_back(id);
        }
        Ok(new)
    }

    /// Keeps a transition in the task's history and, when it is
    /// observed, in the outbox.
    fn record(
        &mut self,
        id: TaskId,
        old_state: TaskState,
        new_state: TaskState,
        event: Event,
        extra: Extra,
        observed: bool,
    ) {
        let when = self.now();
        let code = history::code(old_state, new_state, event, &extra);
        if let Some(Some(node)) = self.nodes.get_mut(id.index()) {
            node.history = self.log.push(node.history, when, code, &extra.tasks);
        }
        if observed {
            let transition = Transition {
                old_state,
                new_state,
                event,
                when,
                extra,
            };
            self.outbox.push((id, transition));
        }
    }
}
