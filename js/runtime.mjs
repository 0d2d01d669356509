// What happens around a task function: running it, reporting how it
// ended, delivering transitions to callbacks, and waking the makes that
// wait for something to change. The rules themselves are in Rust.

import { initCore, takeTransitions, taskFinish, taskHistory, taskHistoryLength, taskObserve } from '../pkg/taskqueue_wasm.js';
import { BlockedError, CancellationError, FSMError, TaskError } from './errors.mjs';
import { observedTask, registerObserved, resolveIds, taskInComponent } from './registry.mjs';

/** States and events by their index in the Rust tables. */
export const STATES = ['PREPARE', 'PENDING', 'QUEUED', 'RUNNING', 'CANCELLED', 'FAILED', 'DONE', 'ABORT'];
export const EVENTS = ['prepared', 'dispatch', 'queue', 'cancel', 'error', 'abort', 'done', 'except', 'retry'];
export const S = Object.freeze(Object.fromEntries(STATES.map((s, i) => [s, i])));
const BECAUSE = [undefined, 'failed prerequisites', 'cancelled prerequisites', 'some prerequisites are not done'];

/** Settled: completed or cancelled, what make and join wait for. */
export const isSettled = (code) => code >= S.CANCELLED;

/** Installs the error factory; called once the wasm is instantiated. */
export function start() {
  initCore(errorFromCore);
}

// The tasks an error from the next call into wasm may concern; errors
// find their Task objects from these (see registry.mjs).
// One or two tasks, or a list of them (kept apart to allocate nothing).
let nearA;
let nearB;
let nearList;

/** Names the tasks near the next call into wasm, for its errors. */
export function near(a, b) {
  nearA = a;
  nearB = b;
}

/** Names a list of tasks near the next call into wasm. */
export function nearAll(list) {
  nearList = list;
}

/** Forgets them again (so they are not kept alive). */
export function far() {
  nearA = undefined;
  nearB = undefined;
  nearList = undefined;
}

function errorFromCore(className, kind, message, taskId, taskIds) {
  const [task, ...tasks] = resolveIds([taskId, ...taskIds], [nearA, nearB, ...(nearList ?? [])]);
  if (className === 'BlockedError') return new BlockedError(message, { task, blockingTask: tasks[0] });
  if (className === 'TaskError') return new TaskError(message, { task, cycle: kind === 'Cycle' ? tasks : undefined });
  return new FSMError(message, { fsm: task });
}

// ---- when user code has run ------------------------------------------

// The core reads the clock once per call from JS (`Graph::tick`): on this
// machine Date.now costs more than the rest of a transition. A make's
// next call may keep the time of the call before when no user code ran
// in between (`fresh`): `clock.user` counts the user code that may have
// run (the functions and callbacks we call; a make resumed from a
// microtask of its own or by its caller), `clock.timed` its value at the
// last call into the core that read the time. Only a make woken directly
// by a task's outcome, in the same promise reaction, keeps the time.
export const clock = { user: 0, timed: -1 };

/** A call into the core has just read the time (or kept it). */
export function markTimed() {
  clock.timed = clock.user;
}

/** Whether user code may have run since the core last read the time. */
export const fresh = () => clock.user !== clock.timed;

// ---- transitions and callbacks ----------------------------------------

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

/** The rarely used parts of a task, made on first use (one shape for all). */
export function extras(task) {
  return (task._x ??= {
    cancelOnResult: undefined,
    error: undefined,
    callbacks: undefined, // [{ state, callback }]
    waiters: undefined, // resolve functions of join()
    controller: undefined, // AbortController behind task.signal
    cancelRun: 0, // the run whose cancellation was requested
    observed: false,
    notes: undefined, // Map: index in the history -> extra given to event()
  });
}

/** Starts or stops delivering a make's transitions to its `onTransition`. */
export function setReporting(make, on) {
  if (on) reporters.add((make._reporter = new WeakRef(make)));
  else if (make._reporter !== undefined) reporters.delete(make._reporter);
}

/** Has Rust report this task's transitions. */
export function observe(task) {
  const x = extras(task);
  if (x.observed) return;
  x.observed = true;
  observed++;
  registerObserved(task);
  taskObserve(task._id, true);
}

/**
 * Keeps what the user passed to `event(name, extra)` with the transition
 * it caused: in the task's history (read back by `historyOf`), and for
 * the next `flush` when anyone may be told of it.
 */
