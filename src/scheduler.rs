//! The scheduler: a graph and the makes running over it.
//!
//! The graph (`crate::graph`) knows tasks, edges and states; a make
//! (`crate::make`) knows how to complete some tasks of a graph. Several
//! makes may run over one graph at once, and a task one of them watches
//! may change under it: finished by its driver, fired at by hand, or by
//! another make. The graph queues the watched tasks that changed; the
//! scheduler tells every make of them after each call that may have
//! fired an event. So dependencies point one way: scheduler → make →
//! graph.
//!
//! Reading and building the graph go straight to it (`Scheduler`
//! dereferences to [`Graph`]); the calls that fire events are the
//! scheduler's own (`event`, `dispatch`, `finish`, `cancel`), so that no
//! make misses a change.

use crate::error::TaskError;
use crate::graph::{CancelOutcome, Clock, Extra, Failed, Finished, Graph, Outcome, TaskId};
use crate::make::{Make, MakeId, MakeOptions, Pool, Scheduling, Step};
use crate::task_state::{Event, TaskState};
use std::ops::{Deref, DerefMut};

#[derive(Debug, Default)]
pub struct Scheduler {
    graph: Graph,
    /// The active makes; a slot is reused once its make ends.
    makes: Vec<Option<Box<Make>>>,
    /// The serial of the make started last. A make's serial names it in
    /// the nodes whose entry slot it owns (0: none).
    serial: u32,
}

impl Deref for Scheduler {
    type Target = Graph;
    fn deref(&self) -> &Graph {
        &self.graph
    }
}

impl DerefMut for Scheduler {
    fn deref_mut(&mut self) -> &mut Graph {
        &mut self.graph
    }
}

impl Scheduler {
    pub fn new() -> Self {
        Scheduler::default()
    }

    pub fn with_clock(clock: Clock) -> Self {
        Scheduler {
            graph: Graph::with_clock(clock),
            ..Scheduler::default()
        }
    }

    /// Fires `event` at a task (see [`Graph::event`]).
    pub fn event(
        &mut self,
        id: TaskId,
        event: Event,
        extra: Extra,
    ) -> Result<TaskState, TaskError> {
        let state = self.graph.event(id, event, extra);
        self.notify_makes();
        state
    }

    /// Fires an event given by name (see [`Graph::event_named`]).
    pub fn event_named(
        &mut self,
        id: TaskId,
        event: &str,
        extra: Extra,
    ) -> Result<TaskState, TaskError> {
        let state = self.graph.event_named(id, event, extra);
        self.notify_makes();
        state
    }

    /// See [`Graph::dispatch`].
    pub fn dispatch(&mut self, id: TaskId) -> Result<u32, TaskError> {
        let attempt = self.graph.dispatch(id);
        self.notify_makes();
        attempt
    }

    /// See [`Graph::finish`].
    pub fn finish(
        &mut self,
        id: TaskId,
        attempt: u32,
        outcome: Outcome,
    ) -> Result<Option<TaskState>, TaskError> {
        let state = self.graph.finish(id, attempt, outcome);
        self.notify_makes();
        state
    }

    /// See [`Graph::finish_attempt`].
    pub fn finish_attempt(
        &mut self,
        id: TaskId,
        attempt: u32,
        outcome: Outcome,
        failed: Failed,
    ) -> Result<Finished, TaskError> {
        let finished = self.graph.finish_attempt(id, attempt, outcome, failed);
        self.notify_makes();
        finished
    }

    /// See [`Graph::restore`].
    pub fn restore(&mut self, id: TaskId, state: TaskState) -> Result<TaskState, TaskError> {
        let restored = self.graph.restore(id, state);
        self.notify_makes();
        restored
    }

    /// See [`Graph::cancel`].
    pub fn cancel(&mut self, id: TaskId) -> Result<CancelOutcome, TaskError> {
        let outcome = self.graph.cancel(id);
        self.notify_makes();
        outcome
    }

    /// Tells every active make about the watched tasks that changed state,
    /// until no more changes come (a make may fire events as it hears).
    fn notify_makes(&mut self) {
        while let Some(id) = self.graph.take_changed() {
            for slot in 0..self.makes.len() {
                if let Some(mut make) = self.makes[slot].take() {
                    make.on_change(&mut self.graph, id);
                    self.makes[slot] = Some(make);
                }
            }
        }
    }

    /// Starts a make of `tasks` (see [`crate::make`]).
    pub fn make_start(
        &mut self,
        tasks: &[TaskId],
        options: MakeOptions,
    ) -> Result<MakeId, TaskError> {
        self.make_start_scheduled(tasks, options, &Scheduling::default())
    }

