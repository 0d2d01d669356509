//! SPEC §7a: every task keeps its transitions (`task.history`), always,
//! so that why a task failed can be read after the fact.

use taskqueue_wasm::{Because, Event, Extra, Graph, TaskId, TaskOptions, TaskState};

fn clock() -> f64 {
    1_700_000_000_123.5
}

fn events(g: &Graph, t: TaskId) -> Vec<Event> {
    g.history(t).unwrap().iter().map(|tr| tr.event).collect()
}

#[test]
fn every_task_keeps_its_transitions_without_asking() {
    let mut g = Graph::with_clock(clock);
    let t = g.add_task("t", TaskOptions::default());
    assert!(g.history(t).unwrap().is_empty());
    g.dispatch(t).unwrap();
    g.event(t, Event::Except, Extra::default()).unwrap();
    g.event(t, Event::Retry, Extra::default()).unwrap();
    let history = g.history(t).unwrap();
    let read: Vec<_> = history
        .iter()
        .map(|tr| (tr.old_state, tr.event, tr.new_state, tr.when))
        .collect();
    assert_eq!(
        read,
        vec![
            (
                TaskState::Pending,
                Event::Dispatch,
                TaskState::Running,
                clock()
            ),
            (
                TaskState::Running,
                Event::Except,
                TaskState::Failed,
                clock()
            ),
            (TaskState::Failed, Event::Retry, TaskState::Pending, clock()),
        ]
    );
    assert_eq!(g.history_len(t).unwrap(), 3);
}

#[test]
fn a_because_keeps_its_tasks_however_many() {
    let mut g = Graph::new();
    for n in [1usize, 2, 3, 4, 5, 7, 8, 9, 100] {
        let t = g.add_task("t", TaskOptions::default());
        let tasks: Vec<TaskId> = (0..n)
            .map(|i| {
                let p = g.add_task(&format!("p{i}"), TaskOptions::default());
                g.require(t, p).unwrap();
                p
            })
            .collect();
        // Another task's transitions interleave with nothing here, but
        // its records come right after: the ids must not run into them.
        let other = g.add_task("other", TaskOptions::default());
        g.event(
            t,
            Event::Error,
            Extra::because(Because::FailedPrerequisites, tasks.clone()),
        )
        .unwrap();
        g.event(other, Event::Cancel, Extra::default()).unwrap();
        let history = g.history(t).unwrap();
        assert_eq!(history.len(), 1, "n = {n}");
        assert_eq!(
            history[0].extra,
            Extra::because(Because::FailedPrerequisites, tasks),
            "n = {n}"
        );
        assert_eq!(events(&g, other), vec![Event::Cancel]);
    }
}

#[test]
fn freed_tasks_leave_the_log_and_the_live_keep_their_history() {
    let mut g = Graph::new();
    let keep: Vec<TaskId> = (0..10)
        .map(|i| g.add_task(&format!("keep{i}"), TaskOptions::default()))
        .collect();
    for &k in &keep {
        g.dispatch(k).unwrap();
    }
    // Many rounds of short-lived tasks, each with a few transitions: the
    // log must not keep growing with them.
    let mut peak = 0;
    for round in 0..40 {
        let tasks: Vec<TaskId> = (0..1000)
            .map(|_| g.add_task("tmp", TaskOptions::default()))
            .collect();
        for &t in &tasks {
            g.dispatch(t).unwrap();
            g.event(t, Event::Except, Extra::default()).unwrap();
        }
        g.event(
            tasks[0],
            Event::Abort,
            Extra::because(Because::FailedPrerequisites, tasks[1..6].to_vec()),
        )
        .unwrap();
        if round == 20 {
            for &k in &keep {
                g.event(k, Event::Done, Extra::default()).unwrap();
            }
        }
        g.remove_tasks(&tasks);
        peak = peak.max(g.history_bytes());
    }
    assert!(peak < 200_000, "the log stays bounded: {peak} bytes");
    for &k in &keep {
        assert_eq!(events(&g, k), vec![Event::Dispatch, Event::Done]);
    }
}

#[test]
fn a_reused_slot_starts_with_an_empty_history() {
    let mut g = Graph::new();
    let a = g.add_task("a", TaskOptions::default());
    g.event(a, Event::Cancel, Extra::default()).unwrap();
    g.remove_tasks(&[a]);
    let b = g.add_task("b", TaskOptions::default());
    assert_eq!(a, b, "the slot is reused");
    assert!(g.history(b).unwrap().is_empty());
}

#[test]
fn the_raw_history_a_driver_decodes_says_what_history_says() {
    let mut g = Graph::with_clock(clock);
    let t = g.add_task("t", TaskOptions::default());
    let ps: Vec<TaskId> = (0..6)
        .map(|_| g.add_task("p", TaskOptions::default()))
        .collect();
    g.event(
        t,
        Event::Cancel,
        Extra::because(Because::CancelledPrerequisites, ps.clone()),
    )
    .unwrap();
    g.event(t, Event::Retry, Extra::default()).unwrap();
    let raw = g.history_raw(t).unwrap();
    let mut decoded = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        let when = f64::from_bits(u64::from(raw[i + 1]) << 32 | u64::from(raw[i]));
        let code = raw[i + 2];
        let n = raw[i + 3] as usize;
        let ids: Vec<u32> = raw[i + 4..i + 4 + n].to_vec();
        decoded.push((
            when,
            code & 15,
            code >> 4 & 15,
            code >> 8 & 15,
            code >> 12 & 3,
            ids,
        ));
        i += 4 + n;
    }
    let ids: Vec<u32> = ps.iter().map(|p| p.0).collect();
    let (pending, cancelled) = (TaskState::Pending as u32, TaskState::Cancelled as u32);
    assert_eq!(
        decoded,
        vec![
            (clock(), pending, cancelled, Event::Cancel as u32, 2, ids),
            (clock(), cancelled, pending, Event::Retry as u32, 0, vec![]),
        ]
    );
}
