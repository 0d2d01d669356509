// Measures a drawing read by svg-parse.mjs (ours or dot's, same rules):
//
// - straight crossings: pairs of edges, not sharing an end node, whose
//   straight segments between the centres of their end nodes cross (a
//   measure of the node order alone, whatever the edges' routing);
// - curve crossings: pairs of edges, not sharing an end node, whose drawn
//   paths (Béziers flattened to within 0.1 unit; arrowheads left out)
//   cross at least once: each pair counts once however often its curves
//   cross;
// - width × height: the bounding box of every node and edge drawn
//   (margins and viewBox padding left out, so both renderers compare);
// - edges through nodes: (edge, node) pairs where the edge's drawn path
//   enters the node's box shrunk by TOLERANCE, the edge's own ends aside;
// - node overlaps: pairs of node boxes that overlap by more than TOLERANCE
//   both across and down.
//
// Crossings are proper: segments meeting at an end point or lying on one
// line do not count. Pairs are found by a sweep along the drawing's
// roomier axis (sorted by start, scanning while the next one starts
// before this one ends), edges before their pieces for crossings, so the
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

/**
 * The axis to sweep along: the one where boxes cover the least of the
 * drawing's extent on average (a chain sweeps down, a fan across).
 * Returns [lo, hi, otherLo, otherHi] arrays for that axis first.
 */
function sweepAxis(...sets) {
  const share = (lo, hi) => {
    let [min, max, sum, n] = [Infinity, -Infinity, 0, 0];
    for (const [a, b] of lo.map((l, k) => [l, hi[k]])) {
      for (let i = 0; i < a.length; i++) {
        min = Math.min(min, a[i]);
        max = Math.max(max, b[i]);
        sum += b[i] - a[i];
      }
      n += a.length;
    }
    return n === 0 || max <= min ? 0 : sum / n / (max - min);
  };
  const alongX = share(sets.map((s) => s[0]), sets.map((s) => s[2])) <= share(sets.map((s) => s[1]), sets.map((s) => s[3]));
  return sets.map(([x0, y0, x1, y1]) => (alongX ? [x0, x1, y0, y1] : [y0, y1, x0, x1]));
}

/**
 * Calls visit(i, j) for each pair of boxes [x0, y0, x1, y1] that overlap
 * (not merely touch: a proper crossing or an overlap needs more).
 */
function sweepPairs(boxes, visit) {
  const [[lo, hi, plo, phi]] = sweepAxis(boxes);
  const n = lo.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((i, j) => lo[i] - lo[j]);
  for (let a = 0; a < n; a++) {
    const i = order[a];
    const end = hi[i];
    const [top, bottom] = [plo[i], phi[i]];
    for (let b = a + 1; b < n; b++) {
      const j = order[b];
      if (lo[j] >= end) break;
      if (plo[j] < bottom && phi[j] > top) visit(i, j);
    }
  }
}