export function noteUserExtra(task, extra) {
  if (extra === undefined) return;
  (extras(task).notes ??= new Map()).set(taskHistoryLength(task._id) - 1, extra);
  if (task._x.observed || reporters.size > 0) userExtras.push([task, extra]);
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

/**
 * The task's transitions, oldest first, made into objects now from the
 * core's records (`Graph::history_raw`): per transition `when` as an
 * f64's two 32-bit halves, a code, and the tasks its `because` names.
 */
export function historyOf(task) {
  const data = taskHistory(task._id);
  const when = new Float64Array(1);
  const halves = new Uint32Array(when.buffer);
  const notes = task._x?.notes;
  const history = [];
  for (let i = 0; i < data.length; ) {
    halves[0] = data[i];
    halves[1] = data[i + 1];
    const code = data[i + 2];
    const n = data[i + 3];
    const extra = {};
    const because = BECAUSE[(code >> 12) & 3];
    if (because !== undefined) {
      extra.because = because;
      extra.tasks = Array.from(data.subarray(i + 4, i + 4 + n), (id) => taskInComponent(task, id));
    }
    const note = notes?.get(history.length);
    if (note !== undefined) Object.assign(extra, note);
    history.push({ oldState: STATES[code & 15], newState: STATES[(code >> 4) & 15], event: EVENTS[(code >> 8) & 15], when: when[0], extra });
    i += 4 + n;
  }
  return history;
}

/** The Task of an id from an observed task or a reporting make. */
function taskOf(id) {
  const task = observedTask(id);
  if (task !== undefined || reporters.size === 0) return task;
  for (const make of reportingMakes()) {
    const local = make.taskOf(id);
    if (local !== undefined) return local;
  }
  return undefined;
}

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
      for (let i = 0; i < data.length; ) {
        const task = taskOf(data[i]);
        const [transition, next] = readTransition(data, i + 1, task);
        i = next;
        if (task === undefined) continue;
        const mine = userExtras.findIndex(([t]) => t === task);
        if (mine >= 0) Object.assign(transition.extra, userExtras.splice(mine, 1)[0][1]);
        deliver(task, transition);
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

function deliver(task, transition) {
  const x = task._x;
  const callbacks = x?.callbacks;
  if (callbacks !== undefined) {
    for (const entry of callbacks.slice()) {
      if (entry.state !== '*' && entry.state !== transition.newState) continue;
      call(entry.callback, task, transition);
    }
  }
  if (reporters.size > 0) {
    for (const make of reportingMakes()) if (make.taskOf(task._id) === task) call(make._options.onTransition, task, transition);
  }
  if (x?.waiters !== undefined && isSettled(S[transition.newState])) {
    const waiters = x.waiters;
    x.waiters = undefined;
    for (const resolve of waiters) resolve(task);
  }
}

// ---- waking makes ------------------------------------------------------

// Makes waiting for a change: functions to call at the next one. The
// first is kept apart: usually one make waits, and a fresh array per
// wake (a new backing store at each push) was most of what a chain of
// async tasks allocated beyond the functions' own promises.
let sleeper;
let moreSleepers = [];

/** Calls `wake` once, at the next change of any task. */
export function sleep(wake) {
  if (sleeper === undefined) sleeper = wake;
  else moreSleepers.push(wake);
}

/** A promise that resolves at the next change of any task. */
export function nextChange() {
  return new Promise(sleep);
}

/**
 * Wakes the sleeping makes, in the order they fell asleep. `direct` when
 * called from a promise reaction of ours (a task function's outcome
 * arriving), where no user code is on the stack: the makes go on at
 * once, saving a promise and a turn of the microtask queue per task.
 * Otherwise each goes on in a microtask of its own, so that a make never
 * runs functions inside a caller's code (an event() call, a sync task
 * function of another make).
 */
function wake(direct) {
  const first = sleeper;
  if (first === undefined) return;
  const more = moreSleepers.length > 0 ? moreSleepers : undefined;
  sleeper = undefined;
  if (more !== undefined) moreSleepers = [];
  if (!direct) clock.user++; // other code may run before they resume
  if (direct) first();
  else queueMicrotask(first);
  if (more === undefined) return;
  for (const resume of more) {
    if (direct) resume();
    else queueMicrotask(resume);
  }
}

let changes = 0;

/** How many changes so far: a make compares it to know whether to sleep. */
export function changeCount() {
  return changes;
}

/** After any change of state: tell callbacks, then makes. */
export function changed(direct = false) {
  changes++;
  flush();
  wake(direct);
}

// ---- running a task function -------------------------------------------

// Task functions whose promise has not settled yet.
let inFlight = 0;

/**
 * Runs the function of a task Rust has just moved to RUNNING. Returns a
 * promise when the function returned a thenable (settling once the
 * outcome is reported), else undefined (already reported).
 */
export function runTask(task) {
  const run = ++task._runs;
  const x = task._x;
  if (x?.controller?.signal.aborted) x.controller = undefined; // a fresh signal per attempt
  let value;
  let then;
  clock.user++;
  try {
    value = task._func.apply(task, task._args);
    if (value !== null && (typeof value === 'object' || typeof value === 'function')) then = value.then;
  } catch (error) {
    finishThrew(task, run, error, false);
    return undefined;
  }
  if (typeof then === 'function') {
    inFlight++;
    return Promise.resolve(value).then(
      (result) => finishReturned(task, run, result, --inFlight === 0),
      (error) => finishThrew(task, run, error, --inFlight === 0),
    );
  }
  finishReturned(task, run, value, false);
  return undefined;
}

/**
 * `direct`: called from a promise reaction, and no other function's
 * outcome is still to come (see `wake`). When others are, the makes wait
 * for the next microtask, by which time a burst of outcomes has arrived
 * and is taken in one go.
 */
function finishReturned(task, run, value, direct) {
  if (run !== task._runs) return; // a later attempt has started: stale
  let how = 0;
  const cancelOnResult = task._x?.cancelOnResult;
  if (cancelOnResult !== undefined) {
    try {
      if (cancelOnResult(value)) how = 1;
    } catch (error) {
      finishThrew(task, run, error, direct);
      return;
    }
  }
  if (taskFinish(task._id, how) === S.DONE) task._result = value;
  markTimed();
  changed(direct);
}

function finishThrew(task, run, error, direct) {
  if (run !== task._runs) return;
  const how = error instanceof CancellationError ? 3 : 2;
  if (taskFinish(task._id, how) === S.FAILED) extras(task).error = error;
  markTimed();
  changed(direct);
}
