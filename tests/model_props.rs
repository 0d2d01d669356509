//! Property tests of the core against the reference model of SPEC §§1–4
//! and §8's core rules (`tests/model/`): random DAGs built by `require` in
//! random order, with attempted cycles; random makes with outcomes
//! arriving in random order and several in flight; concurrency limits,
//! failFast, `queue`; task queues; tasks with retry policies (failed
//! attempts retried after SPEC §8's wait, waits ending in random order,
//! late outcomes of ended attempts) and `runIf: 'settled'`; and random
//! cancels, retries, aborts, events and requirements while makes run.
//! After every step the core and the model agree on every task, and every
//! transition the make engine makes is the one SPEC §3 asks for.
//!
//! In a third of the cases of the make properties (`SchedCase`, in
//! `model_props/schedule.rs` with the properties of SPEC §12 alone), tasks
//! have SPEC §12's options (weights 1–3, a few priorities and estimates,
//! so that ties happen, one of one or two pools) and makes have pools and
//! a concurrency of 1–4, and half of them critical-path order; in a
//! quarter of those cases some task can never fit. The harness checks the
//! capacities after every step, that every task a make starts is one the
//! rules designate (by priority, then by rank with critical-path order,
//! then by readiness), that a make waits only when they let it, and that
//! a make with a task that can never fit fails before it starts anything.
//!
//! 15,000 cases in all per run (see `CASES`); `TASKQUEUE_LONG=1` runs ten
//! times as many.

mod common;
mod model;

use common::Lcg;
use model::harness::{Harness, Verdict};
use model::{Ending, Policy, Sched, Traits, ENDINGS, EVENTS, STATES};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::Config;
use taskqueue_wasm::MakeOptions;

#[path = "model_props/schedule.rs"]
mod schedule;
use schedule::{sched_case, sched_draw, with_schedule, SchedCase, SchedDraw};

/// Cases per property; their sum is what a CI run checks.
const CASES: [u32; 7] = [2_500, 2_000, 2_000, 3_000, 1_500, 2_000, 2_000];

fn config(cases: u32) -> Config {
    let long = std::env::var_os("TASKQUEUE_LONG").is_some_and(|v| v == "1");
    Config {
        cases: if long { cases * 10 } else { cases },
        // Failing seeds are printed; files would only clutter the tree.
        failure_persistence: None,
        ..Config::default()
    }
}

/// A harness with `n` PENDING tasks and the requirements `pairs` asks for
/// (task indices taken modulo `n`), refused ones included.
fn dag(n: usize, pairs: &[(u8, u8)]) -> Harness {
    dag_with(n, pairs, None, &[])
}

/// `dag`, the tasks with SPEC §12's options when the case has them.
fn dag_with(
    n: usize,
    pairs: &[(u8, u8)],
    case: Option<&SchedCase>,
    draws: &[SchedDraw],
) -> Harness {
    let mut h = Harness::default();
    // `draws` has one per task when the case has options.
    let draws = draws.iter().map(Some).chain(std::iter::repeat(None));
    for draw in draws.take(n) {
        let schedule = case.zip(draw).and_then(|(c, &d)| c.schedule(d));
        let traits = Traits {
            schedule,
            ..Traits::default()
        };
        h.add_with("PENDING", traits);
    }
    for &(a, b) in pairs {
        h.require(usize::from(a) % n, usize::from(b) % n);
        h.check_all();
    }
    h
}

/// The given tasks: those whose bit is set in `mask` (at least one).
fn given(n: usize, mask: u32) -> Vec<usize> {
    let picked: Vec<usize> = (0..n).filter(|&t| mask & (1 << (t % 32)) != 0).collect();
    if picked.is_empty() {
        vec![(mask as usize) % n]
    } else {
        picked
    }
}

fn make_options(queue: bool, concurrency: u8, fail_fast: bool) -> MakeOptions {
    MakeOptions {
        fail_fast,
        queue,
        concurrency: usize::from(concurrency),
    }
}

/// How a make is started: `order: 'critical-path'` or not (used when
/// the case has SPEC §12's options).
#[derive(Clone, Copy, Debug)]
struct Start {
    queue: bool,
    concurrency: u8,
    fail_fast: bool,
    critical_path: bool,
}

