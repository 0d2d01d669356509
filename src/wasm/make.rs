//! Make exports: start a make, step it, stop it.
//!
//! Steps come back in batches, four numbers per step, so a make past
//! async functions crosses into wasm once per batch, not once per task.
//! Each make writes its steps into its own buffer in wasm memory, which
//! JS reads in place (`makeStepsAt`): a step costs no allocation on
//! either side and no second call to free it.
//!
//! A make that stops on a FAILED step keeps its error until it is ended:
//! `makeEnd` then fails with it (the one error route, see `errors.rs`).
//! Stashed at once, it could be taken by a call that user code, run for
//! the steps before it, makes meanwhile.

use super::errors::stash;
use super::graph::{graph_call, ids, raw, try_graph, with_graph};
use super::protocol::step::{DISCOVER, ENQUEUE, FAILED, FINISHED, RUN, WAIT, YIELD};
use crate::error::TaskError;
use crate::idmap::IdHasher;
use crate::make::{MakeId, MakeOptions, Pool, Rate, Scheduling, Step};
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use wasm_bindgen::prelude::*;

/// An active make and the buffer its steps are written to. The buffer is
/// never reallocated (JS holds a view of it): its capacity is fixed when
/// the make starts.
struct Active {
    id: MakeId,
    steps: Vec<u32>,
    /// Why it stopped, after a FAILED step.
    error: Option<TaskError>,
}

/// Handles are small counters: hashed cheaply (SipHash showed in
/// profiles, twice per `makeSteps`).
type ByHandle<V> = HashMap<u32, V, BuildHasherDefault<IdHasher>>;

#[derive(Default)]
struct Makes {
    next: u32,
    active: ByHandle<Active>,
}

thread_local! {
    static MAKES: RefCell<Makes> = RefCell::new(Makes::default());
}

fn make_id(handle: u32) -> Option<MakeId> {
    MAKES.with(|m| m.borrow().active.get(&handle).map(|a| a.id))
}

/// Starts a make of `tasks`; `concurrency` 0 means no limit; `batch` is
/// the most steps one `makeSteps` call hands out; `sched`: the make's
/// scheduling options (SPEC §12), empty for none, else `[criticalPath]`
/// (1 or 0) then four numbers per pool, `id, capacity, limit, interval`
/// (id 0: the make's own rate limit; `limit` 0: no rate limit). Returns
/// the make's handle (never 0).
#[wasm_bindgen(js_name = makeStart)]
pub fn make_start(
    tasks: &[u32],
    fail_fast: bool,
    queue: bool,
    concurrency: u32,
    batch: u32,
    sched: &[f64],
) -> Option<u32> {
    let options = MakeOptions {
        fail_fast,
        queue,
        concurrency: concurrency as usize,
    };
    let mut scheduling = Scheduling {
        critical_path: sched.first() == Some(&1.0),
        ..Scheduling::default()
    };
    for p in sched.get(1..).unwrap_or(&[]).chunks_exact(4) {
        let id = p[0] as u32;
        if id != 0 {
            let capacity = p[1] as u32;
            scheduling.pools.push(Pool { id, capacity });
        }
        if p[2] >= 1.0 {
            let rate = Rate {
                limit: p[2] as u32,
                interval: p[3],
            };
            scheduling.rates.push((id, rate));
        }
    }
    let id = try_graph(|g| g.make_start_scheduled(&ids(tasks), options, &scheduling))?;
    Some(MAKES.with(|m| {
        let mut m = m.borrow_mut();
        m.next = m.next.wrapping_add(1).max(1);
        let handle = m.next;
        let steps = Vec::with_capacity(4 * batch.clamp(1, 1 << 16) as usize);
        let error = None;
        m.active.insert(handle, Active { id, steps, error });
        handle
    }))
}

