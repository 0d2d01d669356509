//! Makes, as the harness drives them: each step checked against the rules
//! of SPEC §3, aborts, and running every make to its end.

use super::{Harness, Seen, Verdict};
use crate::model::{settled, Ending, MakeRule};
use std::collections::{BTreeSet, HashMap};
use taskqueue_wasm::make::MakeId;
use taskqueue_wasm::{MakeOptions, Step, TaskErrorKind, TaskId};

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
    pub(super) options: MakeOptions,
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
}

impl Harness {
    pub fn start(&mut self, given: &[usize], options: MakeOptions) -> usize {
        let ids: Vec<TaskId> = given.iter().map(|&t| self.ids[t]).collect();
        let id = self.g.make_start(&ids, options).unwrap();
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
            assert_eq!(step, Step::Finished, "make {k} has stopped, yet: {step:?}");
        }
        if mk.must_stop {
            let allowed = match &step {
                Step::Yield(t) => mk.may_yield.contains(&self.of(*t)),
                Step::Discover { .. } | Step::Finished => true,
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
            Step::Wait => {}
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
                assert_eq!(e.kind, TaskErrorKind::MakePrepare);
                let t = self.of(e.task.unwrap());
                assert!(self.makes[k].given.contains(&t) && self.m.state(t) == "PREPARE");
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
                let limit = mk.options.concurrency;
                let mk = &mut self.makes[k];
                mk.started.insert(t);
                assert!(
                    limit == 0 || mk.started.len() <= limit,
                    "make {k} exceeds concurrency {limit}"
                );
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
