//! SPEC §2: `blocking` lists a task's dependents in the order they were
//! added, whoever reads it and whenever. The core writes a
//! prerequisite's side of an edge late (see `src/graph/pending.rs`), so
//! this drives random requirements interleaved with every kind of reader
//! and writer — `blocking`, `is_blocked`/`blockers`, the queue and DOT
//! (which read through `&Graph`), finishing tasks, makes, cycle checks,
//! removals — and compares each with a plain model after every step.

mod common;
use common::Lcg;
use std::collections::BTreeSet;
use taskqueue_wasm::dot::{tasks_as_dot, DotOptions};
use taskqueue_wasm::graph::Outcome;
use taskqueue_wasm::queue::TaskQueue;
use taskqueue_wasm::{Graph, MakeOptions, Scheduler, Step, TaskId, TaskOptions, TaskState};

/// The graph as the test expects it, by task index.
#[derive(Default)]
struct Model {
    ids: Vec<TaskId>,
    alive: Vec<bool>,
    done: Vec<bool>,
    required: Vec<Vec<usize>>,
    blocking: Vec<Vec<usize>>,
}

impl Model {
    fn add(&mut self, g: &mut Scheduler) {
        // Zero-padded names: DOT sorts edges by name, so by index.
        self.ids
            .push(g.add_task(&format!("t{:05}", self.ids.len()), TaskOptions::default()));
        self.alive.push(true);
        self.done.push(false);
        self.required.push(Vec::new());
        self.blocking.push(Vec::new());
    }

    fn index(&self, id: TaskId) -> usize {
        self.ids.iter().rposition(|&t| t == id).unwrap()
    }

    fn indices(&self, ids: &[TaskId]) -> Vec<usize> {
        ids.iter().map(|&t| self.index(t)).collect()
    }

    /// Whether `from` reaches `to` through requirements.
    fn reaches(&self, from: usize, to: usize) -> bool {
        let mut stack = vec![from];
        let mut seen = BTreeSet::new();
        while let Some(t) = stack.pop() {
            if t == to {
                return true;
            }
            if seen.insert(t) {
                stack.extend(&self.required[t]);
            }
        }
        false
    }

    fn blockers(&self, t: usize) -> Vec<usize> {
        let open = |&&p: &&usize| !self.done[p];
        self.required[t].iter().filter(open).copied().collect()
    }

    /// Forgets the tasks in `dying` and every edge to them.
    fn remove(&mut self, dying: &BTreeSet<usize>) {
        for &t in dying {
            self.alive[t] = false;
            self.required[t].clear();
            self.blocking[t].clear();
        }
        for list in self.required.iter_mut().chain(self.blocking.iter_mut()) {
            list.retain(|t| !dying.contains(t));
        }
    }

    fn component(&self, t: usize) -> BTreeSet<usize> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![t];
        while let Some(v) = stack.pop() {
            if seen.insert(v) {
                stack.extend(self.required[v].iter().chain(&self.blocking[v]));
            }
        }
        seen
    }
}

fn returned() -> Outcome {
    Outcome::Returned {
        cancel_on_result: false,
    }
}

/// Runs a make of `t` to its end, finishing each task as it starts;
/// returns the tasks it ran.
fn make(g: &mut Scheduler, t: TaskId) -> Vec<TaskId> {
    let id = g.make_start(&[t], MakeOptions::default()).unwrap();
    let mut ran = Vec::new();
    loop {
        match g.make_next(id) {
            Step::Run { task, attempt } => {
                g.finish(task, attempt, returned()).unwrap();
                ran.push(task);
            }
            Step::Yield(_) => {}
            Step::Finished => break,
            Step::Failed(error) => panic!("make failed: {error:?}"),
            Step::Wait | Step::Enqueue(_) | Step::Discover { .. } => {}
        }
    }
    g.make_end(id);
    ran
}

/// The tasks `t` blocks, as the DOT of `t` draws them.
fn dot_edges(g: &Graph, m: &Model, t: usize) -> Vec<usize> {
    let dot = tasks_as_dot(g, &[m.ids[t]], None, &DotOptions::default()).unwrap();
    let serial_of = |i: usize| g.serial(m.ids[i]).unwrap().to_string();
    dot.lines()
        .filter_map(|l| l.trim().strip_suffix(';')?.split_once("->"))
        .map(|(_, to)| {
            (0..m.ids.len())
                .find(|&i| m.alive[i] && serial_of(i) == to)
                .unwrap()
        })
        .collect()
}

