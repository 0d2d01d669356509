//! The make engine (SPEC §3): completes the given tasks, prerequisites
//! first, and says which given tasks to yield as they complete.
//!
//! It does no I/O. The driver (the JS binding, or [`crate::local`] in plain
//! Rust) asks for the next [`Step`] and carries it out: run a function,
//! hand a task to a queue, yield a task, or wait. Outcomes go to the graph
//! (`Graph::finish`), which tells every make watching the task; so outcomes
//! may arrive in any order, several may be in flight, and a task can be
//! shared with another make or changed by hand meanwhile.
//!
//! Cost: each task is evaluated a bounded number of times per make and each
//! evaluation scans its prerequisites once, so a make is O(tasks + edges);
//! the work list is an explicit stack, so a chain of a million is fine.

use crate::error::{TaskError, TaskErrorKind};
use crate::graph::{Extra, Graph, TaskId};
use crate::idmap::IdMap;
use crate::state::{Event, TaskState};
use std::collections::VecDeque;

/// Options of a make.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MakeOptions {
    /// Stop once a given task ends in a state other than DONE.
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
    /// Report the outcome with `Graph::finish(task, attempt, ..)`.
    Run { task: TaskId, attempt: u32 },
    /// Hand the task to the queue: `queue` has been fired (it is QUEUED).
    /// When the queue gets to it, `Graph::dispatch` it and run it.
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mark {
    /// On the work stack, to be evaluated.
    Seen,
    /// PENDING, waiting for this many prerequisites to settle.
    Waiting(u32),
    /// Its prerequisites are done; waiting for a free slot.
    Ready,
    /// Dispatched or queued by this make, not yet settled.
    Started,
    /// Running or queued by someone else; this make waits for it.
    Watching,
    /// Completed or cancelled.
    Settled,
}

#[derive(Debug)]
struct Entry {
    task: TaskId,
    mark: Mark,
    given: bool,
    yielded: bool,
    /// Tasks of this make waiting for this one to settle: a list in
    /// `Make::waits`, newest first (NONE: empty).
    waiters: u32,
}

/// No waiter: the end of a list in `Make::waits`.
const NONE: u32 = u32::MAX;

/// One "task waits for an entry" link. All lists of a make share one
/// vector, so waiting allocates nothing per task.
#[derive(Debug)]
struct Waiter {
    /// The waiting task's entry (not its id: no lookup when released).
    entry: u32,
    next: u32,
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

/// One make in progress. Lives in its graph (`Graph::make_start`).
#[derive(Debug)]
pub struct Make {
    serial: u32,
    options: MakeOptions,
    index: IdMap<u32>,
    entries: Vec<Entry>,
    /// Given tasks not yet yielded.
    remaining: usize,
    work: Vec<TaskId>,
    ready: VecDeque<TaskId>,
    yields: VecDeque<(TaskId, TaskState)>,
    discovered: VecDeque<(TaskId, TaskId, u32)>,
    waits: Vec<Waiter>,
    /// Reused for the unsettled prerequisites of the task evaluated.
    unsettled: Vec<(u32, TaskId)>,
    in_flight: usize,
    stopped: bool,
    error: Option<TaskError>,
}

impl Make {
    pub(crate) fn new(g: &mut Graph, tasks: &[TaskId], options: MakeOptions, serial: u32) -> Make {
        let mut make = Make {
            serial,
            options,
            index: IdMap::default(),
            entries: Vec::new(),
            remaining: 0,
            work: Vec::new(),
            ready: VecDeque::new(),
            yields: VecDeque::new(),
            discovered: VecDeque::new(),
            waits: Vec::new(),
            unsettled: Vec::new(),
            in_flight: 0,
            stopped: false,
            error: None,
        };
        for &t in tasks {
            let e = make.entry(g, t);
            if !make.entries[e].given {
                make.entries[e].given = true;
                make.remaining += 1;
            }
        }
        // Evaluate the given tasks in the order given.
        make.work = make.entries.iter().rev().map(|e| e.task).collect();
        make
    }

    pub(crate) fn serial(&self) -> u32 {
        self.serial
    }

    /// Where this make keeps `t`: in the task's node when this make owns
    /// that slot (the usual case: one make at a time), else in its map.
    fn slot(&self, g: &Graph, t: TaskId) -> Option<usize> {
        let (owner, entry) = g.make_slot(t);
        if owner == self.serial {
            return Some(entry as usize);
        }
        self.index.get(&t).map(|&e| e as usize)
    }

    /// The entry of `t`, made (and the task watched) on first sight.
    fn entry(&mut self, g: &mut Graph, t: TaskId) -> usize {
        if let Some(e) = self.slot(g, t) {
            return e;
        }
        g.watch(t);
        self.entries.push(Entry {
            task: t,
            mark: Mark::Seen,
            given: false,
            yielded: false,
            waiters: NONE,
        });
        let e = self.entries.len() - 1;
        if g.make_slot(t).0 == 0 {
            g.set_make_slot(t, self.serial, e as u32);
        } else {
            self.index.insert(t, e as u32);
        }
        e
    }

