// Measures a drawing read by svg-parse.mjs (ours or dot's, same rules):
//
// - straight crossings: pairs of edges, not sharing an end node, whose
//   straight segments between the centres of their end nodes cross (a
//   measure of the node order alone, whatever the edges' routing);
// - curve crossings: pairs of edges, not sharing an end node, whose drawn
//   paths (Béziers flattened into PIECES_PER_CURVE pieces; arrowheads left
//   out) cross at least once: each pair counts once however often its
//   curves cross;
// - width × height: the bounding box of every node and edge drawn
//   (margins and viewBox padding left out, so both renderers compare);
// - edges through nodes: (edge, node) pairs where the edge's drawn path
//   enters the node's box shrunk by TOLERANCE, the edge's own ends aside;
// - node overlaps: pairs of node boxes that overlap by more than TOLERANCE
//   both across and down.
//
// Crossings are proper: segments meeting at an end point or lying on one
// line do not count. Pairs are found by a sweep over x (sorted by left
// end, scanning while the next one starts before this one ends), so the
// cost follows how much the drawing overlaps, not the square of its size.
import { parseSvg } from './svg-parse.mjs';

export { flattenPath, parseSvg, parseTransform } from './svg-parse.mjs';

/** How far inside a box a line must reach, or two boxes overlap, to count (SVG units). */
export const TOLERANCE = 1;

/** Segments as parallel typed arrays, each with the edge it belongs to. */
function segmentArrays(list) {
  const n = list.length / 5;
  const s = { n, ax: new Float64Array(n), ay: new Float64Array(n), bx: new Float64Array(n), by: new Float64Array(n), edge: new Int32Array(n) };
  for (let i = 0; i < n; i++) [s.ax[i], s.ay[i], s.bx[i], s.by[i], s.edge[i]] = list.slice(i * 5, i * 5 + 5);
  return s;
}

/** Edges whose ends are two distinct drawn nodes (the only ones measured). */
function measurable(edges) {
  return edges.map((e, i) => [e, i]).filter(([e]) => e.tail >= 0 && e.head >= 0 && e.tail !== e.head);
}

export function straightSegments({ nodes, edges }) {
  const list = [];
  for (const [e, i] of measurable(edges)) list.push(nodes[e.tail].cx, nodes[e.tail].cy, nodes[e.head].cx, nodes[e.head].cy, i);
  return segmentArrays(list);
}

export function curveSegments({ edges }) {
  const list = [];
  for (const [e, i] of measurable(edges)) {
    for (const line of e.lines) for (let k = 0; k + 3 < line.length; k += 2) list.push(line[k], line[k + 1], line[k + 2], line[k + 3], i);
  }
  return segmentArrays(list);
}

/** Calls visit(i, j) for each pair of boxes that touch or overlap. */
function sweepPairs(n, x0, y0, x1, y1, visit) {
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((i, j) => x0[i] - x0[j]);
  for (let a = 0; a < n; a++) {
    const i = order[a];
    const [right, top, bottom] = [x1[i], y0[i], y1[i]];
    for (let b = a + 1; b < n; b++) {
      const j = order[b];
      if (x0[j] > right) break;
      if (y0[j] <= bottom && y1[j] >= top) visit(i, j);
    }
  }
}

function segmentBoxes(s) {
  const [x0, y0, x1, y1] = [0, 0, 0, 0].map(() => new Float64Array(s.n));
  for (let i = 0; i < s.n; i++) {
    x0[i] = Math.min(s.ax[i], s.bx[i]);
    x1[i] = Math.max(s.ax[i], s.bx[i]);
    y0[i] = Math.min(s.ay[i], s.by[i]);
    y1[i] = Math.max(s.ay[i], s.by[i]);
  }
  return [x0, y0, x1, y1];
}

function orient(ax, ay, bx, by, cx, cy) {
  return Math.sign((bx - ax) * (cy - ay) - (by - ay) * (cx - ax));
}

/** Whether segments i and j of s cross at a point inside both. */
function cross(s, i, j) {
  const [ax, ay, bx, by] = [s.ax[i], s.ay[i], s.bx[i], s.by[i]];
  const [cx, cy, dx, dy] = [s.ax[j], s.ay[j], s.bx[j], s.by[j]];
  return orient(ax, ay, bx, by, cx, cy) * orient(ax, ay, bx, by, dx, dy) < 0 && orient(cx, cy, dx, dy, ax, ay) * orient(cx, cy, dx, dy, bx, by) < 0;
}

