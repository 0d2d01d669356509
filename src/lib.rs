//! taskqueue-wasm: task graphs with dependencies, failure and retry (the
//! model of Python's `cs.taskqueue`), with a pure Rust core and a thin
//! WebAssembly binding.
//!
//! Where each idea lives:
//! - [`fsm`]: the general state machine; [`state`]: the task table.
//! - [`graph`]: tasks, requirements, cycle checks, running outcomes.
//! - [`make`]: the make engine; [`queue`]: `TaskQueue`.
//! - [`dot`]: Graphviz DOT output; [`layout`]: the layered layout of a
//!   graph; [`svg`]: tasks and transition tables drawn as SVG.
//! - [`local`]: a native, synchronous driver of makes with Rust closures
//!   (tests, examples).
//! - `wasm`: the JS binding (only on wasm32).

pub mod dot;
pub mod error;
pub mod fsm;
pub mod graph;
mod id;
mod idmap;
pub mod layout;
pub mod local;
pub mod make;
pub mod queue;
pub mod state;
pub mod svg;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use error::{FsmError, TaskError, TaskErrorKind};
pub use graph::{Because, Extra, Graph, TaskId, TaskOptions, TaskTransition};
pub use make::{MakeOptions, Step};
pub use queue::TaskQueue;
pub use state::{Event, TaskState};