    fn mark(&self, g: &Graph, t: TaskId) -> Option<Mark> {
        self.slot(g, t).map(|e| self.entries[e].mark)
    }

    fn set_mark(&mut self, g: &Graph, t: TaskId, mark: Mark) {
        if let Some(e) = self.slot(g, t) {
            self.entries[e].mark = mark;
        }
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
            if let Some((t, state)) = self.yields.pop_front() {
                self.remaining -= 1;
                if self.options.fail_fast && state != TaskState::Done {
                    self.stopped = true;
                }
                return Step::Yield(t);
            }
            if self.remaining == 0 {
                self.stopped = true;
                return Step::Finished;
            }
            if let Some(t) = self.work.pop() {
                if let Some(step) = self.evaluate(g, t) {
                    return step;
                }
                continue;
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

    fn push_work(&mut self, g: &Graph, t: TaskId) {
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
                let task = self.slot(g, t).map(|e| &self.entries[e]);
                if task.is_some_and(|e| e.given) {
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
    /// else ready. One pass, no allocation.
    fn rules(&self, g: &Graph, t: TaskId) -> Verdict {
        // The graph counts failed and uncompleted prerequisites: a failed
        // one decides at once, and none uncompleted means all are DONE.
        let (uncompleted, failed) = g.prerequisite_counts(t);
        if failed > 0 {
            return Verdict::Fail;
        }
        if uncompleted == 0 {
            return Verdict::Ready;
        }
        let mut seen = [false; 5];
        for &p in g.required(t).unwrap_or(&[]) {
            seen[verdict_of(g.state(p)) as usize] = true;
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
            Verdict::Fail => "failed prerequisites",
            Verdict::Cancel => "cancelled prerequisites",
            Verdict::NotDone => "some prerequisites are not done",
            Verdict::Wait => {
                let mut unsettled = std::mem::take(&mut self.unsettled);
                unsettled.clear();
                Self::prerequisites(g, t, Verdict::Wait, &mut unsettled);
                self.wait_for(g, t, &unsettled);
                self.unsettled = unsettled;
                return None;
            }
            Verdict::Ready => {
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
        let waiting = self.entry(g, t);
        for &(index, p) in prerequisites.iter().rev() {
            if self.slot(g, p).is_none() {
                self.discovered.push_back((p, t, index));
            }
            let e = self.entry(g, p);
            self.waits.push(Waiter {
                entry: waiting as u32,
                next: self.entries[e].waiters,
            });
            self.entries[e].waiters = (self.waits.len() - 1) as u32;
            // New, or settled earlier and since retried: (re)make it.
            if matches!(self.entries[e].mark, Mark::Settled) {
                self.push_work(g, p);
            } else if self.entries[e].mark == Mark::Seen {
                // New to this make. A task pushed twice is evaluated once:
                // the second pop finds its mark changed and skips it.
                self.work.push(p);
            }
        }
        self.entries[waiting].mark = Mark::Waiting(prerequisites.len() as u32);
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
                self.in_flight += 1;
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
    fn settle(&mut self, g: &Graph, t: TaskId) {
        let Some(e) = self.slot(g, t) else { return };
        let entry = &mut self.entries[e];
        match entry.mark {
            Mark::Settled => return,
            Mark::Started => self.in_flight -= 1,
            _ => {}
        }
        entry.mark = Mark::Settled;
        if entry.given && !entry.yielded {
            entry.yielded = true;
            let state = g.state(t).unwrap_or(TaskState::Failed);
            self.yields.push_back((t, state));
        }
        // Newest waiter first: the work list is a stack, so the tasks
        // released together are evaluated in the order they started waiting.
        let mut next = std::mem::replace(&mut entry.waiters, NONE);
        while let Some(link) = self.waits.get(next as usize) {
            next = link.next;
            let waiter = &mut self.entries[link.entry as usize];
            if let Mark::Waiting(n) = waiter.mark {
                if n <= 1 {
                    waiter.mark = Mark::Seen;
                    self.work.push(waiter.task);
                } else {
                    waiter.mark = Mark::Waiting(n - 1);
                }
            }
        }
    }

    /// The graph says `t` changed state.
    pub(crate) fn on_change(&mut self, g: &Graph, t: TaskId) {
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
            .entries
            .iter()
            .filter(|e| e.mark == Mark::Started)
            .map(|e| e.task)
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

    pub(crate) fn release(self, g: &mut Graph) {
        for e in &self.entries {
            g.unwatch(e.task);
            if g.make_slot(e.task).0 == self.serial {
                g.set_make_slot(e.task, 0, 0);
            }
        }
    }
}
