//! A reference model of SPEC §§1–4 and of the core rules of §8 (attempts
//! under a retry policy, `runIf: 'settled'`), written from the spec's
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
//! Scheduling, as the model reads SPEC §12: a task's `weight` (≥ 1) is
//! the number of slots of its make's `concurrency`, and of its pool's
//! capacity, it holds from its start until it settles; a make never holds
//! more than its concurrency (0: no limit) nor, in a pool, more than the
//! pool's capacity. A task that could never fit (heavier than either, or
//! in a pool the make does not define) fails the make when it joins,
//! before the make starts anything more. Among a make's ready tasks the
//! higher `priority` goes first, equal ones in the order they became
//! ready; the make considers them in that order: the first that does not
//! fit the free slots stops it, one that does not fit its pool holds back
//! the tasks behind it in that pool only. `designate` says which task
//! that may start, knowing the readiness order only as far as a driver
//! can see it (see there).
//!
//! Critical-path order, as the model reads SPEC §12: a task's `estimate`
//! is finite and at least 0 (1 by default); in a make with
//! `order: 'critical-path'` its rank is its estimate plus the largest
//! rank among the tasks of the make that require it (the given tasks and
//! all their prerequisites, transitively), fixed when the make starts
//! (`Model::ranks`). Among ready tasks of equal priority the higher rank
//! goes first, equal ones in the order they became ready; nothing else
//! changes.
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

/// SPEC §12's task options: `weight` (at least 1), `priority` (finite),
/// `pool` (0: none; pools are numbered as the driver numbers their
/// names) and `estimate` (finite, at least 0).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sched {
    pub weight: u32,
    pub priority: f64,
    pub pool: u32,
    pub estimate: f64,
}

impl Sched {
    /// A task without options: weight 1, priority 0, no pool, estimate 1.
    pub const PLAIN: Sched = Sched {
        weight: 1,
        priority: 0.0,
        pool: 0,
        estimate: 1.0,
    };
}

impl Default for Sched {
    fn default() -> Self {
        Sched::PLAIN
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

/// Why a task can never start in a make (SPEC §12): the make fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoFit {
    /// Heavier than the make's concurrency.
    Concurrency,
    /// Heavier than its pool's capacity.
    PoolCapacity,
    /// In a pool the make does not define.
    UnknownPool,
}

/// The room a make has for one more task: its free slots (None: no
/// limit) and each of its pools' free capacity, as (pool, free).
#[derive(Clone, Debug, Default)]
pub struct Room {
    pub slots: Option<u32>,
    pub pools: Vec<(u32, u32)>,
}

impl Room {
    /// A make with this `concurrency` and these `pools` (id, capacity)
    /// whose started, unsettled tasks are `started`.
    pub fn of(m: &Model, concurrency: usize, pools: &[(u32, u32)], started: &[usize]) -> Room {
        let weight = |t: &usize| m.tasks[*t].schedule.weight;
        let held: u32 = started.iter().map(weight).sum();
        let slots = (concurrency > 0).then(|| (concurrency as u32).saturating_sub(held));
        let pools = pools
            .iter()
            .map(|&(id, capacity)| {
                let used: u32 = started
                    .iter()
                    .filter(|&&t| m.tasks[t].schedule.pool == id)
                    .map(weight)
                    .sum();
                (id, capacity.saturating_sub(used))
            })
            .collect();
        Room { slots, pools }
    }
}

/// What the rules let a make do next with its ready tasks (SPEC §12).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Designation {
    /// The tasks it may start.
    pub picks: Vec<usize>,
    /// Whether it may start none.
    pub may_wait: bool,
}

impl Model {
    /// SPEC §12: why `t` can never start in a make with this concurrency
    /// (0: no limit) and these pools (id, capacity); empty when it can.
    pub fn no_fit(&self, t: usize, concurrency: usize, pools: &[(u32, u32)]) -> Vec<NoFit> {
        let s = self.tasks[t].schedule;
        let mut out = Vec::new();
        if concurrency > 0 && s.weight as usize > concurrency {
            out.push(NoFit::Concurrency);
        }
        if s.pool != 0 {
            match pools.iter().find(|&&(id, _)| id == s.pool) {
                Some(&(_, capacity)) if s.weight > capacity => out.push(NoFit::PoolCapacity),
                Some(_) => {}
                None => out.push(NoFit::UnknownPool),
            }
        }
        out
    }

