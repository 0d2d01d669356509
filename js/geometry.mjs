// The core's layouts as flat numbers (one Float64Array across the
// boundary, see src/wasm/dot.rs `flatten`), read back into boxes and
// curves. Used by tasksLayout, FSM layouts and grouped drawings.

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

