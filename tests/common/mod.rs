//! Helpers shared by the rule tests.
#![allow(dead_code)]

use std::cell::RefCell;
use std::rc::Rc;
use taskqueue_wasm::local::{Failure, Lines, Local};
use taskqueue_wasm::{TaskId, TaskOptions, TaskState};

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

/// Default options, keeping the task's history.
pub fn with_history() -> TaskOptions {
    TaskOptions {
        history: true,
        ..TaskOptions::default()
    }
}

pub fn names(local: &Local, tasks: &[TaskId]) -> Vec<String> {
    tasks
        .iter()
        .map(|&t| local.graph.name(t).unwrap().to_string())
        .collect()
}

/// A small deterministic pseudo-random generator for generated graphs.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}
