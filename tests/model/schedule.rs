//! SPEC §12 in the reference model (see `mod.rs`): the task options, why
//! a task can never start, the room a make has, critical-path ranks, and
//! which ready tasks the rules let a make start.
//!
//! Scheduling, as the model reads SPEC §12: a task's `weight` (≥ 1) is
//! the number of slots of its make's `concurrency`, and of its pool's
//! capacity, it holds from its start until it settles; a make never holds
//! more than its concurrency (0: no limit) nor, in a pool, more than the
//! pool's capacity. A task that could never fit (heavier than either, or
//! in a pool the make does not define) fails the make when it joins,
//! before the make starts anything more. Among a make's ready tasks the
//! higher `priority` goes first, equal ones in the order they became
//! ready; the make considers them in that order: one that does not fit
//! its pool holds back the tasks behind it in that pool only, whatever its
//! weight; of the others, the first that does not fit the free slots
//! stops it. `designate` says which task
//! that may start, knowing the readiness order only as far as a driver
//! can see it (see there).
//!
//! Critical-path order, as the model reads SPEC §12: a task's `estimate`
//! is finite and at least 0 (1 by default); in a make with
//! `order: 'critical-path'` its rank is its estimate plus the largest
//! rank among the tasks of the make that require it (the given tasks and
//! all their prerequisites, transitively), fixed when the make starts
//! (`Model::ranks`). Among ready tasks of equal priority the higher rank
//! goes first, equal ones in the order they became ready; nothing else
//! changes.

use super::{MakeRule, Model};

/// SPEC §12's task options: `weight` (at least 1), `priority` (finite),
/// `pool` (0: none; pools are numbered as the driver numbers their
/// names) and `estimate` (finite, at least 0).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sched {
    pub weight: u32,
    pub priority: f64,
    pub pool: u32,
    pub estimate: f64,
}

impl Sched {
    /// A task without options: weight 1, priority 0, no pool, estimate 1.
    pub const PLAIN: Sched = Sched {
        weight: 1,
        priority: 0.0,
        pool: 0,
        estimate: 1.0,
    };
}

impl Default for Sched {
    fn default() -> Self {
        Sched::PLAIN
    }
}

/// Why a task can never start in a make (SPEC §12): the make fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoFit {
    /// Heavier than the make's concurrency.
    Concurrency,
    /// Heavier than its pool's capacity.
    PoolCapacity,
    /// In a pool the make does not define.
    UnknownPool,
}

/// The room a make has for one more task: its free slots (None: no
/// limit) and each of its pools' free capacity, as (pool, free).
#[derive(Clone, Debug, Default)]
pub struct Room {
    pub slots: Option<u32>,
    pub pools: Vec<(u32, u32)>,
}

impl Room {
    /// A make with this `concurrency` and these `pools` (id, capacity)
    /// whose started, unsettled tasks are `started`.
    pub fn of(m: &Model, concurrency: usize, pools: &[(u32, u32)], started: &[usize]) -> Room {
        let weight = |t: &usize| m.tasks[*t].schedule.weight;
        let held: u32 = started.iter().map(weight).sum();
        let slots = (concurrency > 0).then(|| (concurrency as u32).saturating_sub(held));
        let pools = pools
            .iter()
            .map(|&(id, capacity)| {
                let used: u32 = started
                    .iter()
                    .filter(|&&t| m.tasks[t].schedule.pool == id)
                    .map(weight)
                    .sum();
                (id, capacity.saturating_sub(used))
            })
            .collect();
        Room { slots, pools }
    }
}

/// What the rules let a make do next with its ready tasks (SPEC §12).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Designation {
    /// The tasks it may start.
    pub picks: Vec<usize>,
    /// Whether it may start none.
    pub may_wait: bool,
}

impl Model {
    /// SPEC §12: why `t` can never start in a make with this concurrency
    /// (0: no limit) and these pools (id, capacity); empty when it can.
    pub fn no_fit(&self, t: usize, concurrency: usize, pools: &[(u32, u32)]) -> Vec<NoFit> {
        let s = self.tasks[t].schedule;
        let mut out = Vec::new();
        if concurrency > 0 && s.weight as usize > concurrency {
            out.push(NoFit::Concurrency);
        }
        if s.pool != 0 {
            match pools.iter().find(|&&(id, _)| id == s.pool) {
                Some(&(_, capacity)) if s.weight > capacity => out.push(NoFit::PoolCapacity),
                Some(_) => {}
                None => out.push(NoFit::UnknownPool),
            }
        }
        out
    }

