//! The core of the JS `FSM`: a general state machine over a table given
//! as `{ STATE: { event: NEWSTATE } }`, in the object's key order.
//! Fallible exports return `None` (`undefined`) with the error stashed
//! (see `errors.rs`).

use super::errors::{or_stash, Failure};
use super::protocol::class;
use crate::fsm::{Fsm, Table};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Reads `{ STATE: { event: NEWSTATE, ... }, ... }` into a table.
fn read_table(transitions: &JsValue) -> Result<Table, Failure> {
    let type_error = |message: String| Failure::Other {
        class: class::TypeError,
        message,
    };
    let not_table = || {
        type_error(
            "transitions must be an object of objects: { STATE: { event: 'NEWSTATE' } }".into(),
        )
    };
    if !transitions.is_object() || js_sys::Array::is_array(transitions) {
        return Err(not_table());
    }
    let mut rows: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for entry in js_sys::Object::entries(transitions.unchecked_ref()).iter() {
        let entry: js_sys::Array = entry.unchecked_into();
        let state = entry.get(0).as_string().ok_or_else(not_table)?;
        let events = entry.get(1);
        if !events.is_object() || js_sys::Array::is_array(&events) {
            return Err(type_error(format!(
                "transitions['{state}'] must be an object of event: 'NEWSTATE'"
            )));
        }
        let mut row = Vec::new();
        for pair in js_sys::Object::entries(events.unchecked_ref()).iter() {
            let pair: js_sys::Array = pair.unchecked_into();
            let event = pair.get(0).as_string().ok_or_else(not_table)?;
            let target = pair.get(1).as_string().ok_or_else(|| {
                type_error(format!(
                    "transitions['{state}']['{event}'] must be a state name (a string)"
                ))
            })?;
            row.push((event, target));
        }
        rows.push((state, row));
    }
    Table::new(rows.iter().map(|(s, row)| {
        (
            s.as_str(),
            row.iter().map(|(e, d)| (e.as_str(), d.as_str())),
        )
    }))
    .map_err(Failure::from)
}

#[wasm_bindgen(js_name = FsmCore)]
pub struct FsmCore {
    fsm: Fsm<()>,
}

#[wasm_bindgen(js_class = FsmCore)]
impl FsmCore {
    /// A machine in `state` over the table `transitions`.
    pub fn create(state: Option<String>, transitions: JsValue) -> Option<FsmCore> {
        or_stash(read_table(&transitions).and_then(|table| {
            let fsm = Fsm::new(Rc::new(table), state.as_deref(), false)?;
            Ok(FsmCore { fsm })
        }))
    }

    #[wasm_bindgen(getter)]
    pub fn state(&self) -> Option<String> {
        self.fsm.state_name().map(str::to_string)
    }

    /// The events valid now, in table order.
    #[wasm_bindgen(getter)]
    pub fn events(&self) -> Vec<String> {
        self.fsm.events().into_iter().map(str::to_string).collect()
    }

    /// Fires an event; returns the new state.
    pub fn event(&mut self, event: &str) -> Option<String> {
        or_stash(self.fsm.event(event, (), 0.0))?;
        Some(self.fsm.state_name().unwrap_or_default().to_string())
    }
}

/// A transition table as DOT (`FSM.transitionsAsDot`).
#[wasm_bindgen(js_name = transitionsAsDot)]
pub fn transitions_as_dot(transitions: JsValue, name: Option<String>) -> Option<String> {
    let table = or_stash(read_table(&transitions))?;
    Some(crate::dot::transitions_as_dot(&table, name.as_deref()))
}

/// A transition table as SVG (`FSM.transitionsAsSvg`).
#[wasm_bindgen(js_name = transitionsAsSvg)]
pub fn transitions_as_svg(transitions: JsValue, name: Option<String>) -> Option<String> {
    let table = or_stash(read_table(&transitions))?;
    Some(crate::svg::fsm::transitions_as_svg(&table, name.as_deref()))
}

/// A transition table laid out (`FSM.transitionsLayout`), flattened as in
/// `layoutOfTasks` with node ids the state indices (see
/// `transitionNames`), then each edge's label centre `[x, y]`.
#[wasm_bindgen(js_name = transitionsLayout)]
pub fn transitions_layout(transitions: JsValue) -> Option<Vec<f64>> {
    let table = or_stash(read_table(&transitions))?;
    let geometry = crate::svg::fsm::transitions_layout(&table);
    let ids: Vec<f64> = (0..table.states().len()).map(|i| i as f64).collect();
    let mut flat = super::dot::flatten(&geometry, &ids);
    for e in &geometry.edges {
        let (x, y) = e.label_pos.unwrap_or_default();
        flat.extend([x, y]);
    }
    Some(flat)
}

/// The names `transitionsLayout` refers to: the states in table order,
/// then the event of each transition (the order of `transitionsAsDot`).
#[wasm_bindgen(js_name = transitionNames)]
pub fn transition_names(transitions: JsValue) -> Option<Vec<String>> {
    let table = or_stash(read_table(&transitions))?;
    let mut names = table.states().to_vec();
    names.extend(
        table
            .transitions()
            .into_iter()
            .map(|(_, e, _)| table.event_name(e).to_string()),
    );
    Some(names)
}
