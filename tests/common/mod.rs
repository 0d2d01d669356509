//! Helpers shared by the rule tests.
#![allow(dead_code)]

use std::cell::RefCell;
use std::rc::Rc;
use taskqueue_wasm::local::{Failure, Lines, Local};
use taskqueue_wasm::{TaskId, TaskOptions, TaskState};

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

pub fn names(local: &Local, tasks: &[TaskId]) -> Vec<String> {
    tasks
        .iter()
        .map(|&t| local.graph.name(t).unwrap().to_string())
        .collect()
}
