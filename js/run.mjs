// Running a task function: calling it once the core has moved its task
// to RUNNING, and reporting how it ended (returned, threw, cancelled)
// back to the core by task id, then waking whoever waits for a change.
// Task#dispatch, make and the queue of a make all run tasks through here.
//
// Two paths. Most tasks take the first: one call, one outcome, no
// record kept. A task with a retry policy, a timeout or an onAttempt
// callback (SPEC §8) takes the second, `runAttempts`: a record per
// attempt, a timer per attempt for its timeout, and between attempts a
// timer for the wait the core asked for.

import { taskFinish, taskNextAttempt } from '../pkg/taskqueue_wasm.js';
import { RETURNED, RETURNED_CANCEL, S, THREW, THREW_CANCELLATION } from './protocol.mjs';
import { clock, markTimed } from './clock.mjs';
import { CancellationError, TimeoutError } from './errors.mjs';
import { extras } from './extras.mjs';
import { changed } from './wake.mjs';
import { wantedByAMake } from './makes.mjs';
import { cancelTimer, draw, newRecord, startTimer, tellAttempt, trackAttempt } from './attempts.mjs';

// Tasks between two attempts, waiting for the next.
const waiting = new Set();

// Task functions whose promise has not settled yet.
let inFlight = 0;

/**
 * Runs the function of a task Rust has just moved to RUNNING. Returns a
 * promise when the function returned a thenable (settling once the
 * outcome is reported), else undefined (already reported).
 */
