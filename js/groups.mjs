// Grouped fans (SPEC §11): drawn tasks with the same prerequisites and
// the same dependents (siblings of one parent) are drawn, from `min` of
// them on, as one group: one box with a count per state, one edge in
// from each shared prerequisite and one out to each shared dependent;
// never rows of boxes whose edges read as chains. A group can be drawn
// expanded: its members in a grid inside its frame, with no edges
// between them (there are none: siblings never require each other).
//
// The grouping is decided here and the drawing written here; the layout
// (rows, order, coordinates, curves) is the core's, through its generic
// `layoutGraph`. Without the `group` option, `tasksAsSvg` and
// `tasksLayout` are the core's own drawing, unchanged.

import { layoutGraph } from '../pkg/taskqueue_wasm.js';
import { decodeLayout } from './geometry.mjs';
import { palette } from './palette.mjs';

// ---- Text metrics: those of src/layout/text.rs (the SVG's font) ----

const FONT_FAMILY = 'Helvetica,Arial,sans-serif';
export const FONT_SIZE = 14;
export const LINE_HEIGHT = 17;
const PAD_X = 10;
export const PAD_Y = 6;
/** Room around an expanded group's grid, and between its boxes. */
const GROUP_PAD = 10;
// Helvetica's advance widths of ' '..'~', thousandths of an em.
const ASCII = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
  556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015,
  667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
  722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611,
  278, 278, 278, 469, 556, 333,
  556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833,
  556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500,
  334, 260, 334, 584,
];

function lineWidth(line) {
  let thousandths = 0;
  for (const c of line) {
    const code = c.codePointAt(0);
    thousandths += code >= 32 && code <= 126 ? ASCII[code - 32] : code < 32 ? 0 : code < 0x2e80 ? 667 : 1000;
  }
  return (thousandths * FONT_SIZE) / 1000;
}

/** The size of a box around these lines (src/layout/text.rs `box_size`). */
export function boxSize(lines) {
  let width = 0;
  for (const line of lines) width = Math.max(width, lineWidth(line));
  return [width + 2 * PAD_X, Math.max(lines.length, 1) * LINE_HEIGHT + 2 * PAD_Y];
}

// ---- Which tasks are drawn, and how they group ----

const byName = (tasks) => tasks.slice().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id));

/** The drawn tasks and the tasks each blocks, in the order of src/dot.rs `drawn`. */
function drawn(given, followBlocking, followRequired) {
  const seen = new Set(given);
  const queue = [...seen];
  const out = [];
  for (let i = 0; i < queue.length; i++) {
    const task = queue[i];
    const blocked = byName(task.blocking);
    if (followBlocking) for (const d of blocked) if (!seen.has(d)) seen.add(d) && queue.push(d);
    if (followRequired) for (const p of byName(task.required)) if (!seen.has(p)) seen.add(p) && queue.push(p);
    out.push([task, blocked]);
  }
  return out;
}

/** `N tasks`, then `k STATE` per state of the members, in order of first appearance. */
function groupLines(tasks) {
  const counts = new Map();
  for (const task of tasks) counts.set(task.state, (counts.get(task.state) ?? 0) + 1);
  return [`${tasks.length} tasks`, ...[...counts].map(([state, k]) => `${k} ${state}`)];
}

const taskLines = (task) => [...task.name.split('\n'), task.state];

/** An expanded group's frame size and its members' boxes relative to the frame. */
function grid(sizes) {
  let cw = 0;
  let ch = 0;
  for (const [w, h] of sizes) {
    cw = Math.max(cw, w);
    ch = Math.max(ch, h);
  }
  const m = Math.max(sizes.length, 1);
  let cols = 1;
  while (cols < m && cols * cw < Math.ceil(m / cols) * ch) cols++;
  const rows = Math.ceil(m / cols);
  const top = LINE_HEIGHT + 2 * PAD_Y;
  const boxes = sizes.map(([w, h], i) => ({ x: GROUP_PAD + (i % cols) * (cw + GROUP_PAD) + (cw - w) / 2, y: top + Math.floor(i / cols) * (ch + GROUP_PAD), width: w, height: h }));
  return { size: [GROUP_PAD + cols * (cw + GROUP_PAD), top + rows * (ch + GROUP_PAD)], boxes };
}

/**
 * The layout of `tasksLayout` with siblings grouped: nodes are task
 * nodes `{ task, id, name, state, x, y, width, height }` and group nodes
 * `{ group: true, id: 'g<id of its first member>', tasks, counts,
 * expanded, members, x, y, width, height }` (`members`: the boxes of an
 * expanded group's tasks); an edge's `from` / `to` is a Task or a group
 * node.
 */