    /// Starts a make of `tasks` with pools (SPEC §12): a task whose
    /// [`Schedule`](crate::graph::Schedule) names pool `id` starts only
    /// while the weights of the tasks of that pool this make has started
    /// leave room for its own within `capacity`. A task heavier than its
    /// pool's capacity (or than `concurrency`), or naming a pool not
    /// given here, stops the make with a `Schedule` error before it starts
    /// anything.
    pub fn make_start_with_pools(
        &mut self,
        tasks: &[TaskId],
        options: MakeOptions,
        pools: &[Pool],
    ) -> Result<MakeId, TaskError> {
        let scheduling = Scheduling {
            pools: pools.to_vec(),
            ..Scheduling::default()
        };
        self.make_start_scheduled(tasks, options, &scheduling)
    }

    /// Starts a make of `tasks` with every scheduling option of SPEC §12:
    /// pools (see [`Scheduler::make_start_with_pools`]), rate limits of
    /// the make and of its pools, and critical-path order. When a rate
    /// limit holds a make back, its step is `Wait` and
    /// [`Scheduler::make_rate_wait`] says how long.
    pub fn make_start_scheduled(
        &mut self,
        tasks: &[TaskId],
        options: MakeOptions,
        scheduling: &Scheduling,
    ) -> Result<MakeId, TaskError> {
        for &t in tasks {
            self.graph.state(t)?;
        }
        self.serial = self.serial.wrapping_add(1).max(1);
        let make = Make::new(&mut self.graph, tasks, options, self.serial, scheduling);
        let make = Box::new(make);
        let slot = match self.makes.iter().position(Option::is_none) {
            Some(slot) => {
                self.makes[slot] = Some(make);
                slot
            }
            None => {
                self.makes.push(Some(make));
                self.makes.len() - 1
            }
        };
        Ok(MakeId {
            slot: slot as u32,
            serial: self.serial,
        })
    }

    /// The make's next step. See [`Step`].
    pub fn make_next(&mut self, id: MakeId) -> Step {
        let Some(mut make) = self.take_make(id) else {
            return Step::Finished;
        };
        let step = make.next(&mut self.graph);
        self.makes[id.slot as usize] = Some(make);
        self.notify_makes();
        step
    }

    /// After a `Wait` step: milliseconds until a rate limit lets the make
    /// start a task (the driver should take a step then), or None when it
    /// waits for tasks to end.
    pub fn make_rate_wait(&self, id: MakeId) -> Option<f64> {
        let make = self.makes.get(id.slot as usize)?.as_deref()?;
        if make.serial() != id.serial {
            return None;
        }
        make.rate_wait()
    }

    /// The next attempt of `t` (SPEC §8), after its wait: rate limits
    /// (SPEC §12) of the makes that started it count attempts as starts.
    /// `Err(ms)`: a window is full, ask again in `ms` (nothing changed);
    /// otherwise as [`Graph::next_attempt`], the attempt counted in the
    /// windows when it starts.
    pub fn next_attempt_within_rates(&mut self, t: TaskId) -> Result<Option<u32>, f64> {
        let mut wait = 0.0f64;
        for make in self.makes.iter_mut().flatten() {
            wait = wait.max(make.rate_attempt(&mut self.graph, t, false));
        }
        if wait > 0.0 {
            return Err(wait);
        }
        let attempt = self.graph.attempt(t).map_err(|_| 0.0)?;
        let next = self.graph.next_attempt(t, attempt).unwrap_or(None);
        if next.is_some() {
            for make in self.makes.iter_mut().flatten() {
                make.rate_attempt(&mut self.graph, t, true);
            }
        }
        Ok(next)
    }

    /// Stops a make: nothing new starts and it yields nothing more. Tasks
    /// it queued but did not start are cancelled; the tasks it has running
    /// are returned, for the driver to cancel (cancellation of a running
    /// function is cooperative).
    pub fn make_abort(&mut self, id: MakeId) -> Vec<TaskId> {
        let Some(mut make) = self.take_make(id) else {
            return Vec::new();
        };
        let running = make.abort(&mut self.graph);
        self.makes[id.slot as usize] = Some(make);
        self.notify_makes();
        running
    }

    /// Has the make report the transitions of every task it touches, now
    /// and as it finds more (the make option `onTransition`): they go to
    /// the outbox (`take_transitions`) as an observed task's do.
    pub fn make_report(&mut self, id: MakeId) {
        if let Some(mut make) = self.take_make(id) {
            make.report(&mut self.graph);
            self.makes[id.slot as usize] = Some(make);
        }
    }

    /// Forgets a finished or abandoned make.
    pub fn make_end(&mut self, id: MakeId) {
        if let Some(make) = self.take_make(id) {
            make.release(&mut self.graph);
        }
    }

    fn take_make(&mut self, id: MakeId) -> Option<Box<Make>> {
        let slot = self.makes.get_mut(id.slot as usize)?;
        if slot.as_ref()?.serial() != id.serial {
            return None;
        }
        slot.take()
    }
}
