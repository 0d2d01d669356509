// Task identity without a global weak map. The Rust core names tasks by
// id; JS finds the Task object for an id from a task it already holds:
// a make knows its given tasks and learns each prerequisite as "number k
// of a task it knows", errors resolve through the neighbours of the task
// concerned, and only observed tasks (callbacks, track, join) sit in a
// weak map, for delivering their transitions. (A WeakRef per task cost
// about 1 µs to make and 0.3 µs per lookup; this costs nothing.)
//
// Tasks hold their neighbours strongly (`_req`, `_deps`), so a component
// lives or dies together; once JS cannot reach a task, its Rust side is
// freed.

import { removeTasks } from '../pkg/taskqueue_wasm.js';

const observedRefs = new Map();
// Ids of collected tasks, freed in Rust together once this round of
// finalizers is over: a component dies as a whole, and freeing its tasks
// one at a time cost a scan of a hub's list per task (quadratic).
let dead = [];
const freeDead = () => {
  const ids = Uint32Array.from(dead);
  dead = [];
  removeTasks(ids);
};
const reaper = new FinalizationRegistry((id) => {
  observedRefs.delete(id);
  if (dead.push(id) === 1) queueMicrotask(freeDead);
});

export function register(task, id) {
  reaper.register(task, id);
}

/** Keeps a weak handle on an observed task, so its transitions can be told. */
export function registerObserved(task) {
  observedRefs.set(task._id, new WeakRef(task));
}

export function observedTask(id) {
  return observedRefs.get(id)?.deref();
}

/** The prerequisite of `task` with this id (a short scan of `_req`). */
export function prerequisiteById(task, id) {
  const req = task._req;
  for (let i = 0; i < req.length; i++) if (req[i]._id === id) return req[i];
  return undefined;
}

/**
 * The Tasks for `ids`, searched from the tasks in `near` outwards along
 * requirements both ways. Used for errors, which are rare: cost does not
 * matter, certainty does.
 */
export function resolveIds(ids, near) {
  const wanted = new Map();
  for (const id of ids) wanted.set(id, undefined);
  let missing = wanted.size;
  const seen = new Set();
  const queue = near.filter(Boolean);
  for (let head = 0; head < queue.length && missing > 0; head++) {
    const task = queue[head];
    if (seen.has(task)) continue;
    seen.add(task);
    if (wanted.has(task._id) && wanted.get(task._id) === undefined) {
      wanted.set(task._id, task);
      missing--;
    }
    for (const next of task._req) queue.push(next);
    for (const next of task._deps) queue.push(next);
  }
  return Array.from(ids, (id) => wanted.get(id));
}

/** The tasks of a Task or an iterable of Tasks, checked. */
export function tasksIn(tasks, what, Task) {
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
