// Reads an SVG drawing in Graphviz's structure — ours (tasksAsSvg) or
// `dot -Tsvg`'s — into node boxes and edge polylines in one frame, for
// svg-metrics.mjs to measure. No XML library: Graphviz SVG is regular
// enough for a small tokeniser (tags, attributes, title text, entities).
//
// Structure read: `<g class="node">` with a `<title>` (or `data-task-id`,
// which wins) and shapes (`rect`, `polygon`, `polyline`, `ellipse`,
// `circle`, `path`; `text` is ignored); `<g class="edge">` with
// `<title>TAIL-&gt;HEAD</title>`, its `<path>`s and arrowhead polygons.
// `transform` attributes on any `<g>` or shape are applied, so dot's
// `translate(4 112)` with negative y, and scaling, land in one frame.

/**
 * How far (SVG units) a flattened curve may stray from the true one: well
 * under the metrics' 1-unit tolerance, so a chord never cuts a box corner
 * that the curve itself passes by.
 */
export const FLATNESS = 0.1;
const MAX_DEPTH = 18;

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[body.toLowerCase()] ?? whole;
  });
}

function attributes(text) {
  const attrs = {};
  for (const m of text.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[m[1]] = decodeEntities(m[2] ?? m[3]);
  return attrs;
}

function numbers(text) {
  return (text.match(/[-+]?(?:\d*\.\d+|\d+\.?)(?:[eE][-+]?\d+)?/g) ?? []).map(Number);
}

// Affine matrices [a, b, c, d, e, f]: x' = a x + c y + e, y' = b x + d y + f.
const IDENTITY = [1, 0, 0, 1, 0, 0];

function multiply([a1, b1, c1, d1, e1, f1], [a2, b2, c2, d2, e2, f2]) {
  return [a1 * a2 + c1 * b2, b1 * a2 + d1 * b2, a1 * c2 + c1 * d2, b1 * c2 + d1 * d2, a1 * e2 + c1 * f2 + e1, b1 * e2 + d1 * f2 + f1];
}

/** The matrix of an SVG `transform` attribute (a list, applied right to left). */
export function parseTransform(text) {
  let m = IDENTITY;
  for (const [, kind, args] of (text ?? '').matchAll(/(matrix|translate|scale|rotate|skewX|skewY)\s*\(([^)]*)\)/g)) {
    const v = numbers(args);
    let t;
    if (kind === 'matrix') t = v.length === 6 ? v : IDENTITY;
    else if (kind === 'translate') t = [1, 0, 0, 1, v[0] ?? 0, v[1] ?? 0];
    else if (kind === 'scale') t = [v[0] ?? 1, 0, 0, v[1] ?? v[0] ?? 1, 0, 0];
    else if (kind === 'rotate') {
      const r = ((v[0] ?? 0) * Math.PI) / 180;
      const [cx, cy] = [v[1] ?? 0, v[2] ?? 0];
      t = multiply(multiply([1, 0, 0, 1, cx, cy], [Math.cos(r), Math.sin(r), -Math.sin(r), Math.cos(r), 0, 0]), [1, 0, 0, 1, -cx, -cy]);
    } else if (kind === 'skewX') t = [1, 0, Math.tan(((v[0] ?? 0) * Math.PI) / 180), 1, 0, 0];
    else t = [1, Math.tan(((v[0] ?? 0) * Math.PI) / 180), 0, 1, 0, 0];
    m = multiply(m, t);
  }
  return m;
}

function apply([a, b, c, d, e, f], x, y) {
  return [a * x + c * y + e, b * x + d * y + f];
}

/** Whether the cubic's control points lie within FLATNESS of its chord. */
function flatEnough([x0, y0, x1, y1, x2, y2, x3, y3]) {
  const [dx, dy] = [x3 - x0, y3 - y0];
  const length = Math.hypot(dx, dy);
  const off = (x, y) => (length < 1e-9 ? Math.hypot(x - x0, y - y0) : Math.abs((x - x0) * dy - (y - y0) * dx) / length);
  return Math.max(off(x1, y1), off(x2, y2)) <= FLATNESS;
}

