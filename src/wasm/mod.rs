//! The JS binding. For now it exposes the task state table; the full JS
//! API of SPEC §7 lands with issue 3.

use wasm_bindgen::prelude::*;

/// The task state machine's transition table as Graphviz DOT.
///
/// ```javascript
/// import { taskStatesAsDot } from 'taskqueue-wasm';
/// console.log(taskStatesAsDot('Task'));
/// ```
#[wasm_bindgen(js_name = taskStatesAsDot)]
pub fn task_states_as_dot(name: Option<String>) -> Result<String, JsError> {
    let table = crate::state::task_table().map_err(|e| JsError::new(&e.to_string()))?;
    Ok(table.as_dot(name.as_deref()))
}

/// The package version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
