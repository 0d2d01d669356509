//! Weights, pools, priorities, critical-path order and rate limits
//! (SPEC §12): which ready task a make starts next when some task has
//! scheduling options or the make has any. Without them none of this
//! runs (`Make::sched` is `None`, and the plain path keeps the seed's
//! order).
//!
//! Ready tasks wait in one heap per pool (tasks of no pool in pool 0),
//! ordered by [`Ready::before`]: higher priority first, then (with
//! critical-path order) the longer remaining path, then the order in
//! which they became ready. A pick looks at each pool's first task only:
//! one that does not fit its pool's free capacity, or whose pool's rate
//! window is full, holds back the tasks behind it in that pool (tasks of
//! other pools may pass it); of the others, the first in order starts if
//! it fits the make's free slots and the make's rate window, and if it
//! does not nothing starts until it does. So no task waits forever behind
//! lighter ones, and a pick costs O(pools + log ready).

use super::{Make, Mark, TaskId, Verdict};
use crate::error::{TaskError, TaskErrorKind};
use crate::graph::Graph;
use crate::task_state::TaskState;

/// A pool of a make (SPEC §12): the tasks of pool `id` this make has
/// started hold at most `capacity` slots at once (their weights).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pool {
    /// The number the driver gives the pool's name ([`crate::graph::Schedule::pool`]).
    pub id: u32,
    /// At least 1.
    pub capacity: u32,
}

/// A rate limit (SPEC §12): at most `limit` starts in any window of
/// `interval` milliseconds (by the graph's clock).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
    /// At least 1.
    pub limit: u32,
    /// Milliseconds, finite and above 0.
    pub interval: f64,
}

/// A make's scheduling options (SPEC §12), beyond [`super::MakeOptions`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scheduling {
    pub pools: Vec<Pool>,
    /// Rate limits by pool id; id 0 limits the make as a whole.
    pub rates: Vec<(u32, Rate)>,
    /// `order: 'critical-path'`: among ready tasks of equal priority, the
    /// one with the longest remaining path (by estimates) first.
    pub critical_path: bool,
}

/// What a make keeps for scheduling: its pools (pool 0: tasks of no
/// pool, unbounded), its own rate window, and the ranks of critical-path
/// order.
#[derive(Debug)]
pub(super) struct Sched {
    pools: Vec<PoolUse>,
    rate: Option<Window>,
    critical_path: bool,
    /// Remaining path by task index (NaN: not computed; see `rank_all`).
    ranks: Vec<f64>,
    /// Counts tasks made ready: ties keep the order of readiness.
    seq: u64,
    /// After a pick that started nothing because of a rate window: ms
    /// until the first window opens (else infinity).
    pub(super) wait: f64,
}

#[derive(Debug)]
struct PoolUse {
    pool: Pool,
    /// Weight of the tasks of this pool started and not settled.
    used: u32,
    rate: Option<Window>,
    /// Its ready tasks, a binary heap by `Ready::before`.
    ready: Vec<Ready>,
}

/// The start times of the last `limit` starts: a ring once full.
#[derive(Debug)]
struct Window {
    rate: Rate,
    starts: Vec<f64>,
    /// With `starts` full, where the oldest is (and the next goes).
    oldest: usize,
}

impl Window {
    fn new(rate: Rate) -> Window {
        Window {
            rate,
            starts: Vec::new(),
            oldest: 0,
        }
    }

    /// Ms until a start is allowed: 0 or less when it is now.
    fn wait(&self, now: f64) -> f64 {
        match self.starts.get(self.oldest) {
            Some(&t) if self.starts.len() >= self.rate.limit as usize => {
                t + self.rate.interval - now
            }
            _ => 0.0,
        }
    }

    fn record(&mut self, now: f64) {
        if self.starts.len() < self.rate.limit as usize {
            self.starts.push(now);
        } else if let Some(s) = self.starts.get_mut(self.oldest) {
            *s = now;
            self.oldest = (self.oldest + 1) % self.starts.len();
        }
    }
}

/// A ready task and its place in line.
#[derive(Clone, Copy, Debug)]
struct Ready {
    priority: f64,
    rank: f64,
    seq: u64,
    task: TaskId,
}

