// Durable runs (SPEC §9): what a make or a TaskQueue keeps in a store,
// and what it restores from one. A Recorder reads the store once as the
// run starts, gives tasks that have not started the settled state the
// store recorded for them, and then queues a record per transition and
// per ended attempt; the run waits for `flush()` (the records durable)
// before it acts on them: before it runs a function, yields a task or
// ends.
//
// Records are plain JSON-able data (`StoreRecord` in index.d.ts): the
// result of a DONE task is encoded by its codec (JSON by default, and
// strictly: what JSON would silently change or drop is an error).

import { taskHistoryLength, taskRestore } from '../pkg/taskqueue_wasm.js';
import { S } from './protocol.mjs';
import { check } from './boundary.mjs';
import { StoreError } from './errors.mjs';
import { extras } from './extras.mjs';
import { noteUserExtra } from './transitions.mjs';
import { describe } from './registry.mjs';
import { onAnyAttempt } from './attempts.mjs';
import { keyOf, openRecorders } from './recording.mjs';

export { keyOf };

/** The store option: an object with load(), append() and close(). */
export function checkStore(store, what = 'store') {
  const ok = store !== null && typeof store === 'object' && ['load', 'append', 'close'].every((m) => typeof store[m] === 'function');
  if (!ok) throw new TypeError(`${what} must be a store (an object with load(), append() and close()), got ${describe(store)}`);
  return store;
}

/** A codec option: an object with encode() and decode(). */
export function checkCodec(codec, what) {
  const ok = codec !== null && typeof codec === 'object' && typeof codec.encode === 'function' && typeof codec.decode === 'function';
  if (!ok) throw new TypeError(`${what} must be a codec (an object with encode() and decode()), got ${describe(codec)}`);
  return codec;
}

/**
 * Checks that JSON keeps `value` as it is: plain objects and arrays of
 * strings, finite numbers, booleans and null, no cycles. Returns the
 * value; throws a TypeError naming where the first problem is.
 */
function exactJson(value) {
  // Most results are one primitive: no walk.
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
  const seen = new Set();
  const stack = [[value, '']];
  while (stack.length > 0) {
    const [v, at] = stack.pop();
    const where = at === '' ? 'the result' : `the result at ${at}`;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new TypeError(`${where} is ${v}, which JSON cannot hold`);
      continue;
    }
    if (typeof v !== 'object') throw new TypeError(`${where} is ${describe(v)}, which JSON cannot hold`);
    if (seen.has(v)) throw new TypeError(`${where} is an object seen before (a cycle or a shared object)`);
    seen.add(v);
    if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push([item, `${at}[${i}]`]));
      continue;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(`${where} is a ${v.constructor?.name ?? 'class instance'}, which JSON would not give back as it was (pass a codec)`);
    }
    for (const key of Object.keys(v)) {
      if (v[key] === undefined) throw new TypeError(`${where}.${key} is undefined, which JSON would drop`);
      stack.push([v[key], `${at}.${key}`]);
    }
  }
  return value;
}

/** JSON, strictly: a value comes back from the store as it went in. */
export const JSON_CODEC = Object.freeze({ encode: exactJson, decode: (stored) => stored });

/** An error as a store keeps it. */
function storedError(error) {
  if (error instanceof Error) {
    const kept = { name: error.name, message: error.message };
    if (typeof error.stack === 'string') kept.stack = error.stack;
    return kept;
  }
  return { name: 'Error', message: String(error) };
}

/** An error read back from a store: an Error with its name, message and stack, `restored` true. */
function revivedError(kept) {
  const error = new Error(String(kept?.message ?? ''));
  error.name = String(kept?.name ?? 'Error');
  if (typeof kept?.stack === 'string') error.stack = kept.stack;
  error.restored = true;
  return error;
}

const SETTLED = new Set(['DONE', 'FAILED', 'CANCELLED', 'ABORT']);

export class Recorder {
  constructor(store, codec = JSON_CODEC) {
    this.store = store;
    this.codec = codec;
    this.byKey = new Map(); // key -> the task that has it in this run
    this.claimed = new Set(); // the tasks of byKey (a quicker test than by key)
    this.last = new Map(); // key -> the last record with a state, as loaded
    this.queue = []; // records not yet handed to the store
    this.failure = undefined; // a StoreError that ends the run
    this.offAttempts = undefined;
    // Tasks the store had RUNNING (a run cut short): their first attempt
    // here resumes that one (a remote job picks up the job it had).
    this.interrupted = new Set();
  }

  /** Reads the store; then every task of `tasks` is checked and restored. */
  async open(tasks) {
    for (const task of tasks) this.claim(task);
    let records;
    try {
      records = await this.store.load();
    } catch (error) {
      throw error instanceof StoreError ? error : new StoreError(`the store could not be read: ${error?.message ?? error}`, { cause: error });
    }
    if (!Array.isArray(records)) throw new StoreError(`the store's load() must give an array of records, got ${describe(records)}`);
    for (const record of records) {
      if (record === null || typeof record !== 'object' || typeof record.key !== 'string') {
        throw new StoreError(`the store holds a record that is not one of a taskqueue-wasm run: ${describe(record)}`);
      }
      if (record.state !== undefined) this.last.set(record.key, record);
    }
    for (const task of tasks) {
      if (!this.restore(task)) this.snapshot(task);
    }
    this.offAttempts = onAnyAttempt((task, attempt) => this.attempt(task, attempt));
    openRecorders.add(this);
  }

