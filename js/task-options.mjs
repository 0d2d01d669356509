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

const OPTIONS = new Set(['args', 'state', 'cancelOnException', 'cancelOnResult', 'track', 'requires']);

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