    /// The tasks a make of `given` has taken in once it has looked at
    /// everything it can reach (SPEC §3): the given tasks, and for each
    /// PENDING one whose prerequisites are to be made first, those not
    /// settled (PENDING ones to make, RUNNING or QUEUED ones to wait
    /// for), and so on.
    pub fn join_closure(&self, given: &[usize]) -> Vec<usize> {
        let mut seen = vec![false; self.tasks.len()];
        let mut stack = given.to_vec();
        let mut out = Vec::new();
        while let Some(t) = stack.pop() {
            if std::mem::replace(&mut seen[t], true) {
                continue;
            }
            out.push(t);
            if self.state(t) == "PENDING" && self.make_rule(t) == MakeRule::MakePrerequisitesFirst {
                stack.extend(
                    self.tasks[t]
                        .required
                        .iter()
                        .filter(|&&p| matches!(self.state(p), "PENDING" | "RUNNING" | "QUEUED")),
                );
            }
        }
        out
    }

    /// SPEC §12, critical-path order: the ranks of the tasks of a make of
    /// `given`, by task (0 for the tasks not of the make), as they are
    /// when it starts. A task's rank is its estimate plus the largest
    /// rank among the tasks of the make that require it: relaxed from 0
    /// until nothing changes (the graph is a DAG, so this ends, after at
    /// most one round more than its longest path has tasks).
    pub fn ranks(&self, given: &[usize]) -> Vec<f64> {
        let of_make = self.closure(given);
        let mut ranks = vec![0.0; self.tasks.len()];
        loop {
            let mut changed = false;
            for t in (0..self.tasks.len()).filter(|&t| of_make[t]) {
                let above = (0..self.tasks.len())
                    .filter(|&d| of_make[d] && self.tasks[d].required.contains(&t))
                    .map(|d| ranks[d])
                    .fold(0.0, f64::max);
                let rank = self.tasks[t].schedule.estimate + above;
                if rank != ranks[t] {
                    ranks[t] = rank;
                    changed = true;
                }
            }
            if !changed {
                return ranks;
            }
        }
    }

    /// SPEC §12, rules 4 and 5: what a make may do with its ready tasks,
    /// given as (task, when it became ready) — the driver sees readiness
    /// only between steps, so tasks with the same `when` became ready in
    /// an order it does not know (the seed's), and every order of them is
    /// allowed. The make considers its ready tasks by priority, higher
    /// first, then, with critical-path order (`ranks`, see
    /// `Model::ranks`), by rank, higher first, then by readiness; one
    /// that does not fit its pool's free capacity holds back itself and
    /// the tasks behind it in that pool, whatever its weight; of the
    /// others, the first that does not fit the free slots ends the
    /// consideration; the first one neither stopped nor held back starts.
    pub fn designate(
        &self,
        ready: &[(usize, u32)],
        room: &Room,
        ranks: Option<&[f64]>,
    ) -> Designation {
        let s = |t: usize| self.tasks[t].schedule;
        let rank = |t: usize| ranks.map_or(0.0, |r| r[t]);
        let mut order = ready.to_vec();
        order.sort_by(|a, b| {
            let (pa, pb) = (s(a.0).priority, s(b.0).priority);
            let (ra, rb) = (rank(a.0), rank(b.0));
            pb.partial_cmp(&pa)
                .expect("finite priorities")
                .then(rb.partial_cmp(&ra).expect("finite ranks"))
                .then(a.1.cmp(&b.1))
        });
        let fits_slots = |t: usize| room.slots.map_or(true, |free| s(t).weight <= free);
        let fits_pool = |t: usize| {
            let pool = s(t).pool;
            pool == 0
                || room
                    .pools
                    .iter()
                    .any(|&(id, free)| id == pool && s(t).weight <= free)
        };
        let mut barred: Vec<u32> = Vec::new();
        let mut out = Designation::default();
        let tied = |a: &(usize, u32), b: &(usize, u32)| {
            a.1 == b.1 && s(a.0).priority == s(b.0).priority && rank(a.0) == rank(b.0)
        };
        for group in order.chunk_by(tied) {
            let group: Vec<usize> = group.iter().map(|&(t, _)| t).collect();
            let held = |t: usize| s(t).pool != 0 && (barred.contains(&s(t).pool) || !fits_pool(t));
            // Any of the group may come first among them.
            for &t in &group {
                if fits_slots(t) && !held(t) {
                    out.picks.push(t);
                }
            }
            // One not held back by its pool that does not fit the free
            // slots stops the scan (a task held by its pool is passed
            // whatever its weight: only its pool waits for it).
            if group.iter().any(|&t| !held(t) && !fits_slots(t)) {
                out.may_wait = true;
            }
            // Can each of them be held back, in some order? (Held back on
            // its own, or behind one of its pool that does not fit it.)
            let passed = group.iter().all(|&t| {
                held(t)
                    || group
                        .iter()
                        .any(|&u| u != t && s(u).pool != 0 && s(u).pool == s(t).pool && held(u))
            });
            if !passed {
                return out;
            }
            barred.extend(group.iter().map(|&t| s(t).pool).filter(|&p| p != 0));
        }
        out.may_wait = true;
        out
    }
}