impl Ready {
    /// Whether `self` goes before `other`.
    fn before(&self, other: &Ready) -> bool {
        if self.priority != other.priority {
            return self.priority > other.priority;
        }
        if self.rank != other.rank {
            return self.rank > other.rank;
        }
        self.seq < other.seq
    }
}

/// Heap order over a Vec (no generic heap: one small copy of the code).
fn heap_push(heap: &mut Vec<Ready>, r: Ready) {
    let mut i = heap.len();
    heap.push(r);
    while i > 0 {
        let parent = (i - 1) / 2;
        if !heap[i].before(&heap[parent]) {
            break;
        }
        heap.swap(i, parent);
        i = parent;
    }
}

fn heap_pop(heap: &mut Vec<Ready>) {
    if heap.is_empty() {
        return;
    }
    let last = heap.len() - 1;
    heap.swap(0, last);
    heap.pop();
    let mut i = 0;
    loop {
        let (l, r) = (2 * i + 1, 2 * i + 2);
        let mut first = i;
        if l < heap.len() && heap[l].before(&heap[first]) {
            first = l;
        }
        if r < heap.len() && heap[r].before(&heap[first]) {
            first = r;
        }
        if first == i {
            break;
        }
        heap.swap(i, first);
        i = first;
    }
}

/// What a pick found.
pub(super) enum Picked {
    Start(TaskId),
    /// Something changed: go round again.
    Again,
    Nothing,
}

impl Sched {
    /// A make's scheduling state, or None when nothing calls for one.
    pub(super) fn new(g: &Graph, tasks: &[TaskId], s: &Scheduling) -> Option<Box<Sched>> {
        let any = g.any_schedule() || s.critical_path;
        if !any && s.pools.is_empty() && s.rates.is_empty() {
            return None;
        }
        let rate_of = |id: u32| {
            let rate = s.rates.iter().find(|r| r.0 == id);
            rate.map(|&(_, rate)| Window::new(rate))
        };
        let plain = Pool {
            id: 0,
            capacity: u32::MAX,
        };
        let pools = std::iter::once(plain).chain(s.pools.iter().copied());
        let pools = pools.map(|pool| PoolUse {
            pool,
            used: 0,
            rate: if pool.id == 0 { None } else { rate_of(pool.id) },
            ready: Vec::new(),
        });
        let mut sched = Sched {
            pools: pools.collect(),
            rate: rate_of(0),
            critical_path: s.critical_path,
            ranks: Vec::new(),
            seq: 0,
            wait: f64::INFINITY,
        };
        if s.critical_path {
            sched.rank_all(g, tasks);
        }
        Some(Box::new(sched))
    }

    /// Critical-path ranks of the tasks and all their prerequisites, in
    /// O(tasks + edges): a task's rank is its estimate plus the largest
    /// rank among its dependents in that set, so the dependents are
    /// ranked first (each task once its last dependent has been, from a
    /// stack: iterative).
    fn rank_all(&mut self, g: &Graph, tasks: &[TaskId]) {
        let Ok(all) = g.with_prerequisites(tasks) else {
            return;
        };
        let size = all.iter().map(|&(t, _)| t.index() + 1).max().unwrap_or(0);
        self.ranks.resize(size.max(self.ranks.len()), f64::NAN);
        let mut dependents = vec![0u32; size];
        let mut longest = vec![0.0f64; size];
        for &(t, _) in &all {
            for &p in g.required(t).unwrap_or(&[]) {
                dependents[p.index()] += 1;
            }
        }
        let mut stack: Vec<TaskId> = all.iter().map(|&(t, _)| t).collect();
        stack.retain(|t| dependents[t.index()] == 0);
        while let Some(t) = stack.pop() {
            let rank = g.schedule(t).estimate + longest[t.index()];
            self.ranks[t.index()] = rank;
            for &p in g.required(t).unwrap_or(&[]) {
                let i = p.index();
                longest[i] = longest[i].max(rank);
                dependents[i] -= 1;
                if dependents[i] == 0 {
                    stack.push(p);
                }
            }
        }
    }

    fn rank(&self, t: TaskId) -> f64 {
        self.ranks.get(t.index()).copied().unwrap_or(f64::NAN)
    }

