//! Scale: a chain of a million tasks is built, checked for cycles and made
//! without recursion; wide fans stay linear.

use taskqueue_wasm::sync_driver::SyncDriver;
use taskqueue_wasm::{MakeOptions, Scheduler, Step, TaskId, TaskOptions, TaskState};

const MILLION: usize = 1_000_000;

#[test]
fn a_chain_of_a_million_tasks_is_made_without_stack_overflow() {
    let mut local = SyncDriver::new();
    let mut last = local.task("t0", || Ok(()));
    let first = last;
    for i in 1..MILLION {
        last = local.then(last, &format!("t{i}"), || Ok(())).unwrap();
    }
    // Closing the cycle walks the whole chain.
    let error = local.graph.require(first, last).unwrap_err();
    assert_eq!(error.tasks.len(), MILLION + 1);
    assert_eq!(
        local.make(&[last], MakeOptions::default()).unwrap(),
        vec![last]
    );
    assert_eq!(local.graph.state(first).unwrap(), TaskState::Done);
}

#[test]
fn a_chain_built_top_down_is_made_whole() {
    // Each new task becomes a prerequisite of the previous one, against
    // the creation order: every require moves one task in the order.
    let mut g = Scheduler::new();
    let n = 100_000;
    let mut tasks: Vec<TaskId> = Vec::with_capacity(n);
    let head = g.add_task("head", TaskOptions::default());
    tasks.push(head);
    for i in 1..n {
        let t = g.add_task(&format!("t{i}"), TaskOptions::default());
        g.require(tasks[i - 1], t).unwrap();
        tasks.push(t);
    }
    assert!(g.require(*tasks.last().unwrap(), head).is_err());
    let make = g.make_start(&[head], MakeOptions::default()).unwrap();
    let mut ran = 0;
    loop {
        match g.make_next(make) {
            Step::Run { task, attempt } => {
                ran += 1;
                g.finish(
                    task,
                    attempt,
                    taskqueue_wasm::graph::Outcome::Returned {
                        cancel_on_result: false,
                    },
                )
                .unwrap();
            }
            Step::Yield(t) => assert_eq!(t, head),
            Step::Discover { .. } => {}
            Step::Finished => break,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(ran, n);
}

#[test]
fn a_fan_of_a_hundred_thousand_in_and_out_is_made() {
    let mut local = SyncDriver::new();
    let source = local.task("source", || Ok(()));
    let sink = local.task("sink", || Ok(()));
    for i in 0..100_000 {
        let mid = local.then(source, &format!("m{i}"), || Ok(())).unwrap();
        local.graph.require(sink, mid).unwrap();
    }
    assert_eq!(local.graph.required(sink).unwrap().len(), 100_000);
    assert_eq!(
        local.make(&[sink], MakeOptions::default()).unwrap(),
        vec![sink]
    );
}

#[test]
fn the_dependents_of_a_hub_are_freed_together() {
    // One at a time, each removal scanned the hub's list of 300,000: some
    // 10^10 steps. Together, each list is cleaned once.
    const N: usize = 300_000;
    let mut g = Scheduler::new();
    let hub = g.add_task("hub", TaskOptions::default());
    let sink = g.add_task("sink", TaskOptions::default());
    let mids: Vec<TaskId> = (0..N)
        .map(|_| g.add_task("m", TaskOptions::default()))
        .collect();
    for &m in &mids {
        g.require(m, hub).unwrap();
        g.require(sink, m).unwrap();
    }
    g.remove_tasks(&mids);
    assert!(g.blocking(hub).unwrap().is_empty());
    assert!(g.required(sink).unwrap().is_empty());
    assert!(!g.is_blocked(sink).unwrap());
    assert_eq!(g.len(), 2);
}

#[test]
fn a_chain_of_a_million_tasks_is_drawn_following_prerequisites() {
    use taskqueue_wasm::dot::{tasks_as_dot, DotOptions};
    let mut g = Scheduler::new();
    let first = g.add_task("t0", TaskOptions::default());
    let mut last = first;
    for i in 1..MILLION {
        let t = g.add_task(&format!("t{i}"), TaskOptions::default());
        g.require(t, last).unwrap();
        last = t;
    }
    // Writes the logged edges into the dependents' lists (`blocking` does
    // so first), as the JS binding does before drawing.
    assert_eq!(g.blocking(first).unwrap().len(), 1);
    let options = DotOptions {
        follow_required: true,
        ..DotOptions::default()
    };
    let dot = tasks_as_dot(&g, &[last], None, &options).unwrap();
    // A node line and an edge line per task, but the last has no edge.
    assert_eq!(dot.lines().count(), 2 * MILLION - 1 + 2);
    assert!(dot.ends_with("t0\\nPENDING\"];\n  1->2;\n}"));
    let both = DotOptions {
        follow_blocking: true,
        ..options
    };
    let middle = g.required(g.required(last).unwrap()[0]).unwrap()[0];
    let dot = tasks_as_dot(&g, &[middle], None, &both).unwrap();
    assert_eq!(dot.matches("style=filled").count(), MILLION);
}
