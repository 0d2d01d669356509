//! The examples of the seed's documentation (cs.taskqueue), as written
//! there, in behaviour and output.

mod common;
use common::{lines, say};
use taskqueue_wasm::sync_driver::SyncDriver;
use taskqueue_wasm::{MakeOptions, TaskQueue, TaskState};

/// `make(t2)` with tracked t1, t2 prints exactly six lines and yields t2.
#[test]
fn make_example_prints_the_six_lines() {
    let out = lines();
    let mut local = SyncDriver::new();
    let t1 = local.task("t1", say(&out, "doing t1"));
    local.track(t1, &out).unwrap();
    let t2 = local.then(t1, "t2", say(&out, "doing t2")).unwrap();
    local.track(t2, &out).unwrap();
    let made = local.make(&[t2], MakeOptions::default()).unwrap();
    assert_eq!(
        *out.borrow(),
        vec![
            "t1 PENDING->dispatch->RUNNING",
            "doing t1",
            "t1 RUNNING->done->DONE",
            "t2 PENDING->dispatch->RUNNING",
            "doing t2",
            "t2 RUNNING->done->DONE",
        ]
    );
    assert_eq!(made, vec![t2]);
    assert_eq!(local.graph.describe(t2).unwrap(), "Task:t2:DONE");
}

/// Example 1: two dependent tasks in a queue both run: `t1 t2`.
#[test]
fn task_queue_example_1_runs_both_tasks() {
    let out = lines();
    let mut local = SyncDriver::new();
    let t1 = local.task("t1", say(&out, "t1"));
    let t2 = local.then(t1, "t2", say(&out, "t2")).unwrap();
    let mut q = TaskQueue::new(false);
    q.add(&local.graph, t1);
    q.add(&local.graph, t2);
    local.run_queue(&mut q, false).unwrap();
    assert_eq!(*out.borrow(), vec!["t1", "t2"]);
}

/// Example 2: the queue only runs the tasks it was given: `t1`.
#[test]
fn task_queue_example_2_runs_only_the_given_task() {
    let out = lines();
    let mut local = SyncDriver::new();
    let t1 = local.task("t1", say(&out, "t1"));
    let t2 = local.then(t1, "t2", say(&out, "t2")).unwrap();
    let mut q = TaskQueue::new(false);
    q.add(&local.graph, t1);
    local.run_queue(&mut q, false).unwrap();
    assert_eq!(*out.borrow(), vec!["t1"]);
    assert_eq!(local.graph.state(t2).unwrap(), TaskState::Pending);
}

/// Example 3: with run_dependent_tasks the queue pulls in dependents:
/// `t1 t2`.
#[test]
fn task_queue_example_3_runs_dependent_tasks() {
    let out = lines();
    let mut local = SyncDriver::new();
    let t1 = local.task("t1", say(&out, "t1"));
    let t2 = local.then(t1, "t2", say(&out, "t2")).unwrap();
    let mut q = TaskQueue::new(true);
    q.add(&local.graph, t1);
    let ran = local.run_queue(&mut q, false).unwrap();
    assert_eq!(*out.borrow(), vec!["t1", "t2"]);
    assert_eq!(ran, vec![t1, t2]);
}

/// `root.then(f1).then(f2)` builds a chain; making the end runs it in
/// order.
#[test]
fn then_chain_example_runs_in_order() {
    let out = lines();
    let mut local = SyncDriver::new();
    let root = local.task("root", say(&out, "root"));
    let f1 = local.then(root, "f1", say(&out, "f1")).unwrap();
    let f2 = local.then(f1, "f2", say(&out, "f2")).unwrap();
    assert_eq!(local.graph.required(f2).unwrap(), &[f1]);
    assert_eq!(local.graph.required(f1).unwrap(), &[root]);
    local.make(&[f2], MakeOptions::default()).unwrap();
    assert_eq!(*out.borrow(), vec!["root", "f1", "f2"]);
}
