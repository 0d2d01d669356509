// tasksAsTimeline (SPEC §11): the attempts of tasks on a time axis, as an
// SVG document. One row per task, one bar per attempt of `task.attempts`
// from its start to its end (an ongoing attempt up to `now`), filled by
// outcome; the critical path of the run outlined. Written here in JS: it
// reads only what tasks already show (attempts, prerequisites, state),
// and lays nothing out beyond rows.
//
// The output is a function of the tasks' records and the options only:
// the clock (`now`, by default Date.now()) matters only while an attempt
// is ongoing; coordinates have at most two decimals, text is escaped.
// Stable hooks for a page or a live view: `class="tq-timeline"` on the
// root, which carries the time range (`data-since`, `data-until`, ms
// since the epoch) and the plot's place (`data-plot-x`,
// `data-plot-width`); per task `<g class="row" id="tl-task-ID"
// data-task-id data-state>`; per attempt `<rect class="bar OUTCOME"
// id="tl-task-ID-attempt-N" data-task-id data-attempt data-outcome
// data-start [data-end]>`, `ongoing` and `critical` as classes. Colours
// are `fill` attributes (the drawing stands alone) and rules of an
// embedded stylesheet of zero specificity that read the palette's CSS
// custom properties, so any rule of the page wins.

import { describe, tasksIn } from './registry.mjs';
import { palette } from './palette.mjs';

const OPTIONS = ['now', 'since', 'width', 'rowHeight'];
const WIDTH = { default: 800, min: 200, max: 100000 };
const ROW_HEIGHT = { default: 20, min: 8, max: 200 };

const MARGIN = 8; // left and bottom
const RIGHT = 24; // room for the last tick's label
const AXIS = 24; // the band of tick labels above the rows
const FONT = 12;
const CHAR = 0.6; // a character's width, in font sizes (a rough sans-serif average)
const LABEL_MIN = 40;
const LABEL_MAX = 200;
const TICK_GAP = 90; // px between ticks, at least (about)

const MS = 1;
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;
// Tick steps, smallest first; beyond the last, powers of ten of days.
const STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500,
  S, 2 * S, 5 * S, 10 * S, 15 * S, 30 * S,
  MIN, 2 * MIN, 5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN,
  H, 2 * H, 3 * H, 6 * H, 12 * H,
  D, 2 * D, 7 * D, 14 * D, 30 * D,
];

const WORD = { done: 'done', failed: 'failed', timeout: 'timed out', cancelled: 'cancelled' };

/**
 * The tasks' attempts on a time axis, as an SVG document (a string): a
 * row per task (by first start, then in the order given; tasks that never
 * ran last, with empty rows), a bar per attempt, the critical path
 * outlined. Options: `now` (ms or a Date: where ongoing attempts end;
 * default Date.now()), `since` (ms or a Date: the left edge; default the
 * earliest start), `width` (px, default 800), `rowHeight` (px, default 20).
 */
