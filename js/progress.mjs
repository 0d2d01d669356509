// taskqueue-wasm/progress (SPEC §11): the progress of a make, or of any
// tasks, in a Node terminal. On a TTY a status block redrawn in place
// (counts per state, a bar, the running tasks with their elapsed time
// and attempt, the failures with the first line of their error), every
// line cut to the terminal's width; anywhere else (a pipe, a CI log)
// one plain line per notable event, with no ANSI code. See
// docs/progress.md.
//
// It watches tasks through their public callbacks (onTransition,
// onAttempt) and a make through `MakeRun#ended`, and imports nothing
// that loads the wasm: only `isTask`. Two things it reads that are not
// public: a task's retry policy (`_extras.policy`, for "attempt 2/3")
// and the wait before its next attempt (`_extras.nextDelay`, set by
// run.mjs as a failed attempt's end is told).

import { isTask } from './brand.mjs';
import { describe } from './describe.mjs';

const OPTIONS = ['stream', 'colour', 'color', 'width', 'interval', 'title', 'live'];

// What a make's end is called in the summary (`MakeRun#ended`'s `how`).
const ENDINGS = {
  finished: (t) => `finished in ${t}`,
  failed: (t) => `make failed after ${t}`,
  aborted: (t) => `aborted after ${t}`,
  stopped: (t) => `stopped early after ${t}`,
  stop: (t) => `stopped after ${t}`, // stop() called
};

// The order of the counts, and each state's word and SGR colour.
const COUNTED = [
  ['RUNNING', 'running', '33'],
  ['QUEUED', 'queued', '36'],
  ['PENDING', 'pending', ''],
  ['PREPARE', 'prepare', ''],
  ['DONE', 'done', '32'],
  ['FAILED', 'failed', '31'],
  ['ABORT', 'aborted', '31'],
  ['CANCELLED', 'cancelled', '90'],
];
const COLOUR = Object.fromEntries(COUNTED.map(([state, , sgr]) => [state, sgr]));
// The bar, stacked: each state's character (ASCII: one column everywhere).
const BAR = [['DONE', '#'], ['FAILED', 'x'], ['ABORT', 'x'], ['CANCELLED', '~'], ['RUNNING', '>']];
const BAR_MAX = 30;
const MAX_LINES = 20; // of the live block, at most (and at most the terminal's rows - 1)
const MIN_WIDTH = 20;

/**
 * Shows the progress of `tasksOrMake` on `options.stream` (default
 * process.stderr) until the make ends or `stop()` is called. See
 * docs/progress.md and progress.d.ts.
 */
export function renderProgress(tasksOrMake, options) {
  const { tasks, make } = readSubject(tasksOrMake);
  const opts = readOptions(options);
  return new Display(tasks, make, opts).controller;
}

class Display {
  constructor(tasks, make, { stream, live, colour, width, interval, title }) {
    this.stream = stream;
    this.live = live;
    this.colour = colour;
    this.fixedWidth = width;
    this.title = title === undefined ? '' : clean(title);
    this.started = Date.now();
    this.tasks = tasks;
    this.info = new Map(); // task -> what the display knows of it
    this.removers = [];
    this.ended = false;
    this.drawn = []; // visible widths of the lines of the block on screen
    this.lastFrame = '';
    this.timer = undefined;
    let resolveDone;
    this.done = new Promise((resolve) => (resolveDone = resolve));
    this.resolveDone = resolveDone;

    const onTransition = (task, tr) => this.onTransition(task, tr);
    const onAttempt = (task, record) => this.onAttempt(task, record);
    for (const task of tasks) {
      this.info.set(task, initialInfo(task));
      this.removers.push(task.onTransition('*', onTransition));
      // Only tasks that can have several attempts: onAttempt makes a
      // task keep records, which others need not pay for.
      if (policyOf(task) !== undefined) this.removers.push(task.onAttempt(onAttempt));
    }
    this.controller = Object.freeze({
      stop: () => this.finish({ how: 'stop' }),
      log: (text) => this.log(text),
      done: this.done,
    });
    if (this.live) {
      this.draw();
      this.timer = setInterval(() => this.draw(), interval);
      this.timer.unref?.();
    } else if (this.title !== '') {
      this.line(`${this.title}: ${tasks.length} ${tasks.length === 1 ? 'task' : 'tasks'}`);
    }
    // A turn later: tasks the make cancelled as it ended (an abort) have
    // usually settled by then, and the summary counts them as they are.
    if (make !== undefined) make.ended.then((end) => (globalThis.setImmediate ?? setTimeout)(() => this.finish(end)));
  }

