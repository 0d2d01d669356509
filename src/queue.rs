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
use std::collections::BTreeMap;

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

#[derive(Debug, Default)]
pub struct TaskQueue {
    run_dependent_tasks: bool,
    members: IdMap<Member>,
    sets: [BTreeMap<u64, TaskId>; 3],
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
        self.sets[set as usize].insert(seq, t);
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
        self.sets[member.set as usize].remove(&member.seq);
        let seq = self.seq();
        self.sets[set as usize].insert(seq, t);
        self.members.insert(t, Member { set, seq, ..member });
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
        let rest: Vec<TaskId> = self.sets[Set::Rest as usize].values().copied().collect();
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
                .find_map(|set| Some((set, self.sets[set as usize].first_key_value()?)));
            let (set, (&seq, &t)) = front?;
            if Self::classify(g, t) == set {
                self.sets[set as usize].remove(&seq);
                self.members.remove(&t);
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
        let mut tasks: Vec<(i64, TaskId)> = self
            .members
            .iter()
            .map(|(&t, m)| (m.added as i64, t))
            .collect();
        tasks.sort_unstable();
        tasks.into_iter().map(|(_, t)| t).collect()
    }
}
