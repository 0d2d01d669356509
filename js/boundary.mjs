// Where errors thrown in wasm become the package's errors. At start-up
// the core is given a factory (`initCore`) that builds FSMError,
// TaskError and BlockedError with the tasks concerned attached; the core
// names those tasks by id, so each call into wasm that may fail first
// names the tasks near it (`near`, `nearAll`), from whose components the
// factory finds the Task objects (see registry.mjs).

import { initCore } from '../pkg/taskqueue_wasm.js';
import { BlockedError, FSMError, TaskError } from './errors.mjs';
import { resolveIds } from './registry.mjs';

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
