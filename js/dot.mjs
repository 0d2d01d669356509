// Drawing tasks as Graphviz DOT (the Rust core writes it).

import { dotOfTasks, svgOfTasks } from '../pkg/taskqueue_wasm.js';
import { describe, tasksIn } from './registry.mjs';
import { check } from './boundary.mjs';
import { groupedSvg } from './groups.mjs';

const DOT_OPTIONS = ['followBlocking', 'followRequired', 'sep'];
const SVG_OPTIONS = [...DOT_OPTIONS, 'group', 'expand'];
/** `group: true`: siblings are grouped from this many on. */
export const GROUP_MIN = 10;

/**
 * Reads the grouping options of SVG drawings and layouts (SPEC §11):
 * `group` (false, the default: every task its own box; true: groups of
 * GROUP_MIN siblings or more; a number >= 2: that many or more) and
 * `expand` (tasks whose groups are drawn expanded). Gives the fewest
 * siblings grouped (0: no groups) and the set of tasks to expand.
 */
export function readGrouping(options, what) {
  const group = options?.group ?? false;
  let min = 0;
  if (group === true) min = GROUP_MIN;
  else if (typeof group === 'number' && Number.isInteger(group) && group >= 2 && group <= 2 ** 31) min = group;
  else if (group !== false) throw new TypeError(`${what}: group must be a boolean or an integer of at least 2 (the fewest siblings grouped), got ${describe(group)}`);
  const expand = options?.expand ?? [];
  if (expand === null || typeof expand !== 'object' || typeof expand[Symbol.iterator] !== 'function') throw new TypeError(`${what}: expand must be an iterable of tasks (members of the groups to expand), got ${describe(expand)}`);
  return { min, expand: new Set(tasksIn(expand, `${what}: expand`)) };
}

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
export function readDotArgs(name, options, known = DOT_OPTIONS) {
  if (options === undefined && name !== null && typeof name === 'object') {
    options = name;
    name = undefined;
  }
  if (name !== undefined && name !== null && typeof name !== 'string') throw new TypeError(`a graph name must be a string, got ${describe(name)}`);
  return { name: name ?? undefined, ...readDrawOptions(options, known), options };
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
 * With `group`, many siblings are drawn as one group (`class="group"`).
 */
export function tasksAsSvg(tasks, name, options) {
  const list = tasksIn(tasks, 'tasksAsSvg(tasks)');
  const args = readDotArgs(name, options, SVG_OPTIONS);
  const grouping = readGrouping(args.options, 'tasksAsSvg');
  if (grouping.min > 0) return groupedSvg(list, args.name, { ...args, ...grouping });
  return check(svgOfTasks(Uint32Array.from(list, (t) => t._id), args.name, args.followBlocking, args.followRequired), list);
}
