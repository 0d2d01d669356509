//! The JS binding: low-level exports over the core, used by the ES
//! modules in `js/`, which hold the public classes (`Task`, `make`, ...).
//!
//! Why the public classes are JS: tasks must keep their identity (`===`)
//! and wasm-bindgen makes a new wrapper object each time it returns a Rust
//! struct. So JS keeps each task object and its function; Rust keeps the
//! graph, the states and every rule, and names tasks by a `u32` id.
//!
//! One graph per wasm instance; Rust never calls into JS while it holds
//! it, so a callback that re-enters the API cannot hit a borrowed graph.
//!
//! Every code that crosses to JS is in `protocol.rs`, which JS reads
//! once at start (`protocol()`); every error takes one route, in
//! `errors.rs`: a failed call returns `undefined` and JS takes the error
//! with `takeError`.

mod alloc;
mod dot;
mod errors;
mod fsm;
mod graph;
mod make;
mod protocol;
mod queue;

use wasm_bindgen::prelude::*;

/// Sets up the instance (the panic hook); JS calls it once the wasm is
/// instantiated, before anything else.
///
/// ```javascript
/// initCore();
/// const codes = JSON.parse(protocol());
/// ```
#[wasm_bindgen(js_name = initCore)]
pub fn init_core() {
    console_error_panic_hook::set_once();
}

/// The instance's `WebAssembly.Memory`, for JS to read buffers in place.
#[wasm_bindgen(js_name = wasmMemory)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// The package version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Live tasks and the size of the wasm memory, in bytes, flattened:
/// `[tasks, bytes]`.
#[wasm_bindgen(js_name = coreStats)]
pub fn core_stats() -> Vec<f64> {
    let tasks = graph::with_graph(|g| g.len());
    let pages = core::arch::wasm32::memory_size(0);
    vec![tasks as f64, (pages * 65536) as f64]
}
