//! How a make schedules a task among others (SPEC §12): its `weight`
//! (slots of the make's concurrency it holds while it runs), its
//! `priority` (higher first among ready tasks), its `pool` (a capacity
//! named by the make) and its `estimate` (its expected duration, for
//! `order: 'critical-path'`). Kept by task slot, and only for the
//! tasks that have one: a graph without any costs a make nothing.

use super::{Graph, TaskId};
use crate::error::TaskError;

/// A task's scheduling options; the default is a plain task's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Schedule {
    /// Slots of the make's `concurrency` (and of its pool) it holds while
    /// started: at least 1.
    pub weight: u32,
    /// Higher first among ready tasks; ties keep the order of readiness.
    pub priority: f64,
    /// Its pool, a number the driver gives each pool name; 0: none.
    pub pool: u32,
    /// Its expected duration (ms, finite, at least 0) for critical-path
    /// order: a ready task's rank is the longest sum of estimates along
    /// a path from it through the make's tasks that depend on it.
    pub estimate: f64,
}

impl Schedule {
    pub const PLAIN: Schedule = Schedule {
        weight: 1,
        priority: 0.0,
        pool: 0,
        estimate: 1.0,
    };
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule::PLAIN
    }
}

impl Graph {
    /// Gives the task scheduling options (SPEC §12); a weight of 0 counts
    /// as 1. Makes started from now on read them. Give them before a make
    /// starts the task: a make gives back the weight it reads when the
    /// task settles.
    pub fn set_schedule(&mut self, id: TaskId, schedule: Schedule) -> Result<(), TaskError> {
        self.state(id)?;
        while self.schedules.len() <= id.index() {
            self.schedules.push(Schedule::PLAIN);
        }
        if let Some(s) = self.schedules.get_mut(id.index()) {
            *s = Schedule {
                weight: schedule.weight.max(1),
                ..schedule
            };
        }
        Ok(())
    }

    /// The task's scheduling options (a plain task's when it has none).
    pub fn schedule(&self, id: TaskId) -> Schedule {
        self.schedules
            .get(id.index())
            .copied()
            .unwrap_or(Schedule::PLAIN)
    }

    /// Whether any task was ever given scheduling options: a make over a
    /// graph where none was keeps the plain path.
    pub fn any_schedule(&self) -> bool {
        !self.schedules.is_empty()
    }

    /// A freed task's options go with it.
    pub(super) fn forget_schedule(&mut self, id: TaskId) {
        if let Some(s) = self.schedules.get_mut(id.index()) {
            *s = Schedule::PLAIN;
        }
    }
}
