//! The one place where Rust errors become JS errors. A factory installed
//! by the JS side at start-up builds instances of the package's classes
//! (`FSMError`, `TaskError`, `BlockedError`), so errors thrown from wasm
//! are already the right class, with the tasks concerned attached.

use crate::error::{FsmError, TaskError, TaskErrorKind};
use std::cell::RefCell;
use wasm_bindgen::JsValue;

thread_local! {
    static FACTORY: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
    /// The error of the last hot call that failed (see `stash`).
    static LAST: RefCell<Option<TaskError>> = const { RefCell::new(None) };
}

/// Hot exports return plain numbers, because a `Result` return costs a
/// detour through memory in wasm-bindgen's glue on every call. When one
/// fails it stashes its error here and returns a failure code; JS then
/// calls `takeError`, so only failures pay.
pub(crate) fn stash(error: TaskError) {
    LAST.with(|last| *last.borrow_mut() = Some(error));
}

/// The stashed error as a JS error (undefined if none).
#[wasm_bindgen::prelude::wasm_bindgen(js_name = takeError)]
pub fn take_error() -> JsValue {
    match LAST.with(|last| last.borrow_mut().take()) {
        Some(error) => task_error(error),
        None => JsValue::UNDEFINED,
    }
}

pub(crate) fn set_factory(factory: js_sys::Function) {
    FACTORY.with(|f| *f.borrow_mut() = Some(factory));
}

/// `factory(className, kind, message, taskId, taskIds)`; `taskId` is -1
/// when no task is concerned.
fn make(class: &str, kind: &str, message: &str, task: Option<u32>, tasks: &[u32]) -> JsValue {
    let factory = FACTORY.with(|f| f.borrow().clone());
    let Some(factory) = factory else {
        return js_sys::Error::new(message).into();
    };
    let args = js_sys::Array::of5(
        &JsValue::from_str(class),
        &JsValue::from_str(kind),
        &JsValue::from_str(message),
        &JsValue::from_f64(task.map_or(-1.0, f64::from)),
        &js_sys::Uint32Array::from(tasks).into(),
    );
    factory
        .apply(&JsValue::NULL, &args)
        .unwrap_or_else(|thrown| thrown)
}

pub(crate) fn task_error(error: TaskError) -> JsValue {
    let class = match error.kind {
        TaskErrorKind::Blocked => "BlockedError",
        TaskErrorKind::MakePrepare => "FSMError",
        _ => "TaskError",
    };
    let tasks: Vec<u32> = error.tasks.iter().map(|t| t.0).collect();
    make(
        class,
        error.kind.name(),
        &error.message,
        error.task.map(|t| t.0),
        &tasks,
    )
}

pub(crate) fn fsm_error(error: FsmError) -> JsValue {
    make("FSMError", "Fsm", &error.to_string(), None, &[])
}

pub(crate) fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}
