//! Makes, as the harness drives them: each step checked against the rules
//! of SPEC §3 and §12, aborts, and running every make to its end.
//!
//! SPEC §12 in a step: every task a make starts must be one the rules
//! designate among its ready tasks (`Model::designate`), and a make that
//! waits must be allowed to start none. The harness keeps each make's
//! ready tasks with the moment it saw them become ready: a moment is the
//! span between two of the make's waits (and, when scheduling options are
//! in play, between two of its starts: the make then looks at every task
//! it can reach before it starts one); tasks first seen ready in the same
//! span may have become ready in any order. The ready tasks are those the
//! make has taken in (given or discovered) that are PENDING with every
//! prerequisite as SPEC §3 wants it. That reading holds while nobody
//! reopens a task the make has seen settle (`retry`) or adds a
//! requirement to one it may reach: after that the make is not `exact`
//! and only the capacities and rule 3 are checked. (So the ranks of
//! critical-path order, which the model computes when the make starts,
//! hold as long as the make is `exact`.)

use super::{Harness, Seen, Verdict};
use crate::model::{settled, Ending, MakeRule, NoFit, Room};
use std::collections::{BTreeSet, HashMap};
use taskqueue_wasm::make::MakeId;
use taskqueue_wasm::{MakeOptions, Pool, Scheduling, Step, TaskErrorKind, TaskId};

/// What a step did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    Moved,
    Waits,
    Ended,
}

/// One make, as the harness has seen it so far.
pub struct MakeSeen {
    id: MakeId,
    pub given: Vec<usize>,
    pub options: MakeOptions,
    pub yielded: Vec<usize>,
    /// Tasks it dispatched or queued that have not settled since.
    pub(super) started: BTreeSet<usize>,
    /// The settled states each given task has been in during the make.
    pub(super) settled_in: HashMap<usize, Vec<&'static str>>,
    /// The given tasks and the prerequisites it discovered: the tasks it
    /// takes from its work queue (SPEC §3, failFast), as far as seen.
    pub(super) members: BTreeSet<usize>,
    /// failFast, and one of `members` was seen to end other than DONE:
    /// it must stop. It may still yield given tasks that had settled by
    /// then (`may_yield`), and nothing else.
    pub must_stop: bool,
    may_yield: BTreeSet<usize>,
    /// failFast, and some task ended other than DONE while it ran (or a
    /// given task had, before): it may have stopped without yielding
    /// every given task. (Wider than `must_stop`: the engine learns of a
    /// prerequisite before the harness sees it discovered.)
    pub(super) may_stop: bool,
    aborted: bool,
    pub ended: bool,
    /// Its pools (SPEC §12), as (id, capacity).
    pub(super) pools: Vec<(u32, u32)>,
    /// Scheduling options were in play when it started (some task of the
    /// graph had some, it has pools, or critical-path order).
    sched: bool,
    /// With critical-path order: the ranks of its tasks, by task, as the
    /// model computed them when it started (`Model::ranks`).
    pub(super) ranks: Option<Vec<f64>>,
    /// The harness knows its ready tasks (see the module's doc).
    pub(super) exact: bool,
    /// Its ready tasks not started, with the span they became ready in.
    ready: Vec<(usize, u32)>,
    /// The current span.
    span: u32,
    /// It failed with a `Schedule` error (SPEC §12, rule 3).
    pub schedule_failed: bool,
    /// It started something.
    pub started_any: bool,
}

/// The message of a `Schedule` error about `t`, for each reason.
/// The message of a Schedule error, with the numbers concerned: the
/// task's `weight`, the make's `concurrency`, its pool's `capacity`.
fn no_fit_message(t: usize, why: NoFit, weight: u32, concurrency: usize, capacity: u32) -> String {
    let problem = match why {
        NoFit::Concurrency => {
            format!("its weight {weight} is more than the make's concurrency {concurrency}")
        }
        NoFit::PoolCapacity => {
            format!("its weight {weight} is more than the capacity {capacity} of its pool")
        }
        NoFit::UnknownPool => "its pool is not one of the make's pools".to_string(),
    };
    format!("task 't{t}': {problem}")
}

