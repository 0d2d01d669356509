//! SPEC §8 in the core: attempts of one run under a retry policy, the
//! wait between them, cancellation during an attempt and during a wait,
//! and `runIf: 'settled'`. The timers are the driver's; here the test is
//! the driver, so "the wait" is the time between `finish_attempt`
//! returning `Retry` and the call to `next_attempt`.

mod common;
use common::{in_state, steps, DONE, THREW};
use taskqueue_wasm::graph::{Failed, Finished, Outcome, RetryPolicy};
use taskqueue_wasm::{
    Because, Event, Extra, MakeOptions, Scheduler, Step, TaskErrorKind, TaskId, TaskOptions,
    TaskState,
};

const CANCELLATION: Outcome = Outcome::Threw { cancellation: true };
const RETRYABLE: Failed = Failed {
    retryable: true,
    random: 0.0,
};

fn policy(attempts: u32, delay: f64) -> RetryPolicy {
    RetryPolicy {
        attempts,
        delay,
        ..RetryPolicy::default()
    }
}

fn task_with_retry(g: &mut Scheduler, name: &str, p: RetryPolicy) -> TaskId {
    let t = g.add_task(name, TaskOptions::default());
    g.set_retry(t, Some(p)).unwrap();
    t
}

#[test]
fn a_failed_attempt_with_attempts_left_is_followed_by_another_and_the_task_stays_running() {
    let mut g = Scheduler::new();
    let t = task_with_retry(&mut g, "upload", policy(3, 100.0));
    let a1 = g.dispatch(t).unwrap();
    assert_eq!(g.tries(t).unwrap(), 1);
    assert!(g.attempts_left(t).unwrap());
    let r = g.finish_attempt(t, a1, THREW, RETRYABLE).unwrap();
    assert_eq!(r, Finished::Retry { delay: 100.0 });
    assert_eq!(g.state(t).unwrap(), TaskState::Running);
    assert!(g.is_waiting_to_retry(t).unwrap());
    let a2 = g.next_attempt(t, a1).unwrap().unwrap();
    assert_eq!(a2, a1 + 1);
    assert_eq!(g.tries(t).unwrap(), 2);
    let r = g.finish_attempt(t, a2, DONE, RETRYABLE).unwrap();
    assert_eq!(r, Finished::Ended(TaskState::Done));
    // One run: the history shows dispatch and done, no failure between.
    let events: Vec<Event> = g.history(t).unwrap().iter().map(|tr| tr.event).collect();
    assert_eq!(events, vec![Event::Dispatch, Event::Done]);
}

#[test]
fn the_last_attempt_failing_ends_the_task_failed() {
    let mut g = Scheduler::new();
    let t = task_with_retry(&mut g, "t", policy(2, 0.0));
    let a1 = g.dispatch(t).unwrap();
    assert!(matches!(
        g.finish_attempt(t, a1, THREW, RETRYABLE).unwrap(),
        Finished::Retry { .. }
    ));
    let a2 = g.next_attempt(t, a1).unwrap().unwrap();
    assert!(!g.attempts_left(t).unwrap());
    let r = g.finish_attempt(t, a2, THREW, RETRYABLE).unwrap();
    assert_eq!(r, Finished::Ended(TaskState::Failed));
}

#[test]
fn a_number_of_attempts_of_one_means_no_retry() {
    let mut g = Scheduler::new();
    let t = task_with_retry(&mut g, "t", policy(1, 0.0));
    let a1 = g.dispatch(t).unwrap();
    let r = g.finish_attempt(t, a1, THREW, RETRYABLE).unwrap();
    assert_eq!(r, Finished::Ended(TaskState::Failed));
}

#[test]
fn retry_on_saying_no_ends_the_task_at_once() {
    let mut g = Scheduler::new();
    let t = task_with_retry(&mut g, "t", policy(5, 0.0));
    let a1 = g.dispatch(t).unwrap();
    let no = Failed {
        retryable: false,
        random: 0.0,
    };
    assert_eq!(
        g.finish_attempt(t, a1, THREW, no).unwrap(),
        Finished::Ended(TaskState::Failed)
    );
}

