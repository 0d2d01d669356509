//! A reference model of SPEC §§1–4, written from the spec's text and not
//! from the core's code: states and events are plain strings, the table is
//! copied from SPEC §1, and every rule is one small function that says
//! what the spec says. The property tests (`model_props.rs`) drive the core
//! and this model side by side and compare them after every step.
//!
//! Graphs here are small (a dozen tasks), so walks favour clarity; they
//! are still iterative.
#![allow(dead_code)]

pub mod harness;

/// SPEC §1, row by row: `state --event--> new state`.
pub const TABLE: &[(&str, &str, &str)] = &[
    ("PREPARE", "prepared", "PENDING"),
    ("PENDING", "dispatch", "RUNNING"),
    ("PENDING", "queue", "QUEUED"),
    ("PENDING", "cancel", "CANCELLED"),
    ("PENDING", "error", "FAILED"),
    ("PENDING", "abort", "ABORT"),
    ("QUEUED", "cancel", "CANCELLED"),
    ("QUEUED", "dispatch", "RUNNING"),
    ("RUNNING", "done", "DONE"),
    ("RUNNING", "except", "FAILED"),
    ("RUNNING", "cancel", "CANCELLED"),
    ("CANCELLED", "retry", "PENDING"),
    ("CANCELLED", "abort", "ABORT"),
    ("FAILED", "retry", "PENDING"),
    ("FAILED", "abort", "ABORT"),
];

pub const STATES: [&str; 8] = [
    "PREPARE",
    "PENDING",
    "QUEUED",
    "RUNNING",
    "DONE",
    "FAILED",
    "CANCELLED",
    "ABORT",
];

/// Every event of the table, and one the table does not know.
pub const EVENTS: [&str; 10] = [
    "prepared", "dispatch", "queue", "cancel", "error", "abort", "done", "except", "retry",
    "explode",
];

/// Where `event` leads from `state`, if the table has that row.
pub fn next(state: &str, event: &str) -> Option<&'static str> {
    TABLE
        .iter()
        .find(|(s, e, _)| *s == state && *e == event)
        .map(|(_, _, to)| *to)
}

/// The events the table allows in `state`, in table order.
pub fn events(state: &str) -> Vec<&'static str> {
    TABLE
        .iter()
        .filter(|(s, _, _)| *s == state)
        .map(|(_, e, _)| *e)
        .collect()
}

/// "Completed means DONE, FAILED or ABORT."
pub fn completed(state: &str) -> bool {
    matches!(state, "DONE" | "FAILED" | "ABORT")
}

/// What make yields on and waits for: completed, or cancelled.
pub fn settled(state: &str) -> bool {
    completed(state) || state == "CANCELLED"
}

/// How a function ended (SPEC §2, "Outcome of running the function").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    Returned,
    /// Returned a value for which `cancelOnResult` says true.
    ReturnedCancel,
    Threw,
    /// Threw a cancellation error.
    ThrewCancellation,
}

pub const ENDINGS: [Ending; 4] = [
    Ending::Returned,
    Ending::ReturnedCancel,
    Ending::Threw,
    Ending::ThrewCancellation,
];

#[derive(Clone, Debug)]
pub struct ModelTask {
    pub state: &'static str,
    /// Prerequisites, in the order required.
    pub required: Vec<usize>,
    pub cancel_on_exception: bool,
    /// The current run of the function (0: never run).
    pub attempt: u32,
    /// `cancel()` reached it while RUNNING.
    pub cancel_requested: bool,
}

/// Why `require` refuses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Only PREPARE and PENDING tasks take new requirements.
    State,
    /// Requiring itself, or closing a cycle.
    Cycle,
}

/// Why `dispatch` refuses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoDispatch {
    Blocked,
    InvalidEvent,
}

#[derive(Clone, Debug, Default)]
pub struct Model {
    pub tasks: Vec<ModelTask>,
}

impl Model {
    pub fn add(&mut self, state: &'static str, cancel_on_exception: bool) -> usize {
        self.tasks.push(ModelTask {
            state,
            required: Vec::new(),
            cancel_on_exception,
            attempt: 0,
            cancel_requested: false,
        });
        self.tasks.len() - 1
    }

