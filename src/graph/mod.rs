//! The task graph (SPEC §2): tasks as state machines in an arena, linked
//! by "requires" edges.
//!
//! Tasks are addressed by [`TaskId`], an index into the arena; the binding
//! layer keeps the JS side of each task (its function, result, callbacks)
//! beside it. Each task keeps a count of its uncompleted prerequisites, so
//! "is it blocked?" is O(1), and a position in a topological order of the
//! whole graph, so most cycle checks are O(1) too (see `order.rs`).

mod history;
mod makes;
mod node;
mod order;
mod outcome;
mod pending;

pub use history::because_code;
pub use outcome::{CancelOutcome, Outcome};

use node::{Cold, Node};

use crate::error::{TaskError, TaskErrorKind};
use crate::fsm::Transition;
use crate::make::Make;
use crate::state::{Event, TaskState};
use std::collections::VecDeque;
use std::sync::Arc;

pub use crate::id::TaskId;

/// Why the make fired an event at a pending task (SPEC §3): carried in
/// the transition's `extra`, with the prerequisites concerned. The
/// numbers are the codes JS reads (`BECAUSE` in js/runtime.mjs; 0 is
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
}

impl Default for TaskOptions {
    fn default() -> Self {
        TaskOptions {
            state: TaskState::Pending,
            cancel_on_exception: false,
            observed: false,
            async_hint: false,
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

/// All tasks, their edges, and the makes running over them.
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
    pub(crate) makes: Vec<Option<Box<Make>>>,
    pub(crate) make_serial: u32,
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
            makes: Vec::new(),
            make_serial: 0,
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

    /// The time of a transition (see `tick`).
    fn now(&mut self) -> f64 {
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
        self.settle();
        let epoch = self.next_epoch();
        let mut dying = Vec::with_capacity(ids.len());
        for &id in ids {
            if self.contains(id) && !self.marked(id, epoch) {
                self.mark(id, epoch);
                dying.push(id);
            }
        }
        let is_dying = |g: &Graph, t: TaskId| g.marked(t, epoch);
        // The neighbours that stay, each once (sorted as (i64, id): the
        // one sort the crate instantiates for ids).
        let mut staying: Vec<(i64, TaskId)> = Vec::new();
        for &id in &dying {
            if let Ok(node) = self.node(id) {
                for &n in node.required.iter().chain(node.blocking.iter()) {
                    if !is_dying(self, n) {
                        staying.push((i64::from(n.0), n));
                    }
                }
            }
        }
        staying.sort_unstable();
        staying.dedup();
        for &(_, n) in &staying {
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
        self.settle();
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

    /// (uncompleted, failed) prerequisite counts.
    pub(crate) fn prerequisite_counts(&self, id: TaskId) -> (u32, u32) {
        self.node(id).map_or((0, 0), |n| (n.uncompleted, n.failed))
    }

    pub fn contains(&self, id: TaskId) -> bool {
        self.state_of(id).is_ok()
    }

    pub fn name(&self, id: TaskId) -> Result<&str, TaskError> {
        Ok(&self.cold(id)?.name)
    }

    /// The task's display id: unique for the life of the graph, used as
    /// its DOT node id.
    pub fn serial(&self, id: TaskId) -> Result<u64, TaskError> {
        Ok(self.cold(id)?.serial)
    }

    /// The string form of a task: `Task:NAME:STATE`.
    pub fn describe(&self, id: TaskId) -> Result<String, TaskError> {
        let state = self.state_of(id)?;
        Ok(format!("Task:{}:{}", self.cold(id)?.name, state.name()))
    }

    pub fn state(&self, id: TaskId) -> Result<TaskState, TaskError> {
        self.state_of(id)
    }

    /// Prerequisites, in the order they were required.
    pub fn required(&self, id: TaskId) -> Result<&[TaskId], TaskError> {
        Ok(&self.node(id)?.required)
    }

    /// Dependents, in the order they were added. `&mut`: it writes the
    /// edges `require` has logged first (see `pending.rs`).
    pub fn blocking(&mut self, id: TaskId) -> Result<&[TaskId], TaskError> {
        self.settle();
        Ok(&self.node(id)?.blocking)
    }

    pub fn is_completed(&self, id: TaskId) -> Result<bool, TaskError> {
        Ok(self.state_of(id)?.is_completed())
    }

    /// True while any prerequisite is not completed.
    pub fn is_blocked(&self, id: TaskId) -> Result<bool, TaskError> {
        Ok(self.node(id)?.uncompleted > 0)
    }

    /// The prerequisites that are not completed, in requirement order.
    pub fn blockers(&self, id: TaskId) -> Result<Vec<TaskId>, TaskError> {
        let node = self.node(id)?;
        if node.uncompleted == 0 {
            return Ok(Vec::new());
        }
        Ok(node
            .required
            .iter()
            .copied()
            .filter(|&p| self.state_of(p).is_ok_and(|p| !p.is_completed()))
            .collect())
    }

    /// Whether the task's function is known never to finish synchronously.
    pub fn async_hint(&self, id: TaskId) -> Result<bool, TaskError> {
        Ok(self.node(id)?.async_hint)
    }

    pub fn attempt(&self, id: TaskId) -> Result<u32, TaskError> {
        Ok(self.node(id)?.attempt)
    }

    pub fn cancel_requested(&self, id: TaskId) -> Result<bool, TaskError> {
        Ok(self.node(id)?.cancel_requested)
    }

    pub fn set_observed(&mut self, id: TaskId, observed: bool) -> Result<(), TaskError> {
        self.node_mut(id)?.observed = observed;
        Ok(())
    }

    /// Takes the transitions of observed tasks made since the last call,
    /// in the order they happened, for the driver to deliver.
    pub fn take_transitions(&mut self) -> Vec<(TaskId, TaskTransition)> {
        std::mem::take(&mut self.outbox)
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
        let state = self.fire(id, event, extra)?;
        self.notify_makes();
        Ok(state)
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

    /// The one place a task changes state: checks the table, keeps the
    /// blocked counts of its dependents right, records the transition for
    /// observers and history, and queues the change for watching makes.
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
        self.states[id.index()] = Some(new);
        let node = self.node_mut(id)?;
        let (observed, watched) = (node.observed || node.reporters > 0, node.watchers > 0);
        self.record(id, old, new, event, extra, observed);
        let completed = i32::from(new.is_completed()) - i32::from(old.is_completed());
        let failed = i32::from(is_failed(new)) - i32::from(is_failed(old));
        if completed != 0 || failed != 0 {
            self.settle();
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
