//! A reference model of SPEC §§1–4, of the core rules of §8 (attempts
//! under a retry policy, `runIf: 'settled'`) and of §12's scheduling
//! (`schedule.rs`: weights, pools, priorities, critical-path order),
//! written from the spec's
//! text and not from the core's code: states and events are plain
//! strings, the table is copied from SPEC §1, and every rule is one small
//! function that says what the spec says. The property tests
//! (`model_props.rs`) drive the core and this model side by side and
//! compare them after every step.
//!
//! Attempts, as the model reads SPEC §8: a run starts with `dispatch`;
//! while it is RUNNING, a failed attempt is followed by another after a
//! wait, and the run ends with the outcome of its last attempt. Whatever
//! takes the task out of RUNNING (an outcome, `cancel()` during the wait,
//! an event fired by hand) ends the run: the wait that was under way
//! starts nothing, and late outcomes of its attempts change nothing.
//!
//! Graphs here are small (a dozen tasks), so walks favour clarity; they
//! are still iterative.
#![allow(dead_code)]

pub mod harness;
mod schedule;

pub use schedule::{NoFit, Room, Sched};

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

/// SPEC §8's `retry` option: `attempts` in all (at least 1); after
/// attempt k fails, the next follows after
/// `min(delay·factor^(k−1), maxDelay)` ms, of which the fraction `jitter`
/// is drawn at random.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Policy {
    pub attempts: u32,
    pub delay: f64,
    pub factor: f64,
    pub max_delay: f64,
    pub jitter: f64,
}

impl Policy {
    /// The wait after attempt `k` of a run failed, `random` in 0..1
    /// drawing the jitter: `min(delay·factor^(k−1), maxDelay)·(1 −
    /// jitter·random)`, as SPEC §8 writes it.
    pub fn wait_after(&self, k: u32, random: f64) -> f64 {
        let exponent = f64::from(k) - 1.0;
        let base = (self.delay * self.factor.powf(exponent)).min(self.max_delay);
        base * (1.0 - self.jitter * random)
    }
}

/// What a task is made with, beyond its state.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Traits {
    pub cancel_on_exception: bool,
    pub retry: Option<Policy>,
    /// `runIf: 'settled'` (SPEC §8).
    pub run_if_settled: bool,
    /// SPEC §12's options, when the task was given any.
    pub schedule: Option<Sched>,
}

#[derive(Clone, Debug)]
pub struct ModelTask {
    pub state: &'static str,
    /// Prerequisites, in the order required.
    pub required: Vec<usize>,
    pub cancel_on_exception: bool,
    pub retry: Option<Policy>,
    pub run_if_settled: bool,
    /// The number of the current attempt, counted over the task's life:
    /// each run (`dispatch`) and each further attempt of a run takes the
    /// next number (0: never run).
    pub attempt: u32,
    /// Attempts started in the current (or last) run.
    pub tries: u32,
    /// RUNNING between a failed attempt and the next (SPEC §8).
    pub waiting: bool,
    /// `cancel()` reached it while RUNNING.
    pub cancel_requested: bool,
    /// SPEC §12 (a plain task's when it was given none).
    pub schedule: Sched,
}

/// What the end of an attempt does (SPEC §2's outcomes, §8's attempts).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AttemptEnd {
    /// The attempt no longer decides anything.
    Stale,
    /// The run ends: this event is fired.
    Fires(&'static str),
    /// The task stays RUNNING; the next attempt follows after this wait.
    Retry(f64),
}

