//! SPEC §12, first part, as properties over random cases: random DAGs
//! with random weights, priorities, pools and outcomes, finished in a
//! random order. At every moment the weight this make has started is
//! within its concurrency and each pool's within its capacity; whenever
//! the make waits with a task ready, that task could not fit (no task
//! waits while its slots are free); every make settles.

#[path = "common/lcg.rs"]
mod lcg;
use lcg::Lcg;
use std::sync::atomic::{AtomicU64, Ordering};
use taskqueue_wasm::graph::Outcome;
use taskqueue_wasm::{
    MakeOptions, Pool, Rate, Schedule, Scheduler, Scheduling, Step, TaskId, TaskOptions, TaskState,
};

/// A new task with these scheduling options.
fn task_with(g: &mut Scheduler, schedule: Schedule) -> TaskId {
    let t = g.add_task("t", TaskOptions::default());
    g.set_schedule(t, schedule).unwrap();
    t
}

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
        let pool = r.below(3) as u32;
        let cap = if pool == 0 {
            u32::MAX
        } else {
            pools[pool as usize - 1].capacity
        };
        let weight = (1 + r.below(max_weight) as u32).min(cap);
        let priority = r.below(4) as f64 - 1.0;
        let estimate = 1.0 + r.below(5) as f64;
        let schedule = Schedule {
            weight,
            priority,
            pool,
            estimate,
        };
        ids.push(task_with(&mut g, schedule));
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
            let schedule = Schedule {
                priority,
                ..Schedule::PLAIN
            };
            task_with(&mut g, schedule)
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
        matches!(steps.last(), Some(Step::Failed(e)) if e.message == "task 'heavy': its weight 3 is more than the make's concurrency 2")
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

/// Runs a make to the end, finishing each task as it starts (one at a
/// time when the make's concurrency is 1); gives the order of starts.
fn run_in_order(g: &mut Scheduler, make: taskqueue_wasm::make::MakeId) -> Vec<TaskId> {
    let mut order = Vec::new();
    loop {
        match g.make_next(make) {
            Step::Run { task, attempt } => {
                order.push(task);
                let returned = Outcome::Returned {
                    cancel_on_result: false,
                };
                g.finish(task, attempt, returned).unwrap();
            }
            Step::Finished => break,
            Step::Wait | Step::Failed(_) => panic!("stuck"),
            _ => {}
        }
    }
    order
}

/// A make of one slot in critical-path order.
fn one_slot_in_critical_path_order() -> (MakeOptions, Scheduling) {
    let options = MakeOptions {
        concurrency: 1,
        ..MakeOptions::default()
    };
    let scheduling = Scheduling {
        critical_path: true,
        ..Scheduling::default()
    };
    (options, scheduling)
}

