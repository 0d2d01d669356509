// Reading what is passed to `new Task`: the options object, its values,
// and a state given by name. Kept apart from task.mjs so that the class
// reads as what a task does; every mistake is a TypeError naming the
// task and what was wrong, so a typo is never silently ignored.
//
// Nothing here allocates when the options are right (no object of
// parsed options per task): the constructor destructures the options
// itself, between the check of their keys and the check of their values.

import { isTask } from './brand.mjs';
import { S, STATES } from './protocol.mjs';
import { TaskError } from './errors.mjs';
import { describe } from './registry.mjs';

const OPTIONS = new Set(['args', 'state', 'cancelOnException', 'cancelOnResult', 'track', 'requires', 'retry', 'timeout', 'runIf', 'key', 'codec', 'weight', 'priority', 'pool', 'estimate']);
const RETRY_KEYS = new Set(['attempts', 'delay', 'factor', 'maxDelay', 'jitter', 'retryOn']);

/** The options are an object with only the known keys. */
export function checkTaskOptions(name, options) {
  if (typeof options !== 'object') throw new TypeError(`the options of task '${name}' must be an object, got ${describe(options)}`);
  for (const key in options) {
    if (!OPTIONS.has(key)) throw new TypeError(`unknown option '${key}' for task '${name}' (known: ${[...OPTIONS].join(', ')})`);
  }
}

/** The values read from the options have the right types (`state`: see stateCode). */
export function checkTaskOptionValues(name, args, cancelOnResult, track) {
  if (!Array.isArray(args)) throw new TypeError(`args of task '${name}' must be an array, got ${describe(args)}`);
  if (cancelOnResult !== undefined && typeof cancelOnResult !== 'function') {
    throw new TypeError(`cancelOnResult of task '${name}' must be a function, got ${describe(cancelOnResult)}`);
  }
  if (typeof track !== 'boolean' && typeof track !== 'function') {
    throw new TypeError(`track of task '${name}' must be a boolean or a function, got ${describe(track)}`);
  }
}

/** The `requires` option as an array of Tasks (read once: it may be any iterable). */
export function requiredTasks(name, requires) {
  if (requires === null || typeof requires[Symbol.iterator] !== 'function' || typeof requires === 'string') {
    throw new TypeError(`requires of task '${name}' must be an iterable of Tasks, got ${describe(requires)}`);
  }
  const tasks = Array.from(requires);
  for (const other of tasks) {
    if (!isTask(other)) throw new TypeError(`requires of task '${name}' must hold only Tasks, got ${describe(other)}`);
  }
  return tasks;
}

/** The code of a state given by name; a TaskError for anything else. */
export function stateCode(state, task, name = task?._name) {
  const code = typeof state === 'string' ? S[state] : undefined;
  if (code === undefined) {
    const whose = name === undefined ? '' : `task '${name}': `;
    throw new TaskError(`${whose}unknown state ${describe(state)}: one of ${STATES.join(', ')}`, { task });
  }
  return code;
}

/** A number of ms that is not negative (Infinity allowed where `infinite`). */
function checkMs(name, what, value, infinite) {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`${what} of task '${name}' must be a number of ms, got ${describe(value)}`);
  if (value < 0 || (!infinite && value === Infinity)) {
    throw new RangeError(`${what} of task '${name}' must be ${infinite ? 'at least 0' : 'a finite number at least 0'}, got ${describe(value)}`);
  }
}

function checkAttempts(name, what, attempts) {
  if (typeof attempts !== 'number') throw new TypeError(`${what} of task '${name}' must be a number of attempts, got ${describe(attempts)}`);
  if (!Number.isInteger(attempts) || attempts < 1 || attempts >= 2 ** 32) {
    throw new RangeError(`${what} of task '${name}' must be a whole number of attempts, at least 1, got ${describe(attempts)}`);
  }
}

/**
 * The `retry` option (SPEC §8) as a frozen policy with every default
 * filled in: a number is the total of attempts; an object names them
 * (`attempts` required) and how long to wait between them.
 */
