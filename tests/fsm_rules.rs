//! SPEC §1: the task state machine, and the general state machine.

mod common;
use common::{fail, in_state, lines, ok};
use std::rc::Rc;
use taskqueue_wasm::dot::transitions_as_dot;
use taskqueue_wasm::fsm::{Callbacks, Fsm, On, Table};
use taskqueue_wasm::sync_driver::SyncDriver;
use taskqueue_wasm::task_state::{task_table, EVENTS, STATES, TRANSITIONS};
use taskqueue_wasm::{
    Because, Event, Extra, FsmError, Graph, MakeOptions, TaskErrorKind, TaskOptions, TaskState,
};

#[test]
fn every_transition_of_the_table_is_allowed() {
    let mut g = Graph::new();
    for &(from, event, to) in TRANSITIONS {
        let t = g.add_task("t", in_state(from));
        assert_eq!(
            g.event(t, event, Extra::default()),
            Ok(to),
            "{from:?} --{event:?}-->"
        );
        assert_eq!(g.state(t).unwrap(), to);
    }
    assert_eq!(TRANSITIONS.len(), 15);
}

#[test]
fn any_other_event_is_an_error_naming_event_and_state() {
    let mut g = Graph::new();
    let mut rejected = 0;
    for from in STATES {
        for event in EVENTS {
            if from.next(event).is_some() {
                continue;
            }
            let t = g.add_task("t", in_state(from));
            let error = g.event(t, event, Extra::default()).unwrap_err();
            assert_eq!(error.kind, TaskErrorKind::InvalidEvent);
            assert_eq!(
                error.message,
                format!(
                    "task 't': invalid event '{}' for state '{}'",
                    event.name(),
                    from.name()
                )
            );
            assert_eq!(g.state(t).unwrap(), from, "state unchanged");
            rejected += 1;
        }
    }
    assert_eq!(rejected, 8 * 9 - 15);
    let t = g.add_task("t", TaskOptions::default());
    let error = g.event_named(t, "done", Extra::default()).unwrap_err();
    assert_eq!(
        error.message,
        "task 't': invalid event 'done' for state 'PENDING'"
    );
    let error = g.event_named(t, "explode", Extra::default()).unwrap_err();
    assert_eq!(
        error.message,
        "task 't': invalid event 'explode' for state 'PENDING'"
    );
}

#[test]
fn a_new_task_starts_pending_unless_another_state_is_given() {
    let mut g = Graph::new();
    let t = g.add_task("t", TaskOptions::default());
    assert_eq!(g.state(t).unwrap(), TaskState::Pending);
    for state in STATES {
        let t = g.add_task("t", in_state(state));
        assert_eq!(g.state(t).unwrap(), state);
    }
}

#[test]
fn a_throwing_function_fires_except_not_error() {
    let out = lines();
    let mut local = SyncDriver::new();
    let t = local.task("t", fail("boom"));
    local.track(t, &out).unwrap();
    assert_eq!(local.dispatch(t).unwrap(), TaskState::Failed);
    assert_eq!(out.borrow()[1], "t RUNNING->except->FAILED");
}

#[test]
fn every_transition_records_old_new_event_when_and_extra() {
    let mut local = SyncDriver::new();
    let broken = local.task_with("broken", fail("boom"), TaskOptions::default());
    let t = local.task_with("t", ok(), TaskOptions::default());
    local.graph.require(t, broken).unwrap();
    let before = now();
    local.make(&[t], MakeOptions::default()).unwrap();
    let after = now();
    let records = local.graph.history(t).unwrap();
    assert_eq!(records.len(), 1);
    let tr = &records[0];
    assert_eq!(
        (tr.old_state, tr.event, tr.new_state),
        (TaskState::Pending, Event::Error, TaskState::Failed)
    );
    assert!(
        before <= tr.when && tr.when <= after,
        "when is a timestamp of now"
    );
    assert_eq!(
        tr.extra,
        Extra::because(Because::FailedPrerequisites, vec![broken])
    );
    let broken_events: Vec<Event> = local
        .graph
        .history(broken)
        .unwrap()
        .iter()
        .map(|tr| tr.event)
        .collect();
    assert_eq!(broken_events, vec![Event::Dispatch, Event::Except]);
}

fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
        * 1000.0
}

#[test]
fn callbacks_for_one_state_or_any_state_are_called_after_the_transition() {
    let out = lines();
    let mut local = SyncDriver::new();
    let t = local.task("t", ok());
    let (done, any) = (Rc::clone(&out), Rc::clone(&out));
    local
        .on_transition(t, On::State(TaskState::Done), move |name, tr| {
            done.borrow_mut()
                .push(format!("DONE cb: {name} {:?}", tr.event));
            Ok(())
        })
        .unwrap();
    local
        .on_transition(t, On::Any, move |_, tr| {
            any.borrow_mut()
                .push(format!("any cb: {}", tr.new_state.name()));
            Ok(())
        })
        .unwrap();
    local.dispatch(t).unwrap();
    assert_eq!(
        *out.borrow(),
        vec!["any cb: RUNNING", "DONE cb: t Done", "any cb: DONE"]
    );
}

