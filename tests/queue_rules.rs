//! SPEC §4: `TaskQueue` (the seed's three examples are in
//! seed_examples.rs).

mod common;
use common::{in_state, lines, names, ok, say};
use taskqueue_wasm::dot::DotOptions;
use taskqueue_wasm::sync_driver::SyncDriver;
use taskqueue_wasm::{dot, Event, Extra, MakeOptions, TaskQueue, TaskState};

#[test]
fn get_takes_a_completed_task_first_then_an_unblocked_pending_one() {
    let mut local = SyncDriver::new();
    let pending = local.task("pending", ok());
    let done = local.task_with("done", ok(), in_state(TaskState::Done));
    let blocked = local.then(pending, "blocked", ok()).unwrap();
    let running = local.task_with("running", ok(), in_state(TaskState::Running));
    let mut q = TaskQueue::new(false);
    for t in [pending, done, blocked, running] {
        q.add(&local.graph, t);
    }
    assert_eq!(q.get(&local.graph), Some(done));
    assert_eq!(q.get(&local.graph), Some(pending));
    assert_eq!(q.get(&local.graph), None, "the rest stays");
    assert_eq!(q.len(), 2);
    assert!(q.contains(blocked) && q.contains(running));
    assert!(!q.contains(done), "a task leaves the queue when taken");
}

#[test]
fn run_dispatches_what_is_not_completed_and_yields_everything_it_takes() {
    let out = lines();
    let mut local = SyncDriver::new();
    let done = local.task_with("done", say(&out, "done ran"), in_state(TaskState::Done));
    let t = local.then(done, "t", say(&out, "t ran")).unwrap();
    let mut q = TaskQueue::new(false);
    q.add(&local.graph, t);
    q.add(&local.graph, done);
    let ran = local.run_queue(&mut q, false).unwrap();
    assert_eq!(names(&local, &ran), vec!["done", "t"]);
    assert_eq!(*out.borrow(), vec!["t ran"]);
}

#[test]
fn run_updates_the_sets_of_the_tasks_it_blocks() {
    let mut local = SyncDriver::new();
    let a = local.task("a", ok());
    let b = local.then(a, "b", ok()).unwrap();
    let c = local.then(b, "c", ok()).unwrap();
    let mut q = TaskQueue::new(false);
    for t in [c, b, a] {
        q.add(&local.graph, t);
    }
    let ran = local.run_queue(&mut q, false).unwrap();
    assert_eq!(names(&local, &ran), vec!["a", "b", "c"]);
    assert!(q.is_empty());
}

#[test]
fn run_with_once_stops_after_one_task() {
    let mut local = SyncDriver::new();
    let a = local.task("a", ok());
    let b = local.task("b", ok());
    let mut q = TaskQueue::new(false);
    q.add(&local.graph, a);
    q.add(&local.graph, b);
    assert_eq!(local.run_queue(&mut q, true).unwrap(), vec![a]);
    assert_eq!(local.run_queue(&mut q, true).unwrap(), vec![b]);
    assert_eq!(local.run_queue(&mut q, true).unwrap(), vec![]);
}

#[test]
fn a_task_changed_behind_the_queues_back_is_refiled_before_it_is_taken() {
    let mut local = SyncDriver::new();
    let a = local.task("a", ok());
    let mut q = TaskQueue::new(false);
    q.add(&local.graph, a);
    local
        .graph
        .event(a, Event::Cancel, Extra::default())
        .unwrap();
    assert_eq!(q.get(&local.graph), None, "CANCELLED is in the rest");
    local
        .graph
        .event(a, Event::Retry, Extra::default())
        .unwrap();
    assert_eq!(
        q.get(&local.graph),
        Some(a),
        "PENDING again: get finds it in the rest"
    );
}

#[test]
fn a_task_unblocked_elsewhere_is_taken_not_left_behind() {
    let mut local = SyncDriver::new();
    let a = local.task("a", ok());
    let b = local.then(a, "b", ok()).unwrap();
    let mut q = TaskQueue::new(false);
    q.add(&local.graph, b);
    assert_eq!(q.get(&local.graph), None, "b is blocked");
    local.make(&[a], MakeOptions::default()).unwrap(); // not through the queue
    assert_eq!(q.get(&local.graph), Some(b));
    assert!(q.is_empty());
}

#[test]
fn a_task_completed_elsewhere_is_taken_before_the_next_unblocked_one() {
    let mut local = SyncDriver::new();
    let a = local.task("a", ok());
    let b = local.task("b", ok());
    let mut q = TaskQueue::new(false);
    q.add(&local.graph, a);
    q.add(&local.graph, b);
    local.dispatch(a).unwrap(); // a is DONE, filed as unblocked pending
    assert_eq!(q.get(&local.graph), Some(a));
    assert_eq!(q.get(&local.graph), Some(b));
}

#[test]
fn as_dot_draws_the_queues_tasks_in_the_order_they_joined() {
    let mut local = SyncDriver::new();
    let a = local.task("a", ok());
    let b = local.then(a, "b", ok()).unwrap();
    let mut q = TaskQueue::new(false);
    q.add(&local.graph, b);
    q.add(&local.graph, a);
    let dot =
        dot::tasks_as_dot(&local.graph, &q.tasks(), Some("q"), &DotOptions::default()).unwrap();
    assert_eq!(
        dot,
        "digraph q {\n  2[style=filled,fillcolor=white,label=\"b\\nPENDING\"];\n  1[style=filled,fillcolor=white,label=\"a\\nPENDING\"];\n  1->2;\n}"
    );
}
