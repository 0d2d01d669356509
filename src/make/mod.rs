//! The make engine (SPEC §3): completes the given tasks, prerequisites
//! first, and says which given tasks to yield as they complete.
//!
//! It does no I/O. The driver (the JS binding, or [`crate::sync_driver`]
//! in plain Rust) asks for the next [`Step`] and carries it out: run a
//! function, hand a task to a queue, yield a task, or wait. Outcomes go
//! to the scheduler (`Scheduler::finish`), which tells every make
//! watching the task; so outcomes may arrive in any order, several may be
//! in flight, and a task can be shared with another make or changed by
//! hand meanwhile.
//!
//! Cost: each task is evaluated a bounded number of times per make and each
//! evaluation scans its prerequisites once, so a make is O(tasks + edges);
//! the work list is an explicit stack, so a chain of a million is fine.

use crate::error::{TaskError, TaskErrorKind};
use crate::graph::{Because, Extra, Graph, TaskId};
use crate::idmap::IdMap;
use crate::task_state::{Event, TaskState};
use std::collections::VecDeque;

mod entry;
mod sched;

use sched::{Picked, Sched};
pub use sched::{Pool, Rate, Scheduling};

use crate::slot::{Entry, Mark, NONE};
use entry::Waiter;

/// Options of a make.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MakeOptions {
    /// Stop as soon as any task this make takes from its work list (a
    /// given task, or a prerequisite it makes or waits for) ends in a
    /// state other than DONE, as the Python original does: that task is
    /// still yielded if given (after the given tasks that settled before
    /// it), its dependents are left as they are, tasks already running
    /// finish, and nothing new starts.
    pub fail_fast: bool,
    /// Hand ready tasks to the driver's queue (`queue` → QUEUED) instead of
    /// running them (`dispatch` → RUNNING).
    pub queue: bool,
    /// At most this many tasks started by this make at once; 0: no limit.
    pub concurrency: usize,
}

/// Names an active make in its graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MakeId {
    pub(crate) slot: u32,
    pub(crate) serial: u32,
}

/// What the driver should do next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Run the task's function: `dispatch` has been fired (it is RUNNING).
    /// Report the outcome with `Scheduler::finish(task, attempt, ..)`.
    Run { task: TaskId, attempt: u32 },
    /// Hand the task to the queue: `queue` has been fired (it is QUEUED).
    /// When the queue gets to it, `Scheduler::dispatch` it and run it.
    Enqueue(TaskId),
    /// A given task completed or was cancelled: hand it to the caller.
    Yield(TaskId),
    /// `task` joined the make as prerequisite number `index` (in
    /// requirement order) of `via`, a task already in it. Drivers that
    /// keep their own objects per task use this to find them.
    Discover {
        task: TaskId,
        via: TaskId,
        index: u32,
    },
    /// Nothing to do until a running or queued task ends.
    Wait,
    /// Every given task has been yielded, or the make was stopped.
    Finished,
    /// The make cannot go on (a given task is PREPARE).
    Failed(TaskError),
}

/// What the rules of SPEC §3 say of a PENDING task, given its
/// prerequisites' states (the first rule that applies wins).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Fail,
    Cancel,
    Wait,
    NotDone,
    Ready,
}

/// Which verdict a prerequisite in `state` argues for.
fn verdict_of(state: Result<TaskState, TaskError>) -> Verdict {
    match state {
        Ok(TaskState::Failed | TaskState::Abort) => Verdict::Fail,
        Ok(TaskState::Cancelled) => Verdict::Cancel,
        Ok(TaskState::Pending | TaskState::Running | TaskState::Queued) => Verdict::Wait,
        Ok(TaskState::Done) => Verdict::Ready,
        Ok(TaskState::Prepare) | Err(_) => Verdict::NotDone,
    }
}

