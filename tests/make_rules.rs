//! SPEC §3: `make`. Synchronous rules go through the in-process driver;
//! asynchronous behaviour (outcomes in any order, several in flight, the
//! concurrency limit) drives the engine step by step, as the JS binding
//! does.

mod common;
use common::{fail, in_state, lines, names, ok, say, steps, DONE, THREW};
use taskqueue_wasm::sync_driver::SyncDriver;
use taskqueue_wasm::{
    Because, Event, Extra, MakeOptions, Scheduler, Step, TaskErrorKind, TaskId, TaskOptions,
    TaskState,
};

fn concurrency(n: usize) -> MakeOptions {
    MakeOptions {
        concurrency: n,
        ..MakeOptions::default()
    }
}

fn runs(steps: &[Step]) -> Vec<(TaskId, u32)> {
    steps
        .iter()
        .filter_map(|s| match s {
            Step::Run { task, attempt } => Some((*task, *attempt)),
            _ => None,
        })
        .collect()
}

#[test]
fn making_a_prepare_task_is_an_fsm_error() {
    let mut local = SyncDriver::new();
    let t = local.task_with("early", ok(), in_state(TaskState::Prepare));
    let error = local.make(&[t], MakeOptions::default()).unwrap_err();
    assert_eq!(error.kind, TaskErrorKind::MakePrepare);
    assert_eq!(error.message, "cannot make a PREPARE task: 'early'");
    assert_eq!(local.graph.state(t).unwrap(), TaskState::Prepare);
}

#[test]
fn a_running_task_is_waited_for_then_yielded() {
    let mut g = Scheduler::new();
    let t = g.add_task("t", TaskOptions::default());
    let attempt = g.dispatch(t).unwrap(); // started by someone else
    let make = g.make_start(&[t], MakeOptions::default()).unwrap();
    assert_eq!(steps(&mut g, make), vec![Step::Wait]);
    g.finish(t, attempt, DONE).unwrap();
    assert_eq!(steps(&mut g, make), vec![Step::Yield(t), Step::Finished]);
}

#[test]
fn a_queued_task_is_waited_for_then_yielded() {
    let mut g = Scheduler::new();
    let t = g.add_task("t", in_state(TaskState::Queued));
    let make = g.make_start(&[t], MakeOptions::default()).unwrap();
    assert_eq!(steps(&mut g, make), vec![Step::Wait]);
    g.event(t, Event::Cancel, Extra::default()).unwrap();
    assert_eq!(steps(&mut g, make), vec![Step::Yield(t), Step::Finished]);
}

#[test]
fn a_failed_or_aborted_prerequisite_fails_the_task() {
    for state in [TaskState::Failed, TaskState::Abort] {
        let mut local = SyncDriver::new();
        let bad = local.task_with("bad", ok(), in_state(state));
        let pending = local.task("pending", ok());
        let t = local.task_with("t", ok(), TaskOptions::default());
        local.graph.require(t, pending).unwrap();
        local.graph.require(t, bad).unwrap();
        assert_eq!(local.make(&[t], MakeOptions::default()).unwrap(), vec![t]);
        assert_eq!(local.graph.state(t).unwrap(), TaskState::Failed);
        let tr = &local.graph.history(t).unwrap()[0];
        assert_eq!(tr.event, Event::Error);
        assert_eq!(
            tr.extra,
            Extra::because(Because::FailedPrerequisites, vec![bad])
        );
        assert_eq!(
            local.graph.state(pending).unwrap(),
            TaskState::Pending,
            "not made"
        );
    }
}

#[test]
fn a_cancelled_prerequisite_cancels_the_task() {
    let mut local = SyncDriver::new();
    let off = local.task_with("off", ok(), in_state(TaskState::Cancelled));
    let t = local.task_with("t", ok(), TaskOptions::default());
    local.graph.require(t, off).unwrap();
    local.make(&[t], MakeOptions::default()).unwrap();
    let tr = &local.graph.history(t).unwrap()[0];
    assert_eq!(
        (tr.event, tr.new_state),
        (Event::Cancel, TaskState::Cancelled)
    );
    assert_eq!(
        tr.extra,
        Extra::because(Because::CancelledPrerequisites, vec![off])
    );
}

