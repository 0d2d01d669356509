//! taskqueue-wasm: task graphs with dependencies, failure and retry (the
//! model of Python's `cs.taskqueue`), with a pure Rust core and a thin
//! WebAssembly binding.
//!
//! Where each idea lives:
//! - [`fsm`]: the general state machine; [`task_state`]: the task's
//!   states and events (its table).
//! - [`graph`]: tasks, requirements, cycle checks, running outcomes.
//! - [`make`]: the make engine (one make over a graph); `slot`: what a
//!   make keeps per task, stored in the node; [`scheduler`]: a graph and
//!   the makes running over it; [`queue`]: `TaskQueue`.
//! - [`dot`]: Graphviz DOT output; [`layout`]: the layered layout of a
//!   graph; [`svg`]: tasks and transition tables drawn as SVG.
//! - [`sync_driver`]: a native, synchronous driver of makes with Rust
//!   closures as task functions (tests, examples).
//! - `wasm`: the JS binding (only on wasm32).

pub mod dot;
pub mod error;
pub mod fsm;
pub mod graph;
mod id;
mod idmap;
pub mod layout;
pub mod make;
pub mod queue;
pub mod scheduler;
mod slot;
mod sort;
pub mod svg;
pub mod sync_driver;
pub mod task_state;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use error::{FsmError, TaskError, TaskErrorKind};
pub use graph::{Because, Extra, Graph, Schedule, TaskId, TaskOptions, TaskTransition};
pub use make::{MakeOptions, Pool, Rate, Scheduling, Step};
pub use queue::TaskQueue;
pub use scheduler::Scheduler;
pub use task_state::{Event, TaskState};
