// Where the wasm is started, and where its errors become the package's
// errors, by one route. An export that can fail returns `undefined` when
// it did, having stashed its error in the core (src/wasm/errors.rs); the
// caller passes what it got to `check` at once, which takes the error
// (`takeError`) and throws it as FSMError, TaskError, BlockedError or
// TypeError. The core names tasks by id: `check` is given the Tasks the
// call concerns, and finds the error's Tasks in their components (see
// registry.mjs).

import { initCore, takeError } from '../pkg/taskqueue_wasm.js';
import { BlockedError, FSMError, TaskError } from './errors.mjs';
import { resolveIds } from './registry.mjs';

/** Sets up the core; called once the wasm is instantiated. */
export function start() {
  initCore();
}

/**
 * `result` of a call into the core, or when it is `undefined` (the call
 * failed), the core's error, thrown. `a` and `b`: the Tasks the call
 * concerns (`a` may be an array of Tasks), in whose components the
 * error's tasks are found.
 */
export function check(result, a, b) {
  if (result === undefined) throw coreError(a, b);
  return result;
}

/** The error the core stashed for the call that just failed, as the package's error. */
export function coreError(a, b) {
  const taken = takeError();
  if (taken === undefined) return new Error('taskqueue-wasm: a call into the core failed without an error');
  const [cls, kind, message, ids] = taken;
  if (cls === 'TypeError') return new TypeError(message);
  const [task, ...tasks] = resolveIds(ids, Array.isArray(a) ? a : [a, b]);
  if (cls === 'BlockedError') return new BlockedError(message, { task, blockingTask: tasks[0] });
  if (cls === 'TaskError') return new TaskError(message, { task, cycle: kind === 'Cycle' ? tasks : undefined });
  return new FSMError(message, { fsm: task });
}