/// Starts a make, with the case's pools, a concurrency it allows and,
/// as drawn, critical-path order when it has SPEC §12's options.
fn start(h: &mut Harness, case: Option<&SchedCase>, given: &[usize], s: Start) -> usize {
    match case {
        None => h.start(given, make_options(s.queue, s.concurrency, s.fail_fast)),
        Some(c) => {
            let options = make_options(s.queue, c.concurrency(s.concurrency), s.fail_fast);
            h.start_scheduled(given, options, &c.pools(), s.critical_path)
        }
    }
}

proptest! {
    #![proptest_config(config(CASES[0]))]

    /// SPEC §2: a requirement that closes a cycle (or is on the task
    /// itself, or on a task no longer PENDING) is refused with the cycle
    /// named in order, and the graph is left as it was.
    #[test]
    fn requirements_in_random_order_refuse_cycles_and_keep_the_graph(
        n in 1usize..12,
        states in vec(0usize..STATES.len(), 12),
        pairs in vec((any::<u8>(), any::<u8>()), 0..48),
    ) {
        let mut h = Harness::default();
        for &s in &states[..n] {
            // Mostly PENDING, so that most requirements are allowed.
            h.add(if s < 4 { "PENDING" } else { STATES[s] }, false);
        }
        for (a, b) in pairs {
            h.require(usize::from(a) % n, usize::from(b) % n);
            h.check_all();
        }
    }
}

proptest! {
    #![proptest_config(config(CASES[1]))]

    /// With every function succeeding, a make runs each task it needs
    /// exactly once, prerequisites first, within the concurrency limit,
    /// in any completion order, and yields each given task once. With
    /// SPEC §12's options, within the weights and pools too, each task
    /// started the one the rules designate; and a make that needs a task
    /// that can never fit fails without running anything.
    #[test]
    fn a_make_runs_every_needed_task_once_in_any_completion_order(
        n in 1usize..14,
        pairs in vec((any::<u8>(), any::<u8>()), 0..40),
        mask in any::<u32>(),
        queue in any::<bool>(),
        concurrency in 0u8..4,
        seed in any::<u64>(),
        case in sched_case(),
        draws in vec(sched_draw(), 14),
        critical_path in any::<bool>(),
    ) {
        let mut h = dag_with(n, &pairs, case.as_ref(), &draws);
        let given = given(n, mask);
        let how = Start { queue, concurrency, fail_fast: false, critical_path };
        let k = start(&mut h, case.as_ref(), &given, how);
        let mut rng = Lcg(seed);
        h.drain(&mut |n| rng.below(n), &mut |_| Ending::Returned);
        let needed = h.m.closure(&given);
        let mk = &h.makes[k];
        let pools = case.as_ref().map(SchedCase::pools).unwrap_or_default();
        let heavy = (0..n).any(|t| needed[t] && !h.m.no_fit(t, mk.options.concurrency, &pools).is_empty());
        prop_assert_eq!(mk.schedule_failed, heavy, "the make fails for a task that can never fit");
        if heavy {
            for t in 0..n {
                prop_assert_eq!((h.state(t), h.m.tasks[t].attempt), ("PENDING", 0), "t{}", t);
            }
            return Ok(());
        }
        for (t, &needed) in needed.iter().enumerate() {
            let (state, runs) = (h.state(t), h.m.tasks[t].attempt);
            if needed {
                prop_assert_eq!((state, runs), ("DONE", 1), "t{}", t);
            } else {
                prop_assert_eq!((state, runs), ("PENDING", 0), "t{}", t);
            }
        }
        prop_assert_eq!(h.makes[k].yielded.len(), h.makes[k].given.len());
    }
}

proptest! {
    #![proptest_config(config(CASES[2]))]

    /// SPEC §3: when one task fails (or is cancelled), every given task
    /// that requires it, directly or not, ends FAILED (CANCELLED); every
    /// other given task ends DONE; no task that requires it is DONE.
    #[test]
    fn dependents_of_a_failure_end_as_the_rules_say(
        n in 1usize..14,
        pairs in vec((any::<u8>(), any::<u8>()), 0..40),
        mask in any::<u32>(),
        bad in any::<u8>(),
        cancelled in any::<bool>(),
        queue in any::<bool>(),
        concurrency in 0u8..4,
        seed in any::<u64>(),
    ) {
        let mut h = dag(n, &pairs);
        let bad = usize::from(bad) % n;
        let given = given(n, mask);
        h.start(&given, make_options(queue, concurrency, false));
        let mut rng = Lcg(seed);
        let (ending, end) = if cancelled {
            (Ending::ThrewCancellation, "CANCELLED")
        } else {
            (Ending::Threw, "FAILED")
        };
        h.drain(&mut |n| rng.below(n), &mut |t| if t == bad { ending } else { Ending::Returned });
        let needed = h.m.closure(&given);
        for t in (0..n).filter(|&t| needed[t]) {
            let state = h.state(t);
            let hit = h.m.reaches(t, bad);
            match (given.contains(&t), hit) {
                (true, true) => prop_assert_eq!(state, end, "given t{} requires t{}", t, bad),
                (true, false) => prop_assert_eq!(state, "DONE", "given t{}", t),
                (false, true) => prop_assert!(state == end || state == "PENDING", "t{} is {}", t, state),
                (false, false) => prop_assert!(state == "DONE" || state == "PENDING", "t{} is {}", t, state),
            }
        }
    }
}

