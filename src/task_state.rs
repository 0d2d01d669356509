//! The task state machine of SPEC §1: its states, events and table.
//!
//! One const table, [`TRANSITIONS`], is the single source: the fast lookup
//! used on every task transition and the general [`Table`] (for DOT and the
//! JS `FSM`) are both derived from it.

use crate::error::FsmError;
use crate::fsm::Table;

/// A task's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum TaskState {
    Prepare,
    Pending,
    Queued,
    Running,
    Cancelled,
    Failed,
    Done,
    Abort,
}

/// An event fired at a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Event {
    Prepared,
    Dispatch,
    Queue,
    Cancel,
    Error,
    Abort,
    Done,
    Except,
    Retry,
}

use Event as E;
use TaskState as S;

/// The transition table, rows in the order of SPEC §1.
pub const TRANSITIONS: &[(TaskState, Event, TaskState)] = &[
    (S::Prepare, E::Prepared, S::Pending),
    (S::Pending, E::Dispatch, S::Running),
    (S::Pending, E::Queue, S::Queued),
    (S::Pending, E::Cancel, S::Cancelled),
    (S::Pending, E::Error, S::Failed),
    (S::Pending, E::Abort, S::Abort),
    (S::Queued, E::Cancel, S::Cancelled),
    (S::Queued, E::Dispatch, S::Running),
    (S::Running, E::Done, S::Done),
    (S::Running, E::Except, S::Failed),
    (S::Running, E::Cancel, S::Cancelled),
    (S::Cancelled, E::Retry, S::Pending),
    (S::Cancelled, E::Abort, S::Abort),
    (S::Failed, E::Retry, S::Pending),
    (S::Failed, E::Abort, S::Abort),
];

/// States in table order (DONE and ABORT, which have no events, last).
pub const STATES: [TaskState; 8] = [
    S::Prepare,
    S::Pending,
    S::Queued,
    S::Running,
    S::Cancelled,
    S::Failed,
    S::Done,
    S::Abort,
];

pub const EVENTS: [Event; 9] = [
    E::Prepared,
    E::Dispatch,
    E::Queue,
    E::Cancel,
    E::Error,
    E::Abort,
    E::Done,
    E::Except,
    E::Retry,
];

const NONE: u8 = u8::MAX;

/// `NEXT[state][event]`: the destination, or `NONE`; built at compile time.
const NEXT: [[u8; EVENTS.len()]; STATES.len()] = {
    let mut next = [[NONE; EVENTS.len()]; STATES.len()];
    let mut i = 0;
    while i < TRANSITIONS.len() {
        let (s, e, d) = TRANSITIONS[i];
        next[s as usize][e as usize] = d as u8;
        i += 1;
    }
    next
};

impl TaskState {
    pub const fn name(self) -> &'static str {
        match self {
            S::Prepare => "PREPARE",
            S::Pending => "PENDING",
            S::Queued => "QUEUED",
            S::Running => "RUNNING",
            S::Cancelled => "CANCELLED",
            S::Failed => "FAILED",
            S::Done => "DONE",
            S::Abort => "ABORT",
        }
    }

    /// The state named `name` (exact, upper case), if any.
    pub fn from_name(name: &str) -> Option<TaskState> {
        STATES.into_iter().find(|s| s.name() == name)
    }

    /// The state `event` leads to, if the table allows it here.
    pub fn next(self, event: Event) -> Option<TaskState> {
        let d = NEXT[self as usize][event as usize];
        STATES.get(usize::from(d)).copied()
    }

    /// The events allowed in this state, in table order.
    pub fn events(self) -> impl Iterator<Item = Event> {
        TRANSITIONS
            .iter()
            .filter(move |(s, _, _)| *s == self)
            .map(|(_, e, _)| *e)
    }

    /// DONE, FAILED or ABORT: a completed task no longer blocks its
    /// dependents. CANCELLED is not completed: it can be retried.
    pub fn is_completed(self) -> bool {
        matches!(self, S::Done | S::Failed | S::Abort)
    }

    /// Graphviz fill colour of a node in this state (SPEC §5).
    pub fn colour(self) -> &'static str {
        match self {
            S::Running => "yellow",
            S::Done => "green",
            S::Failed => "red",
            S::Cancelled => "gray",
            S::Abort => "darkred",
            _ => "white",
        }
    }
}

impl Event {
    pub const fn name(self) -> &'static str {
        match self {
            E::Prepared => "prepared",
            E::Dispatch => "dispatch",
            E::Queue => "queue",
            E::Cancel => "cancel",
            E::Error => "error",
            E::Abort => "abort",
            E::Done => "done",
            E::Except => "except",
            E::Retry => "retry",
        }
    }

    /// The event named `name` (exact, lower case), if any.
    pub fn from_name(name: &str) -> Option<Event> {
        EVENTS.into_iter().find(|e| e.name() == name)
    }
}

/// The task table as a general [`Table`] (for DOT and the JS `FSM`).
pub fn task_table() -> Result<Table, FsmError> {
    Table::new(STATES.into_iter().map(|s| {
        let row = TRANSITIONS
            .iter()
            .filter(move |(src, _, _)| *src == s)
            .map(|(_, e, d)| (e.name(), d.name()));
        (s.name(), row)
    }))
}
