//! Drives the core and the reference model side by side.
//!
//! Every call into the core is made through the harness, which first asks
//! the model what must happen, then compares: the transitions the core
//! made (all tasks are observed, so the graph's outbox lists every one of
//! them, in order), the value returned, and afterwards every task's state,
//! requirements and blockers. Transitions the make engine makes on its
//! own are checked against the rules of SPEC §3 at the moment they happen.

mod makes;
mod queues;

pub use makes::MakeSeen;
use queues::QueueSeen;

use super::{completed, settled, Ending, Model, NoDispatch, Refusal};
use std::collections::{HashMap, VecDeque};
use taskqueue_wasm::graph::{CancelOutcome, Outcome};
use taskqueue_wasm::{Extra, Scheduler, TaskErrorKind, TaskId, TaskOptions, TaskState};

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
    pub g: Scheduler,
    pub m: Model,
    ids: Vec<TaskId>,
    index: HashMap<TaskId, usize>,
    pub makes: Vec<MakeSeen>,
    /// Runs the driver is carrying: (task, attempt).
    pub held: Vec<(usize, u32)>,
    /// Tasks handed to the executor by makes with `queue`.
    pub queued: VecDeque<usize>,
    queues: Vec<QueueSeen>,
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
                because: tr.extra.because.map(|b| b.name()),
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
            for k in 0..self.makes.len() {
                let mk = &mut self.makes[k];
                if mk.ended {
                    continue;
                }
                mk.started.remove(&t);
                if mk.given.contains(&t) {
                    mk.settled_in.entry(t).or_default().push(tr.new);
                }
                // failFast: any task of the make ending other than DONE
                // stops it; another task may have stopped it unseen.
                if tr.new != "DONE" {
                    mk.may_stop |= mk.options.fail_fast;
                    if mk.members.contains(&t) {
                        self.must_stop(k);
                    }
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
                let message = format!(
                    "task 't{t}': invalid event '{event}' for state '{}'",
                    self.m.state(t)
                );
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
}
