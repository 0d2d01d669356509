// Running a task function: calling it once the core has moved its task
// to RUNNING, and reporting how it ended (returned, threw, cancelled)
// back to the core by task id, then waking whoever waits for a change.
// Task#dispatch, make and the queue of a make all run tasks through here.

import { taskFinish } from '../pkg/taskqueue_wasm.js';
import { RETURNED, RETURNED_CANCEL, S, THREW, THREW_CANCELLATION } from './protocol.mjs';
import { clock, markTimed } from './clock.mjs';
import { CancellationError } from './errors.mjs';
import { extras } from './extras.mjs';
import { changed } from './wake.mjs';

// Task functions whose promise has not settled yet.
let inFlight = 0;

/**
 * Runs the function of a task Rust has just moved to RUNNING. Returns a
 * promise when the function returned a thenable (settling once the
 * outcome is reported), else undefined (already reported).
 */
export function runTask(task) {
  const run = ++task._runs;
  const x = task._extras;
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
  if (taskFinish(task._id, how) === S.DONE) task._result = value;
  markTimed();
  changed(direct);
}

function finishThrew(task, run, error, direct) {
  if (run !== task._runs) return;
  const how = error instanceof CancellationError ? THREW_CANCELLATION : THREW;
  if (taskFinish(task._id, how) === S.FAILED) extras(task).error = error;
  markTimed();
  changed(direct);
}
