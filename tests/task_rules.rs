//! SPEC §2: tasks, requirements, running and cancelling.

mod common;
use common::{fail, in_state, lines, ok, Lcg};
use taskqueue_wasm::graph::{CancelOutcome, Outcome};
use taskqueue_wasm::sync_driver::{Failure, SyncDriver};
use taskqueue_wasm::task_state::STATES;
use taskqueue_wasm::{Event, Extra, Graph, TaskErrorKind, TaskId, TaskOptions, TaskState};

fn returned() -> Outcome {
    Outcome::Returned {
        cancel_on_result: false,
    }
}

fn threw() -> Outcome {
    Outcome::Threw {
        cancellation: false,
    }
}

#[test]
fn a_task_has_a_name_a_state_and_requires_and_blocks_as_converses() {
    let mut g = Graph::new();
    let a = g.add_task("a", TaskOptions::default());
    let b = g.add_task("b", TaskOptions::default());
    let c = g.add_task("c", TaskOptions::default());
    g.require(c, a).unwrap();
    g.require(c, b).unwrap();
    g.require(c, a).unwrap(); // again: no change
    assert_eq!(g.name(c).unwrap(), "c");
    assert_eq!(g.state(c).unwrap(), TaskState::Pending);
    assert_eq!(g.required(c).unwrap(), &[a, b]);
    assert_eq!(g.blocking(a).unwrap(), &[c]);
    assert_eq!(g.blocking(b).unwrap(), &[c]);
    assert_ne!(g.serial(a).unwrap(), g.serial(b).unwrap());
}

#[test]
fn returning_normally_fires_done_and_keeps_the_task_done() {
    let mut g = Graph::new();
    let t = g.add_task("t", TaskOptions::default());
    let attempt = g.dispatch(t).unwrap();
    assert_eq!(g.state(t).unwrap(), TaskState::Running);
    assert_eq!(
        g.finish(t, attempt, returned()).unwrap(),
        Some(TaskState::Done)
    );
}

#[test]
fn throwing_fires_except_and_fails_the_task() {
    let mut g = Graph::new();
    let t = g.add_task("t", TaskOptions::default());
    let attempt = g.dispatch(t).unwrap();
    assert_eq!(
        g.finish(t, attempt, threw()).unwrap(),
        Some(TaskState::Failed)
    );
}

#[test]
fn cancel_on_exception_cancels_instead_of_failing() {
    let mut g = Graph::new();
    let options = TaskOptions {
        cancel_on_exception: true,
        ..TaskOptions::default()
    };
    let t = g.add_task("t", options);
    let attempt = g.dispatch(t).unwrap();
    assert_eq!(
        g.finish(t, attempt, threw()).unwrap(),
        Some(TaskState::Cancelled)
    );
}

#[test]
fn cancel_on_result_true_cancels_the_task() {
    let mut g = Graph::new();
    let t = g.add_task("t", TaskOptions::default());
    let attempt = g.dispatch(t).unwrap();
    let outcome = Outcome::Returned {
        cancel_on_result: true,
    };
    assert_eq!(
        g.finish(t, attempt, outcome).unwrap(),
        Some(TaskState::Cancelled)
    );
}

#[test]
fn a_task_cancelled_while_running_ends_cancelled_when_its_function_returns() {
    let mut g = Graph::new();
    for outcome in [returned(), threw()] {
        let t = g.add_task("t", TaskOptions::default());
        let attempt = g.dispatch(t).unwrap();
        assert_eq!(g.cancel(t).unwrap(), CancelOutcome::Requested);
        assert!(g.cancel_requested(t).unwrap());
        assert_eq!(g.state(t).unwrap(), TaskState::Running, "cooperative");
        assert_eq!(
            g.finish(t, attempt, outcome).unwrap(),
            Some(TaskState::Cancelled)
        );
    }
}

#[test]
fn a_cancellation_error_cancels_the_task() {
    let mut local = SyncDriver::new();
    let t = local.task("t", || Err(Failure::Cancelled));
    assert_eq!(local.dispatch(t).unwrap(), TaskState::Cancelled);
}

