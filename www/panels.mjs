// The page's read-outs: counts per state with the progress bar, the log
// of transitions, and the selected task's details.
// STATES: every task state, in the order the legend lists them.

export const STATES = ['PREPARE', 'PENDING', 'QUEUED', 'RUNNING', 'DONE', 'FAILED', 'CANCELLED', 'ABORT'];

const COMPLETED = new Set(['DONE', 'FAILED', 'ABORT']);
// Stacked in the progress bar, in this order.
const BAR = ['DONE', 'FAILED', 'ABORT', 'CANCELLED', 'RUNNING', 'QUEUED'];
// Lines kept on screen; every transition stays in the tasks' histories.
const LOG_LIMIT = 400;

export const seconds = (ms) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const el = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};
const stateWord = (state) => el('span', `st st-${state}`, state);

/** Counts per state, drawn as the legend and a stacked progress bar. */
export class Counts {
  constructor(legend, bar, text) {
    this.text = text;
    this.bar = bar;
    this.items = new Map();
    this.segments = new Map();
    for (const state of STATES) {
      const item = el('li');
      item.dataset.state = state;
      item.append(el('span', 'swatch'), el('span', 'name', state), el('span', 'count', '0'));
      legend.append(item);
      this.items.set(state, item);
    }
    for (const state of BAR) {
      const seg = el('span', 'seg');
      seg.dataset.state = state;
      bar.append(seg);
      this.segments.set(state, seg);
    }
  }

  /** Redraws from the tasks' states; returns the counts. */
  show(tasks) {
    const counts = Object.fromEntries(STATES.map((s) => [s, 0]));
    for (const t of tasks) counts[t.state]++;
    for (const [state, item] of this.items) {
      item.lastChild.textContent = counts[state];
      item.classList.toggle('zero', counts[state] === 0);
    }
    const total = Math.max(tasks.length, 1);
    for (const [state, seg] of this.segments) seg.style.width = `${(100 * counts[state]) / total}%`;
    const completed = [...COMPLETED].reduce((n, s) => n + counts[s], 0);
    this.bar.setAttribute('aria-valuenow', String(Math.round((100 * completed) / total)));
    this.text.textContent = `${completed} of ${tasks.length} completed`;
    return counts;
  }
}

/**
 * The transitions, in the seed's `NAME OLD->EVENT->NEW` form. The list is
 * laid out bottom-up (CSS column-reverse) with the newest line first in
 * the DOM, so it stays scrolled to the end as lines come in without
 * reading the layout, which with a big graph on the page costs a frame.
 */
export class Log {
  constructor(list) {
    this.list = list;
  }

  /** Adds lines `{ at, task, tr }`, oldest first; keeps the newest LOG_LIMIT. */
  append(entries) {
    if (entries.length === 0) return;
    const lines = document.createDocumentFragment();
    for (let i = entries.length - 1; i >= Math.max(0, entries.length - LOG_LIMIT); i--) {
      const { at, task, tr } = entries[i];
      const line = el('li');
      line.dataset.taskId = task.id;
      const change = el('span', 'change', `${tr.oldState}->${tr.event}->`);
      change.append(stateWord(tr.newState));
      line.append(el('span', 'at', `+${seconds(at)}`), ` ${task.name} `, change);
      if (tr.extra?.because) line.append(el('span', 'because', ` (${tr.extra.because})`));
      if (tr.extra?.restored) line.append(el('span', 'because', ' (restored from IndexedDB)'));
      lines.append(line);
    }
    this.list.prepend(lines);
    let extra = this.list.childElementCount - LOG_LIMIT;
    while (extra-- > 0) this.list.lastElementChild.remove();
  }

  clear() {
    this.list.replaceChildren();
  }
}

function describeValue(value) {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** What to show of a task's outcome: `[label, text]`. */
function outcome(task, history) {
  if (task.state === 'DONE') return ['result', describeValue(task.result)];
  if (task.state !== 'FAILED') return ['result', '—'];
  // Failed by make for its prerequisites: nothing was thrown, make says why.
  const because = history.at(-1)?.extra?.because;
  return ['error', because && task.error === undefined ? because : describeValue(task.error)];
}

/** The selected task: state, neighbours, outcome, history, and its buttons. */
export class Details {
  constructor(root, { onSelect }) {
    this.$ = (id) => root.querySelector(`#${id}`);
    this.onSelect = onSelect;
    this.task = undefined;
  }

  show(task, history, epoch) {
    this.task = task;
    this.$('details-empty').hidden = task !== undefined;
    this.$('details-body').hidden = task === undefined;
    if (task === undefined) return;
    this.$('d-name').textContent = task.name;
    const badge = this.$('d-state');
    badge.textContent = task.state;
    badge.dataset.state = task.state;
    this._links(this.$('d-requires'), task.required);
    this._links(this.$('d-blocks'), task.blocking);
    const [label, value] = outcome(task, history);
    this.$('d-outcome-label').textContent = label;
    const shown = this.$('d-outcome');
    shown.textContent = value;
    shown.classList.toggle('bad', label === 'error');
    this.$('d-cancel').disabled = !['PENDING', 'QUEUED', 'RUNNING'].includes(task.state);
    this.$('d-retry').disabled = !['FAILED', 'CANCELLED'].includes(task.state);
    this.$('d-abort').disabled = !['PENDING', 'FAILED', 'CANCELLED'].includes(task.state);
    const rows = history.map((tr) => {
      const row = el('tr');
      const cell = el('td');
      cell.append(`${tr.oldState}->${tr.event}->`, stateWord(tr.newState));
      if (tr.extra?.because) cell.append(el('div', 'because', tr.extra.because));
      row.append(el('td', 'at', `+${seconds(tr.when - epoch)}`), cell);
      return row;
    });
    if (rows.length === 0) rows.push(el('tr', 'hint', 'no transitions yet'));
    this.$('d-history').replaceChildren(...rows);
  }

  _links(dd, tasks) {
    if (tasks.length === 0) {
      dd.replaceChildren('—');
      return;
    }
    dd.replaceChildren(...tasks.map((t) => {
      const link = el('button', `link st-${t.state}`, t.name);
      link.type = 'button';
      link.addEventListener('click', () => this.onSelect(t.id));
      return link;
    }));
  }
}
