//! Drives the core and the reference model side by side.
//!
//! Every call into the core is made through the harness, which first asks
//! the model what must happen, then compares: the transitions the core
//! made (all tasks are observed, so the graph's outbox lists every one of
//! them, in order), the value returned, and afterwards every task's state,
//! requirements and blockers. Transitions the make engine makes on its
//! own are checked against the rules of SPEC §3 at the moment they happen.

use super::{completed, settled, Ending, MakeRule, Model, NoDispatch, Refusal};
use std::collections::{BTreeSet, HashMap, VecDeque};
use taskqueue_wasm::graph::{CancelOutcome, Outcome};
use taskqueue_wasm::make::MakeId;
use taskqueue_wasm::{
    Extra, Graph, MakeOptions, Step, TaskErrorKind, TaskId, TaskOptions, TaskState,
};

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
    options: MakeOptions,
    pub yielded: Vec<usize>,
    /// Tasks it dispatched or queued that have not settled since.
    started: BTreeSet<usize>,
    /// The settled states each given task has been in during the make.
    settled_in: HashMap<usize, Vec<&'static str>>,
    /// failFast saw a given task end other than DONE: nothing may follow.
    must_stop: bool,
    aborted: bool,
    pub ended: bool,
}

/// A transition as the outbox reported it, in model terms.
struct Seen {
    task: usize,
    old: &'static str,
    event: &'static str,
    new: &'static str,
    because: Option<&'static str>,
    tasks: Vec<usize>,
}

#[derive(Default)]
pub struct Harness {
    pub g: Graph,
    pub m: Model,
    ids: Vec<TaskId>,
    index: HashMap<TaskId, usize>,
    pub makes: Vec<MakeSeen>,
    /// Runs the driver is carrying: (task, attempt).
    pub held: Vec<(usize, u32)>,
    /// Tasks handed to the executor by makes with `queue`.
    pub queued: VecDeque<usize>,
}

fn outcome(ending: Ending) -> Outcome {
    match ending {
        Ending::Returned => Outcome::Returned {
            cancel_on_result: false,
        },
        Ending::ReturnedCancel => Outcome::Returned {
            cancel_on_result: true,
        },
        Ending::Threw => Outcome::Threw {
            cancellation: false,
        },
        Ending::ThrewCancellation => Outcome::Threw { cancellation: true },
    }
}