export function tasksAsTimeline(tasks, options) {
  const list = tasksIn(tasks, 'tasksAsTimeline(tasks)');
  const { now, since, width, rowHeight } = readOptions(options);
  const rows = rowsOf(list, now);
  const ran = rows.filter((r) => r.attempts.length > 0);

  // The time range: from the earliest start (or `since`) to the latest end.
  let t0 = since;
  let t1 = -Infinity;
  for (const r of ran) {
    if (since === undefined && (t0 === undefined || r.first < t0)) t0 = r.first;
    if (r.end > t1) t1 = r.end;
  }
  const timed = t0 !== undefined;
  if (!timed) t0 = 0;
  if (!(t1 > t0)) t1 = t0 + 1;

  // Geometry.
  const rowFont = Math.min(FONT, rowHeight * 0.75);
  const charWidth = rowFont * CHAR;
  let longest = 0;
  for (const r of rows) longest = Math.max(longest, r.chars.length);
  const labelWidth = Math.min(Math.max(longest * charWidth + 8, LABEL_MIN), LABEL_MAX, width / 3);
  const maxChars = Math.max(1, Math.floor((labelWidth - 8) / charWidth));
  const x0 = MARGIN + labelWidth;
  const plotWidth = width - x0 - RIGHT;
  const height = AXIS + rows.length * rowHeight + MARGIN;
  const scale = plotWidth / (t1 - t0);
  const xOf = (t) => x0 + (t - t0) * scale;
  const barHeight = rowHeight * 0.7;

  criticalPath(rows, ran);
  const ongoing = ran.some((r) => r.attempts.some((a) => a.end === undefined));

  const out = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="tq-timeline" width="${num(width)}" height="${num(height)}"`,
    ` viewBox="0 0 ${num(width)} ${num(height)}" font-family="sans-serif" font-size="${FONT}"`,
  );
  if (timed) out.push(` data-since="${num(t0)}" data-until="${num(t1)}"`);
  if (timed && ongoing) out.push(` data-now="${num(now)}"`);
  out.push(` data-plot-x="${num(x0)}" data-plot-width="${num(plotWidth)}">`, STYLE, '<title>timeline</title>');

  // The axis: ticks at round times from the left edge, with grid lines.
  out.push('<g class="axis">');
  if (timed) {
    const step = tickStep(t1 - t0, plotWidth);
    const unit = step < S ? MS : step < MIN ? S : step < H ? MIN : step < D ? H : D;
    const name = { [MS]: 'ms', [S]: 's', [MIN]: 'min', [H]: 'h', [D]: 'd' }[unit];
    for (let k = 0; k * step <= t1 - t0; k++) {
      const x = num(xOf(t0 + k * step));
      const label = k === 0 ? '0' : `${num((k * step) / unit)} ${name}`;
      out.push(
        `<g class="tick"><line x1="${x}" y1="${AXIS - 4}" x2="${x}" y2="${num(height - MARGIN)}" stroke="#ddd"/>`,
        `<text x="${x}" y="${AXIS - 8}" text-anchor="middle" fill="#555">${label}</text></g>`,
      );
    }
  }
  out.push('</g>');

  // The rows.
  out.push(`<g class="rows" font-size="${num(rowFont)}">`);
  rows.forEach((r, i) => {
    const top = AXIS + i * rowHeight;
    const critical = r.critical ? ' critical' : '';
    out.push(`<g class="row${critical}" id="tl-task-${r.id}" data-task-id="${r.id}" data-state="${r.state}">`);
    out.push(`<title>${escape(r.name)}</title>`);
    if (i % 2 === 0) out.push(`<rect class="lane" x="${MARGIN}" y="${num(top)}" width="${num(width - MARGIN - RIGHT)}" height="${num(rowHeight)}" fill="#f4f4f4"/>`);
    const label = r.chars.length > maxChars ? `${r.chars.slice(0, maxChars - 1).join('')}…` : r.name;
    out.push(`<text class="label" x="${MARGIN + 4}" y="${num(top + rowHeight / 2 + 0.35 * rowFont)}"${r.critical ? ' font-weight="bold"' : ''}>${escape(label)}</text>`);
    const y = num(top + (rowHeight - barHeight) / 2);
    for (const a of r.attempts) {
      const outcome = a.end === undefined ? 'running' : (a.outcome in WORD ? a.outcome : 'cancelled');
      const end = a.end ?? Math.max(now, a.start);
      const left = xOf(Math.max(a.start, t0));
      // At least a pixel wide, so that an instant attempt shows.
      const w = end < t0 ? 0 : Math.max(xOf(end) - left, 1);
      const classes = `bar ${outcome}${a.end === undefined ? ' ongoing' : ''}${critical}`;
      out.push(
        `<rect class="${classes}" id="tl-task-${r.id}-attempt-${a.number}" data-task-id="${r.id}" data-attempt="${a.number}"`,
        ` data-outcome="${outcome}" data-start="${num(a.start)}"${a.end === undefined ? '' : ` data-end="${num(a.end)}"`}`,
        ` x="${num(left)}" y="${y}" width="${num(w)}" height="${num(barHeight)}" rx="2" fill="${palette.outcomes[outcome].fill}"`,
        ` stroke="black" stroke-width="${r.critical ? 2 : 0.5}"><title>${escape(titleOf(r.name, a, outcome, now))}</title></rect>`,
      );
    }
    out.push('</g>');
  });
  out.push('</g>');

  // Where the ongoing attempts end.
  if (timed && ongoing && now >= t0) {
    const x = num(xOf(now));
    out.push(`<line class="now" x1="${x}" y1="${AXIS - 4}" x2="${x}" y2="${num(height - MARGIN)}" stroke="black" stroke-dasharray="3,3"/>`);
  }
  out.push('</svg>');
  return out.join('');
}

/**
 * The embedded stylesheet: the palette's colours through its custom
 * properties, inside `:where()` (no specificity), so a page's rules win.
 */
const STYLE = (() => {
  const rules = Object.entries(palette.outcomes).map(
    ([outcome, { fill }]) => `:where(.tq-timeline .bar.${outcome}){fill:var(${palette.cssVars.outcomes[outcome]},${fill})}`,
  );
  rules.push(`:where(.tq-timeline .bar.critical){stroke:var(${palette.cssVars.critical},black)}`);
  return `<style>${rules.join('')}</style>`;
})();

/** The options, checked: unknown names and bad values are errors. */
function readOptions(options) {
  if (options === undefined || options === null) options = {};
  else if (typeof options !== 'object') throw new TypeError(`tasksAsTimeline options must be an object, got ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (!OPTIONS.includes(key)) throw new TypeError(`unknown tasksAsTimeline option '${key}' (known: ${OPTIONS.join(', ')})`);
  }
  const since = readTime(options.since, 'since');
  const now = readTime(options.now, 'now') ?? Date.now();
  return { now, since, width: readSize(options.width, 'width', WIDTH), rowHeight: readSize(options.rowHeight, 'rowHeight', ROW_HEIGHT) };
}

