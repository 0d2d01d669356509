//! Task queues (SPEC §4), as the harness drives them: `get` checked
//! against the model's rule, and a run of the task it takes.

use super::{Harness, Verdict};
use crate::model::{completed, Ending, ModelQueue, Take};
use taskqueue_wasm::TaskQueue;

pub struct QueueSeen {
    core: TaskQueue,
    model: ModelQueue,
}

impl Harness {
    pub fn queue_count(&self) -> usize {
        self.queues.len()
    }

    pub fn queue_new(&mut self, tasks: &[usize], run_dependent_tasks: bool) {
        let mut q = QueueSeen {
            core: TaskQueue::new(run_dependent_tasks),
            model: ModelQueue {
                members: Vec::new(),
                run_dependent_tasks,
            },
        };
        for &t in tasks {
            q.core.add(&self.g, self.ids[t]);
            q.model.add(t);
        }
        self.queues.push(q);
        self.check_queue(self.queues.len() - 1);
    }

    pub fn queue_add(&mut self, k: usize, t: usize) {
        let q = &mut self.queues[k];
        q.core.add(&self.g, self.ids[t]);
        q.model.add(t);
        self.check_queue(k);
    }

    /// One round of `run`: get a task; unless it is completed, dispatch it
    /// and let every attempt of its function end with `ending` (a task
    /// told to retry tries again at once); then update the queue.
    pub fn queue_run_once(&mut self, k: usize, ending: Ending, verdict: Verdict) {
        let take = self.queues[k].model.take(&self.m);
        let got = self.queues[k].core.get(&self.g).map(|id| self.of(id));
        let Some(t) = got else {
            assert_eq!(take, Take::Nothing, "queue {k}: get took nothing");
            return self.check_queue(k);
        };
        let state = self.m.state(t);
        let unblocked_pending = state == "PENDING" && self.m.blockers(t).is_empty();
        match take {
            // A task that completed behind the queue's back (run by a
            // make, say) may be taken after an unblocked pending one: the
            // queue learns of it when it comes to it (README, Reliability).
            Take::Completed => assert!(
                completed(state) || unblocked_pending,
                "queue {k}: took t{t} ({state}), neither completed nor unblocked pending"
            ),
            Take::UnblockedPending => assert!(
                unblocked_pending,
                "queue {k}: took t{t} ({state}), not an unblocked pending one"
            ),
            Take::Nothing => panic!("queue {k}: took t{t}, but nothing could be taken"),
        }
        let model = &mut self.queues[k].model;
        assert!(
            model.members.contains(&t),
            "queue {k}: took t{t}, not a member"
        );
        model.members.retain(|&m| m != t);
        if !completed(state) {
            self.dispatch(t);
            let held = self.held.len() - 1;
            self.finish(held, ending, verdict);
            loop {
                let now = (t, self.m.tasks[t].attempt);
                let Some(wait) = self.waits.iter().position(|&w| w == now) else {
                    break;
                };
                self.next_attempt(wait);
                let held = self.held.len() - 1;
                assert_eq!(self.held[held].0, t, "queue {k}: t{t} tries again");
                self.finish(held, ending, verdict);
            }
        }
        let q = &mut self.queues[k];
        q.core.after_run(&self.g, self.ids[t]);
        q.model.after_run(&self.m, t);
        self.check_queue(k);
    }

    /// The core's queue holds exactly the model's tasks.
    fn check_queue(&self, k: usize) {
        let q = &self.queues[k];
        let mut core: Vec<usize> = q.core.tasks().iter().map(|&id| self.of(id)).collect();
        let mut model = q.model.members.clone();
        core.sort_unstable();
        model.sort_unstable();
        assert_eq!(core, model, "queue {k}: its tasks");
    }
}
