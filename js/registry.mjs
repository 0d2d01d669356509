// Task identity: the Rust core names tasks by id; this maps ids back to
// the very Task objects the user made. The map is weak, so a task JS can
// no longer reach is collected, and its Rust side freed. (Tasks keep their
// neighbours alive themselves, see Task#require, so a prerequisite is
// never collected while a dependent lives.)

import { removeTask } from '../pkg/taskqueue_wasm.js';

const refs = [];
const reaper = new FinalizationRegistry((id) => {
  refs[id] = undefined;
  removeTask(id);
});

export function register(task, id) {
  refs[id] = new WeakRef(task);
  reaper.register(task, id);
}

export function taskOf(id) {
  const ref = refs[id];
  return ref === undefined ? undefined : ref.deref();
}

export function tasksOf(ids) {
  const tasks = new Array(ids.length);
  for (let i = 0; i < ids.length; i++) tasks[i] = taskOf(ids[i]);
  return tasks;
}

/** Task ids of an iterable of tasks, checked. */
export function idsOf(tasks, what, Task) {
  const list = tasks instanceof Task ? [tasks] : tasks;
  if (list === null || typeof list !== 'object' || typeof list[Symbol.iterator] !== 'function') {
    throw new TypeError(`${what} must be a Task or an iterable of Tasks`);
  }
  const out = [];
  for (const t of list) {
    if (!(t instanceof Task)) throw new TypeError(`${what} must contain only Tasks, got ${describe(t)}`);
    out.push(t);
  }
  return out;
}

export function describe(value) {
  if (value === null) return 'null';
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  if (typeof value === 'string') return `'${value}'`;
  return `${typeof value} ${String(value)}`;
}
