// The parts of taskqueue-wasm/view (../view.mjs) that are not the view
// itself: its constants, its options, and small helpers to build SVG
// elements and the text of labels and badges.

import { palette } from '../palette.mjs';
import { boxSize, FONT_SIZE, LINE_HEIGHT, PAD_Y } from '../groups.mjs';
import { isTask } from '../brand.mjs';
import { describe } from '../describe.mjs';

// The font's metrics are those of the drawings (groups.mjs).
export { FONT_SIZE, LINE_HEIGHT, PAD_Y };

const SVG = 'http://www.w3.org/2000/svg';
const OPTIONS = ['followBlocking', 'followRequired', 'group', 'theme', 'onSelect', 'fit', 'initialView'];
const INITIAL_VIEWS = ['fit', 'readable'];
const THEMES = ['light', 'dark', 'auto'];
export const STATES = Object.keys(palette.states);
export const MIN_SCALE = 0.02;
export const MAX_SCALE = 4;
export const FIT_MARGIN = 12;
export const CLICK_SLOP = 4;
export const TICK_MS = 250; // elapsed times refresh at 4 Hz, only while a drawn task runs
const BADGE_FONT = 10;
// Below this many screen pixels of font size, text is not drawn at all
// (class `tq-small` on the <svg>): a fitted graph of thousands of nodes
// is a map of coloured boxes, and painting thousands of unreadable labels
// and running badges was most of the cost of a frame (SPEC §11's 2,000
// running tasks). Zoom in and they are back, up to date.
export const LEGIBLE_PX = 4;
// A scale at which the 14 px font is at least 10 screen pixels: where
// `reveal(task)` zooms in to (when the zoom is below it), and where
// `initialView: 'readable'` opens a drawing that fits only below it.
const READABLE_PX = 10;
export const READABLE_SCALE = READABLE_PX / FONT_SIZE;

// ---- Options ----

export function readOptions(options) {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object') throw new TypeError(`mountGraph options must be an object, got ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (!OPTIONS.includes(key)) throw new TypeError(`unknown mountGraph option '${key}' (known: ${OPTIONS.join(', ')})`);
  }
  const { followBlocking = true, followRequired = true, group = true, theme = 'light', onSelect, fit = true, initialView = 'fit' } = options;
  if (typeof followBlocking !== 'boolean') throw new TypeError(`followBlocking must be a boolean, got ${describe(followBlocking)}`);
  if (typeof followRequired !== 'boolean') throw new TypeError(`followRequired must be a boolean, got ${describe(followRequired)}`);
  if (!THEMES.includes(theme)) throw new TypeError(`theme must be one of ${THEMES.join(', ')}, got ${describe(theme)}`);
  if (onSelect !== undefined && typeof onSelect !== 'function') throw new TypeError(`onSelect must be a function, got ${describe(onSelect)}`);
  if (typeof fit !== 'boolean') throw new TypeError(`fit must be a boolean, got ${describe(fit)}`);
  if (!INITIAL_VIEWS.includes(initialView)) throw new TypeError(`initialView must be one of ${INITIAL_VIEWS.join(', ')}, got ${describe(initialView)}`);
  // group is checked by tasksLayout, with its own message.
  return { followBlocking, followRequired, group, theme, onSelect, fit, initialView };
}

export function readTasks(tasks) {
  const list = isTask(tasks) ? [tasks] : tasks !== null && typeof tasks === 'object' && typeof tasks[Symbol.iterator] === 'function' ? [...tasks] : undefined;
  if (list === undefined) throw new TypeError(`mountGraph(element, tasks): tasks must be a Task or an iterable of Tasks, got ${describe(tasks)}`);
  for (const t of list) if (!isTask(t)) throw new TypeError(`mountGraph(element, tasks): not a Task: ${describe(t)}`);
  return list;
}

// ---- Small helpers ----

export const num = (v) => Math.round(v * 100) / 100;

export function el(doc, name, attrs, parent) {
  const e = doc.createElementNS(SVG, name);
  if (attrs) for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, typeof v === 'number' ? String(num(v)) : v);
  parent?.append(e);
  return e;
}

/** Text lines centred on (cx, cy), as groups.mjs writes them. */
export function textLines(doc, parent, cx, cy, lines) {
  const first = cy - ((lines.length - 1) * LINE_HEIGHT) / 2 + 0.35 * FONT_SIZE;
  return lines.map((line, i) => {
    const t = el(doc, 'text', { 'text-anchor': 'middle', x: cx, y: first + i * LINE_HEIGHT }, parent);
    t.textContent = line;
    return t;
  });
}

/** 850 ms, 4.2s, 42s, 3m05s, 1h02m. */
export function formatElapsed(ms) {
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${s.toFixed(1)}s`;
  if (s < 60) return `${Math.floor(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export const policyAttempts = (task) => task._extras?.policy?.attempts;

/** "attempt 2/3 · 4.2s" for a running task. */
export function runningText(info, now) {
  const max = policyAttempts(info.task);
  return `attempt ${info.attempt}${max === undefined ? '' : `/${max}`} · ${formatElapsed(now - info.since)}`;
}

export function countsText(counts) {
  return STATES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`).join(', ');
}

export const badgeWidth = (text) => ((boxSize([text])[0] - 20) * BADGE_FONT) / FONT_SIZE + 10;

