// The Task class: a task's JS side (its function, arguments, result,
// callbacks) over its Rust side (state, edges, rules), named by id.

import {
  addTask,
  taskBlockers,
  taskBlocking,
  taskCancel,
  taskDispatch,
  taskEvent,
  taskIsBlocked,
  taskRequire,
  taskRequired,
  taskSerial,
  taskSetRetry,
  taskSetSchedule,
  taskState,
} from '../pkg/taskqueue_wasm.js';
import { CancellationError } from './errors.mjs';
import { describe, link, register, taskInComponent } from './registry.mjs';
import { isSettled, S, STATES } from './protocol.mjs';
import { check } from './boundary.mjs';
import { extras } from './extras.mjs';
import { noteUserExtra, observe } from './transitions.mjs';
import { historyOf } from './history.mjs';
import { changed } from './wake.mjs';
import { runLeft, runTaskByHand } from './run.mjs';
import { addAttemptCallback, attemptsOf } from './attempts.mjs';
import { checkKey, checkSchedule, checkTaskOptions, checkTaskOptionValues, checkTimeout, readRetry, requiredTasks, runsIfSettled, stateCode } from './task-options.mjs';
import { poolNumber } from './pools.mjs';
import { checkCodec, keyOf } from './durable.mjs';
import { make } from './make.mjs';
import { tasksAsDot } from './dot.mjs';
import { brandTaskClass } from './brand.mjs';

const AsyncFunction = (async () => {}).constructor;
const NO_ARGS = Object.freeze([]);
let lastName; // the name addTask was last given

function trackLine(task, tr) {
  console.log(`${task.name} ${tr.oldState}->${tr.event}->${tr.newState}`);
}

/**
 * Refuses a method called on something that is not a Task (an unbound
 * `task.cancel` passed as an event handler, say): in the core a missing
 * id reads as 0, and the call would change whichever task has that id.
 */
function checkThis(task, method) {
  if (!(task instanceof Task) || task._id === undefined) {
    throw new TypeError(`Task#${method} called on ${describe(task)}, not on a Task (pass task.${method}.bind(task) as a callback)`);
  }
}

/** Why a task is FAILED or CANCELLED, if the make did it for its prerequisites. */
function failedForPrerequisites(task) {
  const code = taskState(task._id);
  if (code !== S.FAILED && code !== S.CANCELLED) return false;
  return historyOf(task).at(-1)?.extra.because !== undefined;
}

export class Task {
  static {
    brandTaskClass(this); // isTask, for the modules that cannot import Task
  }

  /**
   * `new Task(name, func, options)` or `new Task(func, options)` (the name
   * is then `func.name`).
   */
  constructor(name, func, options) {
    if (typeof name === 'function') {
      options = func;
      func = name;
      name = func.name || 'task';
    }
    if (typeof name !== 'string') throw new TypeError(`a task name must be a string, got ${describe(name)}`);
    if (typeof func !== 'function') throw new TypeError(`the function of task '${name}' must be a function, got ${describe(func)}`);
    let args = NO_ARGS;
    let state = 'PENDING';
    let cancelOnException = false;
    let cancelOnResult;
    let track = false;
    let requires;
    let retry;
    let timeout;
    let runIf = 'done';
    let key;
    let codec;
    let weight;
    let priority;
    let pool;
    let estimate;
    if (options !== undefined && options !== null) {
      checkTaskOptions(name, options);
      ({ args = NO_ARGS, state = 'PENDING', cancelOnException = false, cancelOnResult, track = false, requires, retry, timeout, runIf = 'done', key, codec, weight, priority, pool, estimate } = options);
      checkTaskOptionValues(name, args, cancelOnResult, track);
      if (requires !== undefined) requires = requiredTasks(name, requires);
      if (retry !== undefined) retry = readRetry(name, retry);
      if (timeout !== undefined) checkTimeout(name, timeout);
      if (key !== undefined) checkKey(name, key);
      if (codec !== undefined) checkCodec(codec, `codec of task '${name}'`);
      if (weight !== undefined || priority !== undefined || pool !== undefined || estimate !== undefined) checkSchedule(name, weight, priority, pool, estimate);
    }
    const ifSettled = runIf === 'done' ? false : runsIfSettled(name, runIf);
    const code = stateCode(state, undefined, name);
    // The core keeps the name given last: pass it only when it changes.
    const changedName = name === lastName ? undefined : (lastName = name);
    this._id = check(addTask(changedName, code, Boolean(cancelOnException), func instanceof AsyncFunction, ifSettled));
    this._name = name;
    this._func = func;
    this._args = args;
    this._result = undefined;
    this._runs = 0; // number of the current run, to tell stale outcomes
    this._comp = undefined; // the tasks linked to this one, either way (see registry.mjs)
    // What few tasks use (callbacks, joiners, a signal, an error, ...),
    // kept apart: a million tasks then take 56 MB less, and GC less.
    this._extras = undefined; // see extras.mjs
    if (cancelOnResult !== undefined) extras(this).cancelOnResult = cancelOnResult;
    if (key !== undefined) extras(this).key = key;
    if (codec !== undefined) extras(this).codec = codec;
    if (retry !== undefined || timeout !== undefined) {
      const x = extras(this);
      x.recorded = true;
      x.timeout = timeout;
      x.track = track === true;
      if (retry !== undefined) {
        x.policy = retry;
        check(taskSetRetry(this._id, retry.attempts, retry.delay, retry.factor, retry.maxDelay, retry.jitter), this);
      }
    }
    if (weight !== undefined || priority !== undefined || pool !== undefined || estimate !== undefined) {
      check(taskSetSchedule(this._id, weight ?? 1, priority ?? 0, pool === undefined ? 0 : poolNumber(pool), estimate ?? 1), this);
    }
    register(this);
    if (track) this.onTransition('*', track === true ? trackLine : track);
    if (requires !== undefined) for (const other of requires) this.require(other);
  }