    /// `p` is a prerequisite of `t`: its rank, and its known
    /// prerequisites', rise to what the path through `t` gives. Nothing
    /// changes for the tasks ranked at the start; this ranks a task added
    /// to the graph meanwhile, and what it leads to.
    fn raise(&mut self, g: &Graph, t: TaskId, p: TaskId) {
        let above = self.rank(t);
        let above = if above.is_nan() { 0.0 } else { above };
        if self.rank(p) >= g.schedule(p).estimate + above {
            return;
        }
        let mut work = vec![(p, above)];
        while let Some((p, above)) = work.pop() {
            let rank = g.schedule(p).estimate + above;
            if p.index() >= self.ranks.len() {
                self.ranks.resize(p.index() + 1, f64::NAN);
            }
            let known = self.ranks[p.index()];
            if known >= rank {
                continue;
            }
            self.ranks[p.index()] = rank;
            if !known.is_nan() {
                for &q in g.required(p).unwrap_or(&[]) {
                    if !self.rank(q).is_nan() {
                        work.push((q, rank));
                    }
                }
            }
        }
    }

    fn pool_of(&mut self, id: u32) -> &mut PoolUse {
        let i = self.pools.iter().position(|p| p.pool.id == id);
        &mut self.pools[i.unwrap_or(0)]
    }
}

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
        let w = s.weight;
        let problem = if concurrency > 0 && w as usize > concurrency {
            format!("its weight {w} is more than the make's concurrency {concurrency}")
        } else if let Some(p) = pool {
            let capacity = p.pool.capacity;
            if w <= capacity {
                return;
            }
            format!("its weight {w} is more than the capacity {capacity} of its pool")
        } else {
            "its pool is not one of the make's pools".to_string()
        };
        if self.error.is_none() {
            let name = g.name(t).unwrap_or("?");
            let message = format!("task '{name}': {problem}");
            self.error = Some(TaskError::new(TaskErrorKind::Schedule, Some(t), message));
        }
    }

    /// A make started on the plain path meets `t`, a task with scheduling
    /// options: it takes the scheduling path from here on, its ready
    /// tasks moved to the heap in the order they were in. Its started
    /// tasks all weigh 1 (the plain path starts no other), which is what
    /// they will give back.
    pub(super) fn schedule_from_now(&mut self, g: &mut Graph, t: TaskId) {
        if g.schedule(t) == crate::graph::Schedule::PLAIN {
            return;
        }
        self.sched = Sched::new(g, &[], &Scheduling::default());
        let ready = std::mem::take(&mut self.ready);
        for r in ready {
            if self.mark(g, r) == Some(Mark::Ready) {
                self.make_ready(g, r);
            }
        }
    }

    /// `p` joins as a prerequisite of `t` (critical-path order: see
    /// `Sched::raise`).
    pub(super) fn rank_prerequisite(&mut self, g: &Graph, t: TaskId, p: TaskId) {
        if let Some(sched) = self.sched.as_deref_mut() {
            if sched.critical_path {
                sched.raise(g, t, p);
            }
        }
    }

    /// `t` is ready: into its pool's heap.
    pub(super) fn make_ready(&mut self, g: &mut Graph, t: TaskId) {
        self.set_mark(g, t, Mark::Ready);
        let s = g.schedule(t);
        let Some(sched) = self.sched.as_deref_mut() else {
            return;
        };
        sched.seq += 1;
        let rank = if sched.critical_path {
            sched.rank(t)
        } else {
            0.0
        };
        let ready = Ready {
            priority: s.priority,
            rank: if rank.is_nan() { s.estimate } else { rank },
            seq: sched.seq,
            task: t,
        };
        heap_push(&mut sched.pool_of(s.pool).ready, ready);
    }

    /// The ready task to start now, if any (see the module's doc).
    pub(super) fn pick(&mut self, g: &mut Graph) -> Picked {
        let Some(mut sched) = self.sched.take() else {
            return Picked::Nothing;
        };
        let picked = self.pick_in(g, &mut sched);
        self.sched = Some(sched);
        picked
    }

    fn pick_in(&mut self, g: &mut Graph, sched: &mut Sched) -> Picked {
        let timed = sched.rate.is_some() || sched.pools.iter().any(|p| p.rate.is_some());
        let now = if timed { g.now() } else { 0.0 };
        sched.wait = f64::INFINITY;
        // Nothing can start before the make's own window opens.
        let make_wait = sched.rate.as_ref().map_or(0.0, |w| w.wait(now));
        // When the first pool held back by its window opens.
        let mut pool_wait = f64::INFINITY;
        let mut best: Option<(usize, Ready)> = None;
        for (i, p) in sched.pools.iter_mut().enumerate() {
            // Tasks started or settled since they were made ready go.
            while let Some(&r) = p.ready.first() {
                if self.mark(g, r.task) == Some(Mark::Ready) {
                    break;
                }
                heap_pop(&mut p.ready);
            }
            let Some(&head) = p.ready.first() else {
                continue;
            };
            if p.used.saturating_add(g.schedule(head.task).weight) > p.pool.capacity {
                continue;
            }
            if let Some(w) = &p.rate {
                let wait = w.wait(now);
                if wait > 0.0 {
                    pool_wait = pool_wait.min(wait);
                    continue;
                }
            }
            match best {
                Some((_, b)) if !head.before(&b) => {}
                _ => best = Some((i, head)),
            }
        }
        let Some((i, head)) = best else {
            // Only rate windows hold them back: wake when one opens.
            if pool_wait.is_finite() {
                sched.wait = pool_wait.max(make_wait);
            }
            return Picked::Nothing;
        };
        let t = head.task;
        let concurrency = self.options.concurrency;
        if concurrency > 0 && self.in_flight + g.schedule(t).weight as usize > concurrency {
            return Picked::Nothing;
        }
        if make_wait > 0.0 {
            sched.wait = make_wait;
            return Picked::Nothing;
        }
        heap_pop(&mut sched.pools[i].ready);
        // Things may have changed since it was found ready.
        if g.state(t).ok() == Some(TaskState::Pending) && self.rules(g, t) == Verdict::Ready {
            return Picked::Start(t);
        }
        self.push_work(g, t);
        Picked::Again
    }

    /// `t` starts: it takes its weight of the make's slots and its pool's,
    /// and counts in the rate windows.
    pub(super) fn take_slots(&mut self, g: &mut Graph, t: TaskId) {
        let Some(sched) = self.sched.as_deref_mut() else {
            self.in_flight += 1;
            return;
        };
        let s = g.schedule(t);
        self.in_flight += s.weight as usize;
        let timed = sched.rate.is_some() || sched.pools.iter().any(|p| p.rate.is_some());
        let now = if timed { g.now() } else { 0.0 };
        if let Some(w) = &mut sched.rate {
            w.record(now);
        }
        let pool = sched.pool_of(s.pool);
        pool.used = pool.used.saturating_add(s.weight);
        if let Some(w) = &mut pool.rate {
            w.record(now);
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
        let pool = sched.pool_of(s.pool);
        pool.used = pool.used.saturating_sub(s.weight);
    }

    /// Another attempt of `t` (SPEC §8) is due: with `record` false, the
    /// ms until the rate windows of this make that apply to it (its own,
    /// its pool's) allow a start, 0 when they do now; with `record`
    /// true, the attempt starts and counts in them. Only for a task this
    /// make started; 0 for any other.
    pub(crate) fn rate_attempt(&mut self, g: &mut Graph, t: TaskId, record: bool) -> f64 {
        if self.sched.is_none() || self.mark(g, t) != Some(Mark::Started) {
            return 0.0;
        }
        let pool = g.schedule(t).pool;
        let Some(sched) = self.sched.as_deref_mut() else {
            return 0.0;
        };
        if sched.rate.is_none() && sched.pool_of(pool).rate.is_none() {
            return 0.0;
        }
        let now = g.now();
        let mut wait = 0.0f64;
        if let Some(w) = &mut sched.rate {
            wait = wait.max(w.wait(now));
            if record {
                w.record(now);
            }
        }
        if let Some(w) = &mut sched.pool_of(pool).rate {
            wait = wait.max(w.wait(now));
            if record {
                w.record(now);
            }
        }
        wait
    }

    /// Ms until a rate window opens, when the last pick started nothing
    /// because of one (the driver wakes the make then).
    pub(crate) fn rate_wait(&self) -> Option<f64> {
        let wait = self.sched.as_deref()?.wait;
        wait.is_finite().then_some(wait)
    }
}
