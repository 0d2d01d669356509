//! Drives the core and the reference model side by side.
//!
//! Every call into the core is made through the harness, which first asks
//! the model what must happen, then compares: the transitions the core
//! made (all tasks are observed, so the graph's outbox lists every one of
//! them, in order), the value returned, and afterwards every task's state,
//! requirements, blockers and attempts. Transitions the make engine makes
//! on its own are checked against the rules of SPEC §3 (and §8's
//! `runIf: 'settled'`) at the moment they happen.
//!
//! The harness is the driver and keeps what a driver keeps: the attempts
//! whose functions are running (`held`), the tasks waiting to retry with
//! the attempt that failed (`waits`: their timers), the tasks handed to
//! the executor (`queued`), and the attempts already ended (`late`), whose
//! outcomes may still arrive (a timed-out attempt's function resolving).

mod makes;
mod queues;

pub use makes::MakeSeen;
use queues::QueueSeen;

use super::{completed, settled, AttemptEnd, Cancel, Ending, Model, NoDispatch, Refusal, Traits};
use std::collections::{HashMap, VecDeque};
use taskqueue_wasm::graph::{CancelOutcome, Failed, Finished, Outcome, RetryPolicy};
use taskqueue_wasm::{Extra, Schedule, Scheduler, TaskErrorKind, TaskId, TaskOptions, TaskState};

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
    /// Attempts the driver is carrying: (task, attempt).
    pub held: Vec<(usize, u32)>,
    /// Tasks waiting to retry, by the attempt that failed: the driver's
    /// timers. One may have moved on meanwhile (cancelled, say).
    pub waits: Vec<(usize, u32)>,
    /// Attempts whose outcome was delivered, the last few: their late
    /// outcomes may still arrive.
    pub late: VecDeque<(usize, u32)>,
    /// Tasks handed to the executor by makes with `queue`.
    pub queued: VecDeque<usize>,
    queues: Vec<QueueSeen>,
    /// Some task was given SPEC §12's options.
    scheduled: bool,
}

/// How many ended attempts `late` keeps.
const LATE: usize = 8;

/// What the driver says of a failed attempt beyond how it ended: whether
/// `retryOn` lets it try again, and a number in 0..1 for the jitter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Verdict {
    pub retryable: bool,
    pub random: f64,
}

impl Verdict {
    fn failed(self) -> Failed {
        Failed {
            retryable: self.retryable,
            random: self.random,
        }
    }
}