  // ---- What happens ----

  onTransition(task, tr) {
    const info = this.info.get(task);
    if (info === undefined || this.ended) return;
    info.state = tr.newState;
    if (tr.newState === 'RUNNING') {
      info.since = tr.when;
      info.attempt = 1;
      info.nextAt = undefined;
      info.lastError = undefined;
    }
    if (tr.newState === 'FAILED' || tr.newState === 'ABORT') info.failedAt = tr.when;
    if (this.live) return;
    const words = describeTransition(task, tr, info);
    if (words !== undefined) this.line(`${clean(task.name)} ${words}`);
  }

  onAttempt(task, record) {
    const info = this.info.get(task);
    if (info === undefined || this.ended) return;
    info.attempt = record.number;
    if (record.end === undefined) {
      info.nextAt = undefined;
      return;
    }
    const delay = task._extras?.nextDelay;
    if ((record.outcome !== 'failed' && record.outcome !== 'timeout') || delay === undefined || task.state !== 'RUNNING') return;
    // Another attempt follows: a line of its own (the last one's outcome is the transition's).
    info.nextAt = record.end + delay;
    info.lastError = record.error;
    if (!this.live) {
      const what = record.outcome === 'timeout' && record.error?.timeout !== undefined ? `timed out after ${record.error.timeout} ms` : `failed: ${firstLine(record.error)}`;
      this.line(`${clean(task.name)} attempt ${record.number}${ofAttempts(task)} ${what}; next in ${Math.round(delay)} ms`);
    }
  }

  /** A line of the caller's, above the live block. */
  log(text) {
    const line = `${String(text)}\n`;
    if (this.live && !this.ended) {
      this.write(`${this.erase()}\x1b[J${line}`);
      this.drawn = [];
      this.lastFrame = '';
      this.draw();
    } else {
      this.write(line);
    }
  }

