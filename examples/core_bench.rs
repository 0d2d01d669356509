//! Native timing of the core's hot paths: building a graph (`add_task` +
//! `require`) and making all of it (`make_start` + `make_next` +
//! `finish`) and freeing it (`remove_tasks` of all, as the JS binding
//! does when a graph is collected), in µs per task, median of 5 rounds.
//!
//! Beside it, the same work done by a minimal Kahn scheduler (lists of
//! dependents, counters, a ready stack: what the JS benchmark calls the
//! floor), natively: what a make engine of counters alone would cost.
//!
//! The last column is what the history log (every task's transitions)
//! takes once all is made, in bytes per task: its allocated capacity.
//!
//! `cargo run --release --example core_bench` prints the whole table;
//! `cargo run --release --example core_bench -- 100000 async random`
//! one row (sizes, `sync`/`async` and `random`/`chain`/`fan` may be
//! given in any order, several of each).

use std::time::Instant;
use taskqueue_wasm::graph::Outcome;
use taskqueue_wasm::{MakeOptions, Scheduler, Step, TaskId, TaskOptions};

const ROUNDS: usize = 5;

#[path = "../tests/common/lcg.rs"]
mod lcg;
use lcg::Lcg;

/// Task i's prerequisites, all earlier than i.
fn workload(shape: &str, n: usize) -> Vec<Vec<usize>> {
    let mut rng = Lcg(42);
    (0..n)
        .map(|i| match shape {
            "chain" => (i.saturating_sub(1)..i).collect(),
            "fan" if i == 0 => Vec::new(),
            "fan" if i == n - 1 => (1..n - 1).collect(),
            "fan" => vec![0],
            // random: up to 3 distinct, uniformly chosen earlier tasks.
            _ => {
                let mut picked = Vec::new();
                while picked.len() < i.min(3) {
                    let p = rng.below(i);
                    if !picked.contains(&p) {
                        picked.push(p);
                    }
                }
                picked
            }
        })
        .collect()
}

/// One round: (build, make, free) seconds.
fn round(prereqs: &[Vec<usize>], is_async: bool) -> (f64, f64, f64, f64) {
    let mut g = Scheduler::new();
    let options = TaskOptions {
        async_hint: is_async,
        ..TaskOptions::default()
    };
    let started = Instant::now();
    let mut ids = Vec::with_capacity(prereqs.len());
    for required in prereqs {
        let t = g.add_task("t", options);
        for &p in required {
            if g.require(t, ids[p]).is_err() {
                panic!("the workload has no cycles");
            }
        }
        ids.push(t);
    }
    let built = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let Ok(make) = g.make_start(&ids, MakeOptions::default()) else {
        panic!("make_start failed");
    };
    let mut running: Vec<(TaskId, u32)> = Vec::new();
    let mut yielded = 0;
    loop {
        match g.make_next(make) {
            Step::Run { task, attempt } if is_async => running.push((task, attempt)),
            Step::Run { task, attempt } => finish(&mut g, task, attempt),
            Step::Wait => running.drain(..).for_each(|(t, a)| finish(&mut g, t, a)),
            Step::Yield(_) => yielded += 1,
            Step::Finished => break,
            Step::Failed(error) => panic!("make failed: {error:?}"),
            Step::Enqueue(_) | Step::Discover { .. } => {}
        }
    }
    let made = started.elapsed().as_secs_f64();
    assert_eq!(yielded, ids.len(), "every task is made");
    g.make_end(make);
    let history = g.history_bytes() as f64 / ids.len() as f64;

    let started = Instant::now();
    g.remove_tasks(&ids);
    let freed = started.elapsed().as_secs_f64();
    (built, made, freed, history)
}

/// The floor natively: (build, make) seconds. Async mode finishes each
/// wave of ready tasks together, as the core's round does at `Wait`.
fn kahn(prereqs: &[Vec<usize>], is_async: bool) -> (f64, f64) {
    let n = prereqs.len();
    let started = Instant::now();
    let mut dependents: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut waiting = vec![0u32; n];
    for (i, required) in prereqs.iter().enumerate() {
        for &p in required {
            dependents[p].push(i as u32);
        }
        waiting[i] = required.len() as u32;
    }
    let built = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let mut ready: Vec<u32> = (0..n as u32)
        .filter(|&i| waiting[i as usize] == 0)
        .collect();
    let mut wave = Vec::new();
    let mut done = 0;
    while !ready.is_empty() {
        if is_async {
            wave.append(&mut ready);
        } else if let Some(t) = ready.pop() {
            wave.push(t);
        }
        for t in wave.drain(..) {
            done += 1;
            for &d in &dependents[t as usize] {
                let w = &mut waiting[d as usize];
                *w -= 1;
                if *w == 0 {
                    ready.push(d);
                }
            }
        }
    }
    assert_eq!(done, n, "the floor makes every task");
    (built, started.elapsed().as_secs_f64())
}

fn finish(g: &mut Scheduler, task: TaskId, attempt: u32) {
    let returned = Outcome::Returned {
        cancel_on_result: false,
    };
    if g.finish(task, attempt, returned).is_err() {
        panic!("finish failed");
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let pick = |all: &[&'static str]| -> Vec<&'static str> {
        let some: Vec<_> = all
            .iter()
            .copied()
            .filter(|a| args.iter().any(|x| x == a))
            .collect();
        if some.is_empty() {
            all.to_vec()
        } else {
            some
        }
    };
    let mut sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    if sizes.is_empty() {
        sizes = vec![100_000, 1_000_000];
    }
    println!("| shape  | mode  |     tasks | build µs/task | make µs/task | free µs/task | floor build | floor make | history B/task |");
    println!("|--------|-------|-----------|---------------|--------------|--------------|-------------|------------|----------------|");
    for shape in pick(&["random", "chain", "fan"]) {
        for &n in &sizes {
            let prereqs = workload(shape, n);
            for mode in pick(&["sync", "async"]) {
                let rounds: Vec<_> = (0..ROUNDS)
                    .map(|_| round(&prereqs, mode == "async"))
                    .collect();
                let per_task = |s: f64| s * 1e6 / n as f64;
                let build = median(rounds.iter().map(|r| per_task(r.0)).collect());
                let make = median(rounds.iter().map(|r| per_task(r.1)).collect());
                let free = median(rounds.iter().map(|r| per_task(r.2)).collect());
                let history = median(rounds.iter().map(|r| r.3).collect());
                let floors: Vec<_> = (0..ROUNDS)
                    .map(|_| kahn(&prereqs, mode == "async"))
                    .collect();
                let floor_build = median(floors.iter().map(|r| per_task(r.0)).collect());
                let floor_make = median(floors.iter().map(|r| per_task(r.1)).collect());
                println!(
                    "| {shape:<6} | {mode:<5} | {n:>9} | {build:>13.3} | {make:>12.3} | {free:>12.3} | {floor_build:>11.3} | {floor_make:>10.3} | {history:>14.1} |"
                );
            }
        }
    }
}