#[test]
fn failure_is_checked_before_cancellation() {
    let mut local = SyncDriver::new();
    let off = local.task_with("off", ok(), in_state(TaskState::Cancelled));
    let bad = local.task_with("bad", ok(), in_state(TaskState::Failed));
    let t = local.task("t", ok());
    local.graph.require(t, off).unwrap();
    local.graph.require(t, bad).unwrap();
    local.make(&[t], MakeOptions::default()).unwrap();
    assert_eq!(local.graph.state(t).unwrap(), TaskState::Failed);
}

#[test]
fn pending_prerequisites_are_made_first_in_requirement_order() {
    let out = lines();
    let mut local = SyncDriver::new();
    let a = local.task("a", say(&out, "a"));
    let b = local.task("b", say(&out, "b"));
    let c = local.task("c", say(&out, "c"));
    let t = local.task("t", say(&out, "t"));
    local.graph.require(b, a).unwrap();
    local.graph.require(t, c).unwrap();
    local.graph.require(t, b).unwrap();
    assert_eq!(local.make(&[t], MakeOptions::default()).unwrap(), vec![t]);
    assert_eq!(*out.borrow(), vec!["c", "a", "b", "t"]);
}

#[test]
fn a_prerequisite_failing_during_the_make_fails_its_dependents() {
    let out = lines();
    let mut local = SyncDriver::new();
    let a = local.task("a", fail("broken"));
    let b = local.task("b", say(&out, "b"));
    let c = local.task("c", say(&out, "c"));
    local.graph.require(b, a).unwrap();
    local.graph.require(c, b).unwrap();
    let made = local.make(&[c], MakeOptions::default()).unwrap();
    assert_eq!(made, vec![c]);
    assert!(out.borrow().is_empty());
    assert_eq!(local.graph.state(a).unwrap(), TaskState::Failed);
    assert_eq!(local.graph.state(b).unwrap(), TaskState::Failed);
    assert_eq!(local.graph.state(c).unwrap(), TaskState::Failed);
}

#[test]
fn a_prerequisite_not_done_fails_the_task() {
    let mut local = SyncDriver::new();
    let early = local.task_with("early", ok(), in_state(TaskState::Prepare));
    let t = local.task_with("t", ok(), TaskOptions::default());
    local.graph.require(t, early).unwrap();
    local.make(&[t], MakeOptions::default()).unwrap();
    let tr = &local.graph.history(t).unwrap()[0];
    assert_eq!((tr.event, tr.new_state), (Event::Error, TaskState::Failed));
    assert_eq!(
        tr.extra,
        Extra::because(Because::PrerequisitesNotDone, vec![early])
    );
}

#[test]
fn a_ready_task_is_dispatched_or_with_queue_queued() {
    let mut g = Scheduler::new();
    let t = g.add_task("t", TaskOptions::default());
    let make = g.make_start(&[t], MakeOptions::default()).unwrap();
    assert_eq!(
        steps(&mut g, make)[0],
        Step::Run {
            task: t,
            attempt: 1
        }
    );
    assert_eq!(g.state(t).unwrap(), TaskState::Running);

    let mut g = Scheduler::new();
    let t = g.add_task("t", TaskOptions::default());
    let options = MakeOptions {
        queue: true,
        ..MakeOptions::default()
    };
    let make = g.make_start(&[t], options).unwrap();
    assert_eq!(steps(&mut g, make), vec![Step::Enqueue(t), Step::Wait]);
    assert_eq!(g.state(t).unwrap(), TaskState::Queued);
    let attempt = g.dispatch(t).unwrap(); // the queue gets to it
    g.finish(t, attempt, DONE).unwrap();
    assert_eq!(steps(&mut g, make), vec![Step::Yield(t), Step::Finished]);
}

