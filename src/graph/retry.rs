//! Attempts (SPEC §8): a task with a retry policy stays RUNNING across
//! the attempts of one run. When an attempt fails and the policy allows
//! another, `finish_attempt` says how long to wait instead of firing
//! `except`; the driver waits (the core has no timers) and starts the
//! next attempt with `next_attempt`. Cancelling a task that waits ends
//! it CANCELLED at once. The seed's table and its meaning of "completed"
//! do not change: a task waiting to retry is RUNNING, not completed, and
//! its dependents wait.
//!
//! Policies are kept beside the graph, boxed in a vector by task slot
//! that grows only as far as the last task given a policy (a pointer a
//! slot): the nodes of tasks without one do not grow, and no hash map
//! code is added to the .wasm (a map cost 0.5 KiB gzipped).

use super::{Extra, Graph, Outcome, TaskId};
use crate::error::TaskError;
use crate::task_state::{Event, TaskState};

/// How a task retries (SPEC §8): `attempts` in all; before attempt k+1,
/// a wait of `min(delay · factor^(k−1), max_delay)` ms, of which the
/// fraction `jitter` is drawn at random. Out-of-range values are
/// brought into range here (the JS layer reports them as errors first):
/// attempts at least 1, factor at least 1, delays not negative, jitter
/// within 0..=1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub delay: f64,
    pub factor: f64,
    pub max_delay: f64,
    pub jitter: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 1,
            delay: 0.0,
            factor: 2.0,
            max_delay: f64::INFINITY,
            jitter: 0.0,
        }
    }
}

/// `x`, or `or` when `x` is NaN; never below `min`.
fn at_least(x: f64, min: f64, or: f64) -> f64 {
    if x.is_nan() {
        or
    } else {
        x.max(min)
    }
}

impl RetryPolicy {
    fn normalized(self) -> RetryPolicy {
        RetryPolicy {
            attempts: self.attempts.max(1),
            delay: at_least(self.delay, 0.0, 0.0),
            factor: at_least(self.factor, 1.0, 2.0),
            max_delay: at_least(self.max_delay, 0.0, f64::INFINITY),
            jitter: at_least(self.jitter, 0.0, 0.0).min(1.0),
        }
    }

    /// The wait before attempt `failed + 1`, after `failed` attempts
    /// (at least 1) have failed; `random` in 0..1 draws the jitter.
    pub fn delay_after(&self, failed: u32, random: f64) -> f64 {
        let exponent = failed.saturating_sub(1).min(i32::MAX as u32) as i32;
        let base = (self.delay * self.factor.powi(exponent)).min(self.max_delay);
        let base = if base.is_finite() {
            base
        } else {
            self.max_delay
        };
        let random = if (0.0..1.0).contains(&random) {
            random
        } else {
            0.0
        };
        base * (1.0 - self.jitter * random)
    }
}

/// A task's policy and where its run stands.
#[derive(Clone, Copy, Debug)]
pub(super) struct Retrying {
    policy: RetryPolicy,
    /// Attempts started in the current run.
    tries: u32,
    /// Between a failed attempt and the next.
    waiting: bool,
}

/// What the driver says of a failed attempt, beyond how it ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Failed {
    /// Whether the task's `retryOn` lets it try again (true without one).
    pub retryable: bool,
    /// A number in 0..1 for the jitter, drawn by the driver.
    pub random: f64,
}

/// What `finish_attempt` did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Finished {
    /// The attempt is not the task's current one, or the task left
    /// RUNNING meanwhile: the outcome changes nothing.
    Stale,
    /// The task ended in this state.
    Ended(TaskState),
    /// The task stays RUNNING: wait this many ms, then `next_attempt`.
    Retry { delay: f64 },
}

impl Graph {
    /// Gives the task a retry policy (or takes it away with `None`).
    pub fn set_retry(&mut self, id: TaskId, policy: Option<RetryPolicy>) -> Result<(), TaskError> {
        let node = self.node_mut(id)?;
        node.has_retry = policy.is_some();
        match policy {
            Some(policy) => {
                if self.retries.len() <= id.index() {
                    self.retries.resize(id.index() + 1, None);
                }
                self.retries[id.index()] = Some(Box::new(Retrying {
                    policy: policy.normalized(),
                    tries: 0,
                    waiting: false,
                }));
            }
            None => self.forget_retry(id),
        }
        Ok(())
    }

    /// The task's retry policy, if it has one.
    pub fn retry_policy(&self, id: TaskId) -> Result<Option<RetryPolicy>, TaskError> {
        self.node(id)?;
        Ok(self.retrying(id).map(|r| r.policy))
    }