/// Writes up to a batch of steps to the make's buffer, four numbers
/// each: `kind, task, via, index` (`kind` a `step` code of the protocol;
/// `via` and `index` only for DISCOVER);
/// returns how many numbers it wrote, 0 for a make that is gone. Stops
/// early after a step that ends a batch: WAIT, FINISHED or FAILED; with
/// `stop_at_yield` after a YIELD, so an iterator hands out one task at a
/// time; and after starting a task whose function may finish
/// synchronously, so that its outcome is known before anything else
/// starts (as if one step were taken at a time).
/// `fresh`: user code may have run since the last call into the core, so
/// the clock must be read again (see `Graph::tick`).
#[wasm_bindgen(js_name = makeSteps)]
pub fn make_steps(handle: u32, stop_at_yield: bool, fresh: bool) -> u32 {
    let mut error = None;
    let Some((id, mut out)) = MAKES.with(|m| {
        let mut m = m.borrow_mut();
        let active = m.active.get_mut(&handle)?;
        Some((active.id, std::mem::take(&mut active.steps)))
    }) else {
        return 0;
    };
    out.clear();
    let max = out.capacity() / 4;
    graph_call(fresh, |g| {
        for _ in 0..max {
            let (kind, task, via, index) = match g.make_next(id) {
                // With the milliseconds until a rate limit lets the make
                // go on (0: until a task ends), for the driver's timer.
                Step::Wait => (WAIT, rate_wait(g.make_rate_wait(id)), 0, 0),
                Step::Run { task, .. } => (RUN, task.0, 0, 0),
                Step::Enqueue(task) => (ENQUEUE, task.0, 0, 0),
                Step::Yield(task) => (YIELD, task.0, 0, 0),
                Step::Discover { task, via, index } => (DISCOVER, task.0, via.0, index),
                Step::Finished => (FINISHED, 0, 0, 0),
                Step::Failed(e) => {
                    error = Some(e);
                    (FAILED, 0, 0, 0)
                }
            };
            out.extend_from_slice(&[kind, task, via, index]);
            let may_be_sync = matches!(kind, RUN | ENQUEUE)
                && !g.async_hint(crate::graph::TaskId(task)).unwrap_or(false);
            if matches!(kind, WAIT | FINISHED | FAILED)
                || (stop_at_yield && kind == YIELD)
                || may_be_sync
            {
                break;
            }
        }
    });
    let written = out.len() as u32;
    // Back in place: the Vec moved, its buffer (which JS reads) did not.
    MAKES.with(|m| {
        if let Some(active) = m.borrow_mut().active.get_mut(&handle) {
            active.steps = out;
            if error.is_some() {
                active.error = error; // once: the make is stopped
            }
        }
    });
    written
}

/// Milliseconds to wait for a rate window, rounded up to at least 1; 0
/// for none.
fn rate_wait(wait: Option<f64>) -> u32 {
    wait.map_or(0, |ms| ms.ceil().clamp(1.0, f64::from(u32::MAX)) as u32)
}

/// Where the make's step buffer is in wasm memory (a byte address), for
/// JS to read `makeSteps`' output in place; 0 for a make that is gone.
#[wasm_bindgen(js_name = makeStepsAt)]
pub fn make_steps_at(handle: u32) -> u32 {
    MAKES.with(|m| {
        m.borrow()
            .active
            .get(&handle)
            .map_or(0, |a| a.steps.as_ptr() as u32)
    })
}

/// Stops a make; returns the running tasks it started, to be cancelled.
#[wasm_bindgen(js_name = makeAbort)]
pub fn make_abort(handle: u32) -> Vec<u32> {
    match make_id(handle) {
        Some(id) => raw(&with_graph(|g| g.make_abort(id))),
        None => Vec::new(),
    }
}

/// Has the make report the transitions of every task it touches
/// (`takeTransitions`), for the make option `onTransition`.
#[wasm_bindgen(js_name = makeReport)]
pub fn make_report(handle: u32) {
    if let Some(id) = make_id(handle) {
        with_graph(|g| g.make_report(id));
    }
}

/// Forgets a make; returns whether it was still known. Fails with the
/// make's error when it stopped on a FAILED step.
#[wasm_bindgen(js_name = makeEnd)]
pub fn make_end(handle: u32) -> Option<bool> {
    let Some(active) = MAKES.with(|m| m.borrow_mut().active.remove(&handle)) else {
        return Some(false);
    };
    with_graph(|g| g.make_end(active.id));
    match active.error {
        Some(error) => stash(error),
        None => Some(true),
    }
}
