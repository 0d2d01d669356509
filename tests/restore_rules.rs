//! SPEC §9 in the core: a task that has not started takes the settled
//! state a store recorded for it, as if it had ended so. Its dependents'
//! counts follow (a make then runs them, fails them or cancels them by
//! the usual rules), its history and its observers get the transition,
//! and a task a make has handed out is not touched.

mod common;
use common::{in_state, steps};
use taskqueue_wasm::{MakeOptions, Scheduler, Step, TaskErrorKind, TaskOptions, TaskState};

#[test]
fn a_pending_task_restored_done_frees_its_dependent_and_is_not_run() {
    let mut g = Scheduler::new();
    let a = g.add_task("a", TaskOptions::default());
    let b = g.add_task("b", TaskOptions::default());
    g.require(b, a).unwrap();
    assert!(g.is_blocked(b).unwrap());
    assert_eq!(g.restore(a, TaskState::Done).unwrap(), TaskState::Done);
    assert!(!g.is_blocked(b).unwrap());
    let make = g.make_start(&[b], MakeOptions::default()).unwrap();
    let s = steps(&mut g, make);
    // Only b runs: a is DONE already.
    let runs: Vec<_> = s.iter().filter(|s| matches!(s, Step::Run { .. })).collect();
    assert_eq!(runs.len(), 1);
    assert!(matches!(runs[0], Step::Run { task, .. } if *task == b));
}

#[test]
fn restored_failed_and_cancelled_prerequisites_fail_and_cancel_dependents_by_the_usual_rules() {
    for (state, expected) in [
        (TaskState::Failed, TaskState::Failed),
        (TaskState::Cancelled, TaskState::Cancelled),
        (TaskState::Abort, TaskState::Failed),
    ] {
        let mut g = Scheduler::new();
        let a = g.add_task("a", TaskOptions::default());
        let b = g.add_task("b", TaskOptions::default());
        g.require(b, a).unwrap();
        g.restore(a, state).unwrap();
        let make = g.make_start(&[b], MakeOptions::default()).unwrap();
        steps(&mut g, make);
        assert_eq!(g.state(b).unwrap(), expected, "after a restored {state:?}");
    }
}

#[test]
fn restoring_records_the_transition_under_the_event_that_ends_in_that_state() {
    let mut g = Scheduler::new();
    for (state, event) in [
        (TaskState::Done, "done"),
        (TaskState::Failed, "except"),
        (TaskState::Cancelled, "cancel"),
        (TaskState::Abort, "abort"),
    ] {
        let t = g.add_task("t", TaskOptions::default());
        g.restore(t, state).unwrap();
        let history = g.history(t).unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].old_state, TaskState::Pending);
        assert_eq!(history[0].new_state, state);
        assert_eq!(history[0].event.name(), event);
    }
    let p = g.add_task("p", in_state(TaskState::Prepare));
    assert_eq!(g.restore(p, TaskState::Done).unwrap(), TaskState::Done);
}

#[test]
fn only_a_task_that_has_not_started_is_restored_and_only_to_a_settled_state() {
    let mut g = Scheduler::new();
    let t = g.add_task("t", TaskOptions::default());
    for target in [TaskState::Pending, TaskState::Running, TaskState::Queued] {
        let e = g.restore(t, target).unwrap_err();
        assert_eq!(e.kind, TaskErrorKind::InvalidEvent);
        assert_eq!(
            e.message,
            "task 't': invalid event 'restore' for state 'PENDING'"
        );
    }
    g.dispatch(t).unwrap();
    let e = g.restore(t, TaskState::Done).unwrap_err();
    assert_eq!(
        e.message,
        "task 't': invalid event 'restore' for state 'RUNNING'"
    );
    assert_eq!(g.state(t).unwrap(), TaskState::Running);
    let d = g.add_task("d", in_state(TaskState::Done));
    assert!(g.restore(d, TaskState::Failed).is_err());
    assert_eq!(g.state(d).unwrap(), TaskState::Done);
}

#[test]
fn a_task_a_make_has_handed_out_is_not_restored() {
    let mut g = Scheduler::new();
    let a = g.add_task("a", TaskOptions::default());
    let b = g.add_task("b", TaskOptions::default());
    g.require(b, a).unwrap();
    let queued = MakeOptions {
        queue: true,
        ..MakeOptions::default()
    };
    let make = g.make_start(&[b], queued).unwrap();
    let first = steps(&mut g, make);
    assert!(matches!(first.last(), Some(Step::Wait)));
    assert_eq!(g.state(a).unwrap(), TaskState::Queued);
    assert!(g.restore(a, TaskState::Done).is_err());
    assert_eq!(g.state(a).unwrap(), TaskState::Queued);
}

#[test]
fn with_prerequisites_gives_the_tasks_and_their_prerequisites_each_once_even_on_a_long_chain() {
    let mut g = Scheduler::new();
    let a = g.add_task("a", TaskOptions::default());
    let b = g.add_task("b", TaskOptions::default());
    let c = g.add_task("c", TaskOptions::default());
    let d = g.add_task("d", TaskOptions::default());
    g.require(c, a).unwrap();
    g.require(c, b).unwrap();
    g.require(b, a).unwrap();
    let all = g.with_prerequisites(&[c, d, c]).unwrap();
    assert_eq!(all, vec![(c, 0), (d, 1), (a, 0), (b, 0)]);
    let mut chain = vec![g.add_task("t", TaskOptions::default())];
    for _ in 0..1_000_000 {
        let t = g.add_task("t", TaskOptions::default());
        g.require(t, *chain.last().unwrap()).unwrap();
        chain.push(t);
    }
    let all = g.with_prerequisites(&[*chain.last().unwrap()]).unwrap();
    assert_eq!(all.len(), chain.len());
    assert_eq!(all.last().map(|&(t, _)| t), chain.first().copied());
    assert!(all
        .iter()
        .enumerate()
        .skip(1)
        .all(|(i, &(_, via))| via as usize == i - 1));
}