    /// Attempts started in the task's current (or last) run: 1 for a
    /// task without a policy that has run, 0 for one that never ran.
    pub fn tries(&self, id: TaskId) -> Result<u32, TaskError> {
        let node = self.node(id)?;
        Ok(match self.retrying(id) {
            Some(r) => r.tries,
            None => u32::from(node.attempt > 0),
        })
    }

    /// Whether a failure of the current attempt could be followed by
    /// another (before `retryOn` is asked).
    pub fn attempts_left(&self, id: TaskId) -> Result<bool, TaskError> {
        self.node(id)?;
        Ok(self
            .retrying(id)
            .is_some_and(|r| r.tries < r.policy.attempts))
    }

    /// Whether the task is RUNNING between two attempts.
    pub fn is_waiting_to_retry(&self, id: TaskId) -> Result<bool, TaskError> {
        let running = self.state_of(id)? == TaskState::Running;
        Ok(running && self.retrying(id).is_some_and(|r| r.waiting))
    }

    /// A run starts (`dispatch`): its first attempt.
    pub(super) fn begin_run(&mut self, id: TaskId) {
        if let Some(r) = self.retrying_mut(id) {
            r.tries = 1;
            r.waiting = false;
        }
    }

    /// Applies the outcome of attempt `attempt` (see [`Finished`]): a
    /// failure (thrown, not a cancellation, no cancel requested) is
    /// followed by another attempt while the policy has attempts left and
    /// `failed.retryable`; otherwise SPEC §2's rules pick the event, as
    /// `finish` does.
    pub fn finish_attempt(
        &mut self,
        id: TaskId,
        attempt: u32,
        outcome: Outcome,
        failed: Failed,
    ) -> Result<Finished, TaskError> {
        let node = self.node(id)?;
        if self.state_of(id)? != TaskState::Running || node.attempt != attempt {
            return Ok(Finished::Stale);
        }
        let plain_failure = outcome
            == Outcome::Threw {
                cancellation: false,
            }
            && !node.cancel_requested;
        if plain_failure && node.has_retry && failed.retryable {
            if let Some(r) = self.retrying_mut(id) {
                if !r.waiting && r.tries < r.policy.attempts {
                    r.waiting = true;
                    let delay = r.policy.delay_after(r.tries, failed.random);
                    return Ok(Finished::Retry { delay });
                }
            }
        }
        match self.finish(id, attempt, outcome)? {
            Some(state) => Ok(Finished::Ended(state)),
            None => Ok(Finished::Stale),
        }
    }

    /// Starts the next attempt of a task waiting after attempt `attempt`
    /// failed; returns its number. `None` when the task has moved on
    /// meanwhile (cancelled, retried by hand, made again): the wait's
    /// end changes nothing.
    pub fn next_attempt(&mut self, id: TaskId, attempt: u32) -> Result<Option<u32>, TaskError> {
        let node = self.node(id)?;
        if self.state_of(id)? != TaskState::Running || node.attempt != attempt || !self.end_wait(id)
        {
            return Ok(None);
        }
        if let Some(r) = self.retrying_mut(id) {
            r.tries += 1;
        }
        let node = self.node_mut(id)?;
        node.attempt += 1;
        Ok(Some(node.attempt))
    }

    /// `cancel` of a RUNNING task: true when it was waiting to retry and
    /// is CANCELLED now.
    pub(super) fn cancel_waiting(&mut self, id: TaskId) -> Result<bool, TaskError> {
        if !self.node(id)?.has_retry || !self.is_waiting_to_retry(id)? {
            return Ok(false);
        }
        // Leaving RUNNING ends the wait (see `fire`).
        self.fire(id, Event::Cancel, Extra::default())?;
        Ok(true)
    }

    /// Ends the task's wait to retry, if it was in one (it left RUNNING,
    /// or its next attempt starts); true when it was.
    pub(super) fn end_wait(&mut self, id: TaskId) -> bool {
        self.retrying_mut(id)
            .is_some_and(|r| std::mem::replace(&mut r.waiting, false))
    }

    /// A freed task's policy goes with it.
    pub(super) fn forget_retry(&mut self, id: TaskId) {
        if let Some(slot) = self.retries.get_mut(id.index()) {
            *slot = None;
        }
    }

    fn retrying(&self, id: TaskId) -> Option<&Retrying> {
        self.retries.get(id.index())?.as_deref()
    }

    fn retrying_mut(&mut self, id: TaskId) -> Option<&mut Retrying> {
        self.retries.get_mut(id.index())?.as_deref_mut()
    }
}
