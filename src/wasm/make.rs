//! Make exports: start a make, step it, stop it.
//!
//! Steps come back in batches, four numbers per step, so a make past
//! async functions crosses into wasm once per batch, not once per task.

use super::errors::task_error;
use super::graph::{ids, raw, try_graph, with_graph};
use crate::error::TaskError;
use crate::make::{MakeId, MakeOptions, Step};
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;

/// Step kinds, as `makeSteps` writes them.
pub const WAIT: u32 = 0;
pub const RUN: u32 = 1;
pub const ENQUEUE: u32 = 2;
pub const YIELD: u32 = 3;
pub const FINISHED: u32 = 4;
pub const FAILED: u32 = 5;
pub const DISCOVER: u32 = 6;

#[derive(Default)]
struct Makes {
    next: u32,
    active: HashMap<u32, MakeId>,
    errors: HashMap<u32, TaskError>,
}

thread_local! {
    static MAKES: RefCell<Makes> = RefCell::new(Makes::default());
}

fn make_id(handle: u32) -> Option<MakeId> {
    MAKES.with(|m| m.borrow().active.get(&handle).copied())
}

/// Starts a make of `tasks`; `concurrency` 0 means no limit.
#[wasm_bindgen(js_name = makeStart)]
pub fn make_start(
    tasks: &[u32],
    fail_fast: bool,
    queue: bool,
    concurrency: u32,
) -> Result<u32, JsValue> {
    let options = MakeOptions {
        fail_fast,
        queue,
        concurrency: concurrency as usize,
    };
    let id = try_graph(|g| g.make_start(&ids(tasks), options))?;
    Ok(MAKES.with(|m| {
        let mut m = m.borrow_mut();
        m.next = m.next.wrapping_add(1);
        let handle = m.next;
        m.active.insert(handle, id);
        handle
    }))
}

/// Up to `max` steps, four numbers each: `kind, task, via, index`
/// (`via` and `index` only for DISCOVER). Stops early after a step that
/// ends a batch: WAIT, FINISHED or FAILED; with `stop_at_yield` after a
/// YIELD, so an iterator hands out one task at a time; and after starting
/// a task whose function may finish synchronously, so that its outcome is
/// known before anything else starts (as if one step were taken at a time).
#[wasm_bindgen(js_name = makeSteps)]
pub fn make_steps(handle: u32, max: u32, stop_at_yield: bool) -> Vec<u32> {
    let Some(id) = make_id(handle) else {
        return vec![FINISHED, 0, 0, 0];
    };
    let mut out = Vec::with_capacity(4 * max.min(1024) as usize);
    with_graph(|g| {
        for _ in 0..max.max(1) {
            let (kind, task, via, index) = match g.make_next(id) {
                Step::Wait => (WAIT, 0, 0, 0),
                Step::Run { task, .. } => (RUN, task.0, 0, 0),
                Step::Enqueue(task) => (ENQUEUE, task.0, 0, 0),
                Step::Yield(task) => (YIELD, task.0, 0, 0),
                Step::Discover { task, via, index } => (DISCOVER, task.0, via.0, index),
                Step::Finished => (FINISHED, 0, 0, 0),
                Step::Failed(error) => {
                    MAKES.with(|m| m.borrow_mut().errors.insert(handle, error));
                    (FAILED, 0, 0, 0)
                }
            };
            out.extend([kind, task, via, index]);
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
    out
}

/// The error of a make whose step was FAILED.
#[wasm_bindgen(js_name = makeError)]
pub fn make_error(handle: u32) -> JsValue {
    match MAKES.with(|m| m.borrow_mut().errors.remove(&handle)) {
        Some(error) => task_error(error),
        None => JsValue::UNDEFINED,
    }
}

/// Stops a make; returns the running tasks it started, to be cancelled.
#[wasm_bindgen(js_name = makeAbort)]
pub fn make_abort(handle: u32) -> Vec<u32> {
    match make_id(handle) {
        Some(id) => raw(&with_graph(|g| g.make_abort(id))),
        None => Vec::new(),
    }
}

/// Forgets a make.
#[wasm_bindgen(js_name = makeEnd)]
pub fn make_end(handle: u32) {
    let id = MAKES.with(|m| {
        let mut m = m.borrow_mut();
        m.errors.remove(&handle);
        m.active.remove(&handle)
    });
    if let Some(id) = id {
        with_graph(|g| g.make_end(id));
    }
}