export function readRetry(name, retry) {
  if (typeof retry === 'number') {
    checkAttempts(name, 'retry', retry);
    return Object.freeze({ attempts: retry, delay: 0, factor: 2, maxDelay: Infinity, jitter: 0, retryOn: undefined });
  }
  if (retry === null || typeof retry !== 'object') {
    throw new TypeError(`retry of task '${name}' must be a number of attempts or a policy object, got ${describe(retry)}`);
  }
  for (const key in retry) {
    if (!RETRY_KEYS.has(key)) throw new TypeError(`unknown retry option '${key}' for task '${name}' (known: ${[...RETRY_KEYS].join(', ')})`);
  }
  const { attempts, delay = 0, factor = 2, maxDelay = Infinity, jitter = 0, retryOn } = retry;
  checkAttempts(name, 'retry.attempts', attempts);
  checkMs(name, 'retry.delay', delay, false);
  checkMs(name, 'retry.maxDelay', maxDelay, true);
  if (typeof factor !== 'number' || Number.isNaN(factor)) throw new TypeError(`retry.factor of task '${name}' must be a number, got ${describe(factor)}`);
  if (!(factor >= 1 && factor < Infinity)) throw new RangeError(`retry.factor of task '${name}' must be a finite number at least 1, got ${describe(factor)}`);
  if (typeof jitter !== 'number' || Number.isNaN(jitter)) throw new TypeError(`retry.jitter of task '${name}' must be a number, got ${describe(jitter)}`);
  if (!(jitter >= 0 && jitter <= 1)) throw new RangeError(`retry.jitter of task '${name}' must be within 0..1, got ${describe(jitter)}`);
  if (retryOn !== undefined && typeof retryOn !== 'function') {
    throw new TypeError(`retry.retryOn of task '${name}' must be a function, got ${describe(retryOn)}`);
  }
  return Object.freeze({ attempts, delay, factor, maxDelay, jitter, retryOn });
}

/** The `timeout` option: ms per attempt, more than 0 and finite. */
export function checkTimeout(name, timeout) {
  checkMs(name, 'timeout', timeout, false);
  if (timeout === 0) throw new RangeError(`timeout of task '${name}' must be more than 0 ms, got 0`);
}

/** The `runIf` option: whether the task runs once its prerequisites settle, whatever their outcome. */
export function runsIfSettled(name, runIf) {
  if (runIf !== 'done' && runIf !== 'settled') throw new TypeError(`runIf of task '${name}' must be 'done' or 'settled', got ${describe(runIf)}`);
  return runIf === 'settled';
}

/** The `key` option: a non-empty string. */
export function checkKey(name, key) {
  if (typeof key !== 'string') throw new TypeError(`key of task '${name}' must be a string, got ${describe(key)}`);
  if (key === '') throw new RangeError(`key of task '${name}' must not be empty`);
}

/**
 * The scheduling options (SPEC §12): `weight` a positive integer (slots
 * of the make's concurrency and of its pool the task holds while it
 * runs), `priority` a finite number, `pool` a non-empty string,
 * `estimate` a finite number of ms, at least 0.
 */
export function checkSchedule(name, weight, priority, pool, estimate) {
  if (estimate !== undefined) {
    if (typeof estimate !== 'number') throw new TypeError(`estimate of task '${name}' must be a number (ms), got ${describe(estimate)}`);
    if (!(Number.isFinite(estimate) && estimate >= 0)) throw new RangeError(`estimate of task '${name}' must be a finite number of ms, at least 0, got ${describe(estimate)}`);
  }
  if (weight !== undefined) {
    if (typeof weight !== 'number') throw new TypeError(`weight of task '${name}' must be a number, got ${describe(weight)}`);
    if (!Number.isInteger(weight) || weight < 1 || weight >= 2 ** 32) {
      throw new RangeError(`weight of task '${name}' must be a positive integer, got ${describe(weight)}`);
    }
  }
  if (priority !== undefined) {
    if (typeof priority !== 'number') throw new TypeError(`priority of task '${name}' must be a number, got ${describe(priority)}`);
    if (!Number.isFinite(priority)) throw new RangeError(`priority of task '${name}' must be a finite number, got ${describe(priority)}`);
  }
  if (pool !== undefined) {
    if (typeof pool !== 'string') throw new TypeError(`pool of task '${name}' must be a string, got ${describe(pool)}`);
    if (pool === '') throw new RangeError(`pool of task '${name}' must not be empty`);
  }
}