export function groupedLayout(given, { followBlocking, followRequired, min, expand }) {
  const rows = drawn(given, followBlocking, followRequired);
  const index = new Map(rows.map(([task], i) => [task, i]));
  // Dependents in the core's order (by name): the layout's input is then
  // the core's, and a drawing with no group is the core's drawing.
  const succs = rows.map(([, blocked]) => blocked.map((d) => index.get(d)).filter((d) => d !== undefined));
  const preds = rows.map(() => []);
  succs.forEach((mine, v) => mine.forEach((d) => preds[d].push(v)));
  // Siblings: the same prerequisites and the same dependents.
  const byKey = new Map();
  rows.forEach((_, v) => {
    if (preds[v].length === 0 && succs[v].length === 0) return;
    const key = `${preds[v]}|${succs[v].slice().sort((a, b) => a - b)}`;
    const members = byKey.get(key);
    if (members === undefined) byKey.set(key, [v]);
    else members.push(v);
  });
  const groupOf = new Array(rows.length).fill(undefined);
  for (const members of byKey.values()) {
    if (members.length < min) continue;
    const group = { members, expanded: members.some((v) => expand.has(rows[v][0])) };
    for (const v of members) groupOf[v] = group;
  }
  // Layout nodes in drawing order, a group in its first member's place.
  const nodeOf = new Array(rows.length);
  const items = [];
  const sizes = [];
  rows.forEach(([task], v) => {
    const group = groupOf[v];
    if (group !== undefined && group.node !== undefined) {
      nodeOf[v] = group.node;
      return;
    }
    nodeOf[v] = items.length;
    if (group === undefined) {
      items.push({ task });
      sizes.push(...boxSize(taskLines(task)));
      return;
    }
    group.node = items.length;
    const tasks = group.members.map((m) => rows[m][0]);
    if (group.expanded) {
      const { size, boxes } = grid(tasks.map((t) => boxSize(taskLines(t))));
      items.push({ group, tasks, boxes });
      sizes.push(...size);
    } else {
      items.push({ group, tasks });
      sizes.push(...boxSize(groupLines(tasks)));
    }
  });
  const edges = [];
  const paired = new Set();
  succs.forEach((mine, v) => {
    for (const d of mine) {
      const pair = `${nodeOf[v]},${nodeOf[d]}`;
      if (paired.has(pair)) continue; // one edge per pair of boxes
      paired.add(pair);
      edges.push(nodeOf[v], nodeOf[d]);
    }
  });
  const geometry = decodeLayout(layoutGraph(Float64Array.from(sizes), Uint32Array.from(edges)));
  const nodes = geometry.nodes.map((n, i) => {
    const item = items[i];
    const at = { x: n.x, y: n.y, width: n.width, height: n.height };
    if (item.group === undefined) return { task: item.task, id: item.task.id, name: item.task.name, state: item.task.state, ...at };
    const counts = {};
    for (const task of item.tasks) counts[task.state] = (counts[task.state] ?? 0) + 1;
    const members = (item.boxes ?? []).map((b, k) => {
      const task = item.tasks[k];
      return { task, id: task.id, name: task.name, state: task.state, x: n.x + b.x, y: n.y + b.y, width: b.width, height: b.height };
    });
    return { group: true, id: `g${item.tasks[0].id}`, tasks: item.tasks, counts, expanded: item.group.expanded, members, ...at };
  });
  const endOf = (i) => (nodes[i].group ? nodes[i] : nodes[i].task);
  return {
    width: geometry.width,
    height: geometry.height,
    nodes,
    edges: geometry.edges.map((e) => ({ from: endOf(e.from), to: endOf(e.to), points: e.points, path: e.path, arrow: e.arrow })),
  };
}

// ---- The SVG, in the core's format (src/svg) ----

const num = (v) => String(Math.round((Number.isFinite(v) ? v : 0) * 100) / 100);
const escapeText = (text) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function rect(b, fill, rx = 0) {
  return `<rect x="${num(b.x)}" y="${num(b.y)}" width="${num(b.width)}" height="${num(b.height)}"${rx > 0 ? ` rx="${num(rx)}"` : ''} fill="${fill}" stroke="black"/>`;
}

function textLines(cx, cy, lines, colour) {
  const first = cy - ((lines.length - 1) * LINE_HEIGHT) / 2 + 0.35 * FONT_SIZE;
  const fill = colour === 'black' ? '' : ` fill="${colour}"`;
  return lines.map((line, i) => `<text text-anchor="middle"${fill} x="${num(cx)}" y="${num(first + i * LINE_HEIGHT)}">${escapeText(line)}</text>`).join('');
}

function taskNode(n) {
  const { fill, text } = palette.states[n.state] ?? palette.states.PENDING;
  return `<g id="node${n.id}" class="node" data-task-id="${n.id}" data-state="${n.state}"><title>${escapeText(n.name)}</title>${rect(n, fill)}${textLines(n.x + n.width / 2, n.y + n.height / 2, taskLines(n.task), text)}</g>\n`;
}

const refOf = (end) => (end.group ? end.id : String(end.id));

/** `tasksAsSvg` with siblings grouped (`class="group"` boxes). */
export function groupedSvg(given, name, options) {
  const { width, height, nodes, edges } = groupedLayout(given, options);
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}">\n`;
  svg += `<g id="graph0" class="graph" font-family="${FONT_FAMILY}" font-size="${FONT_SIZE}">\n<title>${escapeText(name ?? 'tasks')}</title>\n`;
  edges.forEach((e, k) => {
    const points = e.arrow.map((p) => `${num(p.x)},${num(p.y)}`).join(' ');
    svg += `<g id="edge${k + 1}" class="edge" data-from="${refOf(e.from)}" data-to="${refOf(e.to)}"><title>${refOf(e.from)}&#45;&gt;${refOf(e.to)}</title>`;
    svg += `<path fill="none" stroke="black" d="${e.path}"/><polygon fill="black" stroke="black" points="${points}"/></g>\n`;
  });
  for (const n of nodes) {
    if (!n.group) {
      svg += taskNode(n);
      continue;
    }
    const lines = groupLines(n.tasks);
    svg += `<g id="group${n.id.slice(1)}" class="group" data-group="${n.id}" data-count="${n.tasks.length}" data-expanded="${n.expanded}"><title>${lines[0]}</title>${rect(n, 'white', 6)}`;
    if (n.expanded) {
      svg += `${textLines(n.x + n.width / 2, n.y + PAD_Y + LINE_HEIGHT / 2, [lines[0]], 'black')}\n`;
      for (const m of n.members) svg += taskNode(m);
    } else {
      svg += textLines(n.x + n.width / 2, n.y + n.height / 2, lines, 'black');
    }
    svg += '</g>\n';
  }
  return `${svg}</g>\n</svg>\n`;
}