  /** Stable id, also the task's DOT node id. */
  get id() {
    return check(taskSerial(this._id), this);
  }

  get name() {
    return this._name;
  }

  /** What identifies the task in a store (SPEC §9): the `key` option, else the name. */
  get key() {
    return keyOf(this);
  }

  get state() {
    return STATES[taskState(this._id)];
  }

  /** Value of the attempt that ended DONE. */
  get result() {
    return this._result;
  }

  /**
   * Every transition since the task was made, oldest first (a new array
   * each time): `{ oldState, newState, event, when, extra }`, where a
   * transition the make fired for prerequisites has `extra.because` and
   * `extra.tasks`.
   */
  get history() {
    return historyOf(this);
  }

  /**
   * The attempts of the current (or last) run, oldest first (copies):
   * `{ number, start, end, outcome, error }`, `end` and `outcome`
   * undefined while the attempt runs (SPEC §8).
   */
  get attempts() {
    return attemptsOf(this);
  }

  /** What the attempt that ended FAILED threw, as it was thrown. */
  get error() {
    return this._extras?.error;
  }

  /** Prerequisites, in the order they were required. */
  get required() {
    return Array.from(check(taskRequired(this._id), this), (id) => taskInComponent(this, id));
  }

  /** Dependents, in the order they were added. */
  get blocking() {
    return Array.from(check(taskBlocking(this._id), this), (id) => taskInComponent(this, id));
  }

  /** Aborted when the running attempt is cancelled; a new attempt gets a new one. */
  get signal() {
    const x = extras(this);
    if (x.controller === undefined) {
      x.controller = new AbortController();
      if (x.cancelRun === this._runs && this._runs > 0 && taskState(this._id) === S.RUNNING) {
        x.controller.abort(new CancellationError(`task '${this._name}' was cancelled`));
      }
    }
    return x.controller.signal;
  }

  /** This task may not run before `other` is completed. */
  require(other) {
    checkThis(this, 'require');
    if (!(other instanceof Task)) throw new TypeError(`a task can only require a Task, got ${describe(other)}`);
    if (check(taskRequire(this._id, other._id), this, other)) link(this, other); // a new requirement
  }

  /** `other` may not run before this task is completed. */
  block(other) {
    if (!(other instanceof Task)) throw new TypeError(`a task can only block a Task, got ${describe(other)}`);
    other.require(this);
  }

  /**
   * `then(task)`: that task requires this one. `then([name,] func,
   * options)`: a new task requiring this one. Returns the dependent.
   */
  then(next, func, options) {
    if (typeof next === 'function' && typeof func === 'function') {
      // Not our API (options are never a function): a Promise is adopting
      // this task (`await task`, `return task` from an async function,
      // resolving a Promise<Task>). Fulfil it with the task itself, at
      // once: hide `then` while `resolve` looks for it, so the task is
      // taken as a plain value. To wait for a task, use join().
      this.then = undefined;
      try {
        next(this);
      } finally {
        delete this.then;
      }
      return undefined;
    }
    if (!(next instanceof Task)) next = new Task(next, func, options);
    next.require(this);
    return next;
  }

  isCompleted() {
    const code = taskState(this._id);
    return code === S.DONE || code === S.FAILED || code === S.ABORT;
  }

  isBlocked() {
    return check(taskIsBlocked(this._id), this);
  }

  /** Prerequisites not yet completed. */
  blockers() {
    return Array.from(check(taskBlockers(this._id), this), (id) => taskInComponent(this, id));
  }

