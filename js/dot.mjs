// Drawing tasks as Graphviz DOT (the Rust core writes it).

import { dotOfTasks, svgOfTasks } from '../pkg/taskqueue_wasm.js';
import { describe, tasksIn } from './registry.mjs';
import { check } from './boundary.mjs';

const DOT_OPTIONS = ['followBlocking', 'followRequired', 'sep'];

/**
 * Reads drawing options: `followBlocking` and `followRequired` (booleans)
 * and, where lines are written, `sep` (a string). Unknown keys and values
 * of the wrong type are TypeErrors, so a typo is not silently ignored.
 */
export function readDrawOptions(options, known = DOT_OPTIONS, what = 'drawing') {
  if (options === undefined || options === null) return { followBlocking: false, followRequired: false, sep: '\n' };
  if (typeof options !== 'object') throw new TypeError(`${what} options must be an object, got ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`unknown ${what} option '${key}' (known: ${known.join(', ')})`);
  }
  const { followBlocking = false, followRequired = false, sep = '\n' } = options;
  if (typeof followBlocking !== 'boolean') throw new TypeError(`followBlocking must be a boolean, got ${describe(followBlocking)}`);
  if (typeof followRequired !== 'boolean') throw new TypeError(`followRequired must be a boolean, got ${describe(followRequired)}`);
  if (typeof sep !== 'string') throw new TypeError(`sep must be a string, got ${describe(sep)}`);
  return { followBlocking, followRequired, sep };
}

/** Reads `(name?, options?)`, where a lone object is the options. */
export function readDotArgs(name, options) {
  if (options === undefined && name !== null && typeof name === 'object') {
    options = name;
    name = undefined;
  }
  if (name !== undefined && name !== null && typeof name !== 'string') throw new TypeError(`a graph name must be a string, got ${describe(name)}`);
  return { name: name ?? undefined, ...readDrawOptions(options) };
}

/**
 * The tasks as a DOT digraph (SPEC §5). With `followBlocking` the tasks
 * they block are drawn too, with `followRequired` their prerequisites,
 * transitively, after the given tasks (the order is fixed: see `drawn` in
 * src/dot.rs).
 */
export function tasksAsDot(tasks, name, options) {
  const list = tasksIn(tasks, 'tasksAsDot(tasks)');
  const args = readDotArgs(name, options);
  const ids = Uint32Array.from(list, (t) => t._id);
  return check(dotOfTasks(ids, args.name, args.followBlocking, args.followRequired, args.sep), list);
}

/**
 * The same tasks and edges as an SVG document, laid out inside the
 * library; nodes carry `class="node"`, `data-state` and `data-task-id`.
 */
export function tasksAsSvg(tasks, name, options) {
  const list = tasksIn(tasks, 'tasksAsSvg(tasks)');
  const args = readDotArgs(name, options);
  return check(svgOfTasks(Uint32Array.from(list, (t) => t._id), args.name, args.followBlocking, args.followRequired), list);
}
