//! Task exports: create, link, read and move tasks, by id.
//!
//! Fallible exports return an `Option`: `None` (`undefined` in JS) when
//! they failed, their error stashed (see `errors.rs`).

use super::errors::or_stash;
use super::protocol::{finish, NO_STATE};
use crate::error::{TaskError, TaskErrorKind};
use crate::graph::{
    because_code, CancelOutcome, Failed, Finished, Outcome, RetryPolicy, TaskId, TaskOptions,
    TaskTransition,
};
use crate::scheduler::Scheduler;
use crate::task_state::STATES;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    static GRAPH: RefCell<Scheduler> = RefCell::new(Scheduler::with_clock(js_sys::Date::now));
}

/// Runs `f` on the instance's graph. Nothing in `f` calls into JS, so the
/// borrow cannot be re-entered. Its transitions read the clock afresh.
pub(crate) fn with_graph<R>(f: impl FnOnce(&mut Scheduler) -> R) -> R {
    graph_call(true, f)
}

/// `with_graph`; with `tick` false, its transitions keep the time of the
/// call before (the caller knows no user code has run since).
pub(crate) fn graph_call<R>(tick: bool, f: impl FnOnce(&mut Scheduler) -> R) -> R {
    GRAPH.with(|g| {
        let mut g = g.borrow_mut();
        if tick {
            g.tick();
        }
        f(&mut g)
    })
}

/// Runs `f`; `None` when it failed, its error stashed for JS.
pub(crate) fn try_graph<R>(f: impl FnOnce(&mut Scheduler) -> Result<R, TaskError>) -> Option<R> {
    or_stash(with_graph(f))
}

pub(crate) fn ids(tasks: &[u32]) -> Vec<TaskId> {
    tasks.iter().map(|&t| TaskId(t)).collect()
}

pub(crate) fn raw(tasks: &[TaskId]) -> Vec<u32> {
    tasks.iter().map(|t| t.0).collect()
}

/// Adds a task named `name`, or when that is undefined, named as the
/// task added last; `state` is the index of its state in table order
/// (PREPARE, PENDING, QUEUED, RUNNING, CANCELLED, FAILED, DONE, ABORT);
/// `is_async`: its function is an `async function`; `run_if_settled`:
/// SPEC §8's `runIf: 'settled'`. Returns its id; fails for a state code
/// out of range (JS checks names first).
#[wasm_bindgen(js_name = addTask)]
pub fn add_task(
    name: Option<String>,
    state: u32,
    cancel_on_exception: bool,
    is_async: bool,
    run_if_settled: bool,
) -> Option<u32> {
    try_graph(|g| {
        if let Some(name) = name {
            g.name_next(&name);
        }
        let Some(state) = STATES.get(state as usize).copied() else {
            let message = "a state code out of range".to_string();
            return Err(TaskError::new(TaskErrorKind::UnknownState, None, message));
        };
        let options = TaskOptions {
            state,
            cancel_on_exception,
            async_hint: is_async,
            run_if_settled,
            ..TaskOptions::default()
        };
        Ok(g.add_task_named_as_last(options).0)
    })
}

/// Frees tasks JS can no longer reach, together (see
/// `Graph::remove_tasks`); ids already gone are skipped.
#[wasm_bindgen(js_name = removeTasks)]
pub fn remove_tasks(tasks: &[u32]) {
    with_graph(|g| g.remove_tasks(&ids(tasks)));
}

/// Frees whole components JS can no longer reach, each named by one of
/// its tasks: everything linked to it by requirements, either way (JS
/// keeps a component alive as a whole, see js/registry.mjs). Returns how
/// many tasks were freed.
#[wasm_bindgen(js_name = removeComponents)]
pub fn remove_components(members: &[u32]) -> u32 {
    with_graph(|g| g.remove_components(&ids(members)) as u32)
}

/// The task's display id (its DOT node id).
#[wasm_bindgen(js_name = taskSerial)]
pub fn task_serial(task: u32) -> Option<f64> {
    try_graph(|g| g.serial(TaskId(task))).map(|s| s as f64)
}

/// The task's state as its index in table order (`NO_STATE`: no such
/// task).
#[wasm_bindgen(js_name = taskState)]
pub fn task_state(task: u32) -> u32 {
    with_graph(|g| g.state(TaskId(task))).map_or(NO_STATE, |s| s as u32)
}

