// Telling people of transitions: the core puts the transitions of
// observed tasks (and of the tasks of makes with `onTransition`) in an
// outbox as numbers; `flush` takes them, makes them into transition
// objects and calls the callbacks, `onTransition` of makes and the
// resolve functions of `join`, in the order the transitions happened.

import { takeTransitions, taskHistoryLength, taskObserve } from '../pkg/taskqueue_wasm.js';
import { BECAUSE, EVENTS, isSettled, S, STATES } from './protocol.mjs';
import { check } from './boundary.mjs';
import { clock } from './clock.mjs';
import { extras } from './extras.mjs';
import { observedTask, registerObserved, taskInComponent } from './registry.mjs';

let observed = 0; // tasks whose transitions Rust puts in its outbox
let delivering = false;
const userExtras = []; // [task, extra] of event() calls not yet delivered
// Makes with an `onTransition` option: Rust reports their tasks'
// transitions too, and they find the Task of an id (`taskOf`). Held
// weakly, so that an abandoned iterator stays collectable and its
// finalizer ends the make (`forgotten` in make.mjs).
const reporters = new Set(); // WeakRefs of makes

/** The reporting makes still alive. */
function* reportingMakes() {
  for (const ref of reporters) {
    const make = ref.deref();
    if (make === undefined) reporters.delete(ref);
    else yield make;
  }
}

let onCallbackError = (error, task, transition) => {
  console.error(`taskqueue-wasm: a transition callback of ${task} threw (${transition.oldState}->${transition.event}->${transition.newState}):`, error);
};

/** Where errors thrown by transition callbacks go (console.error by default). */
export function setCallbackErrorHandler(handler) {
  if (typeof handler !== 'function') throw new TypeError('the callback error handler must be a function');
  onCallbackError = handler;
}

/** Starts or stops delivering a make's transitions to its `onTransition`. */
export function setReporting(make, on) {
  if (on) reporters.add((make._reporter = new WeakRef(make)));
  else if (make._reporter !== undefined) {
    reporters.delete(make._reporter);
    make._reporter = undefined; // also for a batch that listed it already
  }
}

/** Has Rust report this task's transitions. */
export function observe(task) {
  const x = extras(task);
  if (x.observed) return;
  x.observed = true;
  observed++;
  registerObserved(task);
  check(taskObserve(task._id, true), task);
}

/**
 * Keeps what the user passed to `event(name, extra)` with the transition
 * it caused: in the task's history (read back by `historyOf`), and for
 * the next `flush` when anyone may be told of it.
 */
export function noteUserExtra(task, extra) {
  if (extra === undefined) return;
  (extras(task).notes ??= new Map()).set(check(taskHistoryLength(task._id), task) - 1, extra);
  if (task._extras.observed || reporters.size > 0) userExtras.push([task, extra]);
}

/**
 * Reads one transition written by the core (`put_transition` in
 * src/wasm/graph.rs) at `data[i]`; `task` finds the tasks its `extra`
 * names. Returns the transition and the index after it.
 */
function readTransition(data, i, task) {
  const n = data[i + 5];
  const extra = {};
  const because = BECAUSE[data[i + 4]];
  if (because !== undefined && task !== undefined) {
    extra.because = because;
    extra.tasks = Array.from(data.subarray(i + 6, i + 6 + n), (id) => taskInComponent(task, id));
  }
  const transition = {
    oldState: STATES[data[i]],
    newState: STATES[data[i + 1]],
    event: EVENTS[data[i + 2]],
    when: data[i + 3],
    extra,
  };
  return [transition, i + 6 + n];
}

/** The Task of an id from an observed task or a reporting make (`makes`: the live ones). */
function taskOf(id, makes) {
  const task = observedTask(id);
  if (task !== undefined || makes.length === 0) return task;
  for (let i = 0; i < makes.length; i++) {
    const local = makes[i].taskOf(id);
    if (local !== undefined) return local;
  }
  return undefined;
}

const NO_MAKES = [];

/**
 * Delivers the outbox to callbacks and joiners, in the order the
 * transitions happened. A callback that changes tasks adds to the outbox;
 * the loop picks that up after the current batch, so order holds.
 */
export function flush() {
  if ((observed === 0 && reporters.size === 0) || delivering) return;
  delivering = true;
  try {
    for (let data = takeTransitions(); data.length > 0; data = takeTransitions()) {
      // The reporting makes, once per batch (a callback that starts or
      // ends a make is seen at the next batch).
      const makes = reporters.size === 0 ? NO_MAKES : [...reportingMakes()];
      for (let i = 0; i < data.length; ) {
        const task = taskOf(data[i], makes);
        const [transition, next] = readTransition(data, i + 1, task);
        i = next;
        if (task === undefined) continue;
        if (userExtras.length > 0) {
          const mine = userExtras.findIndex(([t]) => t === task);
          if (mine >= 0) Object.assign(transition.extra, userExtras.splice(mine, 1)[0][1]);
        }
        deliver(task, transition, makes);
      }
    }
    // Extras of transitions nobody was told of (a task no make reports).
    userExtras.length = 0;
  } finally {
    delivering = false;
  }
}

/** Calls a transition callback; what it throws goes to the error handler. */
export function call(callback, task, transition) {
  clock.user++;
  try {
    callback(task, transition);
  } catch (error) {
    try {
      onCallbackError(error, task, transition);
    } catch {
      // The handler failed too; nothing sensible is left to tell.
    }
  }
}

function deliver(task, transition, makes) {
  const x = task._extras;
  const callbacks = x?.callbacks;
  if (callbacks !== undefined) {
    for (const entry of callbacks.slice()) {
      if (entry.state !== '*' && entry.state !== transition.newState) continue;
      call(entry.callback, task, transition);
    }
  }
  for (let i = 0; i < makes.length; i++) {
    const make = makes[i];
    if (make._reporter !== undefined && make.taskOf(task._id) === task) make.tell(task, transition);
  }
  if (x?.waiters !== undefined && isSettled(S[transition.newState])) {
    const waiters = x.waiters;
    x.waiters = undefined;
    for (const resolve of waiters) resolve(task);
  }
}