#[test]
fn with_a_queue_the_local_driver_runs_queued_tasks() {
    let out = lines();
    let mut local = SyncDriver::new();
    let t1 = local.task("t1", say(&out, "doing t1"));
    local.track(t1, &out).unwrap();
    let t2 = local.then(t1, "t2", say(&out, "doing t2")).unwrap();
    let options = MakeOptions {
        queue: true,
        ..MakeOptions::default()
    };
    assert_eq!(local.make(&[t2], options).unwrap(), vec![t2]);
    assert_eq!(
        out.borrow()[..3],
        [
            "t1 PENDING->queue->QUEUED",
            "t1 QUEUED->dispatch->RUNNING",
            "doing t1"
        ]
    );
}

#[test]
fn fail_fast_stops_after_the_first_given_task_not_done() {
    let out = lines();
    let mut local = SyncDriver::new();
    let bad = local.task("bad", fail("no"));
    let later = local.task("later", say(&out, "later ran"));
    let options = MakeOptions {
        fail_fast: true,
        ..MakeOptions::default()
    };
    assert_eq!(local.make(&[bad, later], options).unwrap(), vec![bad]);
    assert!(out.borrow().is_empty());
    assert_eq!(local.graph.state(later).unwrap(), TaskState::Pending);
    // Without failFast both are made.
    assert_eq!(
        local.make(&[later], MakeOptions::default()).unwrap(),
        vec![later]
    );
}

fn fail_fast() -> MakeOptions {
    MakeOptions {
        fail_fast: true,
        ..MakeOptions::default()
    }
}

/// SPEC §3, as the Python original does it: failFast stops when any task
/// the make takes from its work queue ends other than DONE, prerequisites
/// included; the dependents are left as they are, not failed.
#[test]
fn fail_fast_stops_at_a_failed_prerequisite_and_leaves_its_dependents_pending() {
    let out = lines();
    let mut local = SyncDriver::new();
    let t0 = local.task("t0", fail("no"));
    let t1 = local.then(t0, "t1", say(&out, "t1 ran")).unwrap();
    let t2 = local.then(t1, "t2", say(&out, "t2 ran")).unwrap();
    assert_eq!(
        local.make(&[t2], fail_fast()).unwrap(),
        Vec::<TaskId>::new()
    );
    assert_eq!(local.graph.state(t0).unwrap(), TaskState::Failed);
    assert_eq!(local.graph.state(t1).unwrap(), TaskState::Pending);
    assert_eq!(local.graph.state(t2).unwrap(), TaskState::Pending);
    assert!(out.borrow().is_empty());
    // Without failFast the dependents fail for their prerequisites.
    assert_eq!(local.make(&[t2], MakeOptions::default()).unwrap(), vec![t2]);
    assert_eq!(local.graph.state(t1).unwrap(), TaskState::Failed);
    assert_eq!(local.graph.state(t2).unwrap(), TaskState::Failed);
}

#[test]
fn fail_fast_stops_at_a_cancelled_prerequisite() {
    let mut g = Scheduler::new();
    let t0 = g.add_task("t0", TaskOptions::default());
    let t1 = g.add_task("t1", TaskOptions::default());
    g.require(t1, t0).unwrap();
    let make = g.make_start(&[t1], fail_fast()).unwrap();
    let first = steps(&mut g, make);
    assert_eq!(runs(&first), vec![(t0, 1)]);
    g.cancel(t0).unwrap();
    g.finish(t0, 1, DONE).unwrap();
    assert_eq!(g.state(t0).unwrap(), TaskState::Cancelled);
    assert_eq!(steps(&mut g, make), vec![Step::Finished]);
    assert_eq!(g.state(t1).unwrap(), TaskState::Pending);
    g.make_end(make);
}

#[test]
fn fail_fast_yields_the_failed_given_task_after_those_that_settled_before_it() {
    let mut local = SyncDriver::new();
    let a = local.task("a", ok());
    let b = local.task("b", fail("no"));
    let c = local.task("c", ok());
    let made = local.make(&[a, b, c], fail_fast()).unwrap();
    assert_eq!(names(&local, &made), vec!["a", "b"]);
    assert_eq!(local.graph.state(c).unwrap(), TaskState::Pending);
}

