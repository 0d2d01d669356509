//! Every task's transitions, kept always (SPEC §7a `task.history`, the
//! seed's FSM history), so that why a task failed can be asked after the
//! fact.
//!
//! Kept compactly, and cheap to write on the hot path: one log for the
//! whole graph, appended to in the order transitions happen, 16 bytes a
//! transition (its time, its codes, and the index of the task's previous
//! record). A task's node holds the index of its last record, so writing
//! touches only the end of the log and a node `fire` has in hand; a
//! record per task would cost an allocation per task and a cache miss on
//! a cold array per transition. Reading walks the chain back.
//!
//! The tasks a `because` names follow their record, four ids to a record.
//! Records of freed tasks stay until they outnumber the live ones; then
//! the log is rewritten with the live records only (amortised O(1)).

use super::{Because, Extra, Graph, TaskId, TaskTransition};
use crate::error::TaskError;
use crate::fsm::Transition;
use crate::task_state::{Event, TaskState, EVENTS, STATES};

/// No record: the task has no transition yet.
pub(super) const NONE: u32 = u32::MAX;

/// The code of a `because` (see [`Because`]; 0: none).
pub fn because_code(because: Option<Because>) -> u32 {
    because.map_or(0, |b| b as u32)
}

/// `[when (low bits), when (high bits), previous record, code]`, or four
/// task ids (a `because`'s tasks, after their record).
type Record = [u32; 4];

const TASKS_FLAG: u32 = 1 << 14;
/// Below this many records the log is never compacted.
const COMPACT_MIN: usize = 4096;

#[derive(Debug, Default)]
pub(super) struct Log {
    records: Vec<Record>,
    /// Records (ids included) of freed tasks, still in `records`.
    dead: usize,
}

/// How many records a transition naming `n` tasks takes: itself, then a
/// count and the ids, four `u32` to a record.
fn span(n: usize) -> usize {
    if n == 0 {
        1
    } else {
        1 + (n + 1).div_ceil(4)
    }
}

/// A transition's code: old state, new state and event in 4 bits each
/// from bit 0, the `because` in bits 12-13, bit 14 when tasks follow.
pub(super) fn code(old: TaskState, new: TaskState, event: Event, extra: &Extra) -> u32 {
    let mut code = old as u32 | (new as u32) << 4 | (event as u32) << 8;
    code |= because_code(extra.because) << 12;
    if !extra.tasks.is_empty() {
        code |= TASKS_FLAG;
    }
    code
}

impl Log {
    /// Appends a transition (its time, its `code`, the tasks its
    /// `because` names) whose task's last record is `prev`; returns its
    /// index, the task's new last record.
    pub(super) fn push(&mut self, prev: u32, when: f64, code: u32, tasks: &[TaskId]) -> u32 {
        let at = self.records.len() as u32;
        let bits = when.to_bits();
        self.records
            .push([bits as u32, (bits >> 32) as u32, prev, code]);
        if !tasks.is_empty() {
            self.push_tasks(tasks);
        }
        at
    }

    /// The tasks a `because` names, after its record: their count, then
    /// their ids, four `u32` to a record.
    #[cold]
    fn push_tasks(&mut self, tasks: &[TaskId]) {
        let words: Vec<u32> = std::iter::once(tasks.len() as u32)
            .chain(tasks.iter().map(|t| t.0))
            .collect();
        for chunk in words.chunks(4) {
            let mut record = [0; 4];
            record[..chunk.len()].copy_from_slice(chunk);
            self.records.push(record);
        }
    }

    /// The task ids recorded after record `at` (empty without any).
    fn tasks(&self, at: usize) -> Vec<TaskId> {
        let flat = self.records.as_flattened();
        let Some(&n) = flat.get((at + 1) * 4) else {
            return Vec::new();
        };
        let from = (at + 1) * 4 + 1;
        flat.get(from..from + n as usize)
            .map_or_else(Vec::new, |ids| ids.iter().map(|&t| TaskId(t)).collect())
    }

    /// The record at `at`, decoded.
    fn transition(&self, at: usize) -> Option<TaskTransition> {
        let [lo, hi, _, code] = *self.records.get(at)?;
        let because = (code >> 12 & 3) as usize;
        let tasks = if code & TASKS_FLAG != 0 {
            self.tasks(at)
        } else {
            Vec::new()
        };
        Some(Transition {
            old_state: *STATES.get((code & 15) as usize)?,
            new_state: *STATES.get((code >> 4 & 15) as usize)?,
            event: *EVENTS.get((code >> 8 & 15) as usize)?,
            when: f64::from_bits(u64::from(hi) << 32 | u64::from(lo)),
            extra: Extra {
                because: because
                    .checked_sub(1)
                    .and_then(|i| Because::ALL.get(i).copied()),
                tasks,
            },
        })
    }

