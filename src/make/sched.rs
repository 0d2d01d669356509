//! Weights, pools and priorities (SPEC §12): which ready task a make
//! starts next when some task has scheduling options or the make has
//! pools. Without them none of this runs (`Make::sched` is `None`).
//!
//! The ready list is kept in order: higher priority first, and among
//! equal priorities in the order the tasks became ready (a task is
//! inserted after every task of its priority or higher, scanning from the
//! back, so equal priorities cost O(1)). A scan starts the first task
//! that fits. No task waits forever behind lighter ones: a task that
//! does not fit the make's free slots ends the scan (nothing behind it
//! starts until it has), and one that does not fit its pool bars the
//! tasks behind it in that pool (tasks of other pools may still pass).

use super::{Make, Mark, Picked, TaskId, Verdict};
use crate::error::{TaskError, TaskErrorKind};
use crate::graph::Graph;
use crate::task_state::TaskState;

impl Make {
    /// A task joined a make with scheduling options: a weight it can
    /// never fit, or a pool it does not define, stops the make before
    /// anything starts (a clear error rather than a make that hangs).
    pub(super) fn check_schedule(&mut self, g: &Graph, t: TaskId) {
        let s = g.schedule(t);
        let Some(sched) = self.sched.as_deref() else {
            return;
        };
        let concurrency = self.options.concurrency;
        let pool = sched.pools.iter().find(|p| p.pool.id == s.pool);
        let problem = if concurrency > 0 && s.weight as usize > concurrency {
            "its weight is more than the make's concurrency"
        } else if s.pool == 0 {
            return;
        } else if let Some(p) = pool {
            if s.weight <= p.pool.capacity {
                return;
            }
            "its weight is more than its pool's capacity"
        } else {
            "its pool is not one of the make's pools"
        };
        if self.error.is_none() {
            let name = g.name(t).unwrap_or("?");
            let message = format!("task '{name}': {problem}");
            self.error = Some(TaskError::new(TaskErrorKind::Schedule, Some(t), message));
        }
    }

    /// `t` is ready: into the ready list after every task of its priority
    /// or higher (swapped forward from the back: nothing moves when the
    /// priorities are equal).
    pub(super) fn make_ready(&mut self, g: &mut Graph, t: TaskId) {
        self.set_mark(g, t, Mark::Ready);
        let priority = g.schedule(t).priority;
        self.ready.push_back(t);
        let mut i = self.ready.len() - 1;
        while i > 0
            && self
                .ready
                .get(i - 1)
                .is_some_and(|&r| g.schedule(r).priority < priority)
        {
            self.ready.swap(i - 1, i);
            i -= 1;
        }
    }

    /// The first task of the ready list that can start now (see the
    /// module's doc). A task taken from the middle stays in the list: its
    /// mark is no longer `Ready`, so scans skip it, and drop it once it
    /// reaches the front.
    pub(super) fn pick(&mut self, g: &mut Graph) -> Picked {
        let concurrency = self.options.concurrency;
        let scan = self.sched.as_deref_mut().map_or(0, |s| {
            s.scans = s.scans.wrapping_add(1).max(1);
            s.scans
        });
        let mut i = 0;
        while let Some(&t) = self.ready.get(i) {
            if self.mark(g, t) != Some(Mark::Ready) {
                if i == 0 {
                    self.ready.pop_front();
                } else {
                    i += 1;
                }
                continue;
            }
            let s = g.schedule(t);
            if concurrency > 0 && self.in_flight + s.weight as usize > concurrency {
                return Picked::Nothing;
            }
            let pools = self
                .sched
                .as_deref_mut()
                .map_or(&mut [][..], |s| &mut s.pools[..]);
            if let Some(p) = pools.iter_mut().find(|p| p.pool.id == s.pool) {
                if p.barred == scan || p.used + s.weight > p.pool.capacity {
                    // Barred: the tasks behind it in its pool wait too.
                    p.barred = scan;
                    i += 1;
                    continue;
                }
            }
            if i == 0 {
                self.ready.pop_front();
            }
            // Things may have changed since it was found ready.
            if g.state(t).ok() == Some(TaskState::Pending) && self.rules(g, t) == Verdict::Ready {
                return Picked::Start(t);
            }
            self.push_work(g, t);
            return Picked::Again;
        }
        Picked::Nothing
    }

    /// `t` starts: it takes its weight of the make's slots and its pool's.
    pub(super) fn take_slots(&mut self, g: &Graph, t: TaskId) {
        let Some(sched) = self.sched.as_deref_mut() else {
            self.in_flight += 1;
            return;
        };
        let s = g.schedule(t);
        self.in_flight += s.weight as usize;
        if let Some(p) = sched.pools.iter_mut().find(|p| p.pool.id == s.pool) {
            p.used += s.weight;
        }
    }

    /// `t`, started by this make, settled: it gives its slots back.
    pub(super) fn give_slots(&mut self, g: &Graph, t: TaskId) {
        let Some(sched) = self.sched.as_deref_mut() else {
            self.in_flight -= 1;
            return;
        };
        let s = g.schedule(t);
        self.in_flight = self.in_flight.saturating_sub(s.weight as usize);
        if let Some(p) = sched.pools.iter_mut().find(|p| p.pool.id == s.pool) {
            p.used = p.used.saturating_sub(s.weight);
        }
    }
}
