//! Make exports: start a make, step it, stop it.
//!
//! A step comes back as one number, `task * 8 + kind`, so stepping costs
//! one call and no allocation.

use super::errors::task_error;
use super::graph::{ids, raw, try_graph, with_graph};
use crate::error::TaskError;
use crate::make::{MakeId, MakeOptions, Step};
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;

/// Step kinds, the low 3 bits of what `makeNext` returns.
pub const WAIT: u32 = 0;
pub const RUN: u32 = 1;
pub const ENQUEUE: u32 = 2;
pub const YIELD: u32 = 3;
pub const FINISHED: u32 = 4;
pub const FAILED: u32 = 5;

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

/// The next step, as `task * 8 + kind`.
#[wasm_bindgen(js_name = makeNext)]
pub fn make_next(handle: u32) -> f64 {
    let Some(id) = make_id(handle) else {
        return f64::from(FINISHED);
    };
    let (task, kind) = match with_graph(|g| g.make_next(id)) {
        Step::Wait => (0, WAIT),
        Step::Run { task, .. } => (task.0, RUN),
        Step::Enqueue(task) => (task.0, ENQUEUE),
        Step::Yield(task) => (task.0, YIELD),
        Step::Finished => (0, FINISHED),
        Step::Failed(error) => {
            MAKES.with(|m| m.borrow_mut().errors.insert(handle, error));
            (0, FAILED)
        }
    };
    f64::from(task) * 8.0 + f64::from(kind)
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