/// One make in progress. Lives in a scheduler (`Scheduler::make_start`).
#[derive(Debug)]
pub struct Make {
    serial: u32,
    options: MakeOptions,
    /// Entries of the tasks whose slot another make holds, and where
    /// each is in `others` (always in range: both only grow, together).
    /// `usize`: the SVG code already instantiates that map type, so wasm
    /// carries one copy of the map's code less.
    index: IdMap<usize>,
    others: Vec<Entry>,
    /// Every task this make has an entry for, in order of first sight.
    tasks: Vec<TaskId>,
    /// Given tasks not yet yielded.
    remaining: usize,
    work: Vec<TaskId>,
    ready: VecDeque<TaskId>,
    yields: VecDeque<TaskId>,
    discovered: VecDeque<(TaskId, TaskId, u32)>,
    waits: Vec<Waiter>,
    /// Counts `wait_for` calls, to order the tasks released together.
    wait_count: u32,
    /// Reused for the tasks a settling task releases.
    released: Vec<(i64, TaskId)>,
    /// Reused for the unsettled prerequisites of the task evaluated.
    unsettled: Vec<(u32, TaskId)>,
    in_flight: usize,
    /// Reports the transitions of its tasks (see `Scheduler::make_report`).
    reporting: bool,
    /// failFast: a task of this make ended other than DONE. The yields
    /// already due are handed out, then the make finishes.
    failing: bool,
    stopped: bool,
    error: Option<TaskError>,
    /// Scheduling options in play (see `sched.rs`); `in_flight` then
    /// counts weights, and ready tasks wait there instead of in `ready`.
    sched: Option<Box<Sched>>,
}

impl Make {
    pub(crate) fn new(
        g: &mut Graph,
        tasks: &[TaskId],
        options: MakeOptions,
        serial: u32,
        scheduling: &Scheduling,
    ) -> Make {
        let sched = Sched::new(g, tasks, scheduling);
        let mut make = Make {
            serial,
            options,
            index: IdMap::default(),
            others: Vec::new(),
            tasks: Vec::new(),
            remaining: 0,
            work: Vec::new(),
            ready: VecDeque::new(),
            yields: VecDeque::new(),
            discovered: VecDeque::new(),
            waits: Vec::new(),
            wait_count: 0,
            released: Vec::new(),
            unsettled: Vec::new(),
            in_flight: 0,
            reporting: false,
            failing: false,
            stopped: false,
            error: None,
            sched,
        };
        for &t in tasks {
            make.join(g, t);
            let newly_given = match make.entry_mut(g, t) {
                Some(e) if !e.given => {
                    e.given = true;
                    true
                }
                _ => false,
            };
            make.remaining += usize::from(newly_given);
        }
        // Evaluate the given tasks in the order given.
        make.work = make.tasks.iter().rev().copied().collect();
        make
    }

    pub(crate) fn serial(&self) -> u32 {
        self.serial
    }

    fn can_start(&self) -> bool {
        self.options.concurrency == 0 || self.in_flight < self.options.concurrency
    }

    pub(crate) fn next(&mut self, g: &mut Graph) -> Step {
        loop {
            if let Some(error) = self.error.take() {
                self.stopped = true;
                return Step::Failed(error);
            }
            if self.stopped {
                return Step::Finished;
            }
            if let Some((task, via, index)) = self.discovered.pop_front() {
                return Step::Discover { task, via, index };
            }
            if let Some(t) = self.yields.pop_front() {
                self.remaining -= 1;
                return Step::Yield(t);
            }
            if self.remaining == 0 || self.failing {
                self.stopped = true;
                return Step::Finished;
            }
            if let Some(t) = self.work.pop() {
                if let Some(step) = self.evaluate(g, t) {
                    return step;
                }
                continue;
            }
            if self.sched.is_some() {
                match self.pick(g) {
                    Picked::Start(t) => return self.start(g, t),
                    Picked::Again => continue,
                    Picked::Nothing => return Step::Wait,
                }
            }
            if self.can_start() {
                if let Some(t) = self.ready.pop_front() {
                    if self.mark(g, t) != Some(Mark::Ready) {
                        continue;
                    }
                    // Things may have changed since it was found ready.
                    if g.state(t).ok() == Some(TaskState::Pending)
                        && self.rules(g, t) == Verdict::Ready
                    {
                        return self.start(g, t);
                    }
                    self.push_work(g, t);
                    continue;
                }
            }
            return Step::Wait;
        }
    }

    fn push_work(&mut self, g: &mut Graph, t: TaskId) {
        self.set_mark(g, t, Mark::Seen);
        self.work.push(t);
    }