#[test]
fn requiring_itself_is_an_error() {
    let mut g = Graph::new();
    let a = g.add_task("a", TaskOptions::default());
    let error = g.require(a, a).unwrap_err();
    assert_eq!(error.kind, TaskErrorKind::Cycle);
    assert_eq!(error.message, "task 'a' cannot require itself");
    assert_eq!(error.tasks, vec![a, a]);
    assert!(g.required(a).unwrap().is_empty());
}

#[test]
fn a_requirement_closing_a_cycle_is_an_error_naming_the_cycle_in_order() {
    let mut g = Graph::new();
    let a = g.add_task("a", TaskOptions::default());
    let b = g.add_task("b", TaskOptions::default());
    let c = g.add_task("c", TaskOptions::default());
    g.require(a, b).unwrap();
    g.require(b, c).unwrap();
    let error = g.require(c, a).unwrap_err();
    assert_eq!(error.kind, TaskErrorKind::Cycle);
    assert_eq!(
        error.message,
        "requirement would close a cycle: c -> a -> b -> c"
    );
    assert_eq!(error.tasks, vec![c, a, b, c]);
    assert_eq!(error.task, Some(c));
}

#[test]
fn a_rejected_cycle_leaves_the_graph_as_it_was() {
    let mut g = Graph::new();
    let a = g.add_task("a", TaskOptions::default());
    let b = g.add_task("b", TaskOptions::default());
    g.require(a, b).unwrap();
    assert!(g.require(b, a).is_err());
    assert_eq!(g.required(b).unwrap(), &[] as &[TaskId]);
    assert_eq!(g.blocking(a).unwrap(), &[] as &[TaskId]);
    assert!(!g.is_blocked(b).unwrap());
    assert_eq!(g.blockers(a).unwrap(), vec![b]);
    // And the order it keeps still allows what is allowed.
    let c = g.add_task("c", TaskOptions::default());
    g.require(b, c).unwrap();
    assert_eq!(g.require(c, a).unwrap_err().tasks, vec![c, a, b, c]);
}

/// Against brute force: a requirement is rejected exactly when the other
/// task already depends on this one, on random graphs built in random
/// orders (which exercises the reordering of the topological order).
#[test]
fn cycle_checks_agree_with_brute_force_reachability() {
    let mut rng = Lcg(7);
    for round in 0..40 {
        let n = 5 + round % 20;
        let mut g = Graph::new();
        let tasks: Vec<TaskId> = (0..n)
            .map(|i| g.add_task(&format!("t{i}"), TaskOptions::default()))
            .collect();
        let mut edges = vec![vec![false; n]; n]; // edges[a][b]: a requires b
        for _ in 0..n * 3 {
            let (a, b) = (rng.below(n), rng.below(n));
            let closes = a == b || reaches(&edges, b, a);
            let result = g.require(tasks[a], tasks[b]);
            assert_eq!(result.is_err(), closes, "round {round}: t{a} requires t{b}");
            if let Err(error) = result {
                let cycle: Vec<usize> = error
                    .tasks
                    .iter()
                    .map(|t| tasks.iter().position(|x| x == t).unwrap())
                    .collect();
                assert_eq!(cycle.first(), cycle.last());
                assert_eq!((cycle[0], cycle[1]), (a, b));
                for pair in cycle[1..].windows(2) {
                    assert!(edges[pair[0]][pair[1]], "cycle follows real edges");
                }
            } else {
                edges[a][b] = true;
            }
        }
    }
}

fn reaches(edges: &[Vec<bool>], from: usize, to: usize) -> bool {
    let mut seen = vec![false; edges.len()];
    let mut stack = vec![from];
    while let Some(v) = stack.pop() {
        if v == to {
            return true;
        }
        for (w, &edge) in edges[v].iter().enumerate() {
            if edge && !seen[w] {
                seen[w] = true;
                stack.push(w);
            }
        }
    }
    false
}