  /**
   * Runs the task now. Resolves to the task once its function has ended
   * (whatever the outcome; see `state`, `result`, `error`); rejects with
   * BlockedError if a prerequisite is not completed, or TaskError if the
   * task cannot be dispatched in its state.
   */
  dispatch() {
    try {
      checkThis(this, 'dispatch');
    } catch (error) {
      return Promise.reject(error);
    }
    try {
      check(taskDispatch(this._id), this);
    } catch (error) {
      return Promise.reject(error);
    }
    changed();
    const running = runTaskByHand(this);
    return running === undefined ? Promise.resolve(this) : running.then(() => this);
  }

  /** Cancels the task: a running one cooperatively (its `signal` aborts). */
  cancel() {
    checkThis(this, 'cancel');
    if (check(taskCancel(this._id), this)) {
      // Running: cancellation is only requested.
      const x = extras(this);
      x.cancelRun = this._runs;
      x.controller?.abort(new CancellationError(`task '${this._name}' was cancelled`));
    } else {
      runLeft(this); // cancelled while it waited to retry: at once
    }
    changed();
  }

  /** Fires any event of the table, e.g. 'retry'; returns the new state. */
  event(name, extra) {
    checkThis(this, 'event');
    if (typeof name !== 'string') throw new TypeError(`an event name must be a string, got ${describe(name)}`);
    if (extra !== undefined && (extra === null || typeof extra !== 'object')) {
      throw new TypeError(`extra must be an object, got ${describe(extra)}`);
    }
    const wasRunning = taskState(this._id) === S.RUNNING;
    const code = check(taskEvent(this._id, name), this);
    if (wasRunning && code !== S.RUNNING) {
      // The run was ended by hand and its outcome will be ignored: tell
      // the function, which may otherwise wait for ever for its signal.
      const x = extras(this);
      (x.controller ??= new AbortController()).abort(new CancellationError(`the run of task '${this._name}' was ended by event '${name}'`));
      runLeft(this);
    }
    noteUserExtra(this, extra);
    changed();
    return STATES[code];
  }

  /**
   * Fires `retry` on this task and on every dependent, transitively,
   * that failed or was cancelled because of its prerequisites, so that
   * making a dependent runs them all again. Returns the tasks retried:
   * this one first, then dependents breadth first. Throws (retrying
   * nothing) when this task is neither FAILED nor CANCELLED.
   */
  retry() {
    checkThis(this, 'retry');
    this.event('retry');
    const retried = [this];
    const seen = new Set(retried);
    for (let i = 0; i < retried.length; i++) {
      for (const dependent of retried[i].blocking) {
        if (seen.has(dependent)) continue;
        seen.add(dependent);
        if (failedForPrerequisites(dependent)) {
          dependent.event('retry');
          retried.push(dependent);
        }
      }
    }
    return retried;
  }

  /**
   * Calls `callback(task, transition)` after each transition into `state`
   * ('*': any). Returns a function that removes the callback.
   */
  onTransition(state, callback) {
    checkThis(this, 'onTransition');
    if (state !== '*') stateCode(state, this);
    if (typeof callback !== 'function') throw new TypeError(`a transition callback must be a function, got ${describe(callback)}`);
    observe(this);
    const entry = { state, callback };
    const x = extras(this);
    (x.callbacks ??= []).push(entry);
    return () => {
      const i = x.callbacks.indexOf(entry);
      if (i >= 0) x.callbacks.splice(i, 1);
    };
  }

  /**
   * Calls `callback(task, attempt)` when each attempt begins and when it
   * ends (`attempt` is its record, see `attempts`), from the next
   * attempt on. Returns a function that removes the callback.
   */
  onAttempt(callback) {
    checkThis(this, 'onAttempt');
    return addAttemptCallback(this, callback);
  }

  /** Settles with the task when it next completes or is cancelled (now, if it is). */
  join() {
    try {
      checkThis(this, 'join');
    } catch (error) {
      return Promise.reject(error);
    }
    if (isSettled(taskState(this._id))) return Promise.resolve(this);
    observe(this);
    const x = extras(this);
    return new Promise((resolve) => (x.waiters ??= []).push(resolve));
  }

  /** Makes this task; resolves to whether it is completed (DONE, FAILED or ABORT). */
  async make(options) {
    for await (const _ of make(this, options)); // eslint-disable-line no-unused-vars
    return this.isCompleted();
  }

  /** This task (and with followBlocking, what it blocks) as DOT. */
  asDot(name, options) {
    return tasksAsDot([this], name, options);
  }

  toString() {
    return `Task:${this._name}:${this.state}`;
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `Task(${JSON.stringify(this._name)}, state=${this.state})`;
  }
}
