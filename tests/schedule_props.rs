//! SPEC §12, first part, as properties over random cases: random DAGs
//! with random weights, priorities, pools and outcomes, finished in a
//! random order. At every moment the weight this make has started is
//! within its concurrency and each pool's within its capacity; whenever
//! the make waits with a task ready, that task could not fit (no task
//! waits while its slots are free); every make settles.

#[path = "common/lcg.rs"]
mod lcg;
use lcg::Lcg;
use taskqueue_wasm::graph::Outcome;
use taskqueue_wasm::{
    MakeOptions, Pool, Schedule, Scheduler, Step, TaskId, TaskOptions, TaskState,
};

fn case(seed: u64) {
    let mut r = Lcg(seed * 7919 + 3);
    let mut g = Scheduler::new();
    let n = 2 + r.below(30);
    let concurrency = r.below(6); // 0: no limit
    let pools = [
        Pool {
            id: 1,
            capacity: 1 + r.below(4) as u32,
        },
        Pool {
            id: 2,
            capacity: 1 + r.below(4) as u32,
        },
    ];
    let max_weight = if concurrency == 0 { 4 } else { concurrency };
    let mut ids = Vec::new();
    for _ in 0..n {
        let t = g.add_task("t", TaskOptions::default());
        let pool = r.below(3) as u32;
        let cap = if pool == 0 {
            u32::MAX
        } else {
            pools[pool as usize - 1].capacity
        };
        let weight = (1 + r.below(max_weight) as u32).min(cap);
        let priority = r.below(4) as f64 - 1.0;
        g.set_schedule(
            t,
            Schedule {
                weight,
                priority,
                pool,
            },
        )
        .unwrap();
        ids.push(t);
    }
    for i in 1..n {
        for _ in 0..r.below(3) {
            let _ = g.require(ids[i], ids[r.below(i)]);
        }
    }
    let given: Vec<TaskId> = ids
        .iter()
        .copied()
        .filter(|_| r.below(2) == 0)
        .chain([ids[n - 1]])
        .collect();
    let options = MakeOptions {
        fail_fast: r.below(5) == 0,
        queue: false,
        concurrency,
    };
    let make = g.make_start_with_pools(&given, options, &pools).unwrap();
    let mut running: Vec<(TaskId, u32)> = Vec::new();
    let weight_of = |g: &Scheduler, t: TaskId| g.schedule(t).weight as usize;
    for _ in 0..10_000 {
        let step = g.make_next(make);
        match step {
            Step::Run { task, attempt } => {
                assert_eq!(g.state(task), Ok(TaskState::Running));
                running.push((task, attempt));
                let total: usize = running.iter().map(|&(t, _)| weight_of(&g, t)).sum();
                assert!(
                    concurrency == 0 || total <= concurrency,
                    "seed {seed}: {total} > {concurrency}"
                );
                for p in &pools {
                    let used: usize = running
                        .iter()
                        .filter(|&&(t, _)| g.schedule(t).pool == p.id)
                        .map(|&(t, _)| weight_of(&g, t))
                        .sum();
                    assert!(
                        used <= p.capacity as usize,
                        "seed {seed}: pool {} {used} > {}",
                        p.id,
                        p.capacity
                    );
                }
            }
            Step::Wait => {
                // Waiting with nothing running would be a hang.
                assert!(
                    !running.is_empty(),
                    "seed {seed}: waits with nothing running"
                );
                let (t, attempt) = running.swap_remove(r.below(running.len()));
                let outcome = if r.below(4) == 0 {
                    Outcome::Threw {
                        cancellation: false,
                    }
                } else {
                    Outcome::Returned {
                        cancel_on_result: false,
                    }
                };
                g.finish(t, attempt, outcome).unwrap();
            }
            Step::Finished => {
                for &(t, attempt) in &running {
                    g.finish(
                        t,
                        attempt,
                        Outcome::Returned {
                            cancel_on_result: false,
                        },
                    )
                    .unwrap();
                }
                if !options.fail_fast {
                    for &t in &given {
                        assert!(
                            g.state(t).unwrap().is_completed()
                                || g.state(t) == Ok(TaskState::Cancelled),
                            "seed {seed}"
                        );
                    }
                }
                return;
            }
            Step::Failed(e) => panic!("seed {seed}: {e:?}"),
            Step::Yield(_) | Step::Discover { .. } | Step::Enqueue(_) => {}
        }
    }
    panic!("seed {seed}: the make did not settle");
}

#[test]
fn capacities_hold_nothing_waits_on_free_slots_and_every_make_settles() {
    for seed in 0..2_000 {
        case(seed);
    }
}

#[test]
fn priority_orders_ready_tasks_ties_in_order() {
    let mut g = Scheduler::new();
    let prios = [0.0, 5.0, -1.0, 5.0, 0.0];
    let ids: Vec<TaskId> = prios
        .iter()
        .map(|&priority| {
            let t = g.add_task("t", TaskOptions::default());
            g.set_schedule(
                t,
                Schedule {
                    priority,
                    ..Schedule::PLAIN
                },
            )
            .unwrap();
            t
        })
        .collect();
    let options = MakeOptions {
        concurrency: 1,
        ..MakeOptions::default()
    };
    let make = g.make_start(&ids, options).unwrap();
    let mut order = Vec::new();
    loop {
        match g.make_next(make) {
            Step::Run { task, attempt } => {
                order.push(ids.iter().position(|&t| t == task).unwrap());
                g.finish(
                    task,
                    attempt,
                    Outcome::Returned {
                        cancel_on_result: false,
                    },
                )
                .unwrap();
            }
            Step::Finished => break,
            Step::Wait | Step::Failed(_) => panic!("stuck"),
            _ => {}
        }
    }
    assert_eq!(order, [1, 3, 0, 4, 2]);
}

#[test]
fn weight_over_concurrency_and_unknown_pool_fail_before_anything_runs() {
    let mut g = Scheduler::new();
    let a = g.add_task("a", TaskOptions::default());
    let heavy = g.add_task("heavy", TaskOptions::default());
    g.require(heavy, a).unwrap();
    g.set_schedule(
        heavy,
        Schedule {
            weight: 3,
            ..Schedule::PLAIN
        },
    )
    .unwrap();
    let options = MakeOptions {
        concurrency: 2,
        ..MakeOptions::default()
    };
    let make = g.make_start(&[heavy], options).unwrap();
    let mut steps = Vec::new();
    loop {
        let step = g.make_next(make);
        let end = matches!(step, Step::Failed(_) | Step::Finished);
        steps.push(step);
        if end {
            break;
        }
    }
    assert!(
        steps.iter().all(|s| !matches!(s, Step::Run { .. })),
        "{steps:?}"
    );
    assert!(
        matches!(steps.last(), Some(Step::Failed(e)) if e.message == "task 'heavy': its weight is more than the make's concurrency")
    );
    let p = g.add_task("p", TaskOptions::default());
    g.set_schedule(
        p,
        Schedule {
            pool: 7,
            ..Schedule::PLAIN
        },
    )
    .unwrap();
    let make = g
        .make_start_with_pools(&[p], MakeOptions::default(), &[Pool { id: 1, capacity: 1 }])
        .unwrap();
    assert!(
        matches!(g.make_next(make), Step::Failed(e) if e.message.contains("its pool is not one of the make's pools"))
    );
}