  /** The make ended, or stop(): a last frame and the summary; nothing left running. */
  finish(end) {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.timer);
    this.timer = undefined;
    for (const remove of this.removers) remove();
    this.removers = [];
    // The truth, whatever was told: read every task's state once more.
    for (const [task, info] of this.info) info.state = task.state;
    const summary = this.summary(end, !this.live);
    if (this.live) {
      const lines = this.frame(true);
      lines.push(this.segments([[summary, '1']]));
      this.paint(lines);
      this.drawn = []; // left on screen
    } else {
      this.line(summary);
    }
    this.resolveDone();
  }

  // ---- Plain lines ----

  line(text) {
    this.write(`${stamp(Date.now() - this.started)}  ${text}\n`);
  }

  write(text) {
    this.stream.write(text);
  }

  // ---- The live block ----

  get width() {
    const columns = this.fixedWidth ?? this.stream.columns;
    return Math.max(Number.isInteger(columns) && columns > 0 ? columns : 80, MIN_WIDTH);
  }

  draw() {
    if (this.ended) return;
    this.paint(this.frame(false));
  }

  /** Writes a frame over the one on screen (unless it is the same). */
  paint(lines) {
    const text = lines.map((l) => l.text).join('\n');
    if (text === this.lastFrame && this.drawn.length > 0) return;
    this.lastFrame = text;
    const out = lines.map((l) => `${l.text}\x1b[K\n`).join('');
    this.write(`${this.erase()}${out}\x1b[J`);
    this.drawn = lines.map((l) => l.width);
  }

  /** Moves to the first line of the block on screen (the rows it takes now, if the terminal narrowed). */
  erase() {
    if (this.drawn.length === 0) return '';
    const width = this.width;
    const rows = this.drawn.reduce((n, w) => n + Math.max(1, Math.ceil(w / width)), 0);
    return `\r\x1b[${rows}A`;
  }

  /** The block's lines, each `{ text, width }`, cut to the width. */
  frame(final) {
    const now = Date.now();
    const counts = new Map();
    const running = [];
    const failed = [];
    for (const [task, info] of this.info) {
      counts.set(info.state, (counts.get(info.state) ?? 0) + 1);
      if (info.state === 'RUNNING') running.push([task, info]);
      else if (info.state === 'FAILED' || info.state === 'ABORT') failed.push([task, info]);
    }
    running.sort((a, b) => a[1].since - b[1].since);
    failed.sort((a, b) => a[1].failedAt - b[1].failedAt);
    const total = this.tasks.length;
    const settled = ['DONE', 'FAILED', 'ABORT', 'CANCELLED'].reduce((n, s) => n + (counts.get(s) ?? 0), 0);

    const lines = [this.header(counts, settled, total, now), this.segments(countSegments(counts, '  '))];
    const rows = Number.isInteger(this.stream.rows) && this.stream.rows > 0 ? this.stream.rows : Infinity;
    const room = Math.max(Math.min(MAX_LINES, rows - 1) - lines.length - (final ? 1 : 0), 0);
    const [nRunning, nFailed] = final ? [0, Math.min(failed.length, room)] : allot(running.length, failed.length, room);
    // Each running task: its name, its time, then its attempt (and while
    // it waits for the next one, when and why). Names share one column,
    // at most half the width, narrower when the attempts need the room;
    // the error, last, is what gets cut.
    const shown = running.slice(0, nRunning).map(([task, info]) => {
      const attempts = policyOf(task)?.attempts;
      let attempt = '';
      let why = '';
      if (info.nextAt !== undefined) {
        attempt = `  attempt ${info.attempt + 1}${attempts ? `/${attempts}` : ''} in ${duration(Math.max(info.nextAt - now, 0))}`;
        why = ` (${firstLine(info.lastError)})`;
      } else if (attempts !== undefined && attempts > 1) {
        attempt = `  attempt ${info.attempt}/${attempts}`;
      }
      return { task, info, name: clean(task.name), attempt, why };
    });
    const TIME = 8; // '  ' and a duration padded to 6
    const nameWidth = Math.min(
      Math.max(0, ...shown.map((r) => textWidth(r.name))),
      Math.floor(this.width / 2),
      Math.max(10, this.width - 1 - 4 - TIME - Math.max(0, ...shown.map((r) => textWidth(r.attempt)))),
    );
    this.list(lines, shown, nRunning, 'running', ({ info, name, attempt, why }) => [
      ['  > ', COLOUR.RUNNING],
      [padTo(name, nameWidth), ''],
      [`  ${duration(now - info.since).padStart(6)}`, ''],
      [attempt, info.nextAt !== undefined ? '90' : info.attempt > 1 ? '33' : ''],
      [why, '90'],
    ], running.length);
    this.list(lines, failed, nFailed, 'failed', ([task, info]) => [
      ['  x ', COLOUR.FAILED],
      [clean(task.name), ''],
      [`: ${failureOf(task, info)}`, '90'],
    ]);
    return lines;
  }

  /**
   * Appends up to `n` lines for the first of `count` items (`items`
   * holds at least `n` of them), the last saying how many more there are.
   */
  list(lines, items, n, what, render, count = items.length) {
    if (n <= 0) return;
    const shown = n < count ? n - 1 : n;
    for (const item of items.slice(0, shown)) lines.push(this.segments(render(item)));
    if (shown < count) lines.push(this.segments([[`  … and ${count - shown} more ${what}`, '90']]));
  }

  header(counts, settled, total, now) {
    const head = this.title === '' ? '' : `${this.title}  `;
    const tail = `  ${settled}/${total}  ${duration(now - this.started)}`;
    const barWidth = Math.min(BAR_MAX, this.width - 1 - textWidth(head) - textWidth(tail) - 2);
    const segs = [[head, '1']];
    if (barWidth >= 5) {
      segs.push(['[', '']);
      let used = 0;
      let cumulative = 0;
      for (const [state, char] of BAR) {
        cumulative += counts.get(state) ?? 0;
        const upTo = total === 0 ? 0 : Math.round((barWidth * cumulative) / total);
        if (upTo > used) segs.push([char.repeat(upTo - used), COLOUR[state]]);
        used = Math.max(used, upTo);
      }
      segs.push(['.'.repeat(barWidth - used), ''], [']', '']);
    }
    segs.push([tail, '']);
    return this.segments(segs);
  }

  /** One line from `[text, sgr]` segments: cut to the width, coloured if asked. */
  segments(segs) {
    const limit = this.width - 1; // the last column would make some terminals wrap
    let text = '';
    let width = 0;
    for (const [part, sgr] of segs) {
      if (part === '') continue;
      const fitted = cut(part, limit - width);
      width += fitted.width;
      text += this.colour && sgr ? `\x1b[${sgr}m${fitted.text}\x1b[0m` : fitted.text;
      if (fitted.cut) break;
    }
    return { text, width };
  }

  /**
   * How it ended: `finished in 1.62s`, `aborted after 0.40s (AbortError: …)`;
   * `withCounts` (plain lines; the live block has them above) adds
   * `; 15 tasks: 13 done, 2 failed`.
   */
  summary(end, withCounts) {
    const how = (ENDINGS[end.how] ?? ENDINGS.stop)(duration(Date.now() - this.started));
    const why = (end.how === 'failed' || end.how === 'aborted') && end.reason !== undefined ? ` (${reasonLine(end.reason)})` : '';
    const head = this.title === '' ? '' : `${this.title}: `;
    if (!withCounts) return `${head}${how}${why}`;
    const counts = new Map();
    for (const info of this.info.values()) counts.set(info.state, (counts.get(info.state) ?? 0) + 1);
    const total = this.tasks.length;
    const list = countSegments(counts, '').map(([text]) => text).join('');
    return `${head}${how}${why}; ${total} ${total === 1 ? 'task' : 'tasks'}${list === '' ? '' : `: ${list}`}`;
  }
}