/// Whether the task's transitions go to the outbox (`takeTransitions`);
/// returns `observed`.
#[wasm_bindgen(js_name = taskObserve)]
pub fn task_observe(task: u32, observed: bool) -> Option<bool> {
    try_graph(|g| g.set_observed(TaskId(task), observed)).map(|()| observed)
}

/// Whether the requirement is new (false: it was there already); fails
/// when it is refused.
#[wasm_bindgen(js_name = taskRequire)]
pub fn task_require(task: u32, other: u32) -> Option<bool> {
    try_graph(|g| g.require(TaskId(task), TaskId(other)))
}

/// Prerequisites, in the order they were required.
#[wasm_bindgen(js_name = taskRequired)]
pub fn task_required(task: u32) -> Option<Vec<u32>> {
    try_graph(|g| g.required(TaskId(task)).map(raw))
}

/// The tasks and all their prerequisites, transitively, each once, as
/// `n` ids then for each the index of the one that led to it (JS finds
/// a task in the component of that one).
#[wasm_bindgen(js_name = withPrerequisites)]
pub fn with_prerequisites(tasks: &[u32]) -> Option<Vec<u32>> {
    try_graph(|g| {
        let all = g.with_prerequisites(&ids(tasks))?;
        let ids = all.iter().map(|(t, _)| t.0);
        Ok(ids.chain(all.iter().map(|&(_, via)| via)).collect())
    })
}

/// Dependents, in the order they were added.
#[wasm_bindgen(js_name = taskBlocking)]
pub fn task_blocking(task: u32) -> Option<Vec<u32>> {
    try_graph(|g| g.blocking(TaskId(task)).map(raw))
}

#[wasm_bindgen(js_name = taskBlockers)]
pub fn task_blockers(task: u32) -> Option<Vec<u32>> {
    try_graph(|g| g.blockers(TaskId(task)).map(|b| raw(&b)))
}

#[wasm_bindgen(js_name = taskIsBlocked)]
pub fn task_is_blocked(task: u32) -> Option<bool> {
    try_graph(|g| g.is_blocked(TaskId(task)))
}

/// Fires an event by name; returns the new state's index.
#[wasm_bindgen(js_name = taskEvent)]
pub fn task_event(task: u32, event: &str) -> Option<u32> {
    try_graph(|g| g.event_named(TaskId(task), event, Default::default())).map(|s| s as u32)
}

/// `dispatch`: BlockedError if a prerequisite is not completed, else the
/// task is RUNNING and its function should run; returns true.
#[wasm_bindgen(js_name = taskDispatch)]
pub fn task_dispatch(task: u32) -> Option<bool> {
    try_graph(|g| g.dispatch(TaskId(task)).map(|_| true))
}

/// Reports how the current attempt ended (`how`: a `finish` code).
/// `retryable`: the task's `retryOn` lets a failure be retried (true
/// without one); `random`: a number in 0..1 for the jitter. Returns the
/// new state's index when the run ended; `NO_STATE` if the task had left
/// RUNNING (or is gone): not an error, the outcome of a stale attempt is
/// ignored; and when another attempt follows (SPEC §8), `-1 - delay`:
/// the task stays RUNNING, and JS calls `taskNextAttempt` after `delay`
/// ms.
#[wasm_bindgen(js_name = taskFinish)]
pub fn task_finish(task: u32, how: u32, retryable: bool, random: f64) -> f64 {
    let outcome = match how {
        finish::RETURNED | finish::RETURNED_CANCEL => Outcome::Returned {
            cancel_on_result: how == finish::RETURNED_CANCEL,
        },
        _ => Outcome::Threw {
            cancellation: how == finish::THREW_CANCELLATION,
        },
    };
    let finished = with_graph(|g| {
        let id = TaskId(task);
        let attempt = g.attempt(id)?;
        g.finish_attempt(id, attempt, outcome, Failed { retryable, random })
    });
    match finished {
        Ok(Finished::Ended(state)) => f64::from(state as u8),
        Ok(Finished::Retry { delay }) => -1.0 - delay,
        _ => f64::from(NO_STATE),
    }
}

