//! A general, reusable finite state machine (Python `cs.fsm.FSM`).
//!
//! A [`Table`] holds any transition table with its state and event names
//! interned to small integers, so firing an event is a short scan of one
//! row. An [`Fsm`] is a current state (possibly unset) over a shared table,
//! with an optional history. Callbacks live in a separate [`Callbacks`]
//! registry: the owner fires the event, then calls the matching callbacks,
//! which keeps re-entrant callbacks (ones that touch the machine again)
//! free of borrow conflicts.

use crate::error::FsmError;
use std::collections::HashMap;
use std::rc::Rc;

/// Index of a state name in a [`Table`].
pub type StateId = u16;
/// Index of an event name in a [`Table`].
pub type EventId = u16;

/// One recorded transition. `S` and `E` are the state and event types
/// (interned ids for a general machine, enums for tasks); `X` carries the
/// details of the transition (`because`, the tasks concerned, ...).
#[derive(Clone, Debug, PartialEq)]
pub struct Transition<S, E, X> {
    pub old_state: S,
    pub new_state: S,
    pub event: E,
    /// Milliseconds since the Unix epoch, from the owner's clock.
    pub when: f64,
    pub extra: X,
}

/// A transition table: for each source state, in table order, its events
/// and their destination states.
#[derive(Clone, Debug, Default)]
pub struct Table {
    states: Vec<String>,
    events: Vec<String>,
    state_ids: HashMap<String, StateId>,
    event_ids: HashMap<String, EventId>,
    /// `rows[s]` lists `(event, destination)` in the order given.
    rows: Vec<Vec<(EventId, StateId)>>,
    /// Source states in table order (interning order also counts states
    /// first seen as destinations, so it is kept apart).
    sources: Vec<StateId>,
    /// The first transition, in table order, whose destination is not a
    /// source state: such a table can be drawn, but no machine is made
    /// over it ([`Fsm::new`]).
    undeclared: Option<(StateId, EventId, StateId)>,
}

impl Table {
    /// Builds a table from `(source, [(event, destination)])` rows.
    /// States that only appear as destinations become states with no
    /// events, so that a table with a typo can still be drawn; a machine
    /// refuses such a table ([`Table::check`], called by [`Fsm::new`]).
    /// An event listed twice for one state is an error.
    pub fn new<'a, R, T>(rows: R) -> Result<Table, FsmError>
    where
        R: IntoIterator<Item = (&'a str, T)>,
        T: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let mut table = Table::default();
        for (source, events) in rows {
            let s = table.intern_state(source)?;
            if !table.sources.contains(&s) {
                table.sources.push(s);
            }
            for (event, destination) in events {
                let e = table.intern_event(event)?;
                let d = table.intern_state(destination)?;
                let row = &mut table.rows[usize::from(s)];
                if row.iter().any(|&(known, _)| known == e) {
                    return Err(FsmError::DuplicateEvent {
                        state: source.to_string(),
                        event: event.to_string(),
                    });
                }
                row.push((e, d));
            }
        }
        table.undeclared = table.sources.iter().find_map(|&s| {
            table.rows[usize::from(s)]
                .iter()
                .find(|&&(_, d)| !table.sources.contains(&d))
                .map(|&(e, d)| (s, e, d))
        });
        Ok(table)
    }

    /// Whether every transition leads to a state the table declares (has
    /// a row for, if only an empty one): a typo must not become a silent
    /// dead end (SPEC §1). The error names the first transition, in table
    /// order, that does not.
    pub fn check(&self) -> Result<(), FsmError> {
        match self.undeclared {
            None => Ok(()),
            Some((s, e, d)) => Err(FsmError::UndeclaredState {
                source: self.state_name(s).to_string(),
                event: self.event_name(e).to_string(),
                destination: self.state_name(d).to_string(),
            }),
        }
    }

    fn intern_state(&mut self, name: &str) -> Result<StateId, FsmError> {
        if let Some(&id) = self.state_ids.get(name) {
            return Ok(id);
        }
        let id = StateId::try_from(self.states.len()).map_err(|_| FsmError::TooLarge)?;
        self.states.push(name.to_string());
        self.state_ids.insert(name.to_string(), id);
        self.rows.push(Vec::new());
        Ok(id)
    }

    fn intern_event(&mut self, name: &str) -> Result<EventId, FsmError> {
        if let Some(&id) = self.event_ids.get(name) {
            return Ok(id);
        }
        let id = EventId::try_from(self.events.len()).map_err(|_| FsmError::TooLarge)?;
        self.events.push(name.to_string());
        self.event_ids.insert(name.to_string(), id);
        Ok(id)
    }

    pub fn state_id(&self, name: &str) -> Option<StateId> {
        self.state_ids.get(name).copied()
    }

    pub fn event_id(&self, name: &str) -> Option<EventId> {
        self.event_ids.get(name).copied()
    }

    pub fn state_name(&self, id: StateId) -> &str {
        self.states.get(usize::from(id)).map_or("", String::as_str)
    }

    pub fn event_name(&self, id: EventId) -> &str {
        self.events.get(usize::from(id)).map_or("", String::as_str)
    }

    /// All state names, in the order they first appear in the table.
    pub fn states(&self) -> &[String] {
        &self.states
    }

    /// The state reached from `state` by `event`, if that event is allowed.
    pub fn next(&self, state: StateId, event: EventId) -> Option<StateId> {
        self.rows
            .get(usize::from(state))?
            .iter()
            .find(|&&(e, _)| e == event)
            .map(|&(_, d)| d)
    }