#[test]
fn backoff_delays_grow_by_the_factor_up_to_max_delay_and_jitter_takes_a_random_fraction() {
    let p = RetryPolicy {
        attempts: 10,
        delay: 100.0,
        factor: 3.0,
        max_delay: 1000.0,
        jitter: 0.5,
    };
    let plain: Vec<f64> = (1..=4).map(|k| p.delay_after(k, 0.0)).collect();
    assert_eq!(plain, vec![100.0, 300.0, 900.0, 1000.0]);
    // Half the delay is drawn: random 0.5 takes a quarter off.
    assert_eq!(p.delay_after(2, 0.5), 225.0);
    // Out-of-range random numbers draw nothing.
    assert_eq!(p.delay_after(1, 7.0), 100.0);
    assert_eq!(p.delay_after(1, f64::NAN), 100.0);
    // A huge exponent stays at max_delay.
    assert_eq!(p.delay_after(u32::MAX, 0.0), 1000.0);
    let mut g = Scheduler::new();
    let t = task_with_retry(&mut g, "t", p);
    let mut attempt = g.dispatch(t).unwrap();
    let mut delays = Vec::new();
    for random in [0.0, 0.5, 0.0] {
        let failed = Failed {
            retryable: true,
            random,
        };
        match g.finish_attempt(t, attempt, THREW, failed).unwrap() {
            Finished::Retry { delay } => delays.push(delay),
            other => panic!("expected a retry, got {other:?}"),
        }
        attempt = g.next_attempt(t, attempt).unwrap().unwrap();
    }
    assert_eq!(delays, vec![100.0, 225.0, 900.0]);
}

#[test]
fn out_of_range_policies_are_brought_into_range() {
    let mut g = Scheduler::new();
    let t = g.add_task("t", TaskOptions::default());
    let wild = RetryPolicy {
        attempts: 0,
        delay: -5.0,
        factor: 0.1,
        max_delay: f64::NAN,
        jitter: 3.0,
    };
    g.set_retry(t, Some(wild)).unwrap();
    let p = g.retry_policy(t).unwrap().unwrap();
    assert_eq!(p.attempts, 1);
    assert_eq!(p.delay, 0.0);
    assert_eq!(p.factor, 1.0);
    assert_eq!(p.max_delay, f64::INFINITY);
    assert_eq!(p.jitter, 1.0);
    g.set_retry(t, None).unwrap();
    assert_eq!(g.retry_policy(t).unwrap(), None);
}

#[test]
fn cancellation_wins_a_cancellation_error_or_a_requested_cancel_is_not_retried() {
    let mut g = Scheduler::new();
    let t = task_with_retry(&mut g, "t", policy(5, 0.0));
    let a1 = g.dispatch(t).unwrap();
    assert_eq!(
        g.finish_attempt(t, a1, CANCELLATION, RETRYABLE).unwrap(),
        Finished::Ended(TaskState::Cancelled)
    );
    let u = task_with_retry(&mut g, "u", policy(5, 0.0));
    let a1 = g.dispatch(u).unwrap();
    g.cancel(u).unwrap(); // during the attempt: requested
    assert_eq!(g.state(u).unwrap(), TaskState::Running);
    assert_eq!(
        g.finish_attempt(u, a1, THREW, RETRYABLE).unwrap(),
        Finished::Ended(TaskState::Cancelled)
    );
}

#[test]
fn a_task_cancelled_during_the_wait_ends_cancelled_at_once_and_the_wait_changes_nothing() {
    let mut g = Scheduler::new();
    let t = task_with_retry(&mut g, "t", policy(3, 1000.0));
    let a1 = g.dispatch(t).unwrap();
    g.finish_attempt(t, a1, THREW, RETRYABLE).unwrap();
    g.cancel(t).unwrap();
    assert_eq!(g.state(t).unwrap(), TaskState::Cancelled);
    assert!(!g.is_waiting_to_retry(t).unwrap());
    assert_eq!(g.next_attempt(t, a1).unwrap(), None);
    assert_eq!(g.state(t).unwrap(), TaskState::Cancelled);
}

#[test]
fn a_late_outcome_of_the_failed_attempt_changes_nothing() {
    let mut g = Scheduler::new();
    let t = task_with_retry(&mut g, "t", policy(3, 10.0));
    let a1 = g.dispatch(t).unwrap();
    g.finish_attempt(t, a1, THREW, RETRYABLE).unwrap(); // timed out, say
                                                        // Its function resolves later, during the wait:
    assert_eq!(
        g.finish_attempt(t, a1, DONE, RETRYABLE).unwrap(),
        Finished::Stale
    );
    assert_eq!(g.finish(t, a1, DONE).unwrap(), None);
    let a2 = g.next_attempt(t, a1).unwrap().unwrap();
    // ... or during the next attempt:
    assert_eq!(
        g.finish_attempt(t, a1, DONE, RETRYABLE).unwrap(),
        Finished::Stale
    );
    assert_eq!(
        g.finish_attempt(t, a2, DONE, RETRYABLE).unwrap(),
        Finished::Ended(TaskState::Done)
    );
}

