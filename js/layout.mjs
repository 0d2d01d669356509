// The layout as plain objects, for people who draw with their own
// renderer (canvas, React, ...). Rust lays the tasks out and hands the
// numbers over in one Float64Array; here they become objects that point
// at the user's own Task objects.

import { layoutOfTasks } from '../pkg/taskqueue_wasm.js';
import { resolveIds, tasksIn } from './registry.mjs';
import { readDrawOptions } from './dot.mjs';
import { check } from './boundary.mjs';

/** The boxes and edge curves of `tasksAsSvg`, as plain objects. */
export function tasksLayout(tasks, options) {
  const list = tasksIn(tasks, 'tasksLayout(tasks)');
  const { followBlocking, followRequired } = readDrawOptions(options, ['followBlocking', 'followRequired'], 'tasksLayout');
  const flat = check(layoutOfTasks(Uint32Array.from(list, (t) => t._id), followBlocking, followRequired), list);
  return decode(flat, list);
}

/**
 * Reads the flat numbers of a layout (header, nodes, edges): node `id`s
 * and edge ends (node indices) as the core gave them; `end` is where the
 * numbers after the layout start.
 */
export function decodeLayout(flat) {
  const [width, height, nodeCount, edgeCount] = flat;
  const nodes = new Array(nodeCount);
  for (let i = 0; i < nodeCount; i++) {
    const at = 4 + 5 * i;
    nodes[i] = { id: flat[at], x: flat[at + 1], y: flat[at + 2], width: flat[at + 3], height: flat[at + 4] };
  }
  const edges = new Array(edgeCount);
  let at = 4 + 5 * nodeCount;
  for (let k = 0; k < edgeCount; k++) {
    const from = flat[at];
    const to = flat[at + 1];
    const count = flat[at + 2];
    at += 3;
    const points = readPoints(flat, at, count);
    at += 2 * count;
    const arrow = readPoints(flat, at, 3);
    at += 6;
    edges[k] = { from, to, points, path: pathOf(points), arrow };
  }
  return { width, height, nodes, edges, end: at };
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

function readPoints(flat, at, count) {
  const points = new Array(count);
  for (let i = 0; i < count; i++) points[i] = { x: flat[at + 2 * i], y: flat[at + 2 * i + 1] };
  return points;
}

/** SVG path data: `M start C c1 c2 end c1 c2 end ...`, with two decimals
 * at most, exactly as in `tasksAsSvg`. */
function pathOf(points) {
  const r = (v) => Math.round(v * 100) / 100;
  return points.map((p, i) => `${i === 0 ? 'M' : i === 1 ? 'C' : ''}${r(p.x)},${r(p.y)}`).join(' ');
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
