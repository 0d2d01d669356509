//! Where a make finds its entry for a task (see `crate::slot`), and who
//! waits for whom.

use super::Make;
use crate::graph::{Graph, TaskId};
use crate::slot::{Entry, Mark};

/// One "task waits for an entry" link. All lists of a make share one
/// vector, so waiting allocates nothing per task.
#[derive(Clone, Copy, Debug)]
pub(super) struct Waiter {
    pub(super) task: TaskId,
    pub(super) next: u32,
}

/// One task that `d` waits for has settled; with none left, `d` is
/// released (to `released`, keyed so the latest waiter sorts first).
fn count_off(e: &mut Entry, d: TaskId, released: &mut Vec<(i64, TaskId)>) {
    if let Mark::Waiting(n) = e.mark {
        if n <= 1 {
            e.mark = Mark::Seen;
            released.push((-i64::from(e.since), d));
        } else {
            e.mark = Mark::Waiting(n - 1);
        }
    }
}

impl Make {
    /// This make's entry for `t`: in the task's node when this make owns
    /// that slot (the usual case: one make at a time), else in its map.
    pub(super) fn entry<'a>(&'a self, g: &'a Graph, t: TaskId) -> Option<&'a Entry> {
        match g.make_entry(t, self.serial) {
            Some(e) => Some(e),
            None if self.others.is_empty() => None,
            None => self.index.get(&t).map(|&e| &self.others[e]),
        }
    }

    pub(super) fn entry_mut<'a>(
        &'a mut self,
        g: &'a mut Graph,
        t: TaskId,
    ) -> Option<&'a mut Entry> {
        match g.make_entry_mut(t, self.serial) {
            Some(e) => Some(e),
            None if self.others.is_empty() => None,
            None => self.index.get(&t).map(|&e| &mut self.others[e]),
        }
    }

    /// Gives `t` an entry (and watches it) on first sight; true when new.
    pub(super) fn join(&mut self, g: &mut Graph, t: TaskId) -> bool {
        if self.entry(g, t).is_some() {
            return false;
        }
        g.watch(t);
        if self.reporting {
            g.report(t, true);
        }
        if !g.claim_make_entry(t, self.serial) {
            self.index.insert(t, self.others.len());
            self.others.push(Entry::NEW);
        }
        self.tasks.push(t);
        if self.sched.is_none() && g.any_schedule() {
            // A task with options joins a make started without any (it
            // was added to the graph meanwhile): from now on, schedule.
            self.schedule_from_now(g, t);
        }
        if self.sched.is_some() {
            self.check_schedule(g, t);
        }
        true
    }

    pub(super) fn mark(&self, g: &Graph, t: TaskId) -> Option<Mark> {
        self.entry(g, t).map(|e| e.mark)
    }

    pub(super) fn set_mark(&mut self, g: &mut Graph, t: TaskId, mark: Mark) {
        if let Some(e) = self.entry_mut(g, t) {
            e.mark = mark;
        }
    }

    /// Records that `t` waits for `p`: in `t`'s entry if there is room,
    /// else in `p`'s list.
    pub(super) fn hold(&mut self, g: &mut Graph, t: TaskId, p: TaskId) {
        if let Some(e) = self.entry_mut(g, t) {
            if let Some(place) = e.holds.get_mut(usize::from(e.held)) {
                *place = p;
                e.held += 1;
                return;
            }
        }
        let head = self.waits.len() as u32;
        if let Some(e) = self.entry_mut(g, p) {
            let next = std::mem::replace(&mut e.waiters, head);
            self.waits.push(Waiter { task: t, next });
        }
    }

    /// Counts `t` off for each task of this make waiting for it (those
    /// holding it, found among its dependents, then those in its list
    /// from `first`), and puts those with nothing left to wait for back
    /// on the work stack.
    pub(super) fn release_waiters(&mut self, g: &mut Graph, t: TaskId, first: u32) {
        let mut released = std::mem::take(&mut self.released);
        released.clear();
        let dependents = g.blocking(t).map_or(0, <[TaskId]>::len);
        for i in 0..dependents {
            let Some(d) = g.blocking(t).ok().and_then(|b| b.get(i).copied()) else {
                break;
            };
            if let Some(e) = self.entry_mut(g, d) {
                let times = e.unhold(t);
                (0..times).for_each(|_| count_off(e, d, &mut released));
            }
        }
        let mut next = first;
        while let Some(&Waiter { task, next: after }) = self.waits.get(next as usize) {
            next = after;
            if let Some(e) = self.entry_mut(g, task) {
                count_off(e, task, &mut released);
            }
        }
        // Latest waiter pushed first: the work list is a stack. (Keys are
        // `-since`, since a u32; `sort::pairs_from` sorts as
        // `sort_unstable` would without its own copy of the sort code.)
        crate::sort::pairs_from(&mut released, -i64::from(u32::MAX));
        self.work.extend(released.iter().map(|&(_, d)| d));
        self.released = released;
    }
}