/// For a failure's message: the ranks of the ready tasks, if any.
fn ranks_of(ranks: Option<&[f64]>, ready: &[(usize, u32)]) -> String {
    let Some(ranks) = ranks else {
        return String::new();
    };
    let ranks: Vec<(usize, f64)> = ready.iter().map(|&(t, _)| (t, ranks[t])).collect();
    format!(", ranks (critical-path order) {ranks:?}")
}

impl Harness {
    pub fn start(&mut self, given: &[usize], options: MakeOptions) -> usize {
        self.start_with_pools(given, options, &[])
    }

    /// A make with pools (SPEC §12), as (id, capacity).
    pub fn start_with_pools(
        &mut self,
        given: &[usize],
        options: MakeOptions,
        pools: &[(u32, u32)],
    ) -> usize {
        self.start_scheduled(given, options, pools, false)
    }

    /// A make with pools (SPEC §12), as (id, capacity), and with
    /// `order: 'critical-path'` when `critical_path`.
    pub fn start_scheduled(
        &mut self,
        given: &[usize],
        options: MakeOptions,
        pools: &[(u32, u32)],
        critical_path: bool,
    ) -> usize {
        let ids: Vec<TaskId> = given.iter().map(|&t| self.ids[t]).collect();
        let scheduling = Scheduling {
            pools: pools
                .iter()
                .map(|&(id, capacity)| Pool { id, capacity })
                .collect(),
            rates: Vec::new(),
            critical_path,
        };
        let id = self
            .g
            .make_start_scheduled(&ids, options, &scheduling)
            .unwrap();
        self.expect(&[]);
        let mut settled_in = HashMap::new();
        let mut may_stop = false;
        for &t in given {
            if settled(self.m.state(t)) {
                settled_in.insert(t, vec![self.m.state(t)]);
                may_stop |= options.fail_fast && self.m.state(t) != "DONE";
            }
        }
        let mut unique = given.to_vec();
        unique.sort_unstable();
        unique.dedup();
        self.makes.push(MakeSeen {
            id,
            given: unique,
            options,
            yielded: Vec::new(),
            started: BTreeSet::new(),
            settled_in,
            members: given.iter().copied().collect(),
            must_stop: false,
            may_yield: BTreeSet::new(),
            may_stop,
            aborted: false,
            ended: false,
            pools: pools.to_vec(),
            sched: self.scheduled || !pools.is_empty() || critical_path,
            ranks: critical_path.then(|| self.m.ranks(given)),
            exact: true,
            ready: Vec::new(),
            span: 0,
            schedule_failed: false,
            started_any: false,
        });
        self.makes.len() - 1
    }

