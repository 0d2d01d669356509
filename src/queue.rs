//! `TaskQueue` (SPEC §4): a dispatch worker over a set of tasks.
//!
//! The queue files each of its tasks in one of three sets: completed,
//! unblocked PENDING, and the rest. `get` takes a completed task if any,
//! else an unblocked pending one, first filed first taken. The driver runs
//! what `get` returns and then calls `after_run`, which refiles the tasks
//! it blocks (or, with `run_dependent_tasks`, adds them).

use crate::graph::{Graph, TaskId};
use crate::idmap::IdMap;
use crate::task_state::TaskState;
use std::collections::VecDeque;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Set {
    Completed = 0,
    Unblocked = 1,
    Rest = 2,
}

#[derive(Clone, Copy, Debug)]
struct Member {
    set: Set,
    /// Position in its set (filing order).
    seq: u64,
    /// When it joined the queue (for drawing in order).
    added: u64,
}

/// Which number of its member a [`Log`] entry carries.
type Key = fn(&Member) -> u64;

/// Entries of a set's log carry the member's `seq`.
fn seq_key(m: &Member) -> u64 {
    m.seq
}

/// Entries of the joining log carry the member's `added`.
fn added_key(m: &Member) -> u64 {
    m.added
}

/// Tasks in the order they were filed, as `(number, task)` with numbers
/// increasing: a set (numbered by `seq`) or the order of joining (by
/// `added`). Instead of a `BTreeMap` (some 8 KB of .wasm): a member that
/// leaves is not looked for; its entry just stops being live (its member
/// now has another number, or is gone; numbers are never reused) and is
/// skipped, dropped when it reaches the front, and compacted away once
/// the dead entries outnumber the live ones, so memory stays O(members)
/// and every operation O(1) amortized.
#[derive(Debug, Default)]
struct Log {
    entries: VecDeque<(u64, TaskId)>,
    live: usize,
}

impl Log {
    fn is_live(members: &IdMap<Member>, key: Key, (n, t): (u64, TaskId)) -> bool {
        members.get(&t).is_some_and(|m| key(m) == n)
    }

    /// Files `t` under `n`, past every number filed before.
    fn push(&mut self, n: u64, t: TaskId) {
        self.entries.push_back((n, t));
        self.live += 1;
    }

    /// A member's entry here has just died (the member was updated or
    /// removed already).
    fn kill(&mut self, members: &IdMap<Member>, key: Key) {
        self.live -= 1;
        if self.entries.len() > 2 * self.live {
            self.entries.retain(|&e| Self::is_live(members, key, e));
        }
    }

    /// The first live entry, dropping the dead ones before it.
    fn first(&mut self, members: &IdMap<Member>, key: Key) -> Option<(u64, TaskId)> {
        while let Some(&e) = self.entries.front() {
            if Self::is_live(members, key, e) {
                return Some(e);
            }
            self.entries.pop_front();
        }
        None
    }

    /// Removes the first entry, which [`first`](Self::first) found live.
    fn pop_first(&mut self) {
        self.entries.pop_front();
        self.live -= 1;
    }

    /// The live entries' tasks, in order.
    fn tasks(&self, members: &IdMap<Member>, key: Key) -> Vec<TaskId> {
        self.entries
            .iter()
            .filter(|&&e| Self::is_live(members, key, e))
            .map(|&(_, t)| t)
            .collect()
    }
}

#[derive(Debug, Default)]
pub struct TaskQueue {
    run_dependent_tasks: bool,
    members: IdMap<Member>,
    sets: [Log; 3],
    /// The members in the order they joined the queue.
    joined: Log,
    next_seq: u64,
}

impl TaskQueue {
    pub fn new(run_dependent_tasks: bool) -> Self {
        TaskQueue {
            run_dependent_tasks,
            ..TaskQueue::default()
        }
    }

    pub fn run_dependent_tasks(&self) -> bool {
        self.run_dependent_tasks
    }

    fn classify(g: &Graph, t: TaskId) -> Set {
        match (g.state(t), g.is_blocked(t)) {
            (Ok(s), _) if s.is_completed() => Set::Completed,
            (Ok(TaskState::Pending), Ok(false)) => Set::Unblocked,
            _ => Set::Rest,
        }
    }