/** The end points of a cubic's flattened pieces, in order (split in halves until flat; a stack, not recursion). */
function flattenCubic(curve, push) {
  const stack = [[...curve, 0]];
  while (stack.length > 0) {
    const c = stack.pop();
    if (c[8] >= MAX_DEPTH || flatEnough(c)) {
      push(c[6], c[7]);
      continue;
    }
    const [x0, y0, x1, y1, x2, y2, x3, y3, depth] = c;
    const mid = (a, b) => (a + b) / 2;
    const [ax, ay, bx, by, cx, cy] = [mid(x0, x1), mid(y0, y1), mid(x1, x2), mid(y1, y2), mid(x2, x3), mid(y2, y3)];
    const [dx, dy, ex, ey] = [mid(ax, bx), mid(ay, by), mid(bx, cx), mid(by, cy)];
    const [fx, fy] = [mid(dx, ex), mid(dy, ey)];
    stack.push([fx, fy, ex, ey, cx, cy, x3, y3, depth + 1], [x0, y0, ax, ay, dx, dy, fx, fy, depth + 1]);
  }
}

/**
 * A path's `d` flattened into polylines (flat [x, y, x, y, …] arrays, one
 * per subpath): lines as they are, Béziers as straight pieces within
 * FLATNESS of the curve; arcs as a line to their end point.
 */
export function flattenPath(d) {
  const tokens = d.match(/[MmLlHhVvCcSsQqTtAaZz]|[-+]?(?:\d*\.\d+|\d+\.?)(?:[eE][-+]?\d+)?/g) ?? [];
  const lines = [];
  let line = null;
  let [x, y, startX, startY] = [0, 0, 0, 0];
  let [lastCtrlX, lastCtrlY, lastCmd] = [0, 0, ''];
  let i = 0;
  let cmd = '';
  const num = () => Number(tokens[i++]);
  const lineTo = (nx, ny) => {
    if (!line) lines.push((line = [x, y]));
    line.push(nx, ny);
    [x, y] = [nx, ny];
  };
  const curveTo = (c1x, c1y, c2x, c2y, endX, endY) => {
    if (!line) lines.push((line = [x, y]));
    flattenCubic([x, y, c1x, c1y, c2x, c2y, endX, endY], (px, py) => line.push(px, py));
    [x, y] = [endX, endY];
  };
  while (i < tokens.length) {
    if (/[a-z]/i.test(tokens[i])) cmd = tokens[i++];
    else if (!cmd) break; // numbers before any command: not a path
    const rel = cmd === cmd.toLowerCase();
    const [ox, oy] = rel ? [x, y] : [0, 0];
    const upper = cmd.toUpperCase();
    if (upper === 'Z') {
      lineTo(startX, startY);
      line = null;
      cmd = '';
    } else if (upper === 'M') {
      [x, y] = [ox + num(), oy + num()];
      [startX, startY] = [x, y];
      lines.push((line = [x, y]));
      cmd = rel ? 'l' : 'L'; // further pairs are lines
    } else if (upper === 'L') lineTo(ox + num(), oy + num());
    else if (upper === 'H') lineTo(ox + num(), y);
    else if (upper === 'V') lineTo(x, oy + num());
    else if (upper === 'C' || upper === 'S') {
      const c1 = upper === 'C' ? [ox + num(), oy + num()] : /[CS]/i.test(lastCmd) ? [2 * x - lastCtrlX, 2 * y - lastCtrlY] : [x, y];
      const c2 = [ox + num(), oy + num()];
      const end = [ox + num(), oy + num()];
      curveTo(...c1, ...c2, ...end);
      [lastCtrlX, lastCtrlY] = c2;
    } else if (upper === 'Q' || upper === 'T') {
      const c = upper === 'Q' ? [ox + num(), oy + num()] : /[QT]/i.test(lastCmd) ? [2 * x - lastCtrlX, 2 * y - lastCtrlY] : [x, y];
      const end = [ox + num(), oy + num()];
      // A quadratic is the cubic with controls 2/3 of the way to its one control.
      curveTo(x + (2 / 3) * (c[0] - x), y + (2 / 3) * (c[1] - y), end[0] + (2 / 3) * (c[0] - end[0]), end[1] + (2 / 3) * (c[1] - end[1]), ...end);
      [lastCtrlX, lastCtrlY] = c;
    } else if (upper === 'A') {
      i += 5; // radii, rotation, flags: the arc is taken as its chord
      lineTo(ox + num(), oy + num());
    }
    lastCmd = upper;
  }
  return lines.filter((l) => l.length >= 4 && l.every(Number.isFinite));
}

function transformed(m, flat) {
  const out = new Array(flat.length);
  for (let k = 0; k < flat.length; k += 2) [out[k], out[k + 1]] = apply(m, flat[k], flat[k + 1]);
  return out;
}