    /// One step of make `k`.
    pub fn step(&mut self, k: usize) -> Progress {
        let step = self.g.make_next(self.makes[k].id);
        let mut dispatched = None;
        let transitions = self.transitions();
        if self.makes[k].must_stop {
            assert!(
                transitions.is_empty(),
                "make {k} has stopped (failFast), yet fires events"
            );
        }
        for tr in transitions {
            self.check_rule(k, &tr);
            self.apply(&tr);
            if tr.event == "dispatch" {
                dispatched = Some((tr.task, self.m.start_run(tr.task)));
            }
        }
        let waited = step == Step::Wait;
        let mk = &self.makes[k];
        if mk.ended || mk.aborted {
            // A task that can never fit failed the make when it joined,
            // before it was stopped (SPEC §12, rule 3): the make may
            // still report that.
            let failed = matches!(&step, Step::Failed(e) if e.kind == TaskErrorKind::Schedule);
            assert!(
                step == Step::Finished || (failed && !mk.ended),
                "make {k} has stopped, yet: {step:?}"
            );
        }
        if mk.must_stop {
            let allowed = match &step {
                Step::Yield(t) => mk.may_yield.contains(&self.of(*t)),
                Step::Discover { .. } | Step::Finished => true,
                // A task that can never fit fails the make when it joins
                // (SPEC §12, rule 3), which was before it stopped: the
                // make may still report that.
                Step::Failed(e) => e.kind == TaskErrorKind::Schedule,
                _ => false,
            };
            assert!(allowed, "make {k} has stopped (failFast), yet: {step:?}");
        }
        match step {
            Step::Run { task, attempt } => {
                assert_eq!(Some((self.of(task), attempt)), dispatched, "make {k}: Run");
                self.held.push((self.of(task), attempt));
            }
            Step::Enqueue(task) => {
                let t = self.of(task);
                assert_eq!(self.m.state(t), "QUEUED", "make {k}: Enqueue t{t}");
                self.queued.push_back(t);
            }
            Step::Yield(task) => self.check_yield(k, self.of(task)),
            Step::Discover { task, via, index } => {
                let (via, task) = (self.of(via), self.of(task));
                assert_eq!(self.m.tasks[via].required[index as usize], task);
                self.makes[k].members.insert(task);
                // It joined unsettled: if it has ended since, the engine
                // has seen it end.
                let state = self.m.state(task);
                if settled(state) && state != "DONE" {
                    self.must_stop(k);
                }
            }
            Step::Wait => self.check_wait(k),
            Step::Finished => {
                let mk = &mut self.makes[k];
                if !mk.ended && !mk.aborted {
                    assert!(
                        mk.may_stop || mk.yielded.len() == mk.given.len(),
                        "make {k} finished without yielding every given task: {:?} of {:?}",
                        mk.yielded,
                        mk.given
                    );
                }
                self.end(k);
            }
            Step::Failed(e) => {
                let t = self.of(e.task.unwrap());
                let mk = &self.makes[k];
                match e.kind {
                    TaskErrorKind::MakePrepare => {
                        assert!(mk.given.contains(&t) && self.m.state(t) == "PREPARE");
                    }
                    TaskErrorKind::Schedule => {
                        // SPEC §12, rule 3: a task of the make that can
                        // never fit.
                        assert!(
                            self.m.closure(&mk.given)[t],
                            "make {k} failed for t{t}, which no given task requires"
                        );
                        let concurrency = mk.options.concurrency;
                        let why = self.m.no_fit(t, concurrency, &mk.pools);
                        let s = self.m.tasks[t].schedule;
                        let pool = mk.pools.iter().find(|&&(id, _)| id == s.pool);
                        let capacity = pool.map_or(0, |&(_, c)| c);
                        let message = |w| no_fit_message(t, w, s.weight, concurrency, capacity);
                        assert!(
                            why.iter().any(|&w| message(w) == e.message),
                            "make {k}: {:?}; the model: {why:?}",
                            e.message
                        );
                        self.makes[k].schedule_failed = true;
                    }
                    other => panic!("make {k}: unexpected {other:?}: {}", e.message),
                }
                self.end(k);
            }
        }
        self.check_all();
        if self.makes[k].ended {
            Progress::Ended
        } else if waited {
            Progress::Waits
        } else {
            Progress::Moved
        }
    }

    fn end(&mut self, k: usize) {
        if !self.makes[k].ended {
            self.makes[k].ended = true;
            self.g.make_end(self.makes[k].id);
        }
    }