    /// The indexes of a chain's records, oldest first.
    fn chain(&self, last: u32) -> Vec<usize> {
        let mut at = Vec::new();
        self.chain_into(last, &mut at);
        at
    }

    /// `chain` into a buffer the caller reuses.
    fn chain_into(&self, last: u32, at: &mut Vec<usize>) {
        at.clear();
        let mut i = last;
        while let Some(record) = self.records.get(i as usize) {
            at.push(i as usize);
            i = record[2];
        }
        at.reverse();
    }

    /// The span of the record at `at`, ids included.
    fn span_at(&self, at: usize) -> usize {
        let code = self.records.get(at).map_or(0, |r| r[3]);
        if code & TASKS_FLAG == 0 {
            1
        } else {
            span(self.records.get(at + 1).map_or(0, |r| r[0] as usize))
        }
    }
}

impl Graph {
    /// Every transition of the task, oldest first.
    pub fn history(&self, id: TaskId) -> Result<Vec<TaskTransition>, TaskError> {
        let last = self.node(id)?.history;
        Ok(self
            .log
            .chain(last)
            .into_iter()
            .filter_map(|at| self.log.transition(at))
            .collect())
    }

    /// The task's history as it is stored, oldest first, for a driver
    /// to decode: per transition `when` (an f64's low and high 32 bits),
    /// its code (old state, new state and event in 4 bits each from bit
    /// 0, the `because` code in bits 12-13), the number of tasks its
    /// `because` names, and their ids. Cheaper in wasm than building
    /// [`TaskTransition`]s.
    pub fn history_raw(&self, id: TaskId) -> Result<Vec<u32>, TaskError> {
        let last = self.node(id)?.history;
        let flat = self.log.records.as_flattened();
        let mut out = Vec::new();
        for at in self.log.chain(last) {
            let Some(&[lo, hi, _, code]) = self.log.records.get(at) else {
                continue;
            };
            // The count and the ids follow the record (see `push_tasks`).
            let ids = match flat.get((at + 1) * 4) {
                Some(&n) if code & TASKS_FLAG != 0 => {
                    let from = (at + 1) * 4 + 1;
                    flat.get(from..from + n as usize).unwrap_or(&[])
                }
                _ => &[],
            };
            out.extend([lo, hi, code & 0x3fff, ids.len() as u32]);
            out.extend_from_slice(ids);
        }
        Ok(out)
    }

    /// How many transitions the task has had.
    pub fn history_len(&self, id: TaskId) -> Result<usize, TaskError> {
        let mut n = 0;
        let mut i = self.node(id)?.history;
        while let Some(record) = self.log.records.get(i as usize) {
            n += 1;
            i = record[2];
        }
        Ok(n)
    }

    /// The task is being freed: its records are dead.
    pub(super) fn forget_history(&mut self, id: TaskId) {
        let Some(Some(node)) = self.nodes.get_mut(id.index()) else {
            return;
        };
        let mut at = std::mem::replace(&mut node.history, NONE);
        while let Some(record) = self.log.records.get(at as usize) {
            let prev = record[2];
            self.log.dead += self.log.span_at(at as usize);
            at = prev;
        }
    }

    /// After tasks were freed: empties the log when all its records are
    /// dead (a graph freed whole), rewrites it when the dead outnumber the
    /// live. Called once per removal, not per task: in the middle of
    /// freeing a large graph, a rewrite would copy what is about to die.
    /// Emptied, it keeps its capacity, as the graph's other arrays do: the
    /// next graph of that size would otherwise grow it again, copying.
    pub(super) fn tidy_log(&mut self) {
        let total = self.log.records.len();
        if self.log.dead == total {
            self.log.records.clear();
            self.log.dead = 0;
        } else if total >= COMPACT_MIN && self.log.dead * 2 > total {
            self.compact_log();
        }
    }

    /// Rewrites the log with the records of live tasks only.
    #[cold]
    #[inline(never)]
    fn compact_log(&mut self) {
        let old = std::mem::take(&mut self.log.records);
        let log = Log {
            records: old,
            dead: 0,
        };
        let mut records = Vec::with_capacity(log.records.len().saturating_sub(self.log.dead));
        let mut chain = Vec::new();
        for node in self.nodes.iter_mut().flatten() {
            let mut prev = NONE;
            log.chain_into(node.history, &mut chain);
            for &at in &chain {
                let span = log.span_at(at);
                let Some(taken) = log.records.get(at..at + span) else {
                    continue;
                };
                let new_at = records.len() as u32;
                records.extend_from_slice(taken);
                records[new_at as usize][2] = prev;
                prev = new_at;
            }
            node.history = prev;
        }
        self.log = Log { records, dead: 0 };
    }

    /// Bytes the history log takes (its records, live and dead).
    pub fn history_bytes(&self) -> usize {
        self.log.records.capacity() * std::mem::size_of::<Record>()
    }
}