#[test]
fn fail_fast_lets_running_tasks_finish_and_starts_nothing_new() {
    let mut g = Scheduler::new();
    let a = g.add_task("a", TaskOptions::default());
    let b = g.add_task("b", TaskOptions::default());
    let c = g.add_task("c", TaskOptions::default());
    let d = g.add_task("d", TaskOptions::default());
    let make = g
        .make_start(
            &[a, b, c, d],
            MakeOptions {
                concurrency: 2,
                ..fail_fast()
            },
        )
        .unwrap();
    let first = steps(&mut g, make);
    assert_eq!(runs(&first), vec![(a, 1), (b, 1)]);
    g.finish(a, 1, THREW).unwrap();
    // a is yielded, then the make stops: c and d never start, b runs on.
    assert_eq!(steps(&mut g, make), vec![Step::Yield(a), Step::Finished]);
    assert_eq!(g.state(b).unwrap(), TaskState::Running);
    assert_eq!(g.state(c).unwrap(), TaskState::Pending);
    g.make_end(make);
    assert_eq!(g.finish(b, 1, DONE).unwrap(), Some(TaskState::Done));
    assert_eq!(g.state(d).unwrap(), TaskState::Pending);
}

#[test]
fn fail_fast_stops_when_a_prerequisite_running_elsewhere_fails() {
    let mut g = Scheduler::new();
    let p = g.add_task("p", TaskOptions::default());
    let q = g.add_task("q", TaskOptions::default());
    let t = g.add_task("t", TaskOptions::default());
    g.require(t, p).unwrap();
    g.require(t, q).unwrap();
    let attempt = g.dispatch(p).unwrap();
    let make = g.make_start(&[t], fail_fast()).unwrap();
    let first = steps(&mut g, make);
    assert_eq!(runs(&first), vec![(q, 1)]);
    g.finish(p, attempt, THREW).unwrap();
    assert_eq!(steps(&mut g, make), vec![Step::Finished]);
    assert_eq!(g.state(t).unwrap(), TaskState::Pending);
    g.make_end(make);
}

#[test]
fn each_given_task_is_yielded_once_even_if_given_twice() {
    let mut local = SyncDriver::new();
    let a = local.task("a", ok());
    let b = local.then(a, "b", ok()).unwrap();
    let made = local.make(&[b, a, b], MakeOptions::default()).unwrap();
    assert_eq!(names(&local, &made), vec!["a", "b"], "completion order");
}

#[test]
fn given_tasks_already_finished_are_yielded_without_running() {
    let out = lines();
    let mut local = SyncDriver::new();
    let done = local.task_with("done", say(&out, "ran"), in_state(TaskState::Done));
    let off = local.task_with("off", say(&out, "ran"), in_state(TaskState::Cancelled));
    assert_eq!(
        local.make(&[done, off], MakeOptions::default()).unwrap(),
        vec![done, off]
    );
    assert!(out.borrow().is_empty());
}