/// Critical-path order against ranks computed here the slow way (each
/// task's longest path by estimates through its dependents, relaxed until
/// nothing changes): with concurrency 1, every task started had the
/// highest rank among the tasks ready at that moment (priorities equal),
/// ties in order of readiness; and the seed's order holds without it.
#[test]
fn critical_path_starts_the_longest_remaining_path_first() {
    for seed in 0..300u64 {
        let mut r = Lcg(seed * 31 + 11);
        let mut g = Scheduler::new();
        let n = 2 + r.below(25);
        let mut ids = Vec::new();
        let mut est = Vec::new();
        for _ in 0..n {
            let estimate = r.below(6) as f64;
            let schedule = Schedule {
                estimate,
                ..Schedule::PLAIN
            };
            ids.push(task_with(&mut g, schedule));
            est.push(estimate);
        }
        let mut requires = vec![Vec::new(); n];
        for i in 1..n {
            for _ in 0..r.below(3) {
                let j = r.below(i);
                if g.require(ids[i], ids[j]).unwrap() {
                    requires[i].push(j);
                }
            }
        }
        // The slow ranks: rank(i) = est(i) + max rank of i's dependents.
        let mut rank = est.clone();
        loop {
            let mut changed = false;
            for i in 0..n {
                for &j in &requires[i] {
                    if rank[j] < est[j] + rank[i] {
                        rank[j] = est[j] + rank[i];
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let (options, scheduling) = one_slot_in_critical_path_order();
        let given: Vec<TaskId> = ids.iter().rev().copied().collect();
        let make = g
            .make_start_scheduled(&given, options, &scheduling)
            .unwrap();
        let order = run_in_order(&mut g, make);
        assert_eq!(order.len(), n, "seed {seed}");
        let index = |t: TaskId| ids.iter().position(|&x| x == t).unwrap();
        let mut done = vec![false; n];
        for &t in &order {
            let i = index(t);
            let ready = (0..n).filter(|&k| !done[k] && requires[k].iter().all(|&j| done[j]));
            let best = ready.map(|k| rank[k]).fold(f64::MIN, f64::max);
            assert_eq!(
                rank[i], best,
                "seed {seed}: started {i} of rank {}",
                rank[i]
            );
            done[i] = true;
        }
    }
}

/// A task added to the graph during a critical-path make, as a new
/// prerequisite, is ranked through the task that requires it.
#[test]
fn critical_path_ranks_a_prerequisite_added_during_the_make() {
    let mut g = Scheduler::new();
    let add = |g: &mut Scheduler, estimate: f64| {
        let schedule = Schedule {
            estimate,
            ..Schedule::PLAIN
        };
        task_with(g, schedule)
    };
    let short = add(&mut g, 1.0);
    let top = add(&mut g, 10.0);
    let gate = add(&mut g, 1.0);
    g.require(top, gate).unwrap();
    let (options, scheduling) = one_slot_in_critical_path_order();
    let make = g
        .make_start_scheduled(&[short, top], options, &scheduling)
        .unwrap();
    // gate (rank 11) starts first; while it runs, top gains a prerequisite.
    let mut step = g.make_next(make);
    while matches!(step, Step::Discover { .. }) {
        step = g.make_next(make);
    }
    let Step::Run { task, attempt } = step else {
        panic!("gate should start, not {step:?}")
    };
    assert_eq!(task, gate);
    let late = add(&mut g, 1.0);
    g.require(top, late).unwrap();
    let returned = Outcome::Returned {
        cancel_on_result: false,
    };
    g.finish(task, attempt, returned).unwrap();
    // late (rank 11, through top) goes before short (rank 1).
    let order = run_in_order(&mut g, make);
    assert_eq!(order, [late, top, short]);
}

// One fake clock per test (they run in parallel).
static NOW: [AtomicU64; 3] = [AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)];

fn clock_0() -> f64 {
    f64::from_bits(NOW[0].load(Ordering::SeqCst))
}

fn clock_1() -> f64 {
    f64::from_bits(NOW[1].load(Ordering::SeqCst))
}

fn clock_2() -> f64 {
    f64::from_bits(NOW[2].load(Ordering::SeqCst))
}

fn set_now(clock: usize, ms: f64) {
    NOW[clock].store(ms.to_bits(), Ordering::SeqCst);
}

/// Rate limits by the graph's clock: at most `limit` starts in any
/// window of `interval` ms, for the make and for each pool; a make held
/// back says how long until the window opens; tasks of another pool pass.
#[test]
fn rate_limits_count_starts_in_a_sliding_window() {
    set_now(0, 1000.0);
    let mut g = Scheduler::with_clock(clock_0);
    let mut tasks = Vec::new();
    for i in 0..6 {
        let pool = if i < 4 { 1 } else { 0 };
        let schedule = Schedule {
            pool,
            ..Schedule::PLAIN
        };
        tasks.push(task_with(&mut g, schedule));
    }
    let scheduling = Scheduling {
        pools: vec![Pool {
            id: 1,
            capacity: u32::MAX,
        }],
        rates: vec![(
            1,
            Rate {
                limit: 2,
                interval: 100.0,
            },
        )],
        critical_path: false,
    };
    let make = g
        .make_start_scheduled(&tasks, MakeOptions::default(), &scheduling)
        .unwrap();
    let mut started = Vec::new();
    let take = |g: &mut Scheduler| {
        let mut now = Vec::new();
        loop {
            match g.make_next(make) {
                Step::Run { task, .. } => now.push(task),
                Step::Wait => return now,
                step => panic!("{step:?}"),
            }
        }
    };
    // Two of pool 1, then the two of no pool pass them.
    started.extend(take(&mut g));
    assert_eq!(started, [tasks[0], tasks[1], tasks[4], tasks[5]]);
    assert_eq!(g.make_rate_wait(make), Some(100.0));
    set_now(0, 1060.0);
    assert!(take(&mut g).is_empty());
    assert_eq!(g.make_rate_wait(make), Some(40.0));
    set_now(0, 1100.0);
    assert_eq!(take(&mut g), [tasks[2], tasks[3]]);
}

/// A make's own rate limit of one start per 50 ms.
fn one_start_per_50_ms() -> Scheduling {
    let rate = Rate {
        limit: 1,
        interval: 50.0,
    };
    Scheduling {
        rates: vec![(0, rate)],
        ..Scheduling::default()
    }
}

/// The make's own rate limit holds back every task; the wait is for the
/// oldest start of the window.
#[test]
fn a_make_rate_limit_spaces_its_starts() {
    set_now(1, 0.0);
    let mut g = Scheduler::with_clock(clock_1);
    let tasks: Vec<TaskId> = (0..3)
        .map(|_| g.add_task("t", TaskOptions::default()))
        .collect();
    let scheduling = one_start_per_50_ms();
    let make = g
        .make_start_scheduled(&tasks, MakeOptions::default(), &scheduling)
        .unwrap();
    for (i, &t) in tasks.iter().enumerate() {
        set_now(1, 50.0 * i as f64 + 10.0);
        let step = g.make_next(make);
        assert!(
            matches!(step, Step::Run { task, .. } if task == t),
            "{step:?}"
        );
        assert_eq!(g.make_next(make), Step::Wait, "{i}");
        // After the last, nothing is held back by the window.
        let wait = if i < 2 { Some(50.0) } else { None };
        assert_eq!(g.make_rate_wait(make), wait);
    }
}

/// Rate limits as a property over random cases: random DAGs, a make rate
/// and a pool rate with random limits and intervals, a random concurrency,
/// tasks finished in random order while a fake clock moves on by random
/// amounts. In any window of `interval` ms the make starts at most `limit`
/// tasks (and the pool at most its own); a make that waits with nothing
/// running says how long, and after that long it starts something (no
/// make sleeps forever); every make settles.
#[test]
fn rate_windows_hold_and_a_waiting_make_always_wakes() {
    for seed in 0..1_000u64 {
        let mut r = Lcg(seed * 104_729 + 7);
        set_now(2, 0.0);
        let mut g = Scheduler::with_clock(clock_2);
        let n = 2 + r.below(25);
        let mut ids = Vec::new();
        for _ in 0..n {
            let pool = r.below(2) as u32;
            let schedule = Schedule {
                pool,
                ..Schedule::PLAIN
            };
            ids.push(task_with(&mut g, schedule));
        }
        for i in 1..n {
            for _ in 0..r.below(3) {
                let _ = g.require(ids[i], ids[r.below(i)]);
            }
        }
        let rate = |r: &mut Lcg| Rate {
            limit: 1 + r.below(3) as u32,
            interval: 5.0 + r.below(50) as f64,
        };
        let make_rate = rate(&mut r);
        let pool_rate = rate(&mut r);
        let scheduling = Scheduling {
            pools: vec![Pool {
                id: 1,
                capacity: 1 + r.below(3) as u32,
            }],
            rates: vec![(0, make_rate), (1, pool_rate)],
            critical_path: r.below(2) == 0,
        };
        let options = MakeOptions {
            concurrency: r.below(4),
            ..MakeOptions::default()
        };
        let make = g.make_start_scheduled(&ids, options, &scheduling).unwrap();
        let mut now = 0.0;
        let mut running: Vec<(TaskId, u32)> = Vec::new();
        let mut starts: Vec<(f64, u32)> = Vec::new();
        let mut woken_at: Option<f64> = None;
        let mut settled = false;
        for _ in 0..100_000 {
            match g.make_next(make) {
                Step::Run { task, attempt } => {
                    starts.push((now, g.schedule(task).pool));
                    running.push((task, attempt));
                    woken_at = None;
                }
                Step::Wait => {
                    let wait = g.make_rate_wait(make);
                    if let Some(ms) = wait {
                        assert!(ms > 0.0 && ms <= 55.0, "seed {seed}: waits {ms} ms");
                    }
                    // Woken when the window opened, with nothing running:
                    // it must have started something.
                    assert!(
                        woken_at.is_none() || !running.is_empty(),
                        "seed {seed}: woken at {woken_at:?} and still waits ({wait:?})"
                    );
                    if !running.is_empty() && (wait.is_none() || r.below(2) == 0) {
                        let (t, attempt) = running.swap_remove(r.below(running.len()));
                        let returned = Outcome::Returned {
                            cancel_on_result: false,
                        };
                        g.finish(t, attempt, returned).unwrap();
                        now += r.below(10) as f64;
                        woken_at = None;
                    } else {
                        let ms = wait.unwrap_or_else(|| panic!("seed {seed}: waits for nothing"));
                        now += ms;
                        woken_at = Some(now);
                    }
                    set_now(2, now);
                }
                Step::Finished => {
                    settled = true;
                    break;
                }
                Step::Failed(e) => panic!("seed {seed}: {e:?}"),
                Step::Yield(_) | Step::Discover { .. } | Step::Enqueue(_) => {}
            }
        }
        assert!(settled, "seed {seed}: the make did not settle");
        assert_eq!(starts.len(), n, "seed {seed}");
        for (i, &(at, pool)) in starts.iter().enumerate() {
            let window = |rate: Rate, of_pool: bool| {
                let within = starts[..=i]
                    .iter()
                    .filter(|&&(t, p)| t > at - rate.interval && (!of_pool || p == pool));
                within.count()
            };
            let in_make = window(make_rate, false);
            assert!(
                in_make <= make_rate.limit as usize,
                "seed {seed}: {in_make} starts within {make_rate:?}"
            );
            if pool == 1 {
                let in_pool = window(pool_rate, true);
                assert!(
                    in_pool <= pool_rate.limit as usize,
                    "seed {seed}: pool {in_pool} within {pool_rate:?}"
                );
            }
        }
    }
}

/// Attempts of a retry (SPEC §8) count as starts in the rate windows of
/// the make that started the task: one held back says how long to wait,
/// and once it starts, the make's next start waits for the window.
#[test]
fn retry_attempts_count_in_rate_windows() {
    use taskqueue_wasm::graph::{Failed, Finished, RetryPolicy};
    // A clock of its own (tests run in parallel).
    static CLOCK: AtomicU64 = AtomicU64::new(0);
    fn clock() -> f64 {
        f64::from_bits(CLOCK.load(Ordering::SeqCst))
    }
    let at = |ms: f64| CLOCK.store(ms.to_bits(), Ordering::SeqCst);
    at(0.0);
    let mut g = Scheduler::with_clock(clock);
    let flaky = g.add_task("flaky", TaskOptions::default());
    let other = g.add_task("other", TaskOptions::default());
    let policy = RetryPolicy {
        attempts: 2,
        ..RetryPolicy::default()
    };
    g.set_retry(flaky, Some(policy)).unwrap();
    let scheduling = one_start_per_50_ms();
    let make = g
        .make_start_scheduled(&[flaky, other], MakeOptions::default(), &scheduling)
        .unwrap();
    let Step::Run { task, attempt } = g.make_next(make) else {
        panic!("flaky starts")
    };
    assert_eq!(task, flaky);
    assert_eq!(g.make_next(make), Step::Wait);
    // The first attempt fails; its retry is due at once, but the window
    // (1 start per 50 ms) is full.
    let failed = Failed {
        retryable: true,
        random: 0.0,
    };
    let threw = Outcome::Threw {
        cancellation: false,
    };
    let finished = g.finish_attempt(flaky, attempt, threw, failed).unwrap();
    assert!(matches!(finished, Finished::Retry { .. }), "{finished:?}");
    at(20.0);
    assert_eq!(g.next_attempt_within_rates(flaky), Err(30.0));
    at(50.0);
    assert_eq!(g.next_attempt_within_rates(flaky), Ok(Some(2)));
    // The attempt took the window: `other` waits until 100.
    assert_eq!(g.make_next(make), Step::Wait);
    assert_eq!(g.make_rate_wait(make), Some(50.0));
    at(100.0);
    assert!(matches!(g.make_next(make), Step::Run { task, .. } if task == other));
    // A task no rate-limited make started is not held back.
    let mut plain = Scheduler::with_clock(clock);
    let t = plain.add_task("t", TaskOptions::default());
    plain.set_retry(t, Some(policy)).unwrap();
    let make = plain.make_start(&[t], MakeOptions::default()).unwrap();
    let Step::Run { attempt, .. } = plain.make_next(make) else {
        panic!("t starts")
    };
    plain.finish_attempt(t, attempt, threw, failed).unwrap();
    assert_eq!(plain.next_attempt_within_rates(t), Ok(Some(2)));
}