/** The outline points of one shape element, in its own coordinates. */
function shapePoints(tag, a) {
  const n = (name) => Number(a[name] ?? 0);
  if (tag === 'rect') return [[n('x'), n('y'), n('x') + n('width'), n('y'), n('x') + n('width'), n('y') + n('height'), n('x'), n('y') + n('height')]];
  if (tag === 'polygon' || tag === 'polyline') return [numbers(a.points ?? '')];
  if (tag === 'ellipse' || tag === 'circle') {
    const [rx, ry] = tag === 'circle' ? [n('r'), n('r')] : [n('rx'), n('ry')];
    return [[n('cx') - rx, n('cy'), n('cx') + rx, n('cy'), n('cx'), n('cy') - ry, n('cx'), n('cy') + ry]];
  }
  if (tag === 'path') return flattenPath(a.d ?? '');
  return [];
}

function boundsOf(flats) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of flats) {
    for (let k = 0; k + 1 < f.length; k += 2) {
      x0 = Math.min(x0, f[k]);
      x1 = Math.max(x1, f[k]);
      y0 = Math.min(y0, f[k + 1]);
      y1 = Math.max(y1, f[k + 1]);
    }
  }
  return { x0, y0, x1, y1 };
}

const SHAPES = new Set(['rect', 'polygon', 'polyline', 'ellipse', 'circle', 'path']);

/**
 * The drawing in one frame: `nodes` ({ key, title, x0, y0, x1, y1, cx, cy }),
 * `edges` ({ title, tail, head, lines, arrows }; tail and head are node
 * indices, -1 when the title names no drawn node), and `bounds` of all.
 */
export function parseSvg(svg) {
  const text = svg.replace(/<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>/gi, '');
  const stack = [{ m: IDENTITY, item: null }];
  const nodes = [];
  const edges = [];
  let current = null; // the node or edge being read
  let titleOf = null; // collecting <title> text for this item
  for (const [, close, tag, rawAttrs, selfClose, content] of text.matchAll(/<(\/?)([a-zA-Z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>|([^<]+)/g)) {
    if (content !== undefined) {
      if (titleOf) titleOf.title += decodeEntities(content);
      continue;
    }
    if (tag === 'title') {
      titleOf = close || selfClose || !current || current.title !== '' ? null : current;
      continue;
    }
    if (tag === 'g') {
      if (close) {
        const top = stack.pop();
        if (top.item) current = null;
        if (stack.length === 0) stack.push({ m: IDENTITY, item: null });
        continue;
      }
      const a = attributes(rawAttrs);
      const m = multiply(stack[stack.length - 1].m, parseTransform(a.transform));
      const classes = (a.class ?? '').split(/\s+/);
      let item = null;
      if (!current && classes.includes('node')) item = { kind: 'node', key: a['data-task-id'], title: '', flats: [] };
      else if (!current && classes.includes('edge')) item = { kind: 'edge', title: '', lines: [], arrows: [] };
      if (item) {
        (item.kind === 'node' ? nodes : edges).push(item);
        current = item;
      }
      if (!selfClose) stack.push({ m, item });
      continue;
    }
    if (close || !current || !SHAPES.has(tag)) continue;
    const a = attributes(rawAttrs);
    const m = multiply(stack[stack.length - 1].m, parseTransform(a.transform));
    const flats = shapePoints(tag, a).map((f) => transformed(m, f));
    if (current.kind === 'node') current.flats.push(...flats);
    else if (tag === 'path') current.lines.push(...flats);
    else current.arrows.push(...flats);
  }
  return finish(nodes, edges);
}

function finish(rawNodes, rawEdges) {
  const nodes = rawNodes
    .filter((n) => n.flats.length > 0)
    .map((n) => {
      const b = boundsOf(n.flats);
      const title = n.title.trim();
      return { key: n.key ?? title, title, ...b, cx: (b.x0 + b.x1) / 2, cy: (b.y0 + b.y1) / 2 };
    });
  const index = new Map(nodes.map((n, i) => [n.key, i]));
  const edges = rawEdges.map((e) => {
    const title = e.title.trim();
    const cut = title.lastIndexOf('->');
    const [tail, head] = cut < 0 ? [undefined, undefined] : [title.slice(0, cut), title.slice(cut + 2)];
    return { title, tail: index.get(tail) ?? -1, head: index.get(head) ?? -1, lines: e.lines, arrows: e.arrows };
  });
  const all = [...nodes.map((n) => [n.x0, n.y0, n.x1, n.y1]), ...edges.flatMap((e) => [...e.lines, ...e.arrows])];
  const b = all.length ? boundsOf(all) : { x0: 0, y0: 0, x1: 0, y1: 0 };
  return { nodes, edges, bounds: { ...b, width: b.x1 - b.x0, height: b.y1 - b.y0 } };
}