impl Harness {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn state(&self, t: usize) -> &'static str {
        self.m.state(t)
    }

    pub fn add(&mut self, state: &'static str, cancel_on_exception: bool) -> usize {
        let options = TaskOptions {
            state: TaskState::from_name(state).expect("a state of the table"),
            cancel_on_exception,
            observed: true,
            ..TaskOptions::default()
        };
        let id = self.g.add_task(&format!("t{}", self.ids.len()), options);
        self.index.insert(id, self.ids.len());
        self.ids.push(id);
        self.m.add(state, cancel_on_exception)
    }

    fn of(&self, id: TaskId) -> usize {
        self.index[&id]
    }

    /// The transitions made since the last call, in model terms.
    fn transitions(&mut self) -> Vec<Seen> {
        let taken = self.g.take_transitions();
        taken
            .into_iter()
            .map(|(id, tr)| Seen {
                task: self.of(id),
                old: tr.old_state.name(),
                event: tr.event.name(),
                new: tr.new_state.name(),
                because: tr.extra.because,
                tasks: tr.extra.tasks.iter().map(|&t| self.of(t)).collect(),
            })
            .collect()
    }

    /// Applies a transition to the model after checking it is a row of
    /// the table, from the state the model says the task is in.
    fn apply(&mut self, tr: &Seen) {
        let t = tr.task;
        assert_eq!(
            tr.old,
            self.m.state(t),
            "t{t}: transition from a state it is not in"
        );
        assert_eq!(
            super::next(tr.old, tr.event),
            Some(tr.new),
            "t{t}: {} -{}-> {} is not in the table",
            tr.old,
            tr.event,
            tr.new
        );
        self.m.tasks[t].state = tr.new;
        if settled(tr.new) {
            for mk in self.makes.iter_mut().filter(|mk| !mk.ended) {
                mk.started.remove(&t);
                if mk.given.contains(&t) {
                    mk.settled_in.entry(t).or_default().push(tr.new);
                }
            }
        }
    }

    /// The driver's call made exactly these transitions: (task, event).
    fn expect(&mut self, expected: &[(usize, &str)]) {
        let seen = self.transitions();
        let got: Vec<(usize, &str)> = seen.iter().map(|s| (s.task, s.event)).collect();
        assert_eq!(got, expected, "transitions of a driver call");
        for tr in &seen {
            self.apply(tr);
        }
    }

    /// After every step: the core agrees with the model on every task.
    pub fn check_all(&self) {
        for (t, &id) in self.ids.iter().enumerate() {
            let state = self.m.state(t);
            assert_eq!(self.g.state(id).unwrap().name(), state, "state of t{t}");
            let required: Vec<usize> = self
                .g
                .required(id)
                .unwrap()
                .iter()
                .map(|&p| self.of(p))
                .collect();
            assert_eq!(required, self.m.tasks[t].required, "requirements of t{t}");
            let blockers: Vec<usize> = self
                .g
                .blockers(id)
                .unwrap()
                .iter()
                .map(|&p| self.of(p))
                .collect();
            assert_eq!(blockers, self.m.blockers(t), "blockers of t{t}");
            assert_eq!(self.g.is_blocked(id).unwrap(), !blockers.is_empty());
            assert_eq!(self.g.is_completed(id).unwrap(), completed(state));
            let events: Vec<&str> = self
                .g
                .events(id)
                .unwrap()
                .iter()
                .map(|e| e.name())
                .collect();
            assert_eq!(events, super::events(state), "events of t{t}");
        }
    }

    // ---- driver calls ---------------------------------------------------

    pub fn require(&mut self, a: usize, b: usize) {
        let refusals = self.m.refusals(a, b);
        match self.g.require(self.ids[a], self.ids[b]) {
            Ok(added) => {
                assert!(
                    refusals.is_empty(),
                    "t{a}.require(t{b}) accepted; model refuses: {refusals:?}"
                );
                assert_eq!(added, self.m.require(a, b), "t{a}.require(t{b}): new edge?");
            }
            Err(e) => {
                let why = match e.kind {
                    TaskErrorKind::RequirementState => Refusal::State,
                    TaskErrorKind::Cycle => Refusal::Cycle,
                    other => panic!("t{a}.require(t{b}): unexpected {other:?}"),
                };
                assert!(
                    refusals.contains(&why),
                    "t{a}.require(t{b}) refused as {why:?}; model: {refusals:?}"
                );
                if why == Refusal::Cycle {
                    let cycle: Vec<usize> = e.tasks.iter().map(|&t| self.of(t)).collect();
                    assert!(
                        self.m.is_cycle_of(a, b, &cycle),
                        "not the cycle t{a}.require(t{b}) closes: {cycle:?}"
                    );
                }
            }
        }
        self.expect(&[]);
    }

    pub fn event(&mut self, t: usize, event: &str) {
        let to = super::next(self.m.state(t), event);
        match self.g.event_named(self.ids[t], event, Extra::default()) {
            Ok(state) => {
                assert_eq!(Some(state.name()), to, "t{t}.event({event})");
                self.expect(&[(t, event)]);
            }
            Err(e) => {
                assert_eq!(to, None, "t{t}.event({event}) refused: {}", e.message);
                assert_eq!(e.kind, TaskErrorKind::InvalidEvent);
                let message = format!("invalid event '{event}' for state '{}'", self.m.state(t));
                assert_eq!(e.message, message);
                self.expect(&[]);
            }
        }
    }

    pub fn cancel(&mut self, t: usize) {
        let state = self.m.state(t);
        match self.g.cancel(self.ids[t]) {
            Ok(CancelOutcome::Requested) => {
                assert_eq!(state, "RUNNING", "t{t}.cancel() requested");
                self.m.tasks[t].cancel_requested = true;
                self.expect(&[]);
            }
            Ok(CancelOutcome::Cancelled) => self.expect(&[(t, "cancel")]),
            Err(e) => {
                assert_eq!(
                    super::next(state, "cancel"),
                    None,
                    "t{t}.cancel(): {}",
                    e.message
                );
                self.expect(&[]);
            }
        }
    }

    /// `task.dispatch()` by hand: the driver then carries the run.
    pub fn dispatch(&mut self, t: usize) {
        let refusals = self.m.dispatch_refusals(t);
        match self.g.dispatch(self.ids[t]) {
            Ok(attempt) => {
                assert!(
                    refusals.is_empty(),
                    "t{t}.dispatch() accepted; model: {refusals:?}"
                );
                self.expect(&[(t, "dispatch")]);
                assert_eq!(attempt, self.m.start_run(t), "t{t}: run number");
                self.held.push((t, attempt));
            }
            Err(e) => {
                let why = match e.kind {
                    TaskErrorKind::Blocked => NoDispatch::Blocked,
                    TaskErrorKind::InvalidEvent => NoDispatch::InvalidEvent,
                    other => panic!("t{t}.dispatch(): unexpected {other:?}"),
                };
                assert!(
                    refusals.contains(&why),
                    "t{t}.dispatch() refused as {why:?}; model: {refusals:?}"
                );
                if why == NoDispatch::Blocked {
                    assert_eq!(
                        self.of(e.tasks[0]),
                        self.m.blockers(t)[0],
                        "the blocking task"
                    );
                }
                self.expect(&[]);
            }
        }
    }

    /// The function of a held run ends.
    pub fn finish(&mut self, held: usize, ending: Ending) {
        let (t, attempt) = self.held.swap_remove(held);
        let event = self.m.ending_event(t, attempt, ending);
        let state = self
            .g
            .finish(self.ids[t], attempt, outcome(ending))
            .unwrap();
        assert_eq!(
            state.map(|s| s.name()),
            event.and_then(|e| super::next("RUNNING", e))
        );
        match event {
            Some(event) => self.expect(&[(t, event)]),
            None => self.expect(&[]),
        }
    }

    /// The executor gets to a queued task: run it unless it was cancelled
    /// meanwhile (what the JS binding's queue job does).
    pub fn run_queued(&mut self, pos: usize) {
        let Some(t) = self.queued.remove(pos) else {
            return;
        };
        if self.m.state(t) == "QUEUED" {
            self.dispatch(t);
        }
    }

    // ---- makes ----------------------------------------------------------

    pub fn start(&mut self, given: &[usize], options: MakeOptions) -> usize {
        let ids: Vec<TaskId> = given.iter().map(|&t| self.ids[t]).collect();
        let id = self.g.make_start(&ids, options).unwrap();
        self.expect(&[]);
        let mut settled_in = HashMap::new();
        for &t in given {
            if settled(self.m.state(t)) {
                settled_in.insert(t, vec![self.m.state(t)]);
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
            must_stop: false,
            aborted: false,
            ended: false,
        });
        self.makes.len() - 1
    }

    /// One step of make `k`.
    pub fn step(&mut self, k: usize) -> Progress {
        let step = self.g.make_next(self.makes[k].id);
        let mut dispatched = None;
        for tr in self.transitions() {
            self.check_rule(k, &tr);
            self.apply(&tr);
            if tr.event == "dispatch" {
                dispatched = Some((tr.task, self.m.start_run(tr.task)));
            }
        }
        let waited = step == Step::Wait;
        let mk = &self.makes[k];
        if mk.ended || mk.aborted || mk.must_stop {
            assert_eq!(step, Step::Finished, "make {k} has stopped, yet: {step:?}");
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
                let via = self.of(via);
                assert_eq!(self.m.tasks[via].required[index as usize], self.of(task));
            }
            Step::Wait => {}
            Step::Finished => {
                let mk = &mut self.makes[k];
                if !mk.ended && !mk.aborted && !mk.must_stop {
                    let fail_fast_stop = mk.options.fail_fast
                        && mk
                            .yielded
                            .iter()
                            .any(|t| mk.settled_in[t].iter().any(|&s| s != "DONE"));
                    assert!(
                        fail_fast_stop || mk.yielded.len() == mk.given.len(),
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
        if mk.options.fail_fast && states.iter().all(|&s| s != "DONE") {
            mk.must_stop = true;
        }
        mk.yielded.push(t);
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
        self.makes[k].aborted = true;
        for t in running {
            self.cancel(t);
        }
        self.check_all();
    }

    /// Runs every make to its end, delivering outcomes in an order the
    /// `pick` function chooses. Fails if a make waits while nothing that
    /// could wake it is running: that would be a lost task.
    pub fn drain(
        &mut self,
        pick: &mut dyn FnMut(usize) -> usize,
        ending: &mut dyn FnMut(usize) -> Ending,
    ) {
        for _ in 0..100_000 {
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
                return;
            }
            let orphans: Vec<usize> = (0..self.len())
                .filter(|&t| match self.m.state(t) {
                    "RUNNING" => !self
                        .held
                        .iter()
                        .any(|&(h, a)| h == t && a == self.m.tasks[t].attempt),
                    "QUEUED" => !self.queued.contains(&t),
                    _ => false,
                })
                .collect();
            let total = self.held.len() + self.queued.len() + orphans.len();
            assert!(
                total > 0,
                "a make waits, but nothing is running or queued: a lost task"
            );
            let mut choice = pick(total);
            if choice < self.held.len() {
                let t = self.held[choice].0;
                self.finish(choice, ending(t));
                self.check_all();
                continue;
            }
            choice -= self.held.len();
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
        panic!("the makes did not end after 100,000 rounds");
    }
}