/// `t` requires `p`, refused where the model says so, and new unless
/// the model has the edge already.
fn require(g: &mut Scheduler, m: &mut Model, t: usize, p: usize) {
    let refused = m.done[t] || t == p || m.reaches(p, t);
    match g.require(m.ids[t], m.ids[p]) {
        Ok(added) => {
            assert!(!refused, "t{t}.require(t{p}) accepted");
            assert_eq!(added, !m.required[t].contains(&p), "t{t}.require(t{p})");
            if added {
                m.required[t].push(p);
                m.blocking[p].push(t);
            }
        }
        Err(_) => assert!(refused, "t{t}.require(t{p}) refused"),
    }
}

/// One random step: a new task, a requirement (possibly refused), or a
/// reader or writer of dependents, each checked against the model.
fn step(g: &mut Scheduler, m: &mut Model, rng: &mut Lcg) {
    let live: Vec<usize> = (0..m.ids.len()).filter(|&t| m.alive[t]).collect();
    if live.len() < 2 {
        return m.add(g);
    }
    let t = live[rng.below(live.len())];
    let p = live[rng.below(live.len())];
    let id = m.ids[t];
    match rng.below(20) {
        0..=2 => m.add(g),
        3..=9 => require(g, m, t, p),
        // Long lists of prerequisites take the other way of telling
        // whether an edge is new.
        10 => (0..24).for_each(|_| require(g, m, t, live[rng.below(live.len())])),
        // Several dependents of one task at once, few or many for the
        // size of the graph: both ways of writing logged edges.
        11 => (0..rng.below(24)).for_each(|_| require(g, m, live[rng.below(live.len())], p)),
        12 => assert_eq!(m.indices(g.blocking(id).unwrap()), m.blocking[t]),
        13 => {
            // The queue reads dependents through `&Graph` and adds them in
            // their order.
            let mut q = TaskQueue::new(true);
            q.after_run(g, id);
            assert_eq!(m.indices(&q.tasks()), m.blocking[t], "dependents of t{t}");
        }
        14 => {
            let mut expected = m.blocking[t].clone();
            expected.sort_unstable();
            assert_eq!(dot_edges(g, m, t), expected, "DOT of t{t}");
        }
        15 => {
            assert_eq!(m.indices(&g.blockers(id).unwrap()), m.blockers(t));
            assert_eq!(g.is_blocked(id).unwrap(), !m.blockers(t).is_empty());
        }
        16 if !m.done[t] && m.blockers(t).is_empty() => {
            let attempt = g.dispatch(id).unwrap();
            g.finish(id, attempt, returned()).unwrap();
            m.done[t] = true;
        }
        17 if !m.done[t] => {
            for made in m.indices(&make(g, id)) {
                m.done[made] = true;
            }
            assert!(m.done[t]);
        }
        18 => {
            let dying = BTreeSet::from([t, p]);
            g.remove_tasks(&[id, m.ids[p]]);
            m.remove(&dying);
        }
        19 if rng.below(4) == 0 => {
            let dying = m.component(t);
            assert_eq!(g.remove_components(&[id]), dying.len());
            m.remove(&dying);
        }
        _ => {}
    }
}

#[test]
fn every_reader_sees_each_tasks_dependents_in_the_order_they_were_added() {
    let mut rng = Lcg(7);
    for _ in 0..100 {
        let mut g = Scheduler::new();
        let mut m = Model::default();
        // Idle tasks make small logs small for the graph.
        for _ in 0..rng.below(300) {
            m.add(&mut g);
        }
        for _ in 0..400 {
            step(&mut g, &mut m, &mut rng);
        }
        // Everything at the end, through `&Graph` first, then settled.
        for t in (0..m.ids.len()).filter(|&t| m.alive[t]) {
            let mut q = TaskQueue::new(true);
            q.after_run(&g, m.ids[t]);
            assert_eq!(m.indices(&q.tasks()), m.blocking[t]);
        }
        for t in (0..m.ids.len()).filter(|&t| m.alive[t]) {
            let id = m.ids[t];
            assert_eq!(m.indices(g.blocking(id).unwrap()), m.blocking[t]);
            assert_eq!(m.indices(g.required(id).unwrap()), m.required[t]);
            assert_eq!(g.state(id).unwrap() == TaskState::Done, m.done[t]);
        }
        assert_eq!(g.len(), m.alive.iter().filter(|&&a| a).count());
    }
}