    /// The events allowed in `state`, in table order.
    pub fn events_from(&self, state: StateId) -> impl Iterator<Item = EventId> + '_ {
        self.rows
            .get(usize::from(state))
            .into_iter()
            .flatten()
            .map(|&(e, _)| e)
    }

    /// Every transition `(source, event, destination)`: sources in table
    /// order, each one's events sorted by name (the order of `as_dot`).
    pub fn transitions(&self) -> Vec<(StateId, EventId, StateId)> {
        let mut all = Vec::new();
        for &s in &self.sources {
            let mut row = self.rows[usize::from(s)].clone();
            // By name, by insertion: a row holds a state's few events, and
            // a std sort would add some 10 KB of code to the .wasm for this
            // one element type.
            let name = |t: &(EventId, StateId)| &self.events[usize::from(t.0)];
            for i in 1..row.len() {
                let mut j = i;
                while j > 0 && name(&row[j - 1]) > name(&row[j]) {
                    row.swap(j - 1, j);
                    j -= 1;
                }
            }
            all.extend(row.into_iter().map(|(e, d)| (s, e, d)));
        }
        all
    }
}

/// A state machine: a current state over a shared [`Table`], and an
/// optional history of its transitions.
#[derive(Clone, Debug)]
pub struct Fsm<X> {
    table: Rc<Table>,
    state: Option<StateId>,
    history: Option<Vec<Transition<StateId, EventId, X>>>,
}

impl<X: Clone> Fsm<X> {
    /// A machine in `state` (by name; `None` leaves the state unset).
    /// A table with a transition to a state it does not declare is
    /// refused ([`Table::check`]).
    pub fn new(table: Rc<Table>, state: Option<&str>, history: bool) -> Result<Self, FsmError> {
        table.check()?;
        let state = match state {
            None => None,
            Some(name) => Some(
                table
                    .state_id(name)
                    .ok_or_else(|| FsmError::UnknownState(name.to_string()))?,
            ),
        };
        Ok(Fsm {
            table,
            state,
            history: history.then(Vec::new),
        })
    }

    pub fn table(&self) -> &Rc<Table> {
        &self.table
    }

    pub fn state(&self) -> Option<StateId> {
        self.state
    }

    pub fn state_name(&self) -> Option<&str> {
        self.state.map(|s| self.table.state_name(s))
    }

    /// The events valid now, in table order (none while the state is unset).
    pub fn events(&self) -> Vec<&str> {
        self.state
            .into_iter()
            .flat_map(|s| self.table.events_from(s))
            .map(|e| self.table.event_name(e))
            .collect()
    }

    pub fn history(&self) -> Option<&[Transition<StateId, EventId, X>]> {
        self.history.as_deref()
    }

    /// Fires `event`. An event the table does not allow in the current
    /// state is an [`FsmError`] and leaves the machine unchanged.
    pub fn event(
        &mut self,
        event: &str,
        extra: X,
        when: f64,
    ) -> Result<Transition<StateId, EventId, X>, FsmError> {
        let invalid = || FsmError::InvalidEvent {
            event: event.to_string(),
            state: self.state_name().map(str::to_string),
        };
        let old = self.state.ok_or_else(invalid)?;
        let e = self.table.event_id(event).ok_or_else(invalid)?;
        let new = self.table.next(old, e).ok_or_else(invalid)?;
        self.state = Some(new);
        let transition = Transition {
            old_state: old,
            new_state: new,
            event: e,
            when,
            extra,
        };
        if let Some(history) = &mut self.history {
            history.push(transition.clone());
        }
        Ok(transition)
    }
}

/// Which transitions a callback wants: those entering one state, or all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum On<S> {
    State(S),
    Any,
}

/// Handle returned by [`Callbacks::add`], used to remove the callback.
pub type CallbackId = u64;

/// A registry of callbacks keyed by the state they watch. It only stores
/// and selects; calling is the owner's job, after the transition is made,
/// so that a failing callback cannot undo or block it.
#[derive(Debug)]
pub struct Callbacks<S, F> {
    next_id: CallbackId,
    entries: Vec<(CallbackId, On<S>, F)>,
}

impl<S, F> Default for Callbacks<S, F> {
    fn default() -> Self {
        Callbacks {
            next_id: 0,
            entries: Vec::new(),
        }
    }
}

impl<S: PartialEq + Copy, F> Callbacks<S, F> {
    pub fn add(&mut self, on: On<S>, callback: F) -> CallbackId {
        self.next_id += 1;
        self.entries.push((self.next_id, on, callback));
        self.next_id
    }

    /// Removes a callback; false if it was already gone.
    pub fn remove(&mut self, id: CallbackId) -> bool {
        let before = self.entries.len();
        self.entries.retain(|(known, _, _)| *known != id);
        self.entries.len() != before
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The ids of the callbacks to call for a transition into `state`, in
    /// registration order. Ids rather than references, so the owner can
    /// call each one while the registry is free to change.
    pub fn matching(&self, state: S) -> Vec<CallbackId> {
        self.entries
            .iter()
            .filter(|(_, on, _)| match on {
                On::Any => true,
                On::State(s) => *s == state,
            })
            .map(|(id, _, _)| *id)
            .collect()
    }

    pub fn get_mut(&mut self, id: CallbackId) -> Option<&mut F> {
        self.entries
            .iter_mut()
            .find(|(known, _, _)| *known == id)
            .map(|(_, _, f)| f)
    }
}
