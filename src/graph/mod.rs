//! The task graph (SPEC §2): tasks as state machines in an arena, linked
//! by "requires" edges.
//!
//! Tasks are addressed by [`TaskId`], an index into the arena; the binding
//! layer keeps the JS side of each task (its function, result, callbacks)
//! beside it. Each task keeps a count of its uncompleted prerequisites, so
//! "is it blocked?" is O(1), and a position in a topological order of the
//! whole graph, so most cycle checks are O(1) too (see `order.rs`).
//!
//! The files: `node.rs` (how a task is stored), `add.rs`, `remove.rs`,
//! `query.rs`, `order.rs` (requiring, the topological order, cycle
//! checks), `pending.rs` (lists of dependents written late), `fire.rs`
//! (the one place a task changes state), `outcome.rs` (dispatching a
//! task and how its run ended), `history.rs` (every task's transitions).
//! The graph hosts no makes: that is the scheduler (`crate::scheduler`).

mod add;
mod fire;
mod history;
mod node;
mod order;
mod outcome;
mod pending;
mod query;
mod remove;
mod retry;
mod schedule;

pub use fire::{Because, Extra, TaskTransition};
pub use history::because_code;
pub use outcome::{CancelOutcome, Outcome};
pub use retry::{Failed, Finished, RetryPolicy};
pub use schedule::Schedule;

use node::{Cold, Node};

use crate::error::{TaskError, TaskErrorKind};
use crate::task_state::TaskState;
use std::collections::VecDeque;
use std::sync::Arc;

pub use crate::id::TaskId;

/// How a new task starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskOptions {
    /// Initial state; any state of the table (how a saved run is resumed).
    pub state: TaskState,
    /// A failing function cancels the task instead of failing it.
    pub cancel_on_exception: bool,
    /// Someone wants this task's transitions (callbacks, `track`): they
    /// are put in the outbox, timestamped, for the driver to deliver.
    pub observed: bool,
    /// The function never finishes synchronously (a JS `async function`),
    /// so a driver may start more tasks before it hears of its outcome.
    pub async_hint: bool,
    /// `runIf: 'settled'` (SPEC §8): a make runs the task once every
    /// prerequisite is completed or cancelled, whatever the outcome.
    pub run_if_settled: bool,
}

impl Default for TaskOptions {
    fn default() -> Self {
        TaskOptions {
            state: TaskState::Pending,
            cancel_on_exception: false,
            observed: false,
            async_hint: false,
            run_if_settled: false,
        }
    }
}

/// Milliseconds since the Unix epoch.
pub type Clock = fn() -> f64;

fn system_clock() -> f64 {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    }
    // wasm32-unknown-unknown has no clock; the binding installs Date.now.
    #[cfg(target_arch = "wasm32")]
    {
        0.0
    }
}

/// All tasks and their edges. The makes running over them are the
/// scheduler's (`crate::scheduler`).
#[derive(Debug)]
pub struct Graph {
    nodes: Vec<Option<Node>>,
    /// The cold part of each node, at the same index.
    cold: Vec<Cold>,
    /// Each task's state (`None`: a free slot) and position in the
    /// topological order, at the same index (see `node.rs`).
    states: Vec<Option<TaskState>>,
    ords: Vec<i64>,
    /// Edges `(prerequisite, dependent)` whose prerequisite's side
    /// `require` has not written yet (see `pending.rs`).
    pending: Vec<(TaskId, TaskId)>,
    /// Visit marks of walks and removals, compared with `epoch`.
    stamps: Vec<u32>,
    /// The last name given to `add_task`, to share with the next task.
    last_name: Arc<str>,
    free: Vec<u32>,
    live: usize,
    next_serial: u64,
    /// New tasks take positions from `next_ord` up; tasks moved to the
    /// front take them from `front_ord` down.
    next_ord: i64,
    front_ord: i64,
    epoch: u32,
    clock: Clock,
    /// The time read for this call from the driver (NaN: not read yet),
    /// once the driver says when its calls begin (`tick`).
    now: f64,
    ticking: bool,
    /// Transitions of observed tasks, waiting for the driver.
    outbox: Vec<(TaskId, TaskTransition)>,
    /// Watched tasks whose state changed, waiting to be told to the makes.
    changed: VecDeque<TaskId>,
    /// Every task's transitions (see `history.rs`).
    log: history::Log,
    /// Retry policies by task slot (see `retry.rs`).
    retries: Vec<Option<Box<retry::Retrying>>>,
    /// Scheduling options by task slot, up to the last task given any
    /// (see `schedule.rs`).
    schedules: Vec<Schedule>,
}

impl Default for Graph {
    fn default() -> Self {
        Graph::new()
    }
}

impl Graph {
    pub fn new() -> Self {
        Graph::with_clock(system_clock)
    }

    pub fn with_clock(clock: Clock) -> Self {
        Graph {
            nodes: Vec::new(),
            cold: Vec::new(),
            states: Vec::new(),
            ords: Vec::new(),
            pending: Vec::new(),
            stamps: Vec::new(),
            last_name: Arc::from(""),
            free: Vec::new(),
            live: 0,
            next_serial: 1,
            next_ord: 0,
            front_ord: 0,
            epoch: 0,
            clock,
            now: f64::NAN,
            ticking: false,
            outbox: Vec::new(),
            changed: VecDeque::new(),
            log: history::Log::default(),
            retries: Vec::new(),
            schedules: Vec::new(),
        }
    }

    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// A call from the driver begins: transitions from here to the next
    /// `tick` share one reading of the clock, taken at the first of them.
    /// In wasm the clock is `Date.now` behind an import, which cost more
    /// than the rest of a transition; a driver's call runs no user code,
    /// so its transitions happen within the same millisecond or so.
    /// A graph never ticked reads the clock at every transition.
    pub fn tick(&mut self) {
        self.ticking = true;
        self.now = f64::NAN;
    }

    /// The time of a transition (see `tick`); also what rate limits
    /// count starts by (SPEC §12).
    pub(crate) fn now(&mut self) -> f64 {
        if !self.now.is_nan() {
            return self.now;
        }
        let now = (self.clock)();
        if self.ticking {
            self.now = now;
        }
        now
    }

    /// Number of live tasks.
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }
    /// Marks and walks use a fresh epoch each time instead of clearing.
    pub(crate) fn next_epoch(&mut self) -> u32 {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamps.fill(0);
            self.epoch = 1;
        }
        self.epoch
    }
}

/// FAILED or ABORT: a prerequisite in this state fails its dependents.
fn is_failed(state: TaskState) -> bool {
    matches!(state, TaskState::Failed | TaskState::Abort)
}

fn unknown(id: TaskId) -> TaskError {
    TaskError::new(
        TaskErrorKind::UnknownTask,
        None,
        format!("no task with id {} (it was removed)", id.0),
    )
}