/// Gives the task a retry policy (SPEC §8; JS has checked the values).
#[wasm_bindgen(js_name = taskSetRetry)]
pub fn task_set_retry(
    task: u32,
    attempts: u32,
    delay: f64,
    factor: f64,
    max_delay: f64,
    jitter: f64,
) -> Option<bool> {
    let policy = RetryPolicy {
        attempts,
        delay,
        factor,
        max_delay,
        jitter,
    };
    try_graph(|g| g.set_retry(TaskId(task), Some(policy))).map(|()| true)
}

/// Gives the task scheduling options (SPEC §12; JS has checked the
/// values): `pool` is the number JS gives the pool's name, 0 for none.
#[wasm_bindgen(js_name = taskSetSchedule)]
pub fn task_set_schedule(
    task: u32,
    weight: u32,
    priority: f64,
    pool: u32,
    estimate: f64,
) -> Option<bool> {
    let schedule = crate::graph::Schedule {
        weight,
        priority,
        pool,
        estimate,
    };
    try_graph(|g| g.set_schedule(TaskId(task), schedule)).map(|()| true)
}

/// Starts the next attempt of a task waiting to retry: 0, and the
/// task's function should run again; -1 when the task has moved on
/// meanwhile (cancelled, ended by hand, gone), and nothing changed; a
/// positive number of ms when a rate limit (SPEC §12) of a make that
/// started it holds the attempt back: ask again then.
#[wasm_bindgen(js_name = taskNextAttempt)]
pub fn task_next_attempt(task: u32) -> f64 {
    match with_graph(|g| g.next_attempt_within_rates(TaskId(task))) {
        Ok(Some(_)) => 0.0,
        Ok(None) => -1.0,
        Err(wait) => wait.ceil().max(1.0),
    }
}

/// Sets a task that has not started to the settled state a store
/// recorded (SPEC §9; `state` by table index); returns it.
#[wasm_bindgen(js_name = taskRestore)]
pub fn task_restore(task: u32, state: u32) -> Option<u32> {
    try_graph(|g| {
        let Some(state) = STATES.get(state as usize).copied() else {
            let message = "a state code out of range".to_string();
            return Err(TaskError::new(TaskErrorKind::UnknownState, None, message));
        };
        g.restore(TaskId(task), state).map(|s| s as u32)
    })
}

/// `cancel`: true when the task is running and cancellation was only
/// requested; false when it is CANCELLED now.
#[wasm_bindgen(js_name = taskCancel)]
pub fn task_cancel(task: u32) -> Option<bool> {
    try_graph(|g| g.cancel(TaskId(task))).map(|c| c == CancelOutcome::Requested)
}

/// Writes a transition as `oldState, newState, event, when, because, n,
/// ...n task ids` (`because`: 0 none, else the `Because` code: failed
/// prerequisites, cancelled prerequisites, some prerequisites are not
/// done; states and events by table index).
fn put_transition(out: &mut Vec<f64>, tr: &TaskTransition) {
    out.extend([
        f64::from(tr.old_state as u8),
        f64::from(tr.new_state as u8),
        f64::from(tr.event as u8),
        tr.when,
        f64::from(because_code(tr.extra.because)),
        tr.extra.tasks.len() as f64,
    ]);
    out.extend(tr.extra.tasks.iter().map(|t| f64::from(t.0)));
}

/// Transitions of observed tasks since the last call, flattened: for each,
/// the task's id, then the transition as `put_transition` writes it.
#[wasm_bindgen(js_name = takeTransitions)]
pub fn take_transitions() -> Vec<f64> {
    let taken = with_graph(|g| g.take_transitions());
    let mut out = Vec::new();
    for (task, tr) in taken {
        out.push(f64::from(task.0));
        put_transition(&mut out, &tr);
    }
    out
}

/// The task's history, oldest first, as `Graph::history_raw` writes it.
#[wasm_bindgen(js_name = taskHistory)]
pub fn task_history(task: u32) -> Option<Vec<u32>> {
    try_graph(|g| g.history_raw(TaskId(task)))
}

/// How many transitions the task has had.
#[wasm_bindgen(js_name = taskHistoryLength)]
pub fn task_history_length(task: u32) -> Option<u32> {
    try_graph(|g| g.history_len(TaskId(task))).map(|n| n as u32)
}
