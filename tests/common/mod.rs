//! Helpers shared by the rule tests.
#![allow(dead_code)]

use std::cell::RefCell;
use std::rc::Rc;
use taskqueue_wasm::graph::Outcome;
use taskqueue_wasm::make::MakeId;
use taskqueue_wasm::sync_driver::{Failure, Lines, SyncDriver};
use taskqueue_wasm::{Graph, Scheduler, Step, TaskId, TaskOptions, TaskState};

mod lcg;
#[allow(unused_imports)] // not every test crate draws random graphs
pub use lcg::Lcg;

pub fn lines() -> Lines {
    Rc::new(RefCell::new(Vec::new()))
}

/// A task function that appends `text` to `out`.
pub fn say(out: &Lines, text: &str) -> impl FnMut() -> Result<(), Failure> + 'static {
    let out = Rc::clone(out);
    let text = text.to_string();
    move || {
        out.borrow_mut().push(text.clone());
        Ok(())
    }
}

pub fn ok() -> impl FnMut() -> Result<(), Failure> + 'static {
    || Ok(())
}

pub fn fail(message: &str) -> impl FnMut() -> Result<(), Failure> + 'static {
    let message = message.to_string();
    move || Err(Failure::Error(message.clone()))
}

pub fn in_state(state: TaskState) -> TaskOptions {
    TaskOptions {
        state,
        ..TaskOptions::default()
    }
}

pub fn names(local: &SyncDriver, tasks: &[TaskId]) -> Vec<String> {
    tasks
        .iter()
        .map(|&t| local.graph.name(t).unwrap().to_string())
        .collect()
}

/// Drawing fixtures (DOT and SVG rules).
/// root blocks zeta, alpha, mid (added in that order); mid blocks leaf.
pub fn sample() -> (Graph, Vec<TaskId>) {
    let mut g = Graph::new();
    let root = g.add_task("root", TaskOptions::default());
    let zeta = g.add_task("zeta", TaskOptions::default());
    let alpha = g.add_task("alpha", TaskOptions::default());
    let mid = g.add_task("mid", TaskOptions::default());
    let leaf = g.add_task("leaf", TaskOptions::default());
    for t in [zeta, alpha, mid] {
        g.require(t, root).unwrap();
    }
    g.require(leaf, mid).unwrap();
    (g, vec![root, zeta, alpha, mid, leaf])
}

/// a requires b and c (in that order), b requires d; e requires a.
pub fn prerequisites() -> (Graph, Vec<TaskId>) {
    let mut g = Graph::new();
    let a = g.add_task("a", TaskOptions::default());
    let c = g.add_task("c", TaskOptions::default());
    let b = g.add_task("b", TaskOptions::default());
    let d = g.add_task("d", TaskOptions::default());
    let e = g.add_task("e", TaskOptions::default());
    g.require(a, c).unwrap();
    g.require(a, b).unwrap();
    g.require(b, d).unwrap();
    g.require(e, a).unwrap();
    (g, vec![a, b, c, d, e])
}

/// Steps a make until it waits or ends, collecting what it asked for
/// (but for Discover steps, which only name tasks), as a driver would.
pub fn steps(g: &mut Scheduler, make: MakeId) -> Vec<Step> {
    let mut out = Vec::new();
    loop {
        let step = g.make_next(make);
        if matches!(step, Step::Discover { .. }) {
            continue;
        }
        let stop = matches!(step, Step::Wait | Step::Finished | Step::Failed(_));
        out.push(step);
        if stop {
            return out;
        }
    }
}

/// A function that returned, and one that threw an ordinary error.
pub const DONE: Outcome = Outcome::Returned {
    cancel_on_result: false,
};
pub const THREW: Outcome = Outcome::Threw {
    cancellation: false,
};