    /// A transition the make engine made by itself, checked against the
    /// rules of SPEC §3 as they read at that moment.
    fn check_rule(&mut self, k: usize, tr: &Seen) {
        let t = tr.task;
        let mk = &self.makes[k];
        assert!(
            self.m.closure(&mk.given)[t],
            "make {k} touched t{t}, which no given task requires"
        );
        let rule = self.m.make_rule(t);
        match (tr.event, tr.because) {
            ("dispatch" | "queue", None) => {
                assert_eq!(rule, MakeRule::Dispatch, "make {k} started t{t}");
                let wanted = if mk.options.queue {
                    "queue"
                } else {
                    "dispatch"
                };
                assert_eq!(tr.event, wanted);
                self.check_start(k, t);
                let mk = &mut self.makes[k];
                mk.started.insert(t);
                mk.started_any = true;
            }
            ("error", Some(because)) => {
                assert_eq!(
                    rule,
                    MakeRule::Fail(because, tr.tasks.clone()),
                    "make {k} failed t{t}"
                );
            }
            ("cancel", Some("cancelled prerequisites")) => {
                assert_eq!(
                    rule,
                    MakeRule::Cancel(tr.tasks.clone()),
                    "make {k} cancelled t{t}"
                );
            }
            _ => panic!(
                "make {k}: unexpected t{t} {} -{}-> {}",
                tr.old, tr.event, tr.new
            ),
        }
    }

    /// The room make `k` has now (SPEC §12).
    fn room(&self, k: usize) -> Room {
        let mk = &self.makes[k];
        let started: Vec<usize> = mk.started.iter().copied().collect();
        Room::of(&self.m, mk.options.concurrency, &mk.pools, &started)
    }

    /// Make `k` starts `t` (SPEC §12): no task it has taken in can never
    /// fit (rule 3), `t` fits its room (rules 1, 2), and, when the
    /// harness knows the make's ready tasks, `t` is one the rules
    /// designate (rules 4, 5).
    fn check_start(&mut self, k: usize, t: usize) {
        let mk = &self.makes[k];
        for &u in &mk.members {
            let why = self.m.no_fit(u, mk.options.concurrency, &mk.pools);
            assert!(
                why.is_empty(),
                "make {k} starts t{t} though t{u}, which it has taken in, can never fit: {why:?}"
            );
        }
        let room = self.room(k);
        let s = self.m.tasks[t].schedule;
        assert!(
            room.slots.map_or(true, |free| s.weight <= free),
            "make {k} starts t{t} (weight {}) with {:?} slots free",
            s.weight,
            room.slots
        );
        if s.pool != 0 {
            let free = room.pools.iter().find(|p| p.0 == s.pool).map(|p| p.1);
            assert!(
                free.is_some_and(|free| s.weight <= free),
                "make {k} starts t{t} (weight {}) with {free:?} free in pool {}",
                s.weight,
                s.pool
            );
        }
        if !self.makes[k].exact {
            return;
        }
        let ready = self.look(k);
        let ranks = self.makes[k].ranks.as_deref();
        let designated = self.m.designate(&ready, &room, ranks);
        assert!(
            designated.picks.contains(&t),
            "make {k} starts t{t}; the rules designate {designated:?} among {ready:?} (ready, span) with {room:?}{}",
            ranks_of(ranks, &ready)
        );
        let mk = &mut self.makes[k];
        mk.ready.retain(|&(u, _)| u != t);
        if mk.sched {
            mk.span += 1;
        }
    }

    /// Make `k` waits: the rules must let it start nothing.
    fn check_wait(&mut self, k: usize) {
        if !self.makes[k].exact || self.makes[k].ended {
            return;
        }
        let ready = self.look(k);
        let room = self.room(k);
        let ranks = self.makes[k].ranks.as_deref();
        let designated = self.m.designate(&ready, &room, ranks);
        assert!(
            designated.may_wait,
            "make {k} waits; the rules designate {designated:?} among {ready:?} (ready, span) with {room:?}{}",
            ranks_of(ranks, &ready)
        );
        self.makes[k].span += 1;
    }

