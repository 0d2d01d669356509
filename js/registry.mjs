// Task identity without a global weak map. The Rust core names tasks by
// id; JS finds the Task object for an id from a task it already holds,
// through their component.
//
// A component is the set of tasks linked by requirements, either way.
// Each linked task points to its component and the component holds all
// its tasks in one array, so a component lives or dies as a whole; once
// JS cannot reach a task, its Rust side is freed. `slotOf[id]` is the
// task's index in that array, so any task finds any other of its
// component by id at once. (Arrays of neighbours per task cost two young
// arrays per requirement: building a 100k random DAG took twice as long.
// A WeakRef per task cost about 1 µs to make and 0.3 µs per lookup.)
// A task that has never been linked has no component.

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

let slotOf = new Uint32Array(1024);

/** Puts `task` at the end of component `comp`. */
function enter(task, comp) {
  const id = task._id;
  if (id >= slotOf.length) {
    const grown = new Uint32Array(Math.max(id + 1, 2 * slotOf.length));
    grown.set(slotOf);
    slotOf = grown;
  }
  slotOf[id] = comp.length;
  comp.push(task);
  task._comp = comp;
}

/**
 * `a` and `b` are now linked: one component. The smaller one moves into
 * the larger, so a task moves O(log n) times at most.
 */
export function link(a, b) {
  const ca = a._comp;
  const cb = b._comp;
  if (ca === cb) {
    if (ca === undefined) {
      const comp = [];
      enter(a, comp);
      enter(b, comp);
    }
  } else if (ca === undefined) {
    enter(a, cb);
  } else if (cb === undefined) {
    enter(b, ca);
  } else {
    const [big, small] = ca.length >= cb.length ? [ca, cb] : [cb, ca];
    for (let i = 0; i < small.length; i++) enter(small[i], big);
  }
}

/** The task with this id in the component of `task` (or `task` itself). */
export function taskInComponent(task, id) {
  if (task._id === id) return task;
  const comp = task._comp;
  if (comp === undefined || id >= slotOf.length) return undefined;
  const found = comp[slotOf[id]];
  return found !== undefined && found._id === id ? found : undefined;
}

/**
 * The Tasks for `ids`, looked for in the components of the tasks in
 * `near` (undefined for an id found in none).
 */
export function resolveIds(ids, near) {
  return Array.from(ids, (id) => {
    for (const task of near) {
      const found = task ? taskInComponent(task, id) : undefined;
      if (found !== undefined) return found;
    }
    return undefined;
  });
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