#[test]
fn a_wait_that_ends_after_the_task_moved_on_starts_nothing() {
    let mut g = Scheduler::new();
    let t = task_with_retry(&mut g, "t", policy(3, 10.0));
    let a1 = g.dispatch(t).unwrap();
    g.finish_attempt(t, a1, THREW, RETRYABLE).unwrap();
    // Fired at by hand during the wait: the run is over.
    g.event(t, Event::Except, Extra::default()).unwrap();
    assert_eq!(g.next_attempt(t, a1).unwrap(), None);
    // Repaired and run again: a new run, its first attempt.
    g.event(t, Event::Retry, Extra::default()).unwrap();
    let b1 = g.dispatch(t).unwrap();
    assert_eq!(g.tries(t).unwrap(), 1);
    assert_eq!(g.next_attempt(t, a1).unwrap(), None);
    assert_eq!(g.state(t).unwrap(), TaskState::Running);
    assert_eq!(g.attempt(t).unwrap(), b1);
}

#[test]
fn cancel_on_exception_applies_to_the_final_outcome_only() {
    let mut g = Scheduler::new();
    let t = g.add_task(
        "t",
        TaskOptions {
            cancel_on_exception: true,
            ..TaskOptions::default()
        },
    );
    g.set_retry(t, Some(policy(2, 0.0))).unwrap();
    let a1 = g.dispatch(t).unwrap();
    assert!(matches!(
        g.finish_attempt(t, a1, THREW, RETRYABLE).unwrap(),
        Finished::Retry { .. }
    ));
    let a2 = g.next_attempt(t, a1).unwrap().unwrap();
    assert_eq!(
        g.finish_attempt(t, a2, THREW, RETRYABLE).unwrap(),
        Finished::Ended(TaskState::Cancelled)
    );
}

#[test]
fn a_tasks_dependents_wait_while_it_waits_to_retry() {
    let mut g = Scheduler::new();
    let t = task_with_retry(&mut g, "flaky", policy(2, 50.0));
    let d = g.add_task("d", TaskOptions::default());
    g.require(d, t).unwrap();
    let make = g.make_start(&[d], MakeOptions::default()).unwrap();
    let first = steps(&mut g, make);
    let Some(Step::Run { task, attempt }) = first.first().cloned() else {
        panic!("expected a run first, got {first:?}");
    };
    assert_eq!(task, t);
    g.finish_attempt(t, attempt, THREW, RETRYABLE).unwrap();
    assert_eq!(steps(&mut g, make), vec![Step::Wait]);
    assert_eq!(g.state(d).unwrap(), TaskState::Pending);
    let a2 = g.next_attempt(t, attempt).unwrap().unwrap();
    g.finish_attempt(t, a2, DONE, RETRYABLE).unwrap();
    let next = steps(&mut g, make);
    assert!(
        matches!(next[0], Step::Run { task, .. } if task == d),
        "{next:?}"
    );
}

#[test]
fn a_freed_task_takes_its_policy_with_it() {
    let mut g = Scheduler::new();
    let t = task_with_retry(&mut g, "t", policy(2, 0.0));
    g.remove_task(t).unwrap();
    let u = g.add_task("u", TaskOptions::default()); // may reuse t's slot
    assert_eq!(g.retry_policy(u).unwrap(), None);
    let a = g.dispatch(u).unwrap();
    assert_eq!(
        g.finish_attempt(u, a, THREW, RETRYABLE).unwrap(),
        Finished::Ended(TaskState::Failed)
    );
}

fn teardown(g: &mut Scheduler) -> TaskId {
    g.add_task(
        "teardown",
        TaskOptions {
            run_if_settled: true,
            ..TaskOptions::default()
        },
    )
}

#[test]
fn run_if_settled_runs_after_failed_cancelled_and_aborted_prerequisites() {
    for state in [
        TaskState::Failed,
        TaskState::Cancelled,
        TaskState::Abort,
        TaskState::Done,
    ] {
        let mut g = Scheduler::new();
        let p = g.add_task("p", in_state(state));
        let t = teardown(&mut g);
        g.require(t, p).unwrap();
        let make = g.make_start(&[t], MakeOptions::default()).unwrap();
        let s = steps(&mut g, make);
        assert!(
            matches!(s[0], Step::Run { task, .. } if task == t),
            "{state:?}: {s:?}"
        );
    }
}