    /// Applies the rules to a task taken from the work stack.
    fn evaluate(&mut self, g: &mut Graph, t: TaskId) -> Option<Step> {
        if self.mark(g, t) != Some(Mark::Seen) {
            return None;
        }
        let Ok(state) = g.state(t) else {
            self.set_mark(g, t, Mark::Settled);
            return None;
        };
        match state {
            TaskState::Prepare => {
                if self.entry(g, t).is_some_and(|e| e.given) {
                    let name = g.name(t).unwrap_or("?");
                    self.error = Some(TaskError::new(
                        TaskErrorKind::MakePrepare,
                        Some(t),
                        format!("cannot make a PREPARE task: '{name}'"),
                    ));
                }
                self.set_mark(g, t, Mark::Settled);
                None
            }
            TaskState::Running | TaskState::Queued => {
                self.set_mark(g, t, Mark::Watching);
                None
            }
            TaskState::Pending => self.evaluate_pending(g, t),
            TaskState::Done | TaskState::Failed | TaskState::Abort | TaskState::Cancelled => {
                self.settle(g, t);
                None
            }
        }
    }

    /// The rules, in order: any prerequisite failed or aborted; else any
    /// cancelled; else any unsettled (make it first); else any not done;
    /// else ready. One pass, no allocation. With `runIf: 'settled'`
    /// (SPEC §8) failed and cancelled prerequisites count as ready.
    fn rules(&self, g: &Graph, t: TaskId) -> Verdict {
        // The graph counts failed and uncompleted prerequisites: a failed
        // one decides at once, and none uncompleted means all are DONE.
        let (uncompleted, failed, if_settled) = g.prerequisite_counts(t);
        if failed > 0 && !if_settled {
            return Verdict::Fail;
        }
        if uncompleted == 0 {
            return Verdict::Ready;
        }
        let mut seen = [false; 5];
        for &p in g.required(t).unwrap_or(&[]) {
            seen[verdict_of(g.state(p)) as usize] = true;
        }
        if if_settled {
            seen[Verdict::Fail as usize] = false;
            seen[Verdict::Cancel as usize] = false;
        }
        [
            Verdict::Fail,
            Verdict::Cancel,
            Verdict::Wait,
            Verdict::NotDone,
        ]
        .into_iter()
        .find(|&v| seen[v as usize])
        .unwrap_or(Verdict::Ready)
    }

    /// Adds the prerequisites of `t` that argue for `verdict` to `out`,
    /// with their index in requirement order.
    fn prerequisites(g: &Graph, t: TaskId, verdict: Verdict, out: &mut Vec<(u32, TaskId)>) {
        let required = g.required(t).unwrap_or(&[]);
        for (i, &p) in required.iter().enumerate() {
            if verdict_of(g.state(p)) == verdict {
                out.push((i as u32, p));
            }
        }
    }

    fn evaluate_pending(&mut self, g: &mut Graph, t: TaskId) -> Option<Step> {
        let verdict = self.rules(g, t);
        let because = match verdict {
            Verdict::Fail => Because::FailedPrerequisites,
            Verdict::Cancel => Because::CancelledPrerequisites,
            Verdict::NotDone => Because::PrerequisitesNotDone,
            Verdict::Wait => {
                let mut unsettled = std::mem::take(&mut self.unsettled);
                unsettled.clear();
                Self::prerequisites(g, t, Verdict::Wait, &mut unsettled);
                self.wait_for(g, t, &unsettled);
                self.unsettled = unsettled;
                return None;
            }
            Verdict::Ready => {
                if self.sched.is_some() {
                    self.make_ready(g, t);
                    return None;
                }
                if self.ready.is_empty() && self.can_start() {
                    return Some(self.start(g, t));
                }
                self.set_mark(g, t, Mark::Ready);
                self.ready.push_back(t);
                return None;
            }
        };
        let mut found = Vec::new();
        Self::prerequisites(g, t, verdict, &mut found);
        let tasks = found.into_iter().map(|(_, p)| p).collect();
        let event = if verdict == Verdict::Cancel {
            Event::Cancel
        } else {
            Event::Error
        };
        // A PENDING task allows both `error` and `cancel`.
        if g.fire(t, event, Extra::because(because, tasks)).is_ok() {
            self.settle(g, t);
        }
        None
    }

