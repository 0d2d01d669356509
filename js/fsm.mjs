// FSM: the general state machine (Python cs.fsm.FSM). Rust holds the
// table and the state and checks every event; callbacks and the history
// of transition objects live here.

import { FsmCore, transitionNames, transitionsAsDot, transitionsAsSvg, transitionsLayout } from '../pkg/taskqueue_wasm.js';
import { decodeLayout } from './geometry.mjs';
import { FSMError } from './errors.mjs';
import { describe } from './registry.mjs';
import { check } from './boundary.mjs';

export class FSM {
  constructor(state, transitions, options) {
    if (state !== undefined && state !== null && typeof state !== 'string') throw new TypeError(`a state must be a string, got ${describe(state)}`);
    this._core = check(FsmCore.create(state ?? undefined, transitions));
    this._history = options?.history ? [] : undefined;
    this._callbacks = [];
  }

  get state() {
    return this._core.state;
  }

  /** The events valid now. */
  get events() {
    return this._core.events;
  }

  /** Every transition so far, when made with `{ history: true }`. */
  get history() {
    return this._history?.slice();
  }

  /** Fires `name`; returns the new state. Callbacks run after the transition. */
  event(name, extra = {}) {
    if (typeof name !== 'string') throw new TypeError(`an event name must be a string, got ${describe(name)}`);
    if (extra === null || typeof extra !== 'object') throw new TypeError(`extra must be an object, got ${describe(extra)}`);
    const oldState = this._core.state;
    const newState = check(this._core.event(name));
    const transition = { oldState, newState, event: name, when: Date.now(), extra };
    this._history?.push(transition);
    for (const entry of this._callbacks.slice()) {
      if (entry.state !== '*' && entry.state !== newState) continue;
      try {
        entry.callback(this, transition);
      } catch (error) {
        console.error(`taskqueue-wasm: an FSM callback threw (${oldState}->${name}->${newState}):`, error);
      }
    }
    return newState;
  }

  /** Calls `callback(fsm, transition)` after transitions into `state` ('*': any). */
  onTransition(state, callback) {
    if (typeof state !== 'string') throw new TypeError(`a state must be a string, got ${describe(state)}`);
    if (typeof callback !== 'function') throw new TypeError(`a callback must be a function, got ${describe(callback)}`);
    const entry = { state, callback };
    this._callbacks.push(entry);
    return () => {
      const i = this._callbacks.indexOf(entry);
      if (i >= 0) this._callbacks.splice(i, 1);
    };
  }

  /** A transition table as DOT. */
  static transitionsAsDot(transitions, name) {
    if (name !== undefined && name !== null && typeof name !== 'string') throw new TypeError(`a graph name must be a string, got ${describe(name)}`);
    return check(transitionsAsDot(transitions, name ?? undefined));
  }

  /** A transition table as SVG, laid out inside the library, events as edge labels. */
  static transitionsAsSvg(transitions, name) {
    if (name !== undefined && name !== null && typeof name !== 'string') throw new TypeError(`a graph name must be a string, got ${describe(name)}`);
    return check(transitionsAsSvg(transitions, name ?? undefined));
  }

  /** The drawing of `transitionsAsSvg` as plain objects, for other renderers. */
  static transitionsLayout(transitions) {
    const names = check(transitionNames(transitions));
    const flat = check(transitionsLayout(transitions));
    const { width, height, nodes, edges, end } = decodeLayout(flat);
    return {
      width,
      height,
      nodes: nodes.map((n) => ({ state: names[n.id], x: n.x, y: n.y, width: n.width, height: n.height })),
      edges: edges.map((e, k) => ({
        ...e,
        from: names[e.from],
        to: names[e.to],
        event: names[nodes.length + k],
        label: { x: flat[end + 2 * k], y: flat[end + 2 * k + 1] },
      })),
    };
  }
}

export { FSMError };