function readTime(value, name) {
  if (value === undefined) return undefined;
  const t = value instanceof Date ? value.getTime() : value;
  if (typeof t !== 'number') throw new TypeError(`tasksAsTimeline: ${name} must be a time (ms since the epoch, or a Date), got ${describe(value)}`);
  if (!Number.isFinite(t)) throw new RangeError(`tasksAsTimeline: ${name} must be a finite time, got ${value instanceof Date ? 'an invalid Date' : describe(value)}`);
  return t;
}

function readSize(value, name, { default: fallback, min, max }) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw new TypeError(`tasksAsTimeline: ${name} must be a number (px), got ${describe(value)}`);
  if (!(value >= min && value <= max)) throw new RangeError(`tasksAsTimeline: ${name} must be from ${min} to ${max} (px), got ${describe(value)}`);
  return value;
}

/**
 * A row per task (each task once), in drawing order: those that ran by
 * their first start, then the given order; those that never ran last.
 * `end` is when the last attempt ended (ongoing: `now`).
 */
function rowsOf(list, now) {
  const seen = new Set();
  const rows = [];
  for (const task of list) {
    if (seen.has(task)) continue;
    seen.add(task);
    const attempts = task.attempts.filter((a) => Number.isFinite(a.start));
    let first = Infinity;
    let end = -Infinity;
    for (const a of attempts) {
      first = Math.min(first, a.start);
      end = Math.max(end, a.end ?? Math.max(now, a.start));
    }
    const name = task.name;
    rows.push({ task, id: task.id, name, chars: [...name], state: task.state, attempts, first, end, given: rows.length, critical: false });
  }
  // Infinity - Infinity is NaN: tasks that never ran fall to the given order.
  return rows.sort((a, b) => a.first - b.first || a.given - b.given);
}

/**
 * Marks the critical path: from the task that ended last, back through
 * its prerequisites among the drawn tasks, each time to the one that
 * ended last no later than the current one's first start. Clocks tick in
 * whole ms, so ties are common: the lower row wins (it started later, or
 * came later in the given order: a chain of instant tasks is one path).
 * A loop, not recursion.
 */
function criticalPath(rows, ran) {
  if (ran.length === 0) return;
  const byTask = new Map();
  rows.forEach((r, i) => {
    r.position = i;
    byTask.set(r.task, r);
  });
  let current = ran[0];
  for (const r of ran) if (r.end >= current.end) current = r;
  while (current !== undefined && !current.critical) {
    current.critical = true;
    let next;
    for (const p of current.task.required) {
      const r = byTask.get(p);
      if (r === undefined || r.attempts.length === 0 || r.end > current.first) continue;
      if (next === undefined || r.end > next.end || (r.end === next.end && r.position > next.position)) next = r;
    }
    current = next;
  }
}

/** The smallest round step that puts ticks at least TICK_GAP px apart (about). */
function tickStep(span, plotWidth) {
  const most = Math.max(1, Math.floor(plotWidth / TICK_GAP));
  for (const step of STEPS) if (span / step <= most) return step;
  let step = STEPS[STEPS.length - 1];
  while (span / step > most) step *= 10;
  return step;
}

/** A bar's tooltip: `upload attempt 2: failed after 1.2 s: HTTP 503`. */
function titleOf(name, a, outcome, now) {
  if (a.end === undefined) return `${name} attempt ${a.number}: running for ${duration(Math.max(0, now - a.start))}`;
  const error = a.error === undefined ? '' : `: ${firstLine(a.error)}`;
  return `${name} attempt ${a.number}: ${WORD[outcome]} after ${duration(a.end - a.start)}${error}`;
}

function duration(ms) {
  if (ms < S) return `${Math.round(ms)} ms`;
  if (ms < MIN) return `${round(ms / S, 1)} s`;
  if (ms < H) return `${round(ms / MIN, 1)} min`;
  return `${round(ms / H, 1)} h`;
}

function firstLine(error) {
  let text;
  try {
    text = String(error instanceof Error ? error.message : error);
  } catch {
    text = describe(error);
  }
  const end = text.indexOf('\n');
  return end < 0 ? text : text.slice(0, end);
}

const round = (v, digits) => Math.round(v * 10 ** digits) / 10 ** digits;

/** A number with at most two decimals, as `tasksAsSvg` writes them. */
const num = (v) => String(round(v, 2));

function escape(text) {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}