export function runTask(task) {
  const x = task._extras;
  if (x?.recorded) return runAttempts(task, x, true);
  const run = ++task._runs;
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
 * outcome is still to come (see `wake` in wake.mjs). When others are,
 * the makes wait for the next microtask, by which time a burst of
 * outcomes has arrived and is taken in one go.
 */
function finishReturned(task, run, value, direct) {
  if (run !== task._runs) return; // a later attempt has started: stale
  let how = RETURNED;
  const cancelOnResult = task._extras?.cancelOnResult;
  if (cancelOnResult !== undefined) {
    try {
      if (cancelOnResult(value)) how = RETURNED_CANCEL;
    } catch (error) {
      finishThrew(task, run, error, direct);
      return;
    }
  }
  if (taskFinish(task._id, how, false, 0) === S.DONE) task._result = value;
  markTimed();
  changed(direct);
}

function finishThrew(task, run, error, direct) {
  if (run !== task._runs) return;
  const how = error instanceof CancellationError ? THREW_CANCELLATION : THREW;
  if (taskFinish(task._id, how, false, 0) === S.FAILED) extras(task).error = error;
  markTimed();
  changed(direct);
}

/**
 * `runTask` for a task dispatched by hand (`task.dispatch()`, a
 * TaskQueue): its attempts go on whatever makes do, for its caller.
 * (Not a parameter of runTask: an argument more on make's hot path
 * measured +18% in six alternating runs of a 100,000-task async fan.)
 */
export function runTaskByHand(task) {
  const x = task._extras;
  return x?.recorded ? runAttempts(task, x, false) : runTask(task);
}

// ---- Attempts (SPEC §8) ----

/**
 * Runs a run of a task that keeps records: its first attempt now, later
 * ones when the core says so; `byMake`: a make started it (see
 * `stopUnwantedRetries`). Returns a promise that settles when the
 * run has ended (all its attempts), or been ended.
 */
function runAttempts(task, x, byMake) {
  x.byMake = byMake;
  x.attempts = [];
  const ended = new Promise((resolve) => (x.endRun = resolve));
  startAttempt(task, x);
  return ended;
}

// The call below repeats runTask's on purpose: runTask is make's hot
// path, and a shared helper for calling and reading `then` was not worth
// a function boundary there.
function startAttempt(task, x) {
  const run = ++task._runs;
  // A signal of its own: the last attempt's listeners stay with the last one.
  x.controller = undefined;
  const record = newRecord(x.attempts.length + 1);
  x.attempts.push(record);
  tellAttempt(task, record);
  if (x.timeout !== undefined) x.timeoutTimer = startTimer(() => timedOut(task, x, run, record), x.timeout);
  let value;
  let then;
  clock.user++;
  try {
    value = task._func.apply(task, task._args);
    if (value !== null && (typeof value === 'object' || typeof value === 'function')) then = value.then;
  } catch (error) {
    attemptThrew(task, x, run, record, error, false);
    return;
  }
  if (typeof then === 'function') {
    Promise.resolve(value).then(
      (result) => attemptReturned(task, x, run, record, result),
      (error) => attemptThrew(task, x, run, record, error, false),
    );
  } else {
    attemptReturned(task, x, run, record, value);
  }
}

/** The attempt is over already (timed out, ended by hand) or a later one runs. */
function isStale(task, run, record) {
  return run !== task._runs || record.end !== undefined;
}

function attemptReturned(task, x, run, record, value) {
  if (isStale(task, run, record)) return;
  let how = RETURNED;
  if (x.cancelOnResult !== undefined) {
    try {
      if (x.cancelOnResult(value)) how = RETURNED_CANCEL;
    } catch (error) {
      attemptThrew(task, x, run, record, error, false);
      return;
    }
  }
  const code = taskFinish(task._id, how, false, 0);
  if (code === S.DONE) task._result = value;
  endAttempt(task, x, record, code === S.DONE ? 'done' : 'cancelled', undefined);
  endRun(x);
  markTimed();
  changed();
}

function attemptThrew(task, x, run, record, error, timedOut) {
  if (isStale(task, run, record)) return;
  const cancellation = error instanceof CancellationError;
  const policy = x.policy;
  let retryable = false;
  // Whether another attempt could follow is the core's to say; retryOn
  // is asked only while attempts remain and no cancel was asked for.
  if (!cancellation && policy !== undefined && record.number < policy.attempts && x.cancelRun !== run) {
    retryable = true;
    if (policy.retryOn !== undefined) {
      clock.user++;
      try {
        retryable = Boolean(policy.retryOn(error, record.number));
      } catch (thrown) {
        error = thrown; // a broken retryOn fails the task with its own error
        retryable = false;
      }
    }
  }
  const random = retryable && policy.jitter > 0 ? draw() : 0;
  const code = taskFinish(task._id, cancellation ? THREW_CANCELLATION : THREW, retryable, random);
  const outcome = timedOut ? 'timeout' : code === S.FAILED || code < 0 ? 'failed' : 'cancelled';
  // Another attempt follows after this many ms (the task stays RUNNING);
  // kept where onAttempt callbacks can read it (progress.mjs shows it).
  const delay = code < 0 ? -1 - code : undefined;
  x.nextDelay = delay;
  endAttempt(task, x, record, outcome, error);
  if (delay !== undefined) {
    if (x.track) trackAttempt(task, record, delay);
    x.retryTimer = startTimer(() => nextAttempt(task, x, run), delay);
    waiting.add(task);
    // Unless every make that could want it has ended.
    if (x.byMake && !wantedByAMake(task)) task.cancel();
    return;
  }
  if (code === S.FAILED) {
    x.error = error;
    if (x.track) trackAttempt(task, record, undefined);
  }
  endRun(x);
  markTimed();
  changed();
}

function endAttempt(task, x, record, outcome, error) {
  cancelTimer(x.timeoutTimer);
  x.timeoutTimer = undefined;
  record.end = Date.now();
  record.outcome = outcome;
  record.error = error;
  tellAttempt(task, record);
}

/** The run has ended: whoever waits for it (dispatch, a queue) goes on. */
function endRun(x) {
  const resolve = x.endRun;
  x.endRun = undefined;
  resolve?.();
}

function nextAttempt(task, x, run) {
  x.retryTimer = undefined;
  waiting.delete(task);
  if (run !== task._runs) return; // a new run has started meanwhile
  const next = taskNextAttempt(task._id);
  if (next === 0) startAttempt(task, x);
  else if (next > 0) {
    // A make's rate limit (SPEC §12) holds the attempt back: wait on.
    x.retryTimer = startTimer(() => nextAttempt(task, x, run), next);
    waiting.add(task);
  } else endRun(x); // the task moved on while it waited
}

function timedOut(task, x, run, record) {
  x.timeoutTimer = undefined;
  if (isStale(task, run, record)) return;
  const error = new TimeoutError(`attempt ${record.number} of task '${task._name}' timed out after ${x.timeout} ms`, { timeout: x.timeout, task });
  // The attempt's signal says why; the function may be listening.
  (x.controller ??= new AbortController()).abort(error);
  attemptThrew(task, x, run, record, error, true);
}

/**
 * The task has left RUNNING other than by its function's outcome
 * (cancelled while it waited to retry, an event fired by hand): its
 * timers stop, its current attempt ends as cancelled, and whoever waits
 * for the run goes on. Nothing when no recorded run is under way.
 */
export function runLeft(task) {
  const x = task._extras;
  if (x?.endRun === undefined) return;
  cancelTimer(x.retryTimer);
  x.retryTimer = undefined;
  waiting.delete(task);
  const record = x.attempts.at(-1);
  if (record !== undefined && record.end === undefined) endAttempt(task, x, record, 'cancelled', undefined);
  endRun(x);
}

/**
 * A make has ended: tasks started by makes that wait to retry, and that
 * no running make has met, are cancelled. A next attempt is something
 * new, and a make that has ended starts nothing new; so no retry timer
 * outlives the makes that could use it. (A task dispatched by hand goes
 * on: its caller waits for it.)
 */
export function stopUnwantedRetries() {
  for (const task of waiting) {
    if (task._extras.byMake && !wantedByAMake(task)) task.cancel();
  }
}