#[test]
fn a_callback_that_fails_does_not_break_the_state_machine() {
    let out = lines();
    let mut local = SyncDriver::new();
    let t = local.task("t", ok());
    local
        .on_transition(t, On::Any, |_, _| Err("callback broke".to_string()))
        .unwrap();
    local.track(t, &out).unwrap();
    assert_eq!(local.dispatch(t).unwrap(), TaskState::Done);
    assert_eq!(out.borrow().len(), 2, "later callbacks still called");
    assert_eq!(
        local.callback_errors(),
        &["callback broke", "callback broke"]
    );
}

#[test]
fn completed_means_done_failed_or_abort_and_cancelled_is_not() {
    let completed: Vec<TaskState> = STATES.into_iter().filter(|s| s.is_completed()).collect();
    assert_eq!(
        completed,
        vec![TaskState::Failed, TaskState::Done, TaskState::Abort]
    );
    let mut g = Graph::new();
    for state in STATES {
        let p = g.add_task("p", in_state(state));
        let t = g.add_task("t", TaskOptions::default());
        g.require(t, p).unwrap();
        assert_eq!(g.is_blocked(t).unwrap(), !state.is_completed(), "{state:?}");
    }
}

#[test]
fn completion_changes_unblock_and_reblock_dependents() {
    let mut g = Graph::new();
    let p = g.add_task("p", TaskOptions::default());
    let t = g.add_task("t", TaskOptions::default());
    g.require(t, p).unwrap();
    g.event(p, Event::Error, Extra::default()).unwrap();
    assert!(!g.is_blocked(t).unwrap(), "FAILED is completed");
    g.event(p, Event::Retry, Extra::default()).unwrap();
    assert!(g.is_blocked(t).unwrap(), "retried: pending again");
    assert_eq!(g.blockers(t).unwrap(), vec![p]);
}

fn light_table() -> Rc<Table> {
    Rc::new(
        Table::new([
            ("OFF", vec![("on", "ON"), ("break", "BROKEN")]),
            ("ON", vec![("off", "OFF")]),
            ("BROKEN", vec![]),
        ])
        .unwrap(),
    )
}

#[test]
fn the_general_machine_takes_any_table_and_lists_the_events_valid_now() {
    let mut fsm: Fsm<()> = Fsm::new(light_table(), Some("OFF"), false).unwrap();
    assert_eq!(fsm.events(), vec!["on", "break"]);
    fsm.event("on", (), 1.0).unwrap();
    assert_eq!(fsm.state_name(), Some("ON"));
    assert_eq!(fsm.events(), vec!["off"]);
    let error = fsm.event("break", (), 2.0).unwrap_err();
    assert_eq!(error.to_string(), "invalid event 'break' for state 'ON'");
    assert_eq!(fsm.state_name(), Some("ON"));
    assert!(fsm.history().is_none(), "history is optional");
    fsm.event("off", (), 3.0).unwrap();
    fsm.event("break", (), 4.0).unwrap();
    assert!(fsm.events().is_empty(), "BROKEN has no events");
}

#[test]
fn the_general_machine_state_may_be_unset() {
    let mut fsm: Fsm<()> = Fsm::new(light_table(), None, false).unwrap();
    assert_eq!(fsm.state_name(), None);
    assert!(fsm.events().is_empty());
    assert!(fsm.event("on", (), 0.0).is_err());
    let error = Fsm::<()>::new(light_table(), Some("DIM"), false).unwrap_err();
    assert_eq!(error.to_string(), "unknown state 'DIM'");
}

#[test]
fn the_general_machine_keeps_an_optional_history_with_extra() {
    let mut fsm: Fsm<&str> = Fsm::new(light_table(), Some("OFF"), true).unwrap();
    fsm.event("on", "by hand", 10.0).unwrap();
    fsm.event("off", "timer", 20.0).unwrap();
    let history = fsm.history().unwrap();
    let table = fsm.table();
    let read: Vec<(&str, &str, &str, f64, &str)> = history
        .iter()
        .map(|tr| {
            (
                table.state_name(tr.old_state),
                table.event_name(tr.event),
                table.state_name(tr.new_state),
                tr.when,
                tr.extra,
            )
        })
        .collect();
    assert_eq!(
        read,
        vec![
            ("OFF", "on", "ON", 10.0, "by hand"),
            ("ON", "off", "OFF", 20.0, "timer")
        ]
    );
}