// ---- Reading the input ----

function readSubject(subject) {
  const where = 'renderProgress(tasksOrMake)';
  if (subject !== null && typeof subject === 'object' && typeof subject[Symbol.asyncIterator] === 'function' && 'ended' in subject) {
    const given = subject.tasks;
    const ended = subject.ended;
    if (!Array.isArray(given) || typeof ended?.then !== 'function') {
      throw new TypeError(`${where}: expected what make() returns, with tasks and ended, got ${describe(subject)}`);
    }
    return { tasks: withPrerequisites(given), make: { ended } };
  }
  if (isTask(subject)) return { tasks: withPrerequisites([subject]), make: undefined };
  if (subject === null || typeof subject !== 'object' || typeof subject[Symbol.iterator] !== 'function') {
    const hint = typeof subject?.then === 'function' ? ' (a Promise: pass the tasks given to makeNow, or what make() returns)' : '';
    throw new TypeError(`${where} must be an iterable of tasks or what make() returns, got ${describe(subject)}${hint}`);
  }
  const tasks = [...subject];
  tasks.forEach((task, i) => {
    if (!isTask(task)) throw new TypeError(`${where}: item ${i} is not a Task, got ${describe(task)}`);
  });
  return { tasks: withPrerequisites(tasks), make: undefined };
}

