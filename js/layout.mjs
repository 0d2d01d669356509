// The layout as plain objects, for people who draw with their own
// renderer (canvas, React, ...). Rust lays the tasks out and hands the
// numbers over in one Float64Array; here they become objects that point
// at the user's own Task objects.

import { layoutOfTasks } from '../pkg/taskqueue_wasm.js';
import { resolveIds, tasksIn } from './registry.mjs';
import { readDrawOptions, readGrouping } from './dot.mjs';
import { check } from './boundary.mjs';
import { groupedLayout } from './groups.mjs';
import { decodeLayout } from './geometry.mjs';


/** The boxes and edge curves of `tasksAsSvg`, as plain objects. */
export function tasksLayout(tasks, options) {
  const list = tasksIn(tasks, 'tasksLayout(tasks)');
  const { followBlocking, followRequired } = readDrawOptions(options, ['followBlocking', 'followRequired', 'group', 'expand'], 'tasksLayout');
  const grouping = readGrouping(options, 'tasksLayout');
  if (grouping.min > 0) return groupedLayout(list, { followBlocking, followRequired, ...grouping });
  const flat = check(layoutOfTasks(Uint32Array.from(list, (t) => t._id), followBlocking, followRequired), list);
  return decode(flat, list);
}

/** The layout with the user's Tasks in place of ids and node indices. */
function decode(flat, given) {
  const { width, height, nodes, edges } = decodeLayout(flat);
  const tasks = tasksFor(nodes.map((n) => n.id), given);
  return {
    width,
    height,
    nodes: nodes.map((n, i) => {
      const task = tasks[i];
      return { task, id: task.id, name: task.name, state: task.state, x: n.x, y: n.y, width: n.width, height: n.height };
    }),
    edges: edges.map((e) => ({ ...e, from: tasks[e.from], to: tasks[e.to] })),
  };
}

/** The Task objects for the drawn ids: the given ones directly, the rest
 * (tasks they block) found from them. */
function tasksFor(ids, given) {
  const byId = new Map(given.map((t) => [t._id, t]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length > 0) {
    const found = resolveIds(missing, given);
    missing.forEach((id, i) => byId.set(id, found[i]));
  }
  return ids.map((id) => byId.get(id));
}
