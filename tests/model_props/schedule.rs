//! SPEC §12 in the model properties (see `model_props.rs`): the cases
//! with scheduling options that the make properties draw a third of the
//! time, the property where every case has them, and two cases by hand.

use super::*;

/// A case with SPEC §12's options: the capacities of its pools (one or
/// two, numbered from 1), the least concurrency of its makes (1–4: every
/// make's is between it and 4, or unlimited), and whether some tasks may never fit
/// (rule 3: heavier than the concurrency or their pool, or in pool 3,
/// which no make defines).
#[derive(Clone, Debug)]
pub(super) struct SchedCase {
    capacities: Vec<u32>,
    least: u8,
    heavy: bool,
}

/// What a task draws for SPEC §12, used when its case has options.
#[derive(Clone, Copy, Debug)]
pub(super) struct SchedDraw {
    /// Whether it has options at all.
    given: bool,
    weight: u32,
    priority: f64,
    pool: u32,
    estimate: f64,
}

/// A case with options; heavy one time in four.
pub(super) fn any_sched_case() -> impl Strategy<Value = SchedCase> {
    (
        vec(1u32..=4, 1..=2),
        1u8..=4,
        proptest::bool::weighted(0.25),
    )
        .prop_map(|(capacities, least, heavy)| SchedCase {
            capacities,
            least,
            heavy,
        })
}

/// A third of the cases.
pub(super) fn sched_case() -> impl Strategy<Value = Option<SchedCase>> {
    proptest::option::weighted(1.0 / 3.0, any_sched_case())
}

/// Mostly light; few priorities and estimates, so that ties happen.
pub(super) fn sched_draw() -> impl Strategy<Value = SchedDraw> {
    (
        proptest::bool::weighted(0.8),
        prop_oneof![6 => Just(1u32), 3 => Just(2u32), 2 => Just(3u32)],
        select(vec![-1.0, 0.0, 0.0, 1.0, 2.5]),
        0u32..4,
        select(vec![0.0, 1.0, 2.0, 5.0]),
    )
        .prop_map(|(given, weight, priority, pool, estimate)| SchedDraw {
            given,
            weight,
            priority,
            pool,
            estimate,
        })
}

impl SchedCase {
    /// A task's options: in a case without heavy tasks, in one of the
    /// pools or none, and light enough for every make.
    pub(super) fn schedule(&self, d: SchedDraw) -> Option<Sched> {
        if !d.given {
            return None;
        }
        let pools = self.capacities.len() as u32;
        if self.heavy {
            let pool = if d.pool > pools { 3 } else { d.pool };
            return Some(Sched {
                weight: d.weight,
                priority: d.priority,
                pool,
                estimate: d.estimate,
            });
        }
        let pool = d.pool % (pools + 1);
        let capacity = match pool {
            0 => u32::MAX,
            p => self.capacities[p as usize - 1],
        };
        let weight = d.weight.min(u32::from(self.least)).min(capacity);
        Some(Sched {
            weight,
            priority: d.priority,
            pool,
            estimate: d.estimate,
        })
    }

    /// Every make of the case has all its pools.
    pub(super) fn pools(&self) -> Vec<(u32, u32)> {
        (1..).zip(self.capacities.iter().copied()).collect()
    }

    /// A make's concurrency, from a number drawn: `least` to 4, or now
    /// and then no limit (so that the pools are what holds tasks back).
    pub(super) fn concurrency(&self, raw: u8) -> u8 {
        match self.least + raw % (6 - self.least) {
            5 => 0,
            c => c,
        }
    }
}

/// A task's options, with SPEC §12's if the case has them.
pub(super) fn with_schedule(traits: Traits, case: Option<&SchedCase>, draw: SchedDraw) -> Traits {
    Traits {
        schedule: case.and_then(|c| c.schedule(draw)),
        ..traits
    }
}

