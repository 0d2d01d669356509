// Terminal progress for a set of tasks. On a TTY: a status block redrawn
// in place (ANSI cursor moves), one line per task cut to the terminal's
// width. Otherwise (a pipe, a CI log): one plain line per transition, in
// the seed's `NAME OLD->EVENT->NEW` form.

const COLOURS = { RUNNING: 33, DONE: 32, FAILED: 31, CANCELLED: 90, ABORT: 91 };
const MARKS = { PENDING: '·', QUEUED: '…', RUNNING: '▶', DONE: '✔', FAILED: '✘', CANCELLED: '⊘', ABORT: '✘', PREPARE: '·' };
const REDRAW_MS = 80;

const elapsed = (since) => `${((Date.now() - since) / 1000).toFixed(2)}s`.padStart(7);

export class Status {
  constructor(tasks, { out = process.stdout, colour = !process.env.NO_COLOR } = {}) {
    this.tasks = tasks;
    this.out = out;
    this.live = Boolean(out.isTTY);
    this.colour = this.live && colour;
    this.started = Date.now();
    this.startedAt = new Map(); // task -> when it last started running
    this.tookMs = new Map();
    this.drawn = 0; // lines of the block on screen
    this.active = false; // a block is shown (between start and finish)
    this.timer = undefined;
    this.width = Math.max(tasks.reduce((n, t) => Math.max(n, t.name.length), 0), 8);
    this.attempt = new Map(); // task -> the number of its running attempt
    for (const task of tasks) {
      task.onTransition('*', (t, tr) => this.onTransition(t, tr));
      task.onAttempt((t, attempt) => this.onAttempt(t, attempt));
    }
  }

  /** A failed attempt that another follows (SPEC §8): a line of its own. */
  onAttempt(task, attempt) {
    this.attempt.set(task, attempt.number);
    if (attempt.outcome !== 'failed' && attempt.outcome !== 'timeout') return;
    if (task.state !== 'RUNNING') return; // the last one: its transition says it
    const why = attempt.error?.message ?? String(attempt.error);
    if (!this.live) this.out.write(`${elapsed(this.started)}  ${task.name} attempt ${attempt.number} ${attempt.outcome}: ${why}\n`);
    else if (this.active && this.timer === undefined) this.timer = setTimeout(() => this.redraw(), REDRAW_MS);
  }

  onTransition(task, tr) {
    if (tr.newState === 'RUNNING') this.startedAt.set(task, tr.when);
    else if (tr.oldState === 'RUNNING') this.tookMs.set(task, tr.when - this.startedAt.get(task));
    if (!this.live) {
      const because = tr.extra.because ? ` (${tr.extra.because})` : '';
      this.out.write(`${elapsed(this.started)}  ${task.name} ${tr.oldState}->${tr.event}->${tr.newState}${because}\n`);
    } else if (this.active && this.timer === undefined) {
      this.timer = setTimeout(() => this.redraw(), REDRAW_MS);
    }
  }

  /** A line of its own, above the live block if one is shown. */
  say(text) {
    this.clear();
    this.out.write(`${text}\n`);
    if (this.active) this.redraw();
  }

  /** Shows the live block (on a TTY) until finish(). */
  start() {
    this.active = this.live;
    if (this.active) this.redraw();
  }

  /** Draws the block a last time and leaves it on screen. */
  finish() {
    if (!this.active) return;
    this.redraw();
    this.active = false;
    this.drawn = 0;
  }

  clear() {
    if (this.live && this.drawn > 0) this.out.write(`\x1b[${this.drawn}F\x1b[J`);
    this.drawn = 0;
  }

  redraw() {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.active) return;
    const columns = this.out.columns || 80;
    const rows = this.out.rows || 24;
    const lines = [this.header(columns)];
    // A short terminal shows what is moving rather than every task.
    const shown = this.tasks.length + 2 <= rows ? this.tasks : this.tasks.filter((t) => t.state !== 'DONE' && t.state !== 'PENDING');
    for (const task of shown.slice(0, Math.max(rows - 2, 1))) lines.push(this.line(task, columns));
    this.clear();
    this.out.write(`${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }

  header(columns) {
    const done = this.tasks.filter((t) => t.isCompleted()).length;
    const label = ` ${done}/${this.tasks.length} completed ${elapsed(this.started).trim()}`;
    const barWidth = Math.max(Math.min(columns - label.length - 3, 40), 5);
    const filled = Math.round((barWidth * done) / this.tasks.length);
    return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]${label}`.slice(0, columns - 1);
  }

  line(task, columns) {
    const attempt = this.attempt.get(task) ?? 1;
    const running = attempt > 1 ? `attempt ${attempt}` : 'running';
    const took = task.state === 'RUNNING' ? running : this.tookMs.has(task) ? `${this.tookMs.get(task)} ms` : '';
    const detail = task.state === 'FAILED' && task.error ? `  ${task.error.message ?? task.error}` : '';
    const text = `${MARKS[task.state] ?? ' '} ${task.name.padEnd(this.width)}  ${task.state.padEnd(9)} ${took.padStart(8)}${detail}`;
    const cut = text.slice(0, columns - 1);
    const code = COLOURS[task.state];
    return this.colour && code ? `\x1b[${code}m${cut}\x1b[0m` : cut;
  }
}