/** Calls visit(i, j) for each box i of `first` and j of `second` that touch or overlap. */
function sweepBetween(first, second, visit) {
  const [[lo, hi, plo, phi], [lo2, hi2, plo2, phi2]] = sweepAxis(first, second);
  // Second's boxes by start; a box of first meets those starting after
  // its start minus the longest of second, up to its end.
  const order = Uint32Array.from({ length: lo2.length }, (_, i) => i).sort((i, j) => lo2[i] - lo2[j]);
  const starts = Float64Array.from(order, (j) => lo2[j]);
  let longest = 0;
  for (let j = 0; j < lo2.length; j++) longest = Math.max(longest, hi2[j] - lo2[j]);
  for (let i = 0; i < lo.length; i++) {
    let [from, to] = [0, starts.length];
    while (from < to) {
      const mid = (from + to) >> 1;
      if (starts[mid] < lo[i] - longest) from = mid + 1;
      else to = mid;
    }
    for (let o = from; o < starts.length && starts[o] <= hi[i]; o++) {
      const j = order[o];
      if (hi2[j] >= lo[i] && plo2[j] <= phi[i] && phi2[j] >= plo[i]) visit(i, j);
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

/**
 * Pairs of edges, not sharing an end node, with at least one crossing
 * segment pair. Edges are paired first by their bounding boxes, then only
 * their segments inside the common part are tried: where many edges meet
 * at one node (a fan), their pieces crowd together but are never tried.
 */
export function crossings(s, edges) {
  const [sx0, sy0, sx1, sy1] = segmentBoxes(s);
  // Segments of one edge are contiguous (curveSegments writes them so).
  const ids = [];
  const first = [];
  for (let k = 0; k < s.n; k++) {
    if (k === 0 || s.edge[k] !== s.edge[k - 1]) {
      ids.push(s.edge[k]);
      first.push(k);
    }
  }
  first.push(s.n);
  const m = ids.length;
  const [x0, y0] = [new Float64Array(m).fill(Infinity), new Float64Array(m).fill(Infinity)];
  const [x1, y1] = [new Float64Array(m).fill(-Infinity), new Float64Array(m).fill(-Infinity)];
  for (let i = 0; i < m; i++) {
    for (let k = first[i]; k < first[i + 1]; k++) {
      x0[i] = Math.min(x0[i], sx0[k]);
      y0[i] = Math.min(y0[i], sy0[k]);
      x1[i] = Math.max(x1[i], sx1[k]);
      y1[i] = Math.max(y1[i], sy1[k]);
    }
  }
  const within = (k, left, top, right, bottom) => sx0[k] <= right && sx1[k] >= left && sy0[k] <= bottom && sy1[k] >= top;
  let count = 0;
  sweepPairs([x0, y0, x1, y1], (i, j) => {
    const [a, b] = [edges[ids[i]], edges[ids[j]]];
    if (a.tail === b.tail || a.tail === b.head || a.head === b.tail || a.head === b.head) return;
    const [left, top, right, bottom] = [Math.max(x0[i], x0[j]), Math.max(y0[i], y0[j]), Math.min(x1[i], x1[j]), Math.min(y1[i], y1[j])];
    const near = [];
    for (let k = first[j]; k < first[j + 1]; k++) if (within(k, left, top, right, bottom)) near.push(k);
    for (let k = first[i]; k < first[i + 1]; k++) {
      if (!within(k, left, top, right, bottom)) continue;
      for (const l of near) {
        if (sx0[l] <= sx1[k] && sx1[l] >= sx0[k] && sy0[l] <= sy1[k] && sy1[l] >= sy0[k] && cross(s, k, l)) {
          count++;
          return;
        }
      }
    }
  });
  return count;
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

/** (edge, node) pairs where the edge's path enters a box (shrunk by TOLERANCE) not its own end's. */
export function edgesThroughNodes({ nodes, edges }, s = curveSegments({ edges })) {
  const shrunk = nodes.map((n) => [n.x0 + TOLERANCE, n.y0 + TOLERANCE, n.x1 - TOLERANCE, n.y1 - TOLERANCE]);
  const pick = (k) => Float64Array.from(shrunk, (b) => b[k]);
  const boxes = [pick(0), pick(1), pick(2), pick(3)];
  const [x0, y0, x1, y1] = boxes;
  const hits = new Set();
  sweepBetween(segmentBoxes(s), boxes, (k, v) => {
    const e = s.edge[k];
    if (v === edges[e].tail || v === edges[e].head || x0[v] >= x1[v] || y0[v] >= y1[v]) return;
    if (segmentHitsBox(s.ax[k], s.ay[k], s.bx[k], s.by[k], x0[v], y0[v], x1[v], y1[v])) hits.add(e * nodes.length + v);
  });
  return hits.size;
}

/** Pairs of node boxes overlapping by more than TOLERANCE both ways. */
export function nodeOverlaps({ nodes }) {
  const pick = (f) => Float64Array.from(nodes, f);
  const [x0, y0, x1, y1] = [pick((n) => n.x0), pick((n) => n.y0), pick((n) => n.x1), pick((n) => n.y1)];
  let count = 0;
  sweepPairs([x0, y0, x1, y1], (i, j) => {
    const across = Math.min(x1[i], x1[j]) - Math.max(x0[i], x0[j]);
    const down = Math.min(y1[i], y1[j]) - Math.max(y0[i], y0[j]);
    if (across > TOLERANCE && down > TOLERANCE) count++;
  });
  return count;
}

/** Every measure of one SVG drawing. */
export function measureSvg(svg) {
  return measureDrawing(parseSvg(svg));
}

/** Every measure of a drawing parseSvg read. */
export function measureDrawing(drawing) {
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