proptest! {
    #![proptest_config(config(CASES[4]))]

    /// SPEC §3, failFast as the Python original does it: when a task the
    /// make needs fails (or is cancelled), the make stops there. Every
    /// task that requires it stays PENDING (not failed or cancelled for
    /// its prerequisites), and every task yielded is DONE but that one.
    /// (The harness checks at each step that nothing starts after it.)
    #[test]
    fn fail_fast_stops_at_the_first_task_not_done_and_leaves_its_dependents(
        n in 1usize..14,
        pairs in vec((any::<u8>(), any::<u8>()), 0..40),
        mask in any::<u32>(),
        bad in any::<u8>(),
        cancelled in any::<bool>(),
        queue in any::<bool>(),
        concurrency in 0u8..4,
        seed in any::<u64>(),
    ) {
        let mut h = dag(n, &pairs);
        let bad = usize::from(bad) % n;
        let given = given(n, mask);
        let k = h.start(&given, make_options(queue, concurrency, true));
        let mut rng = Lcg(seed);
        let (ending, end) = if cancelled {
            (Ending::ThrewCancellation, "CANCELLED")
        } else {
            (Ending::Threw, "FAILED")
        };
        h.drain(&mut |n| rng.below(n), &mut |t| if t == bad { ending } else { Ending::Returned });
        let needed = h.m.closure(&given);
        if needed[bad] {
            prop_assert_eq!(h.state(bad), end, "t{} runs before anything stops the make", bad);
            prop_assert!(h.makes[k].must_stop, "the make saw t{} end", bad);
        }
        for t in (0..n).filter(|&t| t != bad && h.m.reaches(t, bad)) {
            prop_assert_eq!(h.state(t), "PENDING", "t{} requires t{}", t, bad);
        }
        for &t in &h.makes[k].yielded {
            prop_assert!(t == bad || h.state(t) == "DONE", "yielded t{} is {}", t, h.state(t));
        }
        if !needed[bad] {
            prop_assert_eq!(h.makes[k].yielded.len(), h.makes[k].given.len());
        }
    }
}

/// One thing a user (or a function, or an executor) does.
#[derive(Clone, Debug)]
enum Op {
    Add {
        state: usize,
        traits: Traits,
        /// SPEC §12's options, if the case has them.
        draw: SchedDraw,
    },
    Require(u8, u8),
    Event(u8, usize),
    Cancel(u8),
    Dispatch(u8),
    /// A held attempt's function ends; (retryable, random) if it failed.
    Finish(u8, Ending, bool, u16),
    /// The wait of a task waiting to retry ends.
    NextAttempt(u8),
    /// A late outcome of an attempt that has ended, by `finish_attempt`
    /// (true) or `finish`.
    Late(u8, Ending, bool, u16, bool),
    /// The executor gets to a queued task.
    RunQueued(u8),
    Start {
        mask: u32,
        how: Start,
    },
    /// Steps of a make.
    Step(u8, u8),
    /// A make is stopped (`break`, or its signal aborts).
    Abort(u8),
    QueueNew {
        mask: u32,
        run_dependent_tasks: bool,
    },
    QueueAdd(u8, u8),
    /// One round of a queue's `run`, the function ending so.
    QueueRun(u8, usize, bool, u16),
}

/// SPEC §8's policies, with waits whose arithmetic is exact in binary
/// (so the core's and the model's computations can be compared closely).
fn policy() -> impl Strategy<Value = Policy> {
    (
        1u32..=4,
        select(vec![0.0, 10.0, 100.0, 250.0]),
        select(vec![1.0, 1.5, 2.0, 3.0]),
        select(vec![f64::INFINITY, 50.0, 400.0]),
        select(vec![0.0, 0.25, 0.5, 1.0]),
    )
        .prop_map(|(attempts, delay, factor, max_delay, jitter)| Policy {
            attempts,
            delay,
            factor,
            max_delay,
            jitter,
        })
}