/// Two waits agree (the core and the model compute them apart).
fn same_wait(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-9 * b.abs().max(1.0)
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
        let traits = Traits {
            cancel_on_exception,
            ..Traits::default()
        };
        self.add_with(state, traits)
    }

    pub fn add_with(&mut self, state: &'static str, traits: Traits) -> usize {
        let options = TaskOptions {
            state: TaskState::from_name(state).expect("a state of the table"),
            cancel_on_exception: traits.cancel_on_exception,
            run_if_settled: traits.run_if_settled,
            observed: true,
            ..TaskOptions::default()
        };
        let id = self.g.add_task(&format!("t{}", self.ids.len()), options);
        if let Some(p) = traits.retry {
            let policy = RetryPolicy {
                attempts: p.attempts,
                delay: p.delay,
                factor: p.factor,
                max_delay: p.max_delay,
                jitter: p.jitter,
            };
            self.g.set_retry(id, Some(policy)).unwrap();
            assert_eq!(self.g.retry_policy(id).unwrap(), Some(policy));
        }
        if let Some(s) = traits.schedule {
            let schedule = Schedule {
                weight: s.weight,
                priority: s.priority,
                pool: s.pool,
                estimate: s.estimate,
            };
            self.g.set_schedule(id, schedule).unwrap();
            assert_eq!(self.g.schedule(id), schedule);
            self.scheduled = true;
        }
        self.index.insert(id, self.ids.len());
        self.ids.push(id);
        self.m.add(state, traits)
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
        self.m.set_state(t, tr.new);
        if tr.event == "retry" {
            self.disturb(t);
        }
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

    /// After every step: the core agrees with the model on every task,
    /// and every make keeps within its capacities.
    pub fn check_all(&self) {
        self.check_capacities();
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
            let task = &self.m.tasks[t];
            assert_eq!(self.g.attempt(id).unwrap(), task.attempt, "attempt of t{t}");
            assert_eq!(self.g.tries(id).unwrap(), task.tries, "tries of t{t}");
            assert_eq!(
                self.g.attempts_left(id).unwrap(),
                self.m.attempts_left(t),
                "attempts left of t{t}"
            );
            assert_eq!(
                self.g.is_waiting_to_retry(id).unwrap(),
                task.waiting,
                "t{t} waiting to retry"
            );
            if state == "RUNNING" {
                assert_eq!(
                    self.g.cancel_requested(id).unwrap(),
                    task.cancel_requested,
                    "cancel requested of t{t}"
                );
            }
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
                if added {
                    self.disturb(a);
                }
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
        let kind = self.m.cancel_kind(t);
        let state = self.m.state(t);
        match self.g.cancel(self.ids[t]) {
            Ok(CancelOutcome::Requested) => {
                assert_eq!(kind, Cancel::Requested, "t{t}.cancel() requested ({state})");
                self.m.tasks[t].cancel_requested = true;
                self.expect(&[]);
            }
            Ok(CancelOutcome::Cancelled) => {
                assert_eq!(kind, Cancel::Fires, "t{t}.cancel() cancelled ({state})");
                self.expect(&[(t, "cancel")]);
            }
            Err(e) => {
                assert_eq!(kind, Cancel::Refused, "t{t}.cancel(): {}", e.message);
                assert_eq!(e.kind, TaskErrorKind::InvalidEvent);
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
                        self.m.dispatch_blockers(t)[0],
                        "the blocking task"
                    );
                }
                self.expect(&[]);
            }
        }
    }

    /// The function of a held attempt ends. The driver reports it with
    /// `finish_attempt` when the task has a retry policy or the function
    /// threw (what a driver that knows of SPEC §8 does), with the seed's
    /// `finish` otherwise; a task told to retry joins `waits`.
    pub fn finish(&mut self, held: usize, ending: Ending, verdict: Verdict) {
        let (t, attempt) = self.held.swap_remove(held);
        let by_attempt = ending == Ending::Threw || self.m.tasks[t].retry.is_some();
        if self.deliver(t, attempt, ending, verdict, by_attempt) {
            self.waits.push((t, attempt));
        }
        self.late.push_back((t, attempt));
        if self.late.len() > LATE {
            self.late.pop_front();
        }
    }

    /// A late outcome of an attempt that has ended already (its wait or
    /// its run is over, or a later attempt runs): it must change nothing
    /// unless the model says it still decides (a task fired back to
    /// RUNNING by hand, say).
    pub fn finish_late(&mut self, late: usize, ending: Ending, verdict: Verdict, by_attempt: bool) {
        let (t, attempt) = self.late[late];
        if self.deliver(t, attempt, ending, verdict, by_attempt) {
            self.waits.push((t, attempt));
        }
    }

    /// Reports how attempt `attempt` of `t` ended, with `finish_attempt`
    /// or `finish`, and checks what the core did against the model.
    /// True when the task now waits to retry.
    fn deliver(
        &mut self,
        t: usize,
        attempt: u32,
        ending: Ending,
        verdict: Verdict,
        by_attempt: bool,
    ) -> bool {
        let id = self.ids[t];
        let predicted = if by_attempt {
            self.m
                .attempt_end(t, attempt, ending, verdict.retryable, verdict.random)
        } else {
            match self.m.ending_event(t, attempt, ending) {
                Some(event) => AttemptEnd::Fires(event),
                None => AttemptEnd::Stale,
            }
        };
        let got = if by_attempt {
            match self
                .g
                .finish_attempt(id, attempt, outcome(ending), verdict.failed())
                .unwrap()
            {
                Finished::Stale => AttemptEnd::Stale,
                Finished::Ended(state) => AttemptEnd::Fires(state.name()),
                Finished::Retry { delay } => AttemptEnd::Retry(delay),
            }
        } else {
            match self.g.finish(id, attempt, outcome(ending)).unwrap() {
                Some(state) => AttemptEnd::Fires(state.name()),
                None => AttemptEnd::Stale,
            }
        };
        let what = || format!("t{t} attempt {attempt} ends {ending:?} ({verdict:?})");
        match (predicted, got) {
            (AttemptEnd::Stale, AttemptEnd::Stale) => self.expect(&[]),
            (AttemptEnd::Fires(event), AttemptEnd::Fires(state)) => {
                assert_eq!(super::next("RUNNING", event), Some(state), "{}", what());
                self.expect(&[(t, event)]);
            }
            (AttemptEnd::Retry(wait), AttemptEnd::Retry(delay)) => {
                assert!(
                    same_wait(delay, wait),
                    "{}: waits {delay}, not {wait}",
                    what()
                );
                self.expect(&[]);
                self.m.wait_to_retry(t);
                return true;
            }
            (predicted, got) => panic!("{}: {got:?}; the model says {predicted:?}", what()),
        }
        false
    }

    /// The wait of a task that waits to retry ends: its next attempt
    /// starts, unless the task moved on meanwhile.
    pub fn next_attempt(&mut self, wait: usize) {
        let (t, attempt) = self.waits.swap_remove(wait);
        let predicted = self.m.next_attempt(t, attempt);
        let got = self.g.next_attempt(self.ids[t], attempt).unwrap();
        assert_eq!(got, predicted, "t{t}: the attempt after {attempt}");
        self.expect(&[]);
        if let Some(next) = got {
            self.held.push((t, next));
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