#[test]
fn requirements_may_only_be_added_while_prepare_or_pending() {
    let mut g = Graph::new();
    let other = g.add_task("other", TaskOptions::default());
    for state in STATES {
        let t = g.add_task("t", in_state(state));
        let result = g.require(t, other);
        let allowed = matches!(state, TaskState::Prepare | TaskState::Pending);
        assert_eq!(result.is_ok(), allowed, "{state:?}");
        if let Err(error) = result {
            assert_eq!(error.kind, TaskErrorKind::RequirementState);
            assert!(error.message.contains(state.name()), "{}", error.message);
        }
    }
}

#[test]
fn block_other_is_other_require_this() {
    let mut g = Graph::new();
    let a = g.add_task("a", TaskOptions::default());
    let b = g.add_task("b", TaskOptions::default());
    g.block(a, b).unwrap();
    assert_eq!(g.required(b).unwrap(), &[a]);
    assert_eq!(g.blocking(a).unwrap(), &[b]);
}

#[test]
fn then_makes_a_dependent_and_returns_it_so_chains_read_naturally() {
    let mut local = SyncDriver::new();
    let root = local.task("root", ok());
    let existing = local.task("existing", ok());
    // then(existingTask): that task now requires this one.
    local.graph.block(root, existing).unwrap();
    let f1 = local.then(root, "f1", ok()).unwrap();
    let f2 = local.then(f1, "f2", ok()).unwrap();
    assert_eq!(local.graph.required(existing).unwrap(), &[root]);
    assert_eq!(local.graph.blocking(root).unwrap(), &[existing, f1]);
    assert_eq!(local.graph.required(f2).unwrap(), &[f1]);
}

#[test]
fn dispatch_of_a_blocked_task_is_a_blocked_error_naming_the_blocker() {
    let mut g = Graph::new();
    let first = g.add_task("first", TaskOptions::default());
    let second = g.add_task("second", TaskOptions::default());
    g.require(second, first).unwrap();
    let error = g.dispatch(second).unwrap_err();
    assert_eq!(error.kind, TaskErrorKind::Blocked);
    assert_eq!(error.tasks, vec![first]);
    assert_eq!(
        error.message,
        "task 'second' is blocked by 'first', which is PENDING"
    );
    assert_eq!(g.state(second).unwrap(), TaskState::Pending);
}

#[test]
fn dispatch_of_a_finished_task_is_an_error() {
    let mut g = Graph::new();
    let t = g.add_task("t", in_state(TaskState::Done));
    let error = g.dispatch(t).unwrap_err();
    assert_eq!(
        error.message,
        "task 't': invalid event 'dispatch' for state 'DONE'"
    );
}

#[test]
fn cancel_fires_cancel_where_allowed_and_is_an_error_elsewhere() {
    let mut g = Graph::new();
    for state in STATES {
        let t = g.add_task("t", in_state(state));
        let result = g.cancel(t);
        match state {
            TaskState::Running => assert_eq!(result.unwrap(), CancelOutcome::Requested),
            TaskState::Pending | TaskState::Queued => {
                assert_eq!(result.unwrap(), CancelOutcome::Cancelled);
                assert_eq!(g.state(t).unwrap(), TaskState::Cancelled);
            }
            _ => {
                let error = result.unwrap_err();
                assert_eq!(
                    error.message,
                    format!(
                        "task 't': invalid event 'cancel' for state '{}'",
                        state.name()
                    )
                );
            }
        }
    }
}

#[test]
fn track_prints_one_line_per_transition() {
    let out = lines();
    let mut local = SyncDriver::new();
    let t = local.task("t1", fail("no"));
    local.track(t, &out).unwrap();
    local.dispatch(t).unwrap();
    local
        .graph
        .event(t, Event::Retry, Extra::default())
        .unwrap();
    local.deliver();
    assert_eq!(
        *out.borrow(),
        vec![
            "t1 PENDING->dispatch->RUNNING",
            "t1 RUNNING->except->FAILED",
            "t1 FAILED->retry->PENDING"
        ]
    );
}

