// Where the wasm is started, and where its errors become the package's
// errors, by one route. An export that can fail returns `undefined` when
// it did, having stashed its error in the core (src/wasm/errors.rs); the
// caller passes what it got to `check` at once, which takes the error
// (`takeError`) and throws it as FSMError, TaskError, BlockedError or
// TypeError. The core names tasks by id: `check` is given the Tasks the
// call concerns, and finds the error's Tasks in their components (see
// registry.mjs).

import { initCore, protocol, takeError } from '../pkg/taskqueue_wasm.js';
import { BlockedError, FSMError, TaskError } from './errors.mjs';
import { ERROR_CLASS, ERROR_KIND, readProtocol } from './protocol.mjs';
import { resolveIds } from './registry.mjs';

/** Sets up the core and reads its codes; called once the wasm is instantiated. */
export function start() {
  initCore();
  readProtocol(protocol());
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
  if (cls === ERROR_CLASS.TypeError) return new TypeError(message);
  const [task, ...tasks] = resolveIds(ids, Array.isArray(a) ? a : [a, b]);
  if (cls === ERROR_CLASS.BlockedError) return new BlockedError(message, { task, blockingTask: tasks[0] });
  if (cls === ERROR_CLASS.TaskError) return new TaskError(message, { task, cycle: kind === ERROR_KIND.Cycle ? tasks : undefined });
  return new FSMError(message, { fsm: task });
}
