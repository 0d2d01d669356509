//! The one place where Rust errors leave for JS, by one route: an export
//! that fails stashes its error here and returns `undefined` (an `Option`
//! in Rust: a plain value, where a `Result` would cost a detour through
//! memory in wasm-bindgen's glue on every call); JS then calls
//! `takeError` at once (`check` in `js/boundary.mjs`), so only failures
//! pay, and builds the package's error class from what it gets.

use super::protocol::{class, class_of, NONE};
use crate::error::{FsmError, TaskError};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// An error on its way to JS.
pub(crate) enum Failure {
    Task(TaskError),
    /// An error of another `class` (of the protocol): an `FsmError`, or
    /// a value of the wrong type (`TypeError`).
    Other {
        class: u32,
        message: String,
    },
}

impl From<TaskError> for Failure {
    fn from(error: TaskError) -> Self {
        Failure::Task(error)
    }
}

impl From<FsmError> for Failure {
    fn from(error: FsmError) -> Self {
        let message = error.to_string();
        Failure::Other {
            class: class::FSMError,
            message,
        }
    }
}

thread_local! {
    /// The error of the last call that failed.
    static LAST: RefCell<Option<Failure>> = const { RefCell::new(None) };
}

/// Keeps the error for `takeError`; returns `None`, what the export
/// returns for a failure.
pub(crate) fn stash<T>(error: impl Into<Failure>) -> Option<T> {
    keep(error.into());
    None
}

/// Once, not inlined into every export (that cost 2 KB).
#[inline(never)]
fn keep(failure: Failure) {
    LAST.with(|last| *last.borrow_mut() = Some(failure));
}

/// `Some` of the value, or `None` with the error stashed.
pub(crate) fn or_stash<T, E: Into<Failure>>(result: Result<T, E>) -> Option<T> {
    result.map_or_else(stash, Some)
}

/// The stashed error, flattened: `[class, kind, message, taskIds]`, with
/// `class` and `kind` codes of `protocol()` (`kind` is `NONE` for an
/// error that is not a task's) and `taskIds` the task concerned (`NONE`
/// if none), then the others (the cycle, or the blocking task); undefined
/// if none is stashed.
#[wasm_bindgen(js_name = takeError)]
pub fn take_error() -> JsValue {
    let Some(failure) = LAST.with(|last| last.borrow_mut().take()) else {
        return JsValue::UNDEFINED;
    };
    let (class, kind, message, ids) = match failure {
        Failure::Task(e) => {
            let mut ids = vec![e.task.map_or(NONE, |t| t.0)];
            ids.extend(e.tasks.iter().map(|t| t.0));
            (class_of(e.kind), e.kind as u32, e.message, ids)
        }
        Failure::Other { class, message } => (class, NONE, message, vec![NONE]),
    };
    js_sys::Array::of4(
        &JsValue::from(class),
        &JsValue::from(kind),
        &JsValue::from_str(&message),
        &js_sys::Uint32Array::from(&ids[..]).into(),
    )
    .into()
}