    pub fn state(&self, t: usize) -> &'static str {
        self.tasks[t].state
    }

    /// Whether `from` requires `to`, directly or through other tasks.
    pub fn reaches(&self, from: usize, to: usize) -> bool {
        let mut seen = vec![false; self.tasks.len()];
        let mut stack = vec![from];
        while let Some(t) = stack.pop() {
            if t == to {
                return true;
            }
            if !std::mem::replace(&mut seen[t], true) {
                stack.extend(&self.tasks[t].required);
            }
        }
        false
    }

    /// Every refusal that applies to `a.require(b)` (the spec does not say
    /// which wins when several do); empty when it must succeed.
    pub fn refusals(&self, a: usize, b: usize) -> Vec<Refusal> {
        let mut out = Vec::new();
        if !matches!(self.state(a), "PREPARE" | "PENDING") {
            out.push(Refusal::State);
        }
        if a == b || self.reaches(b, a) {
            out.push(Refusal::Cycle);
        }
        out
    }

    /// Adds the requirement (the caller has checked `refusals`); false when
    /// it was there already.
    pub fn require(&mut self, a: usize, b: usize) -> bool {
        if self.tasks[a].required.contains(&b) {
            return false;
        }
        self.tasks[a].required.push(b);
        true
    }

    /// Whether `cycle` (as an error reports it) is a cycle that
    /// `a.require(b)` closes: `a -> b -> ... -> a`, each step an existing
    /// requirement but the first.
    pub fn is_cycle_of(&self, a: usize, b: usize, cycle: &[usize]) -> bool {
        if a == b {
            return cycle == [a, a];
        }
        cycle.len() >= 3
            && cycle[0] == a
            && cycle[1] == b
            && cycle[cycle.len() - 1] == a
            && cycle[1..]
                .windows(2)
                .all(|w| self.tasks[w[0]].required.contains(&w[1]))
    }

    /// Prerequisites not completed, in requirement order.
    pub fn blockers(&self, t: usize) -> Vec<usize> {
        self.tasks[t]
            .required
            .iter()
            .copied()
            .filter(|&p| !completed(self.state(p)))
            .collect()
    }

    /// Fires `event`; None (and no change) when the table forbids it.
    pub fn fire(&mut self, t: usize, event: &str) -> Option<&'static str> {
        let to = next(self.state(t), event)?;
        self.tasks[t].state = to;
        Some(to)
    }

    /// `dispatch()`: refused while blocked, else fires `dispatch` and
    /// starts a new run. Returns the refusals that apply (any may be
    /// reported), or the run's number.
    pub fn dispatch_refusals(&self, t: usize) -> Vec<NoDispatch> {
        let mut out = Vec::new();
        if !self.blockers(t).is_empty() {
            out.push(NoDispatch::Blocked);
        }
        if next(self.state(t), "dispatch").is_none() {
            out.push(NoDispatch::InvalidEvent);
        }
        out
    }

    /// A run starts: `dispatch` has moved the task to RUNNING.
    pub fn start_run(&mut self, t: usize) -> u32 {
        let task = &mut self.tasks[t];
        task.attempt += 1;
        task.cancel_requested = false;
        task.attempt
    }

    /// The event that the end of run `attempt` fires, or None when that
    /// run no longer decides anything (the task left RUNNING, or a later
    /// run started).
    pub fn ending_event(&self, t: usize, attempt: u32, ending: Ending) -> Option<&'static str> {
        let task = &self.tasks[t];
        if task.state != "RUNNING" || task.attempt != attempt {
            return None;
        }
        let cancel = task.cancel_requested
            || match ending {
                Ending::Returned => false,
                Ending::ReturnedCancel | Ending::ThrewCancellation => true,
                Ending::Threw => task.cancel_on_exception,
            };
        Some(match ending {
            _ if cancel => "cancel",
            Ending::Returned | Ending::ReturnedCancel => "done",
            Ending::Threw | Ending::ThrewCancellation => "except",
        })
    }

    /// Tasks a make of `given` may touch: the given tasks and everything
    /// they require, directly or not.
    pub fn closure(&self, given: &[usize]) -> Vec<bool> {
        let mut seen = vec![false; self.tasks.len()];
        let mut stack = given.to_vec();
        while let Some(t) = stack.pop() {
            if !std::mem::replace(&mut seen[t], true) {
                stack.extend(&self.tasks[t].required);
            }
        }
        seen
    }

    /// Which of the make rules of SPEC §3 a PENDING task's prerequisites
    /// allow the make to apply now, as (event, because, the prerequisites
    /// concerned): the first rule whose condition holds decides.
    pub fn make_rule(&self, t: usize) -> MakeRule {
        let req = &self.tasks[t].required;
        let with = |f: &dyn Fn(&str) -> bool| -> Vec<usize> {
            req.iter().copied().filter(|&p| f(self.state(p))).collect()
        };
        let failed = with(&|s| matches!(s, "FAILED" | "ABORT"));
        if !failed.is_empty() {
            return MakeRule::Fail("failed prerequisites", failed);
        }
        let cancelled = with(&|s| s == "CANCELLED");
        if !cancelled.is_empty() {
            return MakeRule::Cancel(cancelled);
        }
        // PENDING prerequisites are made first; ones RUNNING or QUEUED
        // elsewhere are waited for (README: "Prerequisites already running").
        if !with(&|s| matches!(s, "PENDING" | "RUNNING" | "QUEUED")).is_empty() {
            return MakeRule::MakePrerequisitesFirst;
        }
        let not_done = with(&|s| s != "DONE");
        if !not_done.is_empty() {
            return MakeRule::Fail("some prerequisites are not done", not_done);
        }
        MakeRule::Dispatch
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MakeRule {
    /// Fire `error` with this `because` and these prerequisites.
    Fail(&'static str, Vec<usize>),
    /// Fire `cancel` because of these cancelled prerequisites.
    Cancel(Vec<usize>),
    MakePrerequisitesFirst,
    /// Dispatch (or queue) the task.
    Dispatch,
}

/// SPEC §4: a `TaskQueue`, as far as the spec fixes it: which tasks are
/// in it, and which kind of task `get` must take.
#[derive(Clone, Debug, Default)]
pub struct ModelQueue {
    pub members: Vec<usize>,
    pub run_dependent_tasks: bool,
}

/// What `get` may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Take {
    Completed,
    UnblockedPending,
    Nothing,
}

impl ModelQueue {
    /// "`get()` takes a completed task if any, else an unblocked pending
    /// one, else returns nothing."
    pub fn take(&self, m: &Model) -> Take {
        if self.members.iter().any(|&t| completed(m.state(t))) {
            Take::Completed
        } else if self
            .members
            .iter()
            .any(|&t| m.state(t) == "PENDING" && m.blockers(t).is_empty())
        {
            Take::UnblockedPending
        } else {
            Take::Nothing
        }
    }

    pub fn add(&mut self, t: usize) {
        if !self.members.contains(&t) {
            self.members.push(t);
        }
    }

    /// After `t` ran: "with `runDependentTasks` the tasks it blocks join
    /// the queue".
    pub fn after_run(&mut self, m: &Model, t: usize) {
        if self.run_dependent_tasks {
            for d in 0..m.tasks.len() {
                if m.tasks[d].required.contains(&t) {
                    self.add(d);
                }
            }
        }
    }
}