    /// Makes the unsettled prerequisites first (first required, first
    /// evaluated), and has `t` wait for all of them.
    fn wait_for(&mut self, g: &mut Graph, t: TaskId, prerequisites: &[(u32, TaskId)]) {
        self.join(g, t);
        for &(index, p) in prerequisites.iter().rev() {
            if self.sched.is_some() {
                self.rank_prerequisite(g, t, p);
            }
            if self.join(g, p) {
                self.discovered.push_back((p, t, index));
            }
            let Some(e) = self.entry_mut(g, p) else {
                continue;
            };
            e.awaited = true;
            let mark = e.mark;
            self.hold(g, t, p);
            // New, or settled earlier and since retried: (re)make it.
            if mark == Mark::Settled {
                self.push_work(g, p);
            } else if mark == Mark::Seen {
                // New to this make. A task pushed twice is evaluated once:
                // the second pop finds its mark changed and skips it.
                self.work.push(p);
            }
        }
        self.wait_count = self.wait_count.wrapping_add(1);
        let since = self.wait_count;
        if let Some(e) = self.entry_mut(g, t) {
            e.mark = Mark::Waiting(prerequisites.len() as u32);
            e.since = since;
        }
    }

    fn start(&mut self, g: &mut Graph, t: TaskId) -> Step {
        let step = if self.options.queue {
            g.fire(t, Event::Queue, Extra::default())
                .map(|_| Step::Enqueue(t))
        } else {
            g.start(t).map(|attempt| Step::Run { task: t, attempt })
        };
        match step {
            Ok(step) => {
                self.set_mark(g, t, Mark::Started);
                self.take_slots(g, t);
                step
            }
            Err(error) => {
                self.error = Some(error);
                Step::Wait
            }
        }
    }

    /// `t` completed or was cancelled: yield it if given, and let the tasks
    /// waiting for it go on once all their prerequisites have settled.
    ///
    /// failFast: if `t` ended other than DONE, the make stops here. `t`
    /// is still yielded if given (the original yields, then returns), but
    /// nothing that settles after it is, and its waiters are not released:
    /// its dependents stay as they are.
    fn settle(&mut self, g: &mut Graph, t: TaskId) {
        let failing = self.failing;
        let Some(entry) = self.entry_mut(g, t) else {
            return;
        };
        let was = entry.mark;
        if was == Mark::Settled {
            return;
        }
        entry.mark = Mark::Settled;
        let yields = entry.given && !entry.yielded && !failing;
        entry.yielded |= yields;
        let next = std::mem::replace(&mut entry.waiters, NONE);
        let awaited = std::mem::take(&mut entry.awaited);
        if was == Mark::Started {
            self.give_slots(g, t);
        }
        if yields {
            self.yields.push_back(t);
        }
        if self.options.fail_fast && g.state(t).ok() != Some(TaskState::Done) {
            self.failing = true;
        }
        if awaited && !self.failing {
            self.release_waiters(g, t, next);
        }
    }

    /// The graph says `t` changed state.
    pub(crate) fn on_change(&mut self, g: &mut Graph, t: TaskId) {
        let Some(mark) = self.mark(g, t) else { return };
        let Ok(state) = g.state(t) else { return };
        if state.is_completed() || state == TaskState::Cancelled {
            self.settle(g, t);
        } else if matches!(state, TaskState::Running | TaskState::Queued)
            && matches!(mark, Mark::Seen | Mark::Waiting(_) | Mark::Ready)
        {
            // Someone else started it: wait for it like any running task.
            self.set_mark(g, t, Mark::Watching);
        }
    }

    pub(crate) fn abort(&mut self, g: &mut Graph) -> Vec<TaskId> {
        self.stopped = true;
        let started: Vec<TaskId> = self
            .tasks
            .iter()
            .copied()
            .filter(|&t| self.mark(g, t) == Some(Mark::Started))
            .collect();
        let mut running = Vec::new();
        for t in started {
            match g.state(t) {
                Ok(TaskState::Queued) if g.fire(t, Event::Cancel, Extra::default()).is_ok() => {
                    self.settle(g, t);
                }
                Ok(TaskState::Running) => running.push(t),
                _ => {}
            }
        }
        running
    }

    pub(crate) fn report(&mut self, g: &mut Graph) {
        if self.reporting {
            return;
        }
        self.reporting = true;
        for &t in &self.tasks {
            g.report(t, true);
        }
    }

    pub(crate) fn release(self, g: &mut Graph) {
        for &t in &self.tasks {
            if self.reporting {
                g.report(t, false);
            }
            g.unwatch(t);
            g.release_make_entry(t, self.serial);
        }
    }
}
