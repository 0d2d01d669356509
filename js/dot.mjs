// Drawing tasks as Graphviz DOT (the Rust core writes it).

import { dotOfTasks, svgOfTasks } from '../pkg/taskqueue_wasm.js';
import { describe, tasksIn } from './registry.mjs';
import { Task } from './task.mjs';

/** Reads `(name?, options?)`, where a lone object is the options. */
export function readDotArgs(name, options) {
  if (options === undefined && name !== null && typeof name === 'object') {
    options = name;
    name = undefined;
  }
  if (name !== undefined && name !== null && typeof name !== 'string') throw new TypeError(`a graph name must be a string, got ${describe(name)}`);
  if (options !== undefined && options !== null && typeof options !== 'object') throw new TypeError(`drawing options must be an object, got ${describe(options)}`);
  const { followBlocking = false, sep = '\n' } = options ?? {};
  if (typeof sep !== 'string') throw new TypeError(`sep must be a string, got ${describe(sep)}`);
  return { name: name ?? undefined, followBlocking: Boolean(followBlocking), sep };
}

/** The tasks as a DOT digraph (SPEC §5). */
export function tasksAsDot(tasks, name, options) {
  const list = tasksIn(tasks, 'tasksAsDot(tasks)', Task);
  const args = readDotArgs(name, options);
  const ids = Uint32Array.from(list, (t) => t._id);
  return dotOfTasks(ids, args.name, args.followBlocking, args.sep);
}

/**
 * The same tasks and edges as an SVG document, laid out inside the
 * library; nodes carry `class="node"`, `data-state` and `data-task-id`.
 */
export function tasksAsSvg(tasks, name, options) {
  const list = tasksIn(tasks, 'tasksAsSvg(tasks)', Task);
  const args = readDotArgs(name, options);
  return svgOfTasks(Uint32Array.from(list, (t) => t._id), args.name, args.followBlocking);
}