    /// The make has looked at everything it can reach (it starts a task
    /// or waits): nothing it can reach can never fit (SPEC §12, rule 3,
    /// or it would have failed), and its ready tasks are brought up to
    /// date: those no longer ready leave, new ones join in this span.
    fn look(&mut self, k: usize) -> Vec<(usize, u32)> {
        let mk = &self.makes[k];
        for u in self.m.join_closure(&mk.given) {
            let why = self.m.no_fit(u, mk.options.concurrency, &mk.pools);
            assert!(
                why.is_empty(),
                "make {k} goes on though it reaches t{u}, which can never fit: {why:?}"
            );
        }
        let now: Vec<usize> = mk
            .members
            .iter()
            .copied()
            .filter(|&u| self.m.state(u) == "PENDING" && self.m.make_rule(u) == MakeRule::Dispatch)
            .collect();
        let mk = &mut self.makes[k];
        mk.ready.retain(|(u, _)| now.contains(u));
        for u in now {
            if !mk.ready.iter().any(|&(v, _)| v == u) {
                mk.ready.push((u, mk.span));
            }
        }
        mk.ready.clone()
    }

    /// SPEC §12, rules 1 and 2, after every step: the weights of the
    /// tasks each make has started and not settled are within its
    /// concurrency, and within each pool's capacity.
    pub(super) fn check_capacities(&self) {
        for (k, mk) in self.makes.iter().enumerate() {
            if mk.ended {
                continue;
            }
            let weight = |t: &usize| self.m.tasks[*t].schedule.weight;
            let held: u32 = mk.started.iter().map(weight).sum();
            let limit = mk.options.concurrency;
            assert!(
                limit == 0 || held as usize <= limit,
                "make {k} holds {held} slots of {limit}: {:?}",
                mk.started
            );
            for &(id, capacity) in &mk.pools {
                let used: u32 = mk
                    .started
                    .iter()
                    .filter(|&&t| self.m.tasks[t].schedule.pool == id)
                    .map(weight)
                    .sum();
                assert!(
                    used <= capacity,
                    "make {k} holds {used} of pool {id}'s {capacity}"
                );
            }
        }
    }

    /// Someone reopened `t` (`retry`) or gave it a requirement: the makes
    /// that may reach it no longer know their ready tasks.
    pub(super) fn disturb(&mut self, t: usize) {
        for k in 0..self.makes.len() {
            if !self.makes[k].ended && self.m.closure(&self.makes[k].given)[t] {
                self.makes[k].exact = false;
            }
        }
    }

    fn check_yield(&mut self, k: usize, t: usize) {
        let mk = &mut self.makes[k];
        assert!(
            mk.given.contains(&t),
            "make {k} yielded t{t}, which was not given"
        );
        assert!(!mk.yielded.contains(&t), "make {k} yielded t{t} twice");
        let states = mk.settled_in.get(&t).map(Vec::as_slice).unwrap_or(&[]);
        assert!(
            !states.is_empty(),
            "make {k} yielded t{t} before it settled"
        );
        let bad = mk.options.fail_fast && states.iter().all(|&s| s != "DONE");
        mk.yielded.push(t);
        if bad {
            self.must_stop(k);
        }
    }

    /// failFast: a task of make `k` ended other than DONE (SPEC §3).
    pub(super) fn must_stop(&mut self, k: usize) {
        let mk = &mut self.makes[k];
        if mk.options.fail_fast && !mk.must_stop {
            mk.must_stop = true;
            mk.may_stop = true;
            mk.may_yield = mk.settled_in.keys().copied().collect();
        }
    }