/** Pairs of edges, not sharing an end node, with at least one crossing segment pair. */
export function crossings(s, edges) {
  const crossed = new Set();
  const m = edges.length;
  sweepPairs(s.n, ...segmentBoxes(s), (i, j) => {
    const [e, f] = [s.edge[i], s.edge[j]];
    if (e === f) return;
    const [a, b] = [edges[e], edges[f]];
    if (a.tail === b.tail || a.tail === b.head || a.head === b.tail || a.head === b.head) return;
    if (cross(s, i, j)) crossed.add(Math.min(e, f) * m + Math.max(e, f));
  });
  return crossed.size;
}

/** Whether the segment reaches into the box (Liang–Barsky clipping). */
export function segmentHitsBox(ax, ay, bx, by, x0, y0, x1, y1) {
  let [t0, t1] = [0, 1];
  const [dx, dy] = [bx - ax, by - ay];
  for (const [p, q] of [[-dx, ax - x0], [dx, x1 - ax], [-dy, ay - y0], [dy, y1 - ay]]) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const r = q / p;
    if (p < 0) {
      if (r > t1) return false;
      t0 = Math.max(t0, r);
    } else {
      if (r < t0) return false;
      t1 = Math.min(t1, r);
    }
  }
  return t0 <= t1;
}

/** (edge, node) pairs where the edge's path enters a box not its own end's. */
export function edgesThroughNodes({ nodes, edges }, s = curveSegments({ edges })) {
  const order = Array.from(nodes.keys()).sort((i, j) => nodes[i].x0 - nodes[j].x0);
  const lefts = order.map((i) => nodes[i].x0);
  const widest = nodes.reduce((w, n) => Math.max(w, n.x1 - n.x0), 0);
  const hits = new Set();
  for (let k = 0; k < s.n; k++) {
    const [ax, ay, bx, by, e] = [s.ax[k], s.ay[k], s.bx[k], s.by[k], s.edge[k]];
    const [left, right, top, bottom] = [Math.min(ax, bx), Math.max(ax, bx), Math.min(ay, by), Math.max(ay, by)];
    // First node whose left side may reach this segment: binary search.
    let [lo, hi] = [0, order.length];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (lefts[mid] < left - widest) lo = mid + 1;
      else hi = mid;
    }
    for (let o = lo; o < order.length && lefts[o] <= right; o++) {
      const v = order[o];
      const n = nodes[v];
      if (v === edges[e].tail || v === edges[e].head || n.y0 > bottom || n.y1 < top || n.x1 < left) continue;
      const [x0, y0, x1, y1] = [n.x0 + TOLERANCE, n.y0 + TOLERANCE, n.x1 - TOLERANCE, n.y1 - TOLERANCE];
      if (x0 < x1 && y0 < y1 && segmentHitsBox(ax, ay, bx, by, x0, y0, x1, y1)) hits.add(e * nodes.length + v);
    }
  }
  return hits.size;
}

/** Pairs of node boxes overlapping by more than TOLERANCE both ways. */
export function nodeOverlaps({ nodes }) {
  const pick = (f) => Float64Array.from(nodes, f);
  const [x0, y0, x1, y1] = [pick((n) => n.x0), pick((n) => n.y0), pick((n) => n.x1), pick((n) => n.y1)];
  let count = 0;
  sweepPairs(nodes.length, x0, y0, x1, y1, (i, j) => {
    const across = Math.min(x1[i], x1[j]) - Math.max(x0[i], x0[j]);
    const down = Math.min(y1[i], y1[j]) - Math.max(y0[i], y0[j]);
    if (across > TOLERANCE && down > TOLERANCE) count++;
  });
  return count;
}

/** Every measure of one SVG drawing. */
export function measureSvg(svg) {
  const drawing = parseSvg(svg);
  const curves = curveSegments(drawing);
  return {
    nodes: drawing.nodes.length,
    edges: drawing.edges.length,
    unmatchedEdges: drawing.edges.filter((e) => e.tail < 0 || e.head < 0).length,
    straightCrossings: crossings(straightSegments(drawing), drawing.edges),
    curveCrossings: crossings(curves, drawing.edges),
    width: drawing.bounds.width,
    height: drawing.bounds.height,
    edgesThroughNodes: edgesThroughNodes(drawing, curves),
    nodeOverlaps: nodeOverlaps(drawing),
  };
}
