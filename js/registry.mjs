// Task identity and lifetime without a weak reference per task. The Rust
// core names tasks by id; JS finds the Task object for an id from a task
// it already holds, through their component.
//
// A component is the set of tasks linked by requirements, either way.
// Each linked task points to its component, which holds all its tasks in
// one array, so a component lives or dies as a whole; `slotOf[id]` is a
// task's index in that array, so any task finds any other of its
// component by id at once. (Arrays of neighbours per task cost two young
// arrays per requirement: building a 100k random DAG took twice as long.
// A WeakRef per task cost about 1 µs to make and 0.3 µs per lookup.)
//
// Once JS cannot reach a task, its Rust side is freed: a task never
// linked is watched on its own, a component as a whole (one weak cell
// for all its tasks, not one per task). Which of the two applies is only
// known once a graph is built, so a new task is watched from the next
// microtask on; until then the list of new tasks keeps it alive. Each
// task is covered by exactly one of: that list, its own weak cell
// (`_comp === ALONE`), its component's.

import { removeComponents, removeTasks } from '../pkg/taskqueue_wasm.js';
import { isTask } from './brand.mjs';
import { describe } from './describe.mjs';

class Component {
  constructor() {
    this.tasks = [];
    this.watched = false;
  }
}

/** The component of a task watched on its own: it has no neighbours. */
const ALONE = Object.freeze(new Component());

const observedRefs = new Map();

// What died, freed in Rust together once this round of finalizers is
// over: freeing a hub's dependents one at a time scanned its list each
// time (quadratic). A number is a lone task's id; `~id` a component's,
// named by one of its tasks.
let deadTasks = [];
let deadComponents = [];
function freeDead() {
  if (deadTasks.length > 0) removeTasks(Uint32Array.from(deadTasks));
  if (deadComponents.length > 0) removeComponents(Uint32Array.from(deadComponents));
  deadTasks = [];
  deadComponents = [];
  // Observed tasks of dead components: their weak handles are empty.
  for (const [id, ref] of observedRefs) if (ref.deref() === undefined) observedRefs.delete(id);
}
const reaper = new FinalizationRegistry((held) => {
  if (deadTasks.length + deadComponents.length === 0) queueMicrotask(freeDead);
  if (held >= 0) deadTasks.push(held);
  else deadComponents.push(~held);
});

let unwatched = [];

/** Watches the new tasks, each alone or as part of its component. */
function watchNew() {
  const tasks = unwatched;
  unwatched = [];
  for (const task of tasks) {
    const comp = task._comp;
    if (comp === undefined) {
      task._comp = ALONE;
      reaper.register(task, task._id, task);
    } else {
      watchComponent(comp, task);
    }
  }
}

function watchComponent(comp, member) {
  if (comp.watched) return;
  comp.watched = true;
  reaper.register(comp, ~member._id, comp);
}

/** A new task: freed in Rust once JS cannot reach it. */
export function register(task) {
  if (unwatched.push(task) === 1) queueMicrotask(watchNew);
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
  slotOf[id] = comp.tasks.length;
  comp.tasks.push(task);
  task._comp = comp;
}

/** A task without neighbours joins `comp`; its own weak cell goes. */
function join(task, comp) {
  if (task._comp === ALONE) {
    reaper.unregister(task);
    watchComponent(comp, task);
  }
  enter(task, comp);
}

const alone = (comp) => comp === undefined || comp === ALONE;

/**
 * `a` and `b` are now linked: one component. The smaller one moves into
 * the larger, so a task moves O(log n) times at most.
 */
export function link(a, b) {
  const ca = a._comp;
  const cb = b._comp;
  if (alone(ca) && alone(cb)) {
    const comp = new Component();
    join(a, comp);
    join(b, comp);
  } else if (alone(ca)) {
    join(a, cb);
  } else if (alone(cb)) {
    join(b, ca);
  } else if (ca !== cb) {
    const [big, small] = ca.tasks.length >= cb.tasks.length ? [ca, cb] : [cb, ca];
    if (small.watched) {
      reaper.unregister(small);
      watchComponent(big, small.tasks[0]);
    }
    for (const task of small.tasks) enter(task, big);
  }
}

/** The task with this id in the component of `task` (or `task` itself). */
export function taskInComponent(task, id) {
  if (task._id === id) return task;
  const comp = task._comp;
  if (comp === undefined || id >= slotOf.length) return undefined;
  const found = comp.tasks[slotOf[id]];
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
export function tasksIn(tasks, what) {
  const list = isTask(tasks) ? [tasks] : tasks;
  if (list === null || typeof list !== 'object' || typeof list[Symbol.iterator] !== 'function') {
    throw new TypeError(`${what} must be a Task or an iterable of Tasks`);
  }
  const check = (t) => {
    if (!isTask(t)) throw new TypeError(`${what} must contain only Tasks, got ${describe(t)}`);
    return t;
  };
  // A copy, so that the caller's array may change meanwhile; sized at
  // once when the length is known (growing it cost 27 bytes a task).
  if (!Array.isArray(list)) return Array.from(list, check);
  const out = new Array(list.length);
  for (let i = 0; i < list.length; i++) out[i] = check(list[i]);
  return out;
}

export { describe };