    /// Stops make `k` (a `break`, or its signal): queued tasks it started
    /// are cancelled, and the driver cancels the running ones.
    pub fn abort(&mut self, k: usize) {
        if self.makes[k].ended {
            return;
        }
        let running = self.g.make_abort(self.makes[k].id);
        for tr in self.transitions() {
            assert!(
                tr.event == "cancel"
                    && tr.old == "QUEUED"
                    && self.makes[k].started.contains(&tr.task),
                "make {k} abort: unexpected t{} {} -{}->",
                tr.task,
                tr.old,
                tr.event
            );
            self.apply(&tr);
        }
        let mut running: Vec<usize> = running.iter().map(|&t| self.of(t)).collect();
        running.sort_unstable();
        let mk = &self.makes[k];
        let expected: Vec<usize> = mk
            .started
            .iter()
            .copied()
            .filter(|&t| self.m.state(t) == "RUNNING")
            .collect();
        assert_eq!(running, expected, "make {k} abort: its running tasks");
        // Tasks it queued but did not start are cancelled (and so settled).
        assert!(
            mk.started.iter().all(|&t| self.m.state(t) == "RUNNING"),
            "make {k} abort left a task it queued QUEUED"
        );
        self.makes[k].aborted = true;
        for t in running {
            self.cancel(t);
        }
        self.check_all();
    }

    /// Runs every make to its end, delivering outcomes and ending the
    /// waits of tasks waiting to retry in an order the `pick` function
    /// chooses (which also says whether a failed attempt is retryable and
    /// draws its jitter). Fails if a make waits while nothing that could
    /// wake it is running or waiting: that would be a lost task.
    pub fn drain(
        &mut self,
        pick: &mut dyn FnMut(usize) -> usize,
        ending: &mut dyn FnMut(usize) -> Ending,
    ) {
        if !self.run(100_000, pick, ending) {
            panic!("the makes did not end after 100,000 rounds");
        }
    }

    /// Up to `rounds` rounds of `drain`: each steps every make as far as
    /// it goes, then ends one attempt, wait or queued task. True when
    /// every make has ended.
    pub fn run(
        &mut self,
        rounds: usize,
        pick: &mut dyn FnMut(usize) -> usize,
        ending: &mut dyn FnMut(usize) -> Ending,
    ) -> bool {
        for _ in 0..rounds {
            for k in 0..self.makes.len() {
                if self.makes[k].ended {
                    continue;
                }
                let mut steps = 0;
                while self.step(k) == Progress::Moved {
                    steps += 1;
                    assert!(steps < 100_000, "make {k} takes steps without end");
                }
            }
            if self.makes.iter().all(|mk| mk.ended) {
                return true;
            }
            let orphans: Vec<usize> = (0..self.len())
                .filter(|&t| match self.m.state(t) {
                    "RUNNING" => {
                        let now = (t, self.m.tasks[t].attempt);
                        !self.held.contains(&now) && !self.waits.contains(&now)
                    }
                    "QUEUED" => !self.queued.contains(&t),
                    _ => false,
                })
                .collect();
            let total = self.held.len() + self.waits.len() + self.queued.len() + orphans.len();
            assert!(
                total > 0,
                "a make waits, but nothing is running, waiting or queued: a lost task"
            );
            let mut choice = pick(total);
            if choice < self.held.len() {
                let t = self.held[choice].0;
                let ending = ending(t);
                let verdict = match ending {
                    Ending::Threw => Verdict {
                        retryable: pick(4) != 0,
                        random: pick(1 << 16) as f64 / f64::from(1 << 16),
                    },
                    _ => Verdict {
                        retryable: true,
                        random: 0.0,
                    },
                };
                self.finish(choice, ending, verdict);
                self.check_all();
                continue;
            }
            choice -= self.held.len();
            if choice < self.waits.len() {
                self.next_attempt(choice);
                self.check_all();
                continue;
            }
            choice -= self.waits.len();
            if choice < self.queued.len() {
                self.run_queued(choice);
                self.check_all();
                continue;
            }
            // Nothing runs these (made RUNNING or QUEUED by hand): the
            // user ends them by hand, as they would have to.
            let t = orphans[choice - self.queued.len()];
            let event = match (self.m.state(t), ending(t)) {
                ("QUEUED", _) => "cancel",
                (_, Ending::Returned) => "done",
                (_, Ending::Threw) => "except",
                _ => "cancel",
            };
            self.event(t, event);
            self.check_all();
        }
        self.makes.iter().all(|mk| mk.ended)
    }
}
