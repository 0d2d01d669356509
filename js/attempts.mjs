// What a task's attempts look like from outside (SPEC §8): the records
// of `task.attempts`, `onAttempt` callbacks, `track`'s line per failed
// attempt, the random source of the jitter, and timers that may wait
// longer than setTimeout can. run.mjs runs the attempts; the rules
// (whether another attempt follows, after how long) are the core's.
//
// Tasks with a retry policy, a timeout or an onAttempt callback keep a
// record per attempt as it happens. Every other task has one attempt
// per run, and its record is read from its history when asked, so the
// tasks that use none of this pay nothing for it.

import { extras } from './extras.mjs';
import { historyOf } from './history.mjs';
import { clock } from './clock.mjs';
import { describe } from './registry.mjs';

let random = Math.random;

/**
 * Replaces the random source of the retry jitter (`Math.random` by
 * default; no argument restores it): a function returning numbers in
 * [0, 1), e.g. a seeded generator in a test.
 */
export function setRandom(source = Math.random) {
  if (typeof source !== 'function') throw new TypeError(`the random source must be a function, got ${describe(source)}`);
  random = source;
}

/** A number in [0, 1) for the jitter; a bad draw counts as 0 (no jitter taken off). */
export function draw() {
  const r = Number(random());
  return r >= 0 && r < 1 ? r : 0;
}

// setTimeout takes at most 2^31 - 1 ms (longer fires at once); longer
// waits are made of several.
const LONGEST = 2 ** 31 - 1;

/** A timer of any length; the returned object can be passed to `cancelTimer`. */
export function startTimer(fn, ms) {
  const timer = { id: undefined };
  const arm = (left) => {
    timer.id = setTimeout(left > LONGEST ? () => arm(left - LONGEST) : fn, Math.min(left, LONGEST));
  };
  arm(ms);
  return timer;
}

export function cancelTimer(timer) {
  if (timer !== undefined) clearTimeout(timer.id);
}

/** A new attempt's record (its fields are SPEC §8's). */
export function newRecord(number) {
  return { number, start: Date.now(), end: undefined, outcome: undefined, error: undefined };
}

// Listeners of every task's attempts: the recorders of runs with a store.
const everyAttempt = new Set();

/** Calls `listener(task, record)` for every attempt that begins or ends; returns the remover. */
export function onAnyAttempt(listener) {
  everyAttempt.add(listener);
  return () => everyAttempt.delete(listener);
}

/** Tells the task's onAttempt callbacks of a record that began or ended. */
export function tellAttempt(task, record) {
  for (const listener of everyAttempt) listener(task, record);
  const callbacks = task._extras?.attemptCallbacks;
  if (callbacks === undefined) return;
  for (const callback of callbacks.slice()) {
    clock.user++;
    try {
      callback(task, record);
    } catch (error) {
      console.error(`taskqueue-wasm: an attempt callback of ${task} threw (attempt ${record.number}):`, error);
    }
  }
}

/** `track: true`'s line for a failed attempt: with the wait when another follows. */
export function trackAttempt(task, record, delay) {
  const what = record.outcome === 'timeout' ? `timed out after ${record.error?.timeout} ms` : `failed: ${firstLine(record.error)}`;
  const next = delay === undefined ? '' : `; next in ${Math.round(delay)} ms`;
  console.log(`${task._name} attempt ${record.number} ${what}${next}`);
}

function firstLine(error) {
  const text = error instanceof Error ? error.message : String(error);
  const end = text.indexOf('\n');
  return end < 0 ? text : text.slice(0, end);
}

/** Calls `callback(task, record)` as each attempt begins and ends; returns the remover. */
export function addAttemptCallback(task, callback) {
  if (typeof callback !== 'function') throw new TypeError(`an attempt callback must be a function, got ${describe(callback)}`);
  const x = extras(task);
  x.recorded = true; // from the next attempt on, kept as it happens
  const entry = (t, record) => callback(t, record); // one entry per call, removed alone
  (x.attemptCallbacks ??= []).push(entry);
  return () => {
    const i = x.attemptCallbacks.indexOf(entry);
    if (i >= 0) x.attemptCallbacks.splice(i, 1);
  };
}

const OUTCOME = { DONE: 'done', FAILED: 'failed' };

/** `task.attempts`: copies of the current (or last) run's records. */
export function attemptsOf(task) {
  const kept = task._extras?.attempts;
  if (kept !== undefined) return kept.map((record) => ({ ...record }));
  // One attempt per run: the last entry into RUNNING and what followed.
  const history = historyOf(task);
  let i = history.length - 1;
  while (i >= 0 && history[i].newState !== 'RUNNING') i--;
  if (i < 0) return [];
  const left = history[i + 1];
  const outcome = left === undefined ? undefined : (OUTCOME[left.newState] ?? 'cancelled');
  const error = outcome === 'failed' ? task._extras?.error : undefined;
  return [{ number: 1, start: history[i].when, end: left?.when, outcome, error }];
}