  /** The run takes in `task`: its key must be its own in this run. */
  claim(task) {
    if (this.claimed.has(task)) return;
    const key = keyOf(task);
    const other = this.byKey.get(key);
    if (other === undefined) {
      this.byKey.set(key, task);
      this.claimed.add(task);
    } else if (other !== task) {
      throw new StoreError(`tasks '${other._name}' and '${task._name}' have the same key '${key}' in one run with a store (give one a key option)`, { key, task });
    }
  }

  /**
   * Gives a task that has not started the settled state the store
   * recorded for it (DONE with its result); one recorded RUNNING or
   * QUEUED was interrupted and runs again. A task that has moved on in
   * this process keeps its state: what happens next is recorded.
   */
  restore(task) {
    const record = this.last.get(keyOf(task));
    if (record === undefined) return false;
    // Only a task fresh from `new Task` (as after a restart): one that
    // has had a transition in this process (run, retried by hand) is
    // further on than the store, and what it does next is recorded.
    const state = task.state;
    if ((state !== 'PENDING' && state !== 'PREPARE') || check(taskHistoryLength(task._id), task) > 0) return false;
    this.last.delete(keyOf(task)); // once
    // RUNNING or QUEUED: interrupted, it runs again; PENDING: as it is.
    if (!SETTLED.has(record.state)) {
      if (record.state === 'RUNNING') this.interrupted.add(task);
      return true;
    }
    let value;
    if (record.state === 'DONE' && 'result' in record) {
      try {
        value = (task._extras?.codec ?? this.codec).decode(record.result);
      } catch (error) {
        throw new StoreError(`the stored result of task '${task._name}' (key '${keyOf(task)}') could not be decoded: ${error?.message ?? error}`, { key: keyOf(task), task, cause: error });
      }
    }
    check(taskRestore(task._id, S[record.state]), task);
    if (record.state === 'DONE') task._result = value;
    if (record.state === 'FAILED' && record.error !== undefined) extras(task).error = revivedError(record.error);
    const extra = { restored: true };
    if (record.because !== undefined) extra.because = record.because;
    noteUserExtra(task, extra);
    return true;
  }

  /**
   * A task that settled in this process before the run (cancelled by
   * hand, made in a state, made by an earlier run without a store) is
   * recorded as it is, unless the store says so already: a restart then
   * finds it as the run found it.
   */
  snapshot(task) {
    const key = keyOf(task);
    const state = task.state;
    const known = this.last.get(key);
    this.last.delete(key);
    if (!SETTLED.has(state) || known?.state === state) return;
    this.record(task, { newState: state, event: task.history.at(-1)?.event, when: Date.now(), extra: {} });
  }

  /** Queues the record of a transition of one of the run's tasks. */
  record(task, transition) {
    if (this.failure !== undefined || transition.extra.restored) return;
    const key = keyOf(task);
    try {
      this.claim(task); // a task met during the run (a prerequisite added meanwhile)
    } catch (error) {
      this.failure = error;
      return;
    }
    const record = { key, when: transition.when, state: transition.newState };
    if (transition.event !== undefined) record.event = transition.event;
    if (transition.newState === 'DONE' && task._result !== undefined) {
      try {
        record.result = (task._extras?.codec ?? this.codec).encode(task._result);
      } catch (error) {
        this.failure = new StoreError(`the result of task '${task._name}' (key '${key}') cannot be stored: ${error?.message ?? error}`, { key, task, cause: error });
        return;
      }
    }
    if (transition.newState === 'FAILED' && task._extras?.error !== undefined) record.error = storedError(task._extras.error);
    if (transition.extra.because !== undefined) record.because = transition.extra.because;
    this.queue.push(record);
  }

  /** Queues the record of an ended attempt (SPEC §8) of one of the run's tasks. */
  attempt(task, attempt) {
    if (attempt.end === undefined || this.byKey.get(keyOf(task)) !== task) return;
    const kept = { number: attempt.number, outcome: attempt.outcome, start: attempt.start, end: attempt.end };
    if (attempt.error !== undefined) kept.error = storedError(attempt.error);
    this.queue.push({ key: keyOf(task), when: attempt.end, attempt: kept });
  }

  /** Whether records wait to be made durable (or the run must stop). */
  get dirty() {
    return this.queue.length > 0 || this.failure !== undefined;
  }

  /** Hands the queued records to the store; resolves once they are durable. */
  async flush() {
    if (this.failure !== undefined) throw this.failure;
    if (this.queue.length === 0) return;
    const records = this.queue;
    this.queue = [];
    try {
      await this.store.append(records);
    } catch (error) {
      this.failure = error instanceof StoreError ? error : new StoreError(`the store could not keep ${records.length} record${records.length === 1 ? '' : 's'}: ${error?.message ?? error}`, { cause: error });
      throw this.failure;
    }
  }

  /** The run is over: no more attempt records. */
  close() {
    this.offAttempts?.();
    this.offAttempts = undefined;
    openRecorders.delete(this);
  }
}