#[test]
fn the_string_form_is_task_name_state() {
    let mut g = Graph::new();
    let t = g.add_task("fetch data", TaskOptions::default());
    assert_eq!(g.describe(t).unwrap(), "Task:fetch data:PENDING");
}

#[test]
fn a_retried_task_runs_again_and_only_the_current_attempt_counts() {
    let mut g = Graph::new();
    let t = g.add_task("t", TaskOptions::default());
    let first = g.dispatch(t).unwrap();
    g.event(t, Event::Cancel, Extra::default()).unwrap(); // cancelled by hand
    g.event(t, Event::Retry, Extra::default()).unwrap();
    let second = g.dispatch(t).unwrap();
    assert_eq!((first, second), (1, 2));
    assert_eq!(
        g.finish(t, first, threw()).unwrap(),
        None,
        "stale outcome ignored"
    );
    assert_eq!(g.state(t).unwrap(), TaskState::Running);
    assert_eq!(
        g.finish(t, second, returned()).unwrap(),
        Some(TaskState::Done)
    );
}

#[test]
fn a_task_can_be_created_in_any_state_to_resume_a_saved_run() {
    let mut local = SyncDriver::new();
    let out = lines();
    let saved = local.task_with(
        "saved",
        common::say(&out, "ran saved"),
        in_state(TaskState::Done),
    );
    let next = local
        .then(saved, "next", common::say(&out, "ran next"))
        .unwrap();
    assert!(!local.graph.is_blocked(next).unwrap());
    local.make(&[next], Default::default()).unwrap();
    assert_eq!(*out.borrow(), vec!["ran next"]);
}

#[test]
fn a_removed_task_leaves_its_neighbours_consistent() {
    let mut g = Graph::new();
    let a = g.add_task("a", TaskOptions::default());
    let b = g.add_task("b", TaskOptions::default());
    let c = g.add_task("c", TaskOptions::default());
    g.require(b, a).unwrap();
    g.require(c, b).unwrap();
    g.remove_task(b).unwrap();
    assert!(g.blocking(a).unwrap().is_empty());
    assert!(g.required(c).unwrap().is_empty());
    assert!(!g.is_blocked(c).unwrap());
    assert_eq!(g.state(b).unwrap_err().kind, TaskErrorKind::UnknownTask);
    assert_eq!(g.len(), 2);
    let d = g.add_task("d", TaskOptions::default());
    assert_eq!(d, b, "the slot is reused");
    assert!(
        g.serial(d).unwrap() > g.serial(c).unwrap(),
        "display ids are not"
    );
}

#[test]
fn tasks_removed_together_leave_their_neighbours_as_one_by_one_removal_does() {
    // hub -> {m0..m3} -> sink, plus a FAILED prerequisite f of the sink;
    // remove m1, m2 and f together: hub and sink keep the rest, and the
    // sink no longer counts f as failed (a make runs it).
    let mut local = SyncDriver::new();
    let hub = local.task("hub", || Ok(()));
    let sink = local.task("sink", || Ok(()));
    let f = local.task("f", || Ok(()));
    local
        .graph
        .event(f, Event::Dispatch, Extra::default())
        .unwrap();
    local
        .graph
        .event(f, Event::Except, Extra::default())
        .unwrap();
    let mids: Vec<_> = (0..4)
        .map(|i| local.task(&format!("m{i}"), || Ok(())))
        .collect();
    let g = &mut local.graph;
    for &m in &mids {
        g.require(m, hub).unwrap();
        g.require(sink, m).unwrap();
    }
    g.require(sink, f).unwrap();
    g.remove_tasks(&[mids[1], f, mids[2], mids[1]]);
    assert_eq!(g.blocking(hub).unwrap(), &[mids[0], mids[3]]);
    assert_eq!(g.required(sink).unwrap(), &[mids[0], mids[3]]);
    assert_eq!(g.blockers(sink).unwrap(), vec![mids[0], mids[3]]);
    assert_eq!(g.len(), 4);
    for &gone in &[mids[1], mids[2], f] {
        assert_eq!(g.state(gone).unwrap_err().kind, TaskErrorKind::UnknownTask);
    }
    g.remove_tasks(&[f]); // already gone: skipped
    assert_eq!(g.len(), 4);
    local.make(&[sink], Default::default()).unwrap();
    assert_eq!(local.graph.state(sink).unwrap(), TaskState::Done);
}