#[test]
fn independent_ready_tasks_overlap_and_complete_in_any_order() {
    let mut g = Scheduler::new();
    let tasks: Vec<TaskId> = (0..4)
        .map(|i| g.add_task(&format!("t{i}"), TaskOptions::default()))
        .collect();
    let sink = g.add_task("sink", TaskOptions::default());
    for &t in &tasks {
        g.require(sink, t).unwrap();
    }
    let mut given = tasks.clone();
    given.push(sink);
    let make = g.make_start(&given, MakeOptions::default()).unwrap();
    let started = runs(&steps(&mut g, make));
    assert_eq!(started.len(), 4, "all four run at once");
    // Outcomes arrive in reverse order; yields follow completion order.
    for &(t, attempt) in started.iter().rev() {
        g.finish(t, attempt, DONE).unwrap();
    }
    let next = steps(&mut g, make);
    let yielded: Vec<TaskId> = next
        .iter()
        .filter_map(|s| {
            if let Step::Yield(t) = s {
                Some(*t)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(yielded, tasks.iter().rev().copied().collect::<Vec<_>>());
    assert_eq!(runs(&next), vec![(sink, 1)]);
    g.finish(sink, 1, DONE).unwrap();
    assert_eq!(steps(&mut g, make), vec![Step::Yield(sink), Step::Finished]);
}

#[test]
fn the_concurrency_limit_holds_exactly() {
    let mut g = Scheduler::new();
    let tasks: Vec<TaskId> = (0..10)
        .map(|i| g.add_task(&format!("t{i}"), TaskOptions::default()))
        .collect();
    let make = g.make_start(&tasks, concurrency(3)).unwrap();
    let mut running: Vec<(TaskId, u32)> = Vec::new();
    let mut most = 0;
    let mut yielded = 0;
    let mut turn = 0;
    loop {
        let step = g.make_next(make);
        match step {
            Step::Run { task, attempt } => running.push((task, attempt)),
            Step::Yield(_) => yielded += 1,
            Step::Wait => {
                most = most.max(running.len());
                // Finish one, alternating oldest and newest.
                turn += 1;
                let (t, attempt) = if turn % 2 == 0 {
                    running.remove(0)
                } else {
                    running.pop().unwrap()
                };
                g.finish(t, attempt, if turn % 3 == 0 { THREW } else { DONE })
                    .unwrap();
            }
            Step::Finished => break,
            Step::Failed(e) => panic!("{e}"),
            Step::Enqueue(_) => unreachable!(),
            Step::Discover { .. } => {}
        }
        let now_running = tasks
            .iter()
            .filter(|&&t| g.state(t).unwrap() == TaskState::Running)
            .count();
        assert!(now_running <= 3, "{now_running} running");
    }
    assert_eq!(most, 3);
    assert_eq!(yielded, 10);
}

#[test]
fn an_aborted_make_cancels_queued_tasks_returns_running_ones_and_ends() {
    let mut g = Scheduler::new();
    let a = g.add_task("a", TaskOptions::default());
    let b = g.add_task("b", TaskOptions::default());
    let c = g.add_task("c", TaskOptions::default());
    g.require(c, a).unwrap();
    let make = g.make_start(&[a, b, c], concurrency(1)).unwrap();
    let first = runs(&steps(&mut g, make));
    assert_eq!(first, vec![(a, 1)]);
    let running = g.make_abort(make);
    assert_eq!(running, vec![a]);
    assert_eq!(g.make_next(make), Step::Finished);
    g.cancel(a).unwrap();
    g.finish(a, 1, DONE).unwrap();
    assert_eq!(g.state(a).unwrap(), TaskState::Cancelled);
    assert_eq!(
        g.state(b).unwrap(),
        TaskState::Pending,
        "nothing new started"
    );
    assert_eq!(g.state(c).unwrap(), TaskState::Pending);
    g.make_end(make);

    let mut g = Scheduler::new();
    let q = g.add_task("q", TaskOptions::default());
    let options = MakeOptions {
        queue: true,
        ..MakeOptions::default()
    };
    let make = g.make_start(&[q], options).unwrap();
    assert_eq!(steps(&mut g, make)[0], Step::Enqueue(q));
    assert!(g.make_abort(make).is_empty());
    assert_eq!(g.state(q).unwrap(), TaskState::Cancelled);
    assert!(g.dispatch(q).is_err(), "the queue must not run it");
}

#[test]
fn two_makes_of_the_same_task_share_one_run() {
    let mut g = Scheduler::new();
    let p = g.add_task("p", TaskOptions::default());
    let t = g.add_task("t", TaskOptions::default());
    g.require(t, p).unwrap();
    let first = g.make_start(&[t], MakeOptions::default()).unwrap();
    let second = g.make_start(&[t], MakeOptions::default()).unwrap();
    assert_eq!(runs(&steps(&mut g, first)), vec![(p, 1)]);
    assert_eq!(
        steps(&mut g, second),
        vec![Step::Wait],
        "p is running already"
    );
    g.finish(p, 1, DONE).unwrap();
    let a = steps(&mut g, first);
    let b = steps(&mut g, second);
    assert_eq!(runs(&a).len() + runs(&b).len(), 1, "t runs once");
    g.finish(t, 1, DONE).unwrap();
    assert_eq!(steps(&mut g, first), vec![Step::Yield(t), Step::Finished]);
    assert_eq!(steps(&mut g, second), vec![Step::Yield(t), Step::Finished]);
}

#[test]
fn a_requirement_added_mid_make_is_made_first() {
    let mut g = Scheduler::new();
    let a = g.add_task("a", TaskOptions::default());
    let t = g.add_task("t", TaskOptions::default());
    let late = g.add_task("late", TaskOptions::default());
    g.require(t, a).unwrap();
    let make = g.make_start(&[t], MakeOptions::default()).unwrap();
    assert_eq!(runs(&steps(&mut g, make)), vec![(a, 1)]);
    g.require(t, late).unwrap(); // while a runs
    g.finish(a, 1, DONE).unwrap();
    assert_eq!(runs(&steps(&mut g, make)), vec![(late, 1)]);
    g.finish(late, 1, DONE).unwrap();
    assert_eq!(runs(&steps(&mut g, make)), vec![(t, 1)]);
}

#[test]
fn a_task_cancelled_by_hand_while_waiting_is_yielded_cancelled() {
    let mut g = Scheduler::new();
    let a = g.add_task("a", TaskOptions::default());
    let t = g.add_task("t", TaskOptions::default());
    g.require(t, a).unwrap();
    let make = g.make_start(&[t], MakeOptions::default()).unwrap();
    steps(&mut g, make);
    g.cancel(t).unwrap();
    assert_eq!(steps(&mut g, make), vec![Step::Yield(t), Step::Finished]);
}

#[test]
fn make_now_returns_the_given_tasks_in_completion_order() {
    let mut local = SyncDriver::new();
    let a = local.task("a", ok());
    let b = local.task("b", fail("x"));
    let c = local.then(a, "c", ok()).unwrap();
    let made = local.make(&[c, b], MakeOptions::default()).unwrap();
    assert_eq!(names(&local, &made), vec!["c", "b"]);
}

#[test]
fn tasks_released_together_start_in_the_order_they_waited() {
    let out = lines();
    let mut local = SyncDriver::new();
    let root = local.task("root", say(&out, "root"));
    let names = ["first", "second", "third"];
    let dependents: Vec<TaskId> = names
        .iter()
        .map(|&n| local.then(root, n, say(&out, n)).unwrap())
        .collect();
    local.make(&dependents, MakeOptions::default()).unwrap();
    assert_eq!(*out.borrow(), vec!["root", "first", "second", "third"]);
}

#[test]
fn each_prerequisite_joining_a_make_is_discovered_through_a_task_already_in_it() {
    let mut g = Scheduler::new();
    let a = g.add_task("a", TaskOptions::default());
    let b = g.add_task("b", TaskOptions::default());
    let c = g.add_task("c", TaskOptions::default());
    let t = g.add_task("t", TaskOptions::default());
    g.require(b, a).unwrap();
    g.require(t, c).unwrap();
    g.require(t, b).unwrap();
    let make = g.make_start(&[t], MakeOptions::default()).unwrap();
    let mut known = vec![t];
    let mut discovered = Vec::new();
    loop {
        match g.make_next(make) {
            Step::Discover { task, via, index } => {
                assert!(known.contains(&via), "found through a known task");
                assert_eq!(g.required(via).unwrap()[index as usize], task);
                known.push(task);
                discovered.push(task);
            }
            Step::Run { task, attempt } => {
                assert!(known.contains(&task), "discovered before it runs");
                g.finish(task, attempt, DONE).unwrap();
            }
            Step::Yield(task) => assert_eq!(task, t),
            Step::Finished => break,
            other => panic!("{other:?}"),
        }
    }
    discovered.sort();
    assert_eq!(discovered, vec![a, b, c]);
}