/// A task's options: a retry policy for half of them, `runIf: 'settled'`
/// for a quarter.
fn traits() -> impl Strategy<Value = Traits> {
    (
        proptest::bool::weighted(0.2),
        proptest::option::weighted(0.5, policy()),
        proptest::bool::weighted(0.25),
    )
        .prop_map(|(cancel_on_exception, retry, run_if_settled)| Traits {
            cancel_on_exception,
            retry,
            run_if_settled,
            schedule: None,
        })
}

/// How a function ends, failing more often than not, so that policies
/// are used up.
fn ending() -> impl Strategy<Value = Ending> {
    prop_oneof![
        2 => Just(Ending::Returned),
        1 => Just(Ending::ReturnedCancel),
        4 => Just(Ending::Threw),
        1 => Just(Ending::ThrewCancellation),
    ]
}

/// Drawn by `Lcg` in the drains of SPEC §8's property, as `ending` does.
const MOSTLY_FAILING: [Ending; 8] = [
    Ending::Returned,
    Ending::Returned,
    Ending::ReturnedCancel,
    Ending::Threw,
    Ending::Threw,
    Ending::Threw,
    Ending::Threw,
    Ending::ThrewCancellation,
];

fn verdict(retryable: bool, random: u16) -> Verdict {
    Verdict {
        retryable,
        random: f64::from(random) / 65536.0,
    }
}

fn op() -> impl Strategy<Value = Op> {
    let event = prop_oneof![
        // retry, cancel and abort most; any event, unknown ones too.
        Just(8usize),
        Just(3usize),
        Just(5usize),
        0..EVENTS.len(),
    ];
    prop_oneof![
        2 => (0..STATES.len() * 2, traits(), sched_draw()).prop_map(|(state, traits, draw)| Op::Add { state, traits, draw }),
        4 => (any::<u8>(), any::<u8>()).prop_map(|(a, b)| Op::Require(a, b)),
        3 => (any::<u8>(), event).prop_map(|(t, e)| Op::Event(t, e)),
        2 => any::<u8>().prop_map(Op::Cancel),
        1 => any::<u8>().prop_map(Op::Dispatch),
        4 => (any::<u8>(), ending(), proptest::bool::weighted(0.75), any::<u16>()).prop_map(|(h, e, r, x)| Op::Finish(h, e, r, x)),
        3 => any::<u8>().prop_map(Op::NextAttempt),
        1 => (any::<u8>(), ending(), any::<bool>(), any::<u16>(), any::<bool>()).prop_map(|(l, e, r, x, a)| Op::Late(l, e, r, x, a)),
        2 => any::<u8>().prop_map(Op::RunQueued),
        2 => (any::<u32>(), any::<bool>(), 0u8..4, any::<bool>(), any::<bool>()).prop_map(|(mask, queue, concurrency, fail_fast, critical_path)| {
            Op::Start { mask, how: Start { queue, concurrency, fail_fast, critical_path } }
        }),
        5 => (any::<u8>(), 1u8..6).prop_map(|(m, n)| Op::Step(m, n)),
        1 => any::<u8>().prop_map(Op::Abort),
        1 => (any::<u32>(), any::<bool>()).prop_map(|(mask, r)| Op::QueueNew { mask, run_dependent_tasks: r }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(q, t)| Op::QueueAdd(q, t)),
        2 => (any::<u8>(), 0..ENDINGS.len(), any::<bool>(), any::<u16>()).prop_map(|(q, e, r, x)| Op::QueueRun(q, e, r, x)),
    ]
}

