//! Prints, for many random cases, every step of random makes interleaved
//! with finishes, hand-fired events and late requirements, then every
//! transition: a behaviour fingerprint of the make engine. To check that
//! a change to the core keeps behaviour, diff its output with the
//! output of the build before:
//! `cargo run --release --example make_trace -- 200000 | md5sum`.

use taskqueue_wasm::graph::Outcome;
use taskqueue_wasm::{Event, MakeOptions, Scheduler, Step, TaskId, TaskOptions, TaskState};

#[path = "../tests/common/lcg.rs"]
mod lcg;
use lcg::Lcg;

/// Initial states, PENDING most often.
const STATES: [TaskState; 10] = [
    TaskState::Pending,
    TaskState::Pending,
    TaskState::Pending,
    TaskState::Pending,
    TaskState::Done,
    TaskState::Failed,
    TaskState::Cancelled,
    TaskState::Prepare,
    TaskState::Running,
    TaskState::Queued,
];

const EVENTS: [Event; 4] = [Event::Retry, Event::Cancel, Event::Dispatch, Event::Abort];

fn case(seed: u64) -> String {
    let mut r = Lcg(seed * 7919 + 1);
    let mut g = Scheduler::new();
    let n = 2 + r.below(9);
    let ids: Vec<TaskId> = (0..n)
        .map(|_| {
            let state = STATES[r.below(STATES.len())];
            let observed = true;
            g.add_task(
                "t",
                TaskOptions {
                    state,
                    observed,
                    ..TaskOptions::default()
                },
            )
        })
        .collect();
    for i in 1..n {
        for _ in 0..r.below(4) {
            let _ = g.require(ids[i], ids[r.below(i)]);
        }
    }
    let mut makes = Vec::new();
    for _ in 0..1 + r.below(3) {
        let mut given: Vec<TaskId> = ids.iter().copied().filter(|_| r.below(3) == 0).collect();
        if given.is_empty() {
            given.push(ids[n - 1]);
        }
        let options = MakeOptions {
            fail_fast: r.below(4) == 0,
            queue: r.below(4) == 0,
            concurrency: r.below(3),
        };
        if let Ok(make) = g.make_start(&given, options) {
            makes.push((make, false));
        }
    }
    let mut out = format!("case {seed}:");
    let mut held: Vec<(TaskId, u32)> = Vec::new();
    let mut queued: Vec<TaskId> = Vec::new();
    for _ in 0..400 {
        if makes.iter().all(|m| m.1) && held.is_empty() && queued.is_empty() {
            break;
        }
        match r.below(10) {
            0..=4 => {
                let k = r.below(makes.len());
                if makes[k].1 {
                    continue;
                }
                let step = g.make_next(makes[k].0);
                out += &format!(" m{k}:{step:?}");
                match step {
                    Step::Run { task, attempt } => held.push((task, attempt)),
                    Step::Enqueue(t) => queued.push(t),
                    Step::Finished | Step::Failed(_) => makes[k].1 = true,
                    _ => {}
                }
            }
            5 | 6 if !held.is_empty() => {
                let (t, attempt) = held.swap_remove(r.below(held.len()));
                let outcome = match r.below(5) {
                    0 => Outcome::Threw {
                        cancellation: false,
                    },
                    1 => Outcome::Returned {
                        cancel_on_result: true,
                    },
                    _ => Outcome::Returned {
                        cancel_on_result: false,
                    },
                };
                out += &format!(" fin{}:{:?}", t.0, g.finish(t, attempt, outcome));
            }
            7 if !queued.is_empty() => {
                let t = queued.remove(0);
                if let Ok(attempt) = g.dispatch(t) {
                    held.push((t, attempt));
                }
            }
            8 => {
                let (t, e) = (ids[r.below(n)], EVENTS[r.below(EVENTS.len())]);
                let state = g.event(t, e, Default::default()).ok();
                out += &format!(" ev{}{e:?}:{state:?}", t.0);
            }
            9 => {
                let (a, b) = (r.below(n), r.below(n));
                out += &format!(" req{a}-{b}:{:?}", g.require(ids[a], ids[b]).ok());
            }
            _ => {}
        }
    }
    for (t, tr) in g.take_transitions() {
        out += &format!(" {}:{:?}>{:?}", t.0, tr.old_state, tr.new_state);
    }
    out
}

fn main() {
    let cases: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    for seed in 0..cases {
        println!("{}", case(seed));
    }
}