#[test]
fn run_if_settled_waits_for_unsettled_prerequisites_first() {
    let mut g = Scheduler::new();
    let failing = g.add_task("failing", TaskOptions::default());
    let slow = g.add_task("slow", TaskOptions::default());
    let t = teardown(&mut g);
    g.require(t, failing).unwrap();
    g.require(t, slow).unwrap();
    let make = g
        .make_start(
            &[t],
            MakeOptions {
                concurrency: 1,
                ..MakeOptions::default()
            },
        )
        .unwrap();
    let s = steps(&mut g, make);
    let Step::Run { task, attempt } = s[0] else {
        panic!("{s:?}")
    };
    assert_eq!(task, failing);
    g.finish(failing, attempt, THREW).unwrap();
    let s = steps(&mut g, make);
    let Step::Run { task, attempt } = s[0] else {
        panic!("{s:?}")
    };
    assert_eq!(task, slow, "the teardown waits for every prerequisite");
    assert_eq!(g.state(t).unwrap(), TaskState::Pending);
    g.finish(slow, attempt, DONE).unwrap();
    let s = steps(&mut g, make);
    assert!(matches!(s[0], Step::Run { task, .. } if task == t), "{s:?}");
}

#[test]
fn run_if_settled_still_fails_on_a_prerequisite_that_is_not_done_and_cannot_run() {
    let mut g = Scheduler::new();
    let p = g.add_task("p", in_state(TaskState::Prepare));
    let t = teardown(&mut g);
    g.require(t, p).unwrap();
    let make = g.make_start(&[t], MakeOptions::default()).unwrap();
    steps(&mut g, make);
    assert_eq!(g.state(t).unwrap(), TaskState::Failed);
    let tr = &g.history(t).unwrap()[0];
    assert_eq!(tr.extra.because, Some(Because::PrerequisitesNotDone));
}

#[test]
fn the_dependents_of_a_teardown_task_follow_the_usual_rules() {
    let mut g = Scheduler::new();
    let p = g.add_task("p", in_state(TaskState::Failed));
    let t = teardown(&mut g);
    let after_teardown = g.add_task("after", TaskOptions::default());
    let after_p = g.add_task("after_p", TaskOptions::default());
    g.require(t, p).unwrap();
    g.require(after_teardown, t).unwrap();
    g.require(after_p, p).unwrap();
    g.require(after_p, t).unwrap();
    let make = g
        .make_start(&[after_teardown, after_p], MakeOptions::default())
        .unwrap();
    let s = steps(&mut g, make);
    let run = s.iter().find_map(|s| match s {
        Step::Run { task, attempt } => Some((*task, *attempt)),
        _ => None,
    });
    let (task, attempt) = run.unwrap_or_else(|| panic!("{s:?}"));
    assert_eq!(task, t);
    g.finish(t, attempt, DONE).unwrap();
    let s = steps(&mut g, make);
    assert!(
        s.iter()
            .any(|s| matches!(s, Step::Run { task, .. } if *task == after_teardown)),
        "{s:?}"
    );
    assert_eq!(g.state(after_p).unwrap(), TaskState::Failed);
}

#[test]
fn dispatch_by_hand_of_a_teardown_task_is_not_blocked_by_a_cancelled_prerequisite() {
    let mut g = Scheduler::new();
    let p = g.add_task("p", in_state(TaskState::Cancelled));
    let t = teardown(&mut g);
    g.require(t, p).unwrap();
    assert!(g.dispatch(t).is_ok());
    let mut g = Scheduler::new();
    let p = g.add_task("p", TaskOptions::default());
    let t = teardown(&mut g);
    g.require(t, p).unwrap();
    assert_eq!(g.dispatch(t).unwrap_err().kind, TaskErrorKind::Blocked);
}

#[test]
fn leaving_running_by_hand_ends_the_wait_so_a_task_run_again_by_hand_is_not_waiting() {
    let mut g = Scheduler::new();
    let t = task_with_retry(&mut g, "t", policy(3, 0.0));
    let a1 = g.dispatch(t).unwrap();
    g.finish_attempt(t, a1, THREW, RETRYABLE).unwrap();
    g.event(t, Event::Except, Extra::default()).unwrap();
    g.event(t, Event::Retry, Extra::default()).unwrap();
    g.event(t, Event::Dispatch, Extra::default()).unwrap(); // RUNNING, by hand
    assert!(!g.is_waiting_to_retry(t).unwrap());
    assert_eq!(g.next_attempt(t, a1).unwrap(), None);
    assert_eq!(
        g.cancel(t).unwrap(),
        taskqueue_wasm::graph::CancelOutcome::Requested
    );
}