fn apply(h: &mut Harness, op: &Op, case: Option<&SchedCase>) {
    let n = h.len();
    let pick = |x: u8, n: usize| usize::from(x) % n;
    match *op {
        Op::Add {
            state,
            traits,
            draw,
        } => {
            // Half of them PENDING, the rest any state of the table.
            let state = STATES.get(state).copied().unwrap_or("PENDING");
            h.add_with(state, with_schedule(traits, case, draw));
        }
        Op::Require(a, b) => h.require(pick(a, n), pick(b, n)),
        Op::Event(t, e) => h.event(pick(t, n), EVENTS[e]),
        Op::Cancel(t) => h.cancel(pick(t, n)),
        Op::Dispatch(t) => h.dispatch(pick(t, n)),
        Op::Finish(x, e, r, random) if !h.held.is_empty() => {
            let held = pick(x, h.held.len());
            h.finish(held, e, verdict(r, random));
        }
        Op::NextAttempt(x) if !h.waits.is_empty() => h.next_attempt(pick(x, h.waits.len())),
        Op::Late(x, e, r, random, by_attempt) if !h.late.is_empty() => {
            let late = pick(x, h.late.len());
            h.finish_late(late, e, verdict(r, random), by_attempt);
        }
        Op::RunQueued(x) if !h.queued.is_empty() => h.run_queued(pick(x, h.queued.len())),
        Op::Start { mask, how } => {
            start(h, case, &given(n, mask), how);
        }
        Op::Step(m, steps) if !h.makes.is_empty() => {
            let k = pick(m, h.makes.len());
            for _ in 0..steps {
                h.step(k);
            }
        }
        Op::Abort(m) if !h.makes.is_empty() => h.abort(pick(m, h.makes.len())),
        Op::QueueNew {
            mask,
            run_dependent_tasks,
        } => h.queue_new(&given(n, mask), run_dependent_tasks),
        Op::QueueAdd(q, t) if h.queue_count() > 0 => {
            h.queue_add(pick(q, h.queue_count()), pick(t, n))
        }
        Op::QueueRun(q, e, r, random) if h.queue_count() > 0 => {
            h.queue_run_once(pick(q, h.queue_count()), ENDINGS[e], verdict(r, random))
        }
        _ => {}
    }
    h.check_all();
}

proptest! {
    #![proptest_config(config(CASES[3]))]

    /// Random operations, makes among them, then every make run to its
    /// end: only transitions of the table happen, the core agrees with
    /// the model after every step, every make's transitions follow SPEC
    /// §3, each given task is yielded at most once, and a make ends by
    /// yielding them all, by failFast, by being stopped, or with an error;
    /// task queues hold the tasks the spec says and `get` takes the kind
    /// of task it says. Tasks have, at random, a retry policy and
    /// `runIf: 'settled'` (SPEC §8): failed attempts are retried or end
    /// the run as the model says, and the ends of waits and late outcomes
    /// of ended attempts come among the other operations.
    #[test]
    fn random_operations_while_makes_run_keep_every_rule(
        initial in vec((traits(), sched_draw()), 1..8),
        ops in vec(op(), 1..60),
        seed in any::<u64>(),
        case in sched_case(),
    ) {
        let mut h = Harness::default();
        for (traits, draw) in initial {
            h.add_with("PENDING", with_schedule(traits, case.as_ref(), draw));
        }
        for op in &ops {
            apply(&mut h, op, case.as_ref());
        }
        let mut rng = Lcg(seed);
        let mut endings = Lcg(seed ^ 0x9e37_79b9_7f4a_7c15);
        h.drain(&mut |n| rng.below(n), &mut |_| ENDINGS[endings.below(ENDINGS.len())]);
    }
}