proptest! {
    #![proptest_config(config(CASES[6]))]

    /// SPEC §12 alone: every case has options, graphs are sparse (many
    /// tasks ready at once, with ties of priority and of rank) and
    /// weights meet pools of small capacity, often under no concurrency
    /// limit, so that pools hold tasks back; half of the makes have
    /// critical-path order; some functions fail. The harness checks
    /// every start and wait against the rules; at the end, a make failed
    /// for a task that can never fit ran nothing, and every other one
    /// settled its given tasks.
    #[test]
    fn weights_pools_priorities_and_critical_path_designate_every_start(
        n in 2usize..14,
        pairs in vec((any::<u8>(), any::<u8>()), 0..10),
        mask in any::<u32>(),
        queue in proptest::bool::weighted(0.2),
        concurrency in any::<u8>(),
        seed in any::<u64>(),
        case in any_sched_case(),
        draws in vec(sched_draw(), 14),
        critical_path in any::<bool>(),
    ) {
        let mut h = dag_with(n, &pairs, Some(&case), &draws);
        let given = given(n, mask);
        let how = Start { queue, concurrency, fail_fast: false, critical_path };
        let k = start(&mut h, Some(&case), &given, how);
        let mut rng = Lcg(seed);
        let mut endings = Lcg(seed ^ 0x9e37_79b9_7f4a_7c15);
        h.drain(&mut |n| rng.below(n), &mut |_| {
            if endings.below(6) == 0 { Ending::Threw } else { Ending::Returned }
        });
        let mk = &h.makes[k];
        if mk.schedule_failed {
            prop_assert!(!mk.started_any, "the make failed after it started something");
            for t in 0..n {
                prop_assert_eq!(h.state(t), "PENDING", "t{}", t);
            }
        } else {
            prop_assert_eq!(mk.yielded.len(), mk.given.len());
        }
    }
}

/// SPEC §12, rule 3 (and 1), for a task that joins a make later: a make
/// started while no task of the graph had options (so the core took the
/// seed's path) must still fail when a task that can never fit joins it
/// (the core takes the scheduling path from there: `schedule_from_now`).
#[test]
fn a_heavy_task_joining_a_make_started_without_options_fails_it() {
    let mut h = Harness::default();
    let t0 = h.add("PENDING", false);
    let t1 = h.add("PENDING", false);
    h.require(t0, t1);
    let options = MakeOptions {
        concurrency: 1,
        ..MakeOptions::default()
    };
    h.start(&[t0], options);
    // t1 starts; then a task of weight 2 appears and t0 requires it.
    while h.held.is_empty() {
        h.step(0);
    }
    let heavy = Sched {
        weight: 2,
        ..Sched::PLAIN
    };
    let t2 = h.add_with(
        "PENDING",
        Traits {
            schedule: Some(heavy),
            ..Traits::default()
        },
    );
    h.require(t0, t2);
    h.finish(0, Ending::Returned, verdict(true, 0));
    // t2 joins (rule 3: the make fails here); the core starts it instead.
    h.drain(&mut |_| 0, &mut |_| Ending::Returned);
    assert!(h.makes[0].schedule_failed);
}

/// SPEC §12, critical-path order, by hand: t2 (estimate 5) requires t1;
/// the make of t0 and t2 finds t0 and t1 ready at once, and with one slot
/// starts t1 first (rank 1 + 5 = 6, above t0's 1), then t2 (rank 5),
/// which became ready after t0 but ranks above it, then t0.
#[test]
fn critical_path_order_starts_the_longest_path_first() {
    let mut h = Harness::default();
    let with_estimate = |estimate| Traits {
        schedule: Some(Sched {
            estimate,
            ..Sched::PLAIN
        }),
        ..Traits::default()
    };
    let t0 = h.add_with("PENDING", with_estimate(1.0));
    let t1 = h.add_with("PENDING", with_estimate(1.0));
    let t2 = h.add_with("PENDING", with_estimate(5.0));
    h.require(t2, t1);
    assert_eq!(h.m.ranks(&[t0, t2]), vec![1.0, 6.0, 5.0]);
    let options = MakeOptions {
        concurrency: 1,
        ..MakeOptions::default()
    };
    h.start_scheduled(&[t0, t2], options, &[], true);
    let mut order = Vec::new();
    while !h.makes[0].ended {
        while h.held.is_empty() && !h.makes[0].ended {
            h.step(0);
        }
        if let Some(&(t, _)) = h.held.first() {
            order.push(t);
            h.finish(0, Ending::Returned, verdict(true, 0));
            h.check_all();
        }
    }
    assert_eq!(order, vec![t1, t2, t0]);
}