/** The tasks and their prerequisites, transitively, each once (prerequisites first). */
function withPrerequisites(tasks) {
  const seen = new Set();
  const order = [];
  const visit = (root) => {
    if (seen.has(root)) return;
    seen.add(root);
    const stack = [[root, root.required, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top[2] < top[1].length) {
        const next = top[1][top[2]++];
        if (!seen.has(next)) {
          seen.add(next);
          stack.push([next, next.required, 0]);
        }
      } else {
        stack.pop();
        order.push(top[0]);
      }
    }
  };
  for (const task of tasks) visit(task);
  return order;
}

function readOptions(options) {
  if (options === undefined || options === null) options = {};
  else if (typeof options !== 'object') throw new TypeError(`renderProgress options must be an object, got ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (!OPTIONS.includes(key)) throw new TypeError(`unknown renderProgress option '${key}' (known: ${OPTIONS.join(', ')})`);
  }
  const stream = options.stream ?? globalThis.process?.stderr;
  if (stream === null || typeof stream !== 'object' || typeof stream.write !== 'function') {
    throw new TypeError(`renderProgress option 'stream' must have a write(text) method, got ${describe(options.stream ?? stream)}`);
  }
  for (const key of ['colour', 'color', 'live']) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean') throw new TypeError(`renderProgress option '${key}' must be a boolean, got ${describe(options[key])}`);
  }
  if (options.colour !== undefined && options.color !== undefined && options.colour !== options.color) {
    throw new TypeError(`renderProgress options 'colour' and 'color' disagree (${options.colour}, ${options.color}): give one`);
  }
  const { width, interval = 100, title } = options;
  if (width !== undefined && !(Number.isInteger(width) && width >= MIN_WIDTH)) {
    throw new TypeError(`renderProgress option 'width' must be an integer of at least ${MIN_WIDTH} (columns), got ${describe(width)}`);
  }
  if (!(typeof interval === 'number' && Number.isFinite(interval) && interval >= 10)) {
    throw new TypeError(`renderProgress option 'interval' must be a number of ms, at least 10, got ${describe(interval)}`);
  }
  if (title !== undefined && typeof title !== 'string') throw new TypeError(`renderProgress option 'title' must be a string, got ${describe(title)}`);
  const live = options.live ?? stream.isTTY === true;
  const noColor = globalThis.process?.env?.NO_COLOR;
  const colour = options.colour ?? options.color ?? (live && (noColor === undefined || noColor === ''));
  return { stream, live, colour, width, interval, title };
}


// ---- What a task says ----

function initialInfo(task) {
  const state = task.state;
  const info = { state, since: Date.now(), attempt: 1, nextAt: undefined, lastError: undefined, failedAt: 0 };
  if (state === 'RUNNING' || state === 'FAILED' || state === 'ABORT') {
    const last = task.history.at(-1);
    if (state === 'RUNNING') {
      if (last !== undefined) info.since = last.when;
      info.attempt = task.attempts.at(-1)?.number ?? 1;
    } else {
      info.failedAt = last?.when ?? 0;
    }
  }
  return info;
}

function policyOf(task) {
  return task._extras?.policy;
}

/** " of 3" as "/3" when the task has a retry policy, else nothing. */
function ofAttempts(task) {
  const total = policyOf(task)?.attempts;
  return total === undefined ? '' : `/${total}`;
}

/** A plain line's words for a transition (after the task's name); undefined: not worth a line. */
function describeTransition(task, tr, info) {
  const took = tr.oldState === 'RUNNING' ? ` in ${duration(tr.when - info.since)}` : '';
  const attempts = tr.oldState === 'RUNNING' && info.attempt > 1 ? ` (attempt ${info.attempt}${ofAttempts(task)})` : '';
  const because = tr.extra?.because === undefined ? '' : `: ${tr.extra.because}${namesOf(tr.extra.tasks)}`;
  switch (tr.newState) {
    case 'RUNNING':
      return 'started';
    case 'DONE':
      return `done${took}${attempts}`;
    case 'FAILED':
      return tr.oldState === 'RUNNING' ? `failed${took}${attempts}: ${firstLine(task.error)}` : `failed${because}`;
    case 'CANCELLED':
      return `cancelled${took}${because}`;
    case 'ABORT':
      return 'aborted';
    case 'PENDING':
      return tr.event === 'retry' ? 'retried: pending again' : undefined;
    default:
      return undefined; // QUEUED: its start says more
  }
}

function namesOf(tasks) {
  return Array.isArray(tasks) && tasks.length > 0 ? ` (${tasks.map((t) => clean(t.name)).join(', ')})` : '';
}

/** Why a FAILED or ABORT task is there: its error's first line, or its history's `because`. */
function failureOf(task, info) {
  if (info.state === 'ABORT') return 'aborted';
  const last = task.history.at(-1);
  if (last?.extra?.because !== undefined) return `${last.extra.because}${namesOf(last.extra.tasks)}`;
  return firstLine(task.error);
}

/** The first line of what was thrown, fit for one line of a terminal. */
function firstLine(error) {
  let text;
  try {
    text = error instanceof Error ? error.message || error.name : String(error);
  } catch {
    text = Object.prototype.toString.call(error);
  }
  return clean(text.split(/\r?\n/, 1)[0]);
}

/** An abort reason or a make's error: with its class when it says something. */
function reasonLine(reason) {
  const line = firstLine(reason);
  return reason instanceof Error && reason.name && reason.name !== 'Error' ? `${reason.name}: ${line}` : line;
}

// ---- Text ----

/** Control characters (a newline, an escape) would break the block: shown as '?'. */
function clean(text) {
  return String(text).replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
}

const ZERO = /[\p{Mn}\p{Me}\p{Cf}]/u;
const WIDE = /[\p{Emoji_Presentation}\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u;

/**
 * Columns a character takes in a terminal: 0 for combining marks and
 * format characters, 2 for East Asian wide ones and emoji, else 1. A
 * variation selector 16 makes the character before it wide (❤️): counted
 * as 1 more. Errs on the wide side.
 */
function charWidth(ch) {
  if (ch === '\ufe0f') return 1;
  if (ZERO.test(ch)) return 0;
  return WIDE.test(ch) ? 2 : 1;
}

function textWidth(text) {
  let width = 0;
  for (const ch of text) width += charWidth(ch);
  return width;
}

/** `text` in at most `limit` columns, '…' in place of what is cut. */
function cut(text, limit) {
  if (limit <= 0) return { text: '', width: 0, cut: text !== '' };
  const full = textWidth(text);
  if (full <= limit) return { text, width: full, cut: false };
  let out = '';
  let width = 0;
  for (const ch of text) {
    const w = charWidth(ch);
    if (width + w > limit - 1) break;
    out += ch;
    width += w;
  }
  return { text: `${out}…`, width: width + 1, cut: true };
}

function padTo(text, width) {
  const fitted = cut(text, width);
  return fitted.text + ' '.repeat(Math.max(width - fitted.width, 0));
}

/** Lines for two lists in `room` lines: each its share, what one leaves to the other. */
function allot(a, b, room) {
  if (a + b <= room) return [a, b];
  let na = Math.min(a, Math.ceil(room / 2));
  const nb = Math.min(b, room - na);
  na = Math.min(a, room - nb);
  return [na, nb];
}

/** "3 running, 8 done, 1 failed" as segments, coloured by state; `lead` before the first. */
function countSegments(counts, lead) {
  const segs = [];
  for (const [state, word, sgr] of COUNTED) {
    const n = counts.get(state) ?? 0;
    if (n === 0) continue;
    segs.push([segs.length === 0 ? lead : ', ', ''], [`${n} ${word}`, sgr]);
  }
  return segs;
}

/** 0.42s, 12.3s, 4m05s, 1h02m. */
function duration(ms) {
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(2)}s`;
  if (s < 60) return `${s.toFixed(1)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The time since the display began, at the head of a plain line. */
function stamp(ms) {
  return duration(ms).padStart(7);
}