/// Something that happens to a make's tasks between rounds of its driver.
#[derive(Clone, Debug)]
enum Disruption {
    /// `cancel()`, mostly of a task waiting to retry.
    Cancel(u8),
    /// Manual events, one after the other at one task, mostly one
    /// waiting to retry.
    Events(u8, Vec<&'static str>),
    /// A late outcome of an attempt that has ended, by `finish_attempt`
    /// (true) or `finish`.
    Late(u8, Ending, bool, u16, bool),
    /// A make is stopped.
    Abort(u8),
}

/// (driver rounds before it, the disruption)
fn disruption() -> impl Strategy<Value = (usize, Disruption)> {
    let events = select(vec![
        "done", "except", "cancel", "retry", "dispatch", "abort",
    ]);
    let d = prop_oneof![
        3 => any::<u8>().prop_map(Disruption::Cancel),
        2 => (any::<u8>(), vec(events, 1..4)).prop_map(|(t, e)| Disruption::Events(t, e)),
        2 => (any::<u8>(), ending(), any::<bool>(), any::<u16>(), any::<bool>())
            .prop_map(|(l, e, r, x, a)| Disruption::Late(l, e, r, x, a)),
        1 => any::<u8>().prop_map(Disruption::Abort),
    ];
    (0usize..6, d)
}

/// A task waiting to retry, three times in four when there is one, else
/// any task.
fn target(h: &Harness, x: u8) -> usize {
    let x = usize::from(x);
    if !h.waits.is_empty() && x % 4 != 0 {
        h.waits[x / 4 % h.waits.len()].0
    } else {
        x % h.len()
    }
}

proptest! {
    #![proptest_config(config(CASES[5]))]

    /// SPEC §8 in makes: random DAGs whose tasks have, at random, a retry
    /// policy and `runIf: 'settled'`; one or two makes; attempts failing
    /// more often than not, with `retryOn` saying yes or no at random;
    /// outcomes and the ends of waits delivered in random order, between
    /// them cancels (a task waiting to retry ends CANCELLED at once),
    /// manual events, late outcomes of ended attempts (they change
    /// nothing) and aborts. At every step the core agrees with the model
    /// (a failed attempt is retried after the wait SPEC §8 computes, or
    /// ends the run as SPEC §2 says; a teardown task runs after failed
    /// and cancelled prerequisites; its dependents follow the usual
    /// rules) and no make waits with nothing left to wake it. At the end,
    /// every make has ended; without failFast, aborts or manual events,
    /// every given task settled and was yielded once, and every given
    /// teardown task not cancelled ran; no run took more attempts than
    /// its policy allows.
    #[test]
    fn retries_and_teardown_tasks_keep_the_rules_and_every_make_settles(
        traits in vec(traits(), 1..12),
        pairs in vec((any::<u8>(), any::<u8>()), 0..30),
        makes in vec((any::<u32>(), any::<bool>(), 0u8..4, proptest::bool::weighted(0.2), any::<bool>()), 1..3),
        disruptions in vec(disruption(), 0..8),
        seed in any::<u64>(),
        case in sched_case(),
        draws in vec(sched_draw(), 12),
    ) {
        let n = traits.len();
        let mut h = Harness::default();
        for (t, &traits) in traits.iter().enumerate() {
            h.add_with("PENDING", with_schedule(traits, case.as_ref(), draws[t]));
        }
        for &(a, b) in &pairs {
            h.require(usize::from(a) % n, usize::from(b) % n);
        }
        h.check_all();
        for &(mask, queue, concurrency, fail_fast, critical_path) in &makes {
            let how = Start { queue, concurrency, fail_fast, critical_path };
            start(&mut h, case.as_ref(), &given(n, mask), how);
        }
        let mut rng = Lcg(seed);
        let mut endings = Lcg(seed ^ 0x9e37_79b9_7f4a_7c15);
        let mut ending = |_| MOSTLY_FAILING[endings.below(MOSTLY_FAILING.len())];
        let mut orderly = true;
        for (rounds, d) in &disruptions {
            h.run(*rounds, &mut |n| rng.below(n), &mut ending);
            match *d {
                Disruption::Cancel(x) => h.cancel(target(&h, x)),
                Disruption::Events(x, ref events) => {
                    orderly = false;
                    let t = target(&h, x);
                    for event in events {
                        h.event(t, event);
                        h.check_all();
                    }
                }
                Disruption::Late(x, e, r, random, by_attempt) if !h.late.is_empty() => {
                    let late = usize::from(x) % h.late.len();
                    h.finish_late(late, e, verdict(r, random), by_attempt);
                }
                Disruption::Abort(k) => {
                    orderly = false;
                    h.abort(usize::from(k) % h.makes.len());
                }
                _ => {}
            }
            h.check_all();
        }
        h.drain(&mut |n| rng.below(n), &mut ending);
        for (k, &(mask, _, _, fail_fast, _)) in makes.iter().enumerate() {
            prop_assert!(h.makes[k].ended, "make {} ended", k);
            if fail_fast || !orderly || h.makes[k].schedule_failed {
                continue;
            }
            let mk = &h.makes[k];
            prop_assert_eq!(mk.yielded.len(), mk.given.len(), "make {} yielded every given task", k);
            for t in given(n, mask) {
                let state = h.state(t);
                prop_assert!(model::settled(state), "given t{} is {}", t, state);
                if traits[t].run_if_settled && state != "CANCELLED" {
                    prop_assert!(h.m.tasks[t].attempt > 0, "given teardown t{} ran", t);
                }
            }
        }
        for (t, task) in h.m.tasks.iter().enumerate() {
            let allowed = task.retry.map_or(1, |p| p.attempts);
            prop_assert!(task.tries <= allowed, "t{} tried {} times", t, task.tries);
        }
    }
}