/// What `cancel()` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cancel {
    /// RUNNING: cancellation is requested, the function decides when.
    Requested,
    /// `cancel` is fired now (SPEC §8: also for a task waiting to retry).
    Fires,
    /// The table has no `cancel` in this state.
    Refused,
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
    pub fn add(&mut self, state: &'static str, traits: Traits) -> usize {
        self.tasks.push(ModelTask {
            state,
            required: Vec::new(),
            cancel_on_exception: traits.cancel_on_exception,
            retry: traits.retry,
            run_if_settled: traits.run_if_settled,
            attempt: 0,
            tries: 0,
            waiting: false,
            cancel_requested: false,
            schedule: traits.schedule.unwrap_or_default(),
        });
        self.tasks.len() - 1
    }

    /// The task moves to `state`. Leaving RUNNING ends the run: a task
    /// that was waiting to retry waits no more.
    pub fn set_state(&mut self, t: usize, state: &'static str) {
        let task = &mut self.tasks[t];
        task.state = state;
        if state != "RUNNING" {
            task.waiting = false;
        }
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
        self.set_state(t, to);
        Some(to)
    }

    /// The prerequisites that keep `dispatch()` from running the task:
    /// those not completed, but with `runIf: 'settled'` a cancelled one
    /// is settled enough (SPEC §8: "completed or cancelled").
    pub fn dispatch_blockers(&self, t: usize) -> Vec<usize> {
        let if_settled = self.tasks[t].run_if_settled;
        self.blockers(t)
            .into_iter()
            .filter(|&p| !(if_settled && self.state(p) == "CANCELLED"))
            .collect()
    }

    /// `dispatch()`: refused while blocked, else fires `dispatch` and
    /// starts a new run. Returns the refusals that apply (any may be
    /// reported).
    pub fn dispatch_refusals(&self, t: usize) -> Vec<NoDispatch> {
        let mut out = Vec::new();
        if !self.dispatch_blockers(t).is_empty() {
            out.push(NoDispatch::Blocked);
        }
        if next(self.state(t), "dispatch").is_none() {
            out.push(NoDispatch::InvalidEvent);
        }
        out
    }

    /// A run starts: `dispatch` has moved the task to RUNNING. Its first
    /// attempt; returns the attempt's number.
    pub fn start_run(&mut self, t: usize) -> u32 {
        let task = &mut self.tasks[t];
        task.attempt += 1;
        task.tries = 1;
        task.waiting = false;
        task.cancel_requested = false;
        task.attempt
    }

    /// Whether attempt `attempt` is the one the task's outcome hangs on:
    /// the task is RUNNING on it, not waiting after it failed.
    fn is_current(&self, t: usize, attempt: u32) -> bool {
        let task = &self.tasks[t];
        task.state == "RUNNING" && task.attempt == attempt && !task.waiting
    }

    /// Whether a failure of the current attempt could be followed by
    /// another (retryOn aside): the policy has attempts left.
    pub fn attempts_left(&self, t: usize) -> bool {
        let task = &self.tasks[t];
        task.retry.is_some_and(|p| task.tries < p.attempts)
    }

    /// The event that the end of attempt `attempt` fires, as SPEC §2's
    /// outcomes say, or None when that attempt no longer decides
    /// anything (the task left RUNNING, a later attempt started, or the
    /// task waits after it failed: a late outcome is ignored).
    pub fn ending_event(&self, t: usize, attempt: u32, ending: Ending) -> Option<&'static str> {
        let task = &self.tasks[t];
        if !self.is_current(t, attempt) {
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

    /// SPEC §8: the end of attempt `attempt`. A failed attempt (thrown,
    /// not a cancellation, no cancel requested) is followed by another
    /// while the policy has attempts left and `retryOn` (`retryable`)
    /// says yes; `cancelOnException` applies to the final outcome only.
    pub fn attempt_end(
        &self,
        t: usize,
        attempt: u32,
        ending: Ending,
        retryable: bool,
        random: f64,
    ) -> AttemptEnd {
        let task = &self.tasks[t];
        let failed = ending == Ending::Threw && !task.cancel_requested;
        match task.retry {
            Some(p)
                if failed && retryable && self.attempts_left(t) && self.is_current(t, attempt) =>
            {
                AttemptEnd::Retry(p.wait_after(task.tries, random))
            }
            _ => match self.ending_event(t, attempt, ending) {
                Some(event) => AttemptEnd::Fires(event),
                None => AttemptEnd::Stale,
            },
        }
    }

    /// Attempt `attempt` failed and the task waits (`Retry`).
    pub fn wait_to_retry(&mut self, t: usize) {
        self.tasks[t].waiting = true;
    }

    /// The wait after attempt `attempt` ends: the next attempt starts if
    /// the task still waits after that one (not cancelled, fired at, or
    /// run again meanwhile). Returns the new attempt's number.
    pub fn next_attempt(&mut self, t: usize, attempt: u32) -> Option<u32> {
        let task = &mut self.tasks[t];
        if task.state != "RUNNING" || task.attempt != attempt || !task.waiting {
            return None;
        }
        task.waiting = false;
        task.tries += 1;
        task.attempt += 1;
        Some(task.attempt)
    }

    /// What `cancel()` does now (SPEC §2, and §8 for a task waiting to
    /// retry: CANCELLED at once).
    pub fn cancel_kind(&self, t: usize) -> Cancel {
        let task = &self.tasks[t];
        match task.state {
            "RUNNING" if task.waiting => Cancel::Fires,
            "RUNNING" => Cancel::Requested,
            s if next(s, "cancel").is_some() => Cancel::Fires,
            _ => Cancel::Refused,
        }
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
        if self.tasks[t].run_if_settled {
            // SPEC §8, `runIf: 'settled'`: it runs once every prerequisite
            // is completed or cancelled, whatever the outcome; unsettled
            // ones are made first; one that cannot settle (PREPARE) is
            // still "not done".
            if !with(&|s| matches!(s, "PENDING" | "RUNNING" | "QUEUED")).is_empty() {
                return MakeRule::MakePrerequisitesFirst;
            }
            let unsettled = with(&|s| !settled(s));
            if !unsettled.is_empty() {
                return MakeRule::Fail("some prerequisites are not done", unsettled);
            }
            return MakeRule::Dispatch;
        }
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