#[test]
fn removing_components_frees_everything_linked_and_nothing_else() {
    // Two components, {a <- b <- c, d -> b} and {x <- y}, and a lone z.
    let mut g = Graph::new();
    let [a, b, c, d, x, y, z] =
        ["a", "b", "c", "d", "x", "y", "z"].map(|n| g.add_task(n, TaskOptions::default()));
    g.require(b, a).unwrap();
    g.require(c, b).unwrap();
    g.require(b, d).unwrap();
    g.require(y, x).unwrap();
    // Named by a task in its middle, and twice: each task is freed once.
    assert_eq!(g.remove_components(&[b, d]), 4);
    assert_eq!(g.len(), 3);
    for gone in [a, b, c, d] {
        assert_eq!(g.state(gone).unwrap_err().kind, TaskErrorKind::UnknownTask);
    }
    assert_eq!(g.required(y).unwrap(), &[x]);
    assert_eq!(g.remove_components(&[a]), 0, "already gone");
    // The freed slots are reused, and the new tasks start unlinked.
    let e = g.add_task("e", TaskOptions::default());
    assert!([a, b, c, d].contains(&e));
    assert!(g.required(e).unwrap().is_empty() && g.blocking(e).unwrap().is_empty());
    assert_eq!(g.remove_components(&[y, z]), 3);
    assert_eq!(g.len(), 1);
}

#[test]
fn a_small_component_of_a_large_graph_is_freed_alone() {
    // Three tasks among 103 slots: fewer than an eighth, freed as found.
    let mut g = Graph::new();
    let others: Vec<TaskId> = (0..100)
        .map(|i| g.add_task(&format!("o{i}"), TaskOptions::default()))
        .collect();
    g.require(others[1], others[0]).unwrap();
    let [a, b, c] = ["a", "b", "c"].map(|n| g.add_task(n, TaskOptions::default()));
    g.require(b, a).unwrap();
    g.require(c, b).unwrap();
    assert_eq!(g.remove_components(&[c]), 3);
    assert_eq!(g.len(), 100);
    assert!(others.iter().all(|&t| g.contains(t)));
    assert_eq!(g.required(others[1]).unwrap(), &[others[0]]);
    let mut reused: Vec<TaskId> = (0..3)
        .map(|i| g.add_task(&format!("n{i}"), TaskOptions::default()))
        .collect();
    reused.sort();
    let mut freed = vec![a, b, c];
    freed.sort();
    assert_eq!(reused, freed);
}

#[test]
fn a_freed_large_component_gives_its_slots_out_in_ascending_order() {
    let mut g = Graph::new();
    let lone = g.add_task("lone", TaskOptions::default());
    let chain: Vec<TaskId> = (0..20)
        .map(|i| g.add_task(&format!("t{i}"), TaskOptions::default()))
        .collect();
    for pair in chain.windows(2) {
        g.require(pair[1], pair[0]).unwrap();
    }
    // Named from its middle: the walk reaches the slots out of order.
    assert_eq!(g.remove_components(&[chain[10]]), 20);
    assert!(g.contains(lone));
    let next: Vec<TaskId> = (0..20)
        .map(|i| g.add_task(&format!("n{i}"), TaskOptions::default()))
        .collect();
    assert_eq!(
        next, chain,
        "the next tasks take the freed slots lowest first"
    );
}

#[test]
fn error_kinds_keep_the_names_js_reads() {
    // js/boundary.mjs gives an error its `cycle` when the kind is 'Cycle'.
    let mut g = Graph::new();
    let a = g.add_task("a", TaskOptions::default());
    let error = g.require(a, a).unwrap_err();
    assert_eq!(error.kind.name(), "Cycle");
    assert_eq!(TaskErrorKind::Blocked.name(), "Blocked");
}