#[test]
fn the_general_machine_callbacks_run_after_and_may_fail() {
    let mut fsm: Fsm<()> = Fsm::new(light_table(), Some("OFF"), false).unwrap();
    type Cb = Box<dyn FnMut(&Fsm<()>) -> Result<String, String>>;
    let mut callbacks: Callbacks<u16, Cb> = Callbacks::default();
    let on = fsm.table().state_id("ON").unwrap();
    let watch_on = callbacks.add(
        On::State(on),
        Box::new(|m| Ok(format!("on: now {:?}", m.state_name()))),
    );
    callbacks.add(On::Any, Box::new(|_| Err("failing callback".to_string())));
    callbacks.add(
        On::Any,
        Box::new(|m| Ok(format!("any: now {:?}", m.state_name()))),
    );
    let mut seen = Vec::new();
    for event in ["on", "off"] {
        let tr = fsm.event(event, (), 0.0).unwrap();
        for id in callbacks.matching(tr.new_state) {
            let cb = callbacks.get_mut(id).unwrap();
            seen.push(cb(&fsm).unwrap_or_else(|e| e));
        }
    }
    assert_eq!(
        seen,
        vec![
            "on: now Some(\"ON\")",
            "failing callback",
            "any: now Some(\"ON\")",
            "failing callback",
            "any: now Some(\"OFF\")",
        ]
    );
    assert!(callbacks.remove(watch_on));
    assert!(!callbacks.remove(watch_on));
    assert_eq!(callbacks.matching(on).len(), 2);
}

#[test]
fn a_table_lists_each_event_once_per_state() {
    let error = Table::new([("A", vec![("go", "B"), ("go", "C")])]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "event 'go' is listed twice for state 'A'"
    );
}

/// SPEC §1: a typo in a table must not become a silent dead end. The
/// machine is refused when made, the error naming the first transition,
/// in table order, that leads to a state the table does not declare.
#[test]
fn a_machine_refuses_a_table_whose_transition_names_an_undeclared_state() {
    let table = Rc::new(Table::new([("a", vec![("go", "zzz")])]).unwrap());
    let error = Fsm::<()>::new(table.clone(), Some("a"), false).unwrap_err();
    assert_eq!(
        error,
        FsmError::UndeclaredState {
            source: "a".to_string(),
            event: "go".to_string(),
            destination: "zzz".to_string(),
        }
    );
    assert_eq!(
        error.to_string(),
        "transition 'a' --go--> 'zzz' names state 'zzz', which the table does not declare"
    );
    // Refused with no initial state too: it is the table that is wrong.
    assert!(Fsm::<()>::new(table.clone(), None, false).is_err());
    // The table itself can still be drawn, typo and all.
    assert_eq!(
        transitions_as_dot(&table, None),
        "digraph {\n  a->zzz[label=go];\n}"
    );

    // The first offending transition in table order is named.
    let table = Table::new([
        ("A", vec![("ok", "B"), ("typo", "C"), ("other", "D")]),
        ("B", vec![("back", "A"), ("far", "E")]),
    ])
    .unwrap();
    assert_eq!(
        table.check().unwrap_err().to_string(),
        "transition 'A' --typo--> 'C' names state 'C', which the table does not declare"
    );
    // Declared with an empty row, a state is a valid dead end.
    let table = Table::new([("a", vec![("go", "b")]), ("b", vec![])]).unwrap();
    assert_eq!(table.check(), Ok(()));
    let fsm = Fsm::<()>::new(Rc::new(table), Some("a"), false).unwrap();
    assert_eq!(fsm.events(), vec!["go"]);
    assert_eq!(task_table().unwrap().check(), Ok(()), "the task table");
}

#[test]
fn the_transition_diagram_as_dot_sorts_events_within_table_order() {
    let dot = transitions_as_dot(&task_table().unwrap(), Some("Task"));
    let expected = "\
digraph Task {
  PREPARE->PENDING[label=prepared];
  PENDING->ABORT[label=abort];
  PENDING->CANCELLED[label=cancel];
  PENDING->RUNNING[label=dispatch];
  PENDING->FAILED[label=error];
  PENDING->QUEUED[label=queue];
  QUEUED->CANCELLED[label=cancel];
  QUEUED->RUNNING[label=dispatch];
  RUNNING->CANCELLED[label=cancel];
  RUNNING->DONE[label=done];
  RUNNING->FAILED[label=except];
  CANCELLED->ABORT[label=abort];
  CANCELLED->PENDING[label=retry];
  FAILED->ABORT[label=abort];
  FAILED->PENDING[label=retry];
}";
    assert_eq!(dot, expected);
    let odd = Table::new([("a b", vec![("go!", "c\"d")])]).unwrap();
    assert_eq!(
        transitions_as_dot(&odd, None),
        "digraph {\n  \"a b\"->\"c\\\"d\"[label=\"go!\"];\n}"
    );
}
