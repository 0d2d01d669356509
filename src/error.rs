//! The core's error types. The binding layer turns each into a real JS
//! `Error` subclass in one place (`wasm/errors.rs`).

use crate::id::TaskId;
use std::fmt;

/// An error of the general state machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FsmError {
    /// The event is not allowed in the current state (or the state is unset).
    InvalidEvent {
        event: String,
        state: Option<String>,
    },
    /// A state name the table does not know.
    UnknownState(String),
    /// The same event listed twice for one state.
    DuplicateEvent { state: String, event: String },
    /// A transition leads to a state the table does not declare.
    UndeclaredState {
        source: String,
        event: String,
        destination: String,
    },
    /// More than 65,535 states or events.
    TooLarge,
}

impl fmt::Display for FsmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FsmError::InvalidEvent {
                event,
                state: Some(state),
            } => write!(f, "invalid event '{event}' for state '{state}'"),
            FsmError::InvalidEvent { event, state: None } => {
                write!(f, "invalid event '{event}': the state is not set")
            }
            FsmError::UnknownState(state) => write!(f, "unknown state '{state}'"),
            FsmError::DuplicateEvent { state, event } => {
                write!(f, "event '{event}' is listed twice for state '{state}'")
            }
            FsmError::UndeclaredState {
                source,
                event,
                destination,
            } => write!(
                f,
                "transition '{source}' --{event}--> '{destination}' names state '{destination}', which the table does not declare"
            ),
            FsmError::TooLarge => write!(f, "a table may have at most 65535 states and events"),
        }
    }
}

impl std::error::Error for FsmError {}

/// What went wrong with a task; decides the JS class of the error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskErrorKind {
    /// An event the task's state does not allow (JS `TaskError`).
    InvalidEvent,
    /// A state name that is not a task state (JS `TaskError`).
    UnknownState,
    /// A requirement on itself or one that closes a cycle; `tasks` is the
    /// cycle in order, first task repeated at the end (JS `TaskError`).
    Cycle,
    /// A requirement added outside PREPARE/PENDING (JS `TaskError`).
    RequirementState,
    /// Dispatch of a task with an uncompleted prerequisite; `tasks[0]` is
    /// the blocking task (JS `BlockedError`).
    Blocked,
    /// `make` given a task in PREPARE (JS `FSMError`, carrying the task).
    MakePrepare,
    /// A task id that names no live task (a bug in the caller).
    UnknownTask,
    /// A synchronous driver found the make waiting for tasks that nothing
    /// it controls is running.
    Stalled,
    /// Scheduling options a make cannot honour (SPEC §12): a weight above
    /// its concurrency or its pool's capacity, an unknown pool, a bad
    /// value (JS `TaskError`).
    Schedule,
}

impl TaskErrorKind {
    /// Every kind, in declaration order: `kind as usize` is its index
    /// (the code JS receives; see `src/wasm/protocol.rs`).
    pub const ALL: [TaskErrorKind; 9] = [
        TaskErrorKind::InvalidEvent,
        TaskErrorKind::UnknownState,
        TaskErrorKind::Cycle,
        TaskErrorKind::RequirementState,
        TaskErrorKind::Blocked,
        TaskErrorKind::MakePrepare,
        TaskErrorKind::UnknownTask,
        TaskErrorKind::Stalled,
        TaskErrorKind::Schedule,
    ];

    /// The kind's name as JS reads it (`protocol()` in the binding; a
    /// `Cycle` error gets its `cycle` property): written out, so that
    /// renaming a variant cannot silently change what JS sees.
    pub const fn name(self) -> &'static str {
        match self {
            TaskErrorKind::InvalidEvent => "InvalidEvent",
            TaskErrorKind::UnknownState => "UnknownState",
            TaskErrorKind::Cycle => "Cycle",
            TaskErrorKind::RequirementState => "RequirementState",
            TaskErrorKind::Blocked => "Blocked",
            TaskErrorKind::MakePrepare => "MakePrepare",
            TaskErrorKind::UnknownTask => "UnknownTask",
            TaskErrorKind::Stalled => "Stalled",
            TaskErrorKind::Schedule => "Schedule",
        }
    }
}

/// An error about a task, with its message already written (task names
/// are resolved when the error is made, so it reads well on its own).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskError {
    pub kind: TaskErrorKind,
    pub message: String,
    /// The task concerned.
    pub task: Option<TaskId>,
    /// Other tasks concerned: the cycle, or the blocking task.
    pub tasks: Vec<TaskId>,
}

impl TaskError {
    pub(crate) fn new(kind: TaskErrorKind, task: Option<TaskId>, message: String) -> Self {
        TaskError {
            kind,
            message,
            task,
            tasks: Vec::new(),
        }
    }
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TaskError {}