    /// The tasks a make of `given` has taken in once it has looked at
    /// everything it can reach (SPEC §3): the given tasks, and for each
    /// PENDING one whose prerequisites are to be made first, those not
    /// settled (PENDING ones to make, RUNNING or QUEUED ones to wait
    /// for), and so on.
    pub fn join_closure(&self, given: &[usize]) -> Vec<usize> {
        let mut seen = vec![false; self.tasks.len()];
        let mut stack = given.to_vec();
        let mut out = Vec::new();
        while let Some(t) = stack.pop() {
            if std::mem::replace(&mut seen[t], true) {
                continue;
            }
            out.push(t);
            if self.state(t) == "PENDING" && self.make_rule(t) == MakeRule::MakePrerequisitesFirst {
                stack.extend(
                    self.tasks[t]
                        .required
                        .iter()
                        .filter(|&&p| matches!(self.state(p), "PENDING" | "RUNNING" | "QUEUED")),
                );
            }
        }
        out
    }

    /// SPEC §12, critical-path order: the ranks of the tasks of a make of
    /// `given`, by task (0 for the tasks not of the make), as they are
    /// when it starts. A task's rank is its estimate plus the largest
    /// rank among the tasks of the make that require it: relaxed from 0
    /// until nothing changes (the graph is a DAG, so this ends, after at
    /// most one round more than its longest path has tasks).
    pub fn ranks(&self, given: &[usize]) -> Vec<f64> {
        let of_make = self.closure(given);
        let mut ranks = vec![0.0; self.tasks.len()];
        loop {
            let mut changed = false;
            for t in (0..self.tasks.len()).filter(|&t| of_make[t]) {
                let above = (0..self.tasks.len())
                    .filter(|&d| of_make[d] && self.tasks[d].required.contains(&t))
                    .map(|d| ranks[d])
                    .fold(0.0, f64::max);
                let rank = self.tasks[t].schedule.estimate + above;
                if rank != ranks[t] {
                    ranks[t] = rank;
                    changed = true;
                }
            }
            if !changed {
                return ranks;
            }
        }
    }

    /// SPEC §12, rules 4 and 5: what a make may do with its ready tasks,
    /// given as (task, when it became ready) — the driver sees readiness
    /// only between steps, so tasks with the same `when` became ready in
    /// an order it does not know (the seed's), and every order of them is
    /// allowed. The make considers its ready tasks by priority, higher
    /// first, then, with critical-path order (`ranks`, see
    /// `Model::ranks`), by rank, higher first, then by readiness; one
    /// that does not fit its pool's free capacity holds back itself and
    /// the tasks behind it in that pool, whatever its weight; of the
    /// others, the first that does not fit the free slots ends the
    /// consideration; the first one neither stopped nor held back starts.
    pub fn designate(
        &self,
        ready: &[(usize, u32)],
        room: &Room,
        ranks: Option<&[f64]>,
    ) -> Designation {
        let s = |t: usize| self.tasks[t].schedule;
        let rank = |t: usize| ranks.map_or(0.0, |r| r[t]);
        let mut order = ready.to_vec();
        order.sort_by(|a, b| {
            let (pa, pb) = (s(a.0).priority, s(b.0).priority);
            let (ra, rb) = (rank(a.0), rank(b.0));
            pb.partial_cmp(&pa)
                .expect("finite priorities")
                .then(rb.partial_cmp(&ra).expect("finite ranks"))
                .then(a.1.cmp(&b.1))
        });
        let fits_slots = |t: usize| room.slots.map_or(true, |free| s(t).weight <= free);
        let fits_pool = |t: usize| {
            let pool = s(t).pool;
            pool == 0
                || room
                    .pools
                    .iter()
                    .any(|&(id, free)| id == pool && s(t).weight <= free)
        };
        let mut barred: Vec<u32> = Vec::new();
        let mut out = Designation::default();
        let tied = |a: &(usize, u32), b: &(usize, u32)| {
            a.1 == b.1 && s(a.0).priority == s(b.0).priority && rank(a.0) == rank(b.0)
        };
        for group in order.chunk_by(tied) {
            let group: Vec<usize> = group.iter().map(|&(t, _)| t).collect();
            let held = |t: usize| s(t).pool != 0 && (barred.contains(&s(t).pool) || !fits_pool(t));
            // Any of the group may come first among them.
            for &t in &group {
                if fits_slots(t) && !held(t) {
                    out.picks.push(t);
                }
            }
            // One not held back by its pool that does not fit the free
            // slots stops the scan (a task held by its pool is passed
            // whatever its weight: only its pool waits for it).
            if group.iter().any(|&t| !held(t) && !fits_slots(t)) {
                out.may_wait = true;
            }
            // Can each of them be held back, in some order? (Held back on
            // its own, or behind one of its pool that does not fit it.)
            let passed = group.iter().all(|&t| {
                held(t)
                    || group
                        .iter()
                        .any(|&u| u != t && s(u).pool != 0 && s(u).pool == s(t).pool && held(u))
            });
            if !passed {
                return out;
            }
            barred.extend(group.iter().map(|&t| s(t).pool).filter(|&p| p != 0));
        }
        out.may_wait = true;
        out
    }
}