    fn seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// Adds a task, or refiles it if it is already in the queue.
    pub fn add(&mut self, g: &Graph, t: TaskId) {
        if self.members.contains_key(&t) {
            self.refile(g, t);
            return;
        }
        let set = Self::classify(g, t);
        let seq = self.seq();
        self.sets[set as usize].push(seq, t);
        self.joined.push(seq, t);
        self.members.insert(
            t,
            Member {
                set,
                seq,
                added: seq,
            },
        );
    }

    /// Puts a member in the set its state calls for now.
    fn refile(&mut self, g: &Graph, t: TaskId) {
        let Some(member) = self.members.get(&t).copied() else {
            return;
        };
        let set = Self::classify(g, t);
        if set == member.set {
            return;
        }
        let seq = self.seq();
        self.members.insert(t, Member { set, seq, ..member });
        self.sets[member.set as usize].kill(&self.members, seq_key);
        self.sets[set as usize].push(seq, t);
    }

    /// Takes a completed task if any, else an unblocked pending one; the
    /// task leaves the queue. A task whose state changed behind the
    /// queue's back (a make or another queue ran it, a prerequisite
    /// completed elsewhere) is refiled when `get` comes to it, so what
    /// `get` returns is current; and before saying there is nothing, `get`
    /// looks through the rest once, so no such task is left behind.
    pub fn get(&mut self, g: &Graph) -> Option<TaskId> {
        if let Some(t) = self.take(g) {
            return Some(t);
        }
        let rest = self.sets[Set::Rest as usize].tasks(&self.members, seq_key);
        for t in rest {
            self.refile(g, t);
        }
        self.take(g)
    }

    /// The first current member of the completed set, else of the
    /// unblocked one, refiling stale members on the way.
    fn take(&mut self, g: &Graph) -> Option<TaskId> {
        loop {
            let front = [Set::Completed, Set::Unblocked]
                .into_iter()
                .find_map(|set| {
                    let first = self.sets[set as usize].first(&self.members, seq_key)?;
                    Some((set, first))
                });
            let (set, (_, t)) = front?;
            if Self::classify(g, t) == set {
                self.sets[set as usize].pop_first();
                self.members.remove(&t);
                self.joined.kill(&self.members, added_key);
                return Some(t);
            }
            // Stale: refile it (it may have completed, so the completed
            // set is looked at again first).
            self.refile(g, t);
        }
    }

    /// After `t` ran (or was taken completed): refile the tasks it blocks
    /// that are in the queue, and with `run_dependent_tasks` add the
    /// others.
    pub fn after_run(&mut self, g: &Graph, t: TaskId) {
        let blocking = g.blocking_of(t).unwrap_or_default();
        for d in blocking {
            if self.members.contains_key(&d) {
                self.refile(g, d);
            } else if self.run_dependent_tasks {
                self.add(g, d);
            }
        }
    }

    pub fn contains(&self, t: TaskId) -> bool {
        self.members.contains_key(&t)
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The queue's tasks in the order they joined it.
    pub fn tasks(&self) -> Vec<TaskId> {
        self.joined.tasks(&self.members, added_key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_keeps_no_more_dead_entries_than_live_ones() {
        let mut members = IdMap::default();
        let mut log = Log::default();
        let (a, b) = (TaskId(0), TaskId(1));
        members.insert(
            b,
            Member {
                set: Set::Rest,
                seq: 0,
                added: 0,
            },
        );
        log.push(0, b);
        // `a` is refiled over and over: each time its entry dies and a new
        // one is pushed.
        for seq in 1..1000 {
            if seq > 1 {
                members.insert(
                    a,
                    Member {
                        set: Set::Rest,
                        seq,
                        added: 1,
                    },
                );
                log.kill(&members, seq_key);
            }
            log.push(seq, a);
            members.insert(
                a,
                Member {
                    set: Set::Rest,
                    seq,
                    added: 1,
                },
            );
            assert_eq!(log.live, 2);
            assert!(log.entries.len() <= 5, "{} entries", log.entries.len());
        }
        assert_eq!(log.tasks(&members, seq_key), vec![b, a]);
        members.remove(&b);
        log.kill(&members, seq_key);
        assert_eq!(log.first(&members, seq_key), Some((999, a)));
        log.pop_first();
        assert_eq!((log.live, log.entries.len()), (0, 0));
    }
}
