//! What a make keeps of each task (its [`Entry`]): a record of its own,
//! stored in the task's node by the make that owns that slot.
//!
//! On a random graph a make visits tasks in no useful order, so each
//! record it reads elsewhere is a cache miss. So the make that owns a
//! task's slot keeps its entry in the task's node, and "d waits for p"
//! is kept in d's entry, where p finds it among its dependents when it
//! settles: both are places `fire` has just been. The graph stores
//! entries without reading them; the make engine (`crate::make`) gives
//! them meaning. Here apart so that neither depends on the other for it.

use crate::id::TaskId;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mark {
    /// On the work stack, to be evaluated.
    Seen,
    /// PENDING, waiting for this many prerequisites to settle.
    Waiting(u32),
    /// Its prerequisites are done; waiting for a free slot.
    Ready,
    /// Dispatched or queued by this make, not yet settled.
    Started,
    /// Running or queued by someone else; this make waits for it.
    Watching,
    /// Completed or cancelled.
    Settled,
}

/// What a make knows of one task. The make that owns the task's slot
/// keeps it in the task's node (`Graph::make_entry`), where `fire` has
/// just been; others keep it in their map.
///
/// "d waits for p" (d found p unsettled when it was evaluated) is kept on
/// d's side, in `holds`, while there is room: when p settles, it finds
/// its waiters among its dependents, whose nodes `fire` has just updated,
/// instead of following a list of links to random places. Only a task
/// waiting for more than `HOLDS` tasks at once puts the rest in the
/// settling task's list in `Make::waits`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    pub(crate) mark: Mark,
    pub(crate) given: bool,
    pub(crate) yielded: bool,
    /// Some task started waiting for this one since it last settled.
    pub(crate) awaited: bool,
    /// How many of `holds` are in use.
    pub(crate) held: u8,
    /// Tasks this one waits for (a task twice if it waits twice).
    pub(crate) holds: [TaskId; HOLDS],
    /// When this task last started waiting (`Make::wait_count`): tasks released
    /// together are evaluated in the order they started waiting.
    pub(crate) since: u32,
    /// Tasks waiting for this one whose `holds` were full: a list in
    /// `Make::waits`, newest first (NONE: empty).
    pub(crate) waiters: u32,
}

/// Room for the tasks a task waits for, kept in its entry: tasks of a
/// random graph wait for up to three.
const HOLDS: usize = 3;

impl Entry {
    pub(crate) const NEW: Entry = Entry {
        mark: Mark::Seen,
        given: false,
        yielded: false,
        awaited: false,
        held: 0,
        holds: [TaskId(0); HOLDS],
        since: 0,
        waiters: NONE,
    };

    /// Forgets that this task waits for `p`; how many times it did.
    pub(crate) fn unhold(&mut self, p: TaskId) -> u32 {
        let mut kept = 0;
        for i in 0..usize::from(self.held) {
            if self.holds[i] != p {
                self.holds[kept] = self.holds[i];
                kept += 1;
            }
        }
        let dropped = u32::from(self.held) - kept as u32;
        self.held = kept as u8;
        dropped
    }
}

/// No waiter: the end of a list in `Make::waits`.
pub(crate) const NONE: u32 = u32::MAX;
