// taskqueue-wasm/view (SPEC §11): the live, state-coloured graph of any
// tasks inside the user's own page. `mountGraph(element, tasks, options)`
// lays the tasks out once (`tasksLayout`, siblings grouped), builds an
// <svg> of DOM elements (no markup parsed: names are text nodes), and
// then only patches it: each drawn task's transitions (and attempts, for
// tasks with a retry policy) mark it dirty, and one pass per animation
// frame updates the dirty nodes' `data-state`, label and the counts of
// their groups. Fills come from a stylesheet of `--tq-*` custom
// properties with the palette's colours as fallbacks, light or dark.
// Pan and zoom move one <g> with a transform; the layout is redone only
// when asked (`update`, a group expanded or collapsed). See docs/view.md.
//
// Loads no wasm of its own: `tasksLayout` runs in the instance the page
// started by importing `taskqueue-wasm` (the tasks passed in prove it
// did). Reads one thing that is not public: a task's retry policy
// (`_extras.policy`, for "attempt 2/3"), as progress.mjs does.

import { tasksLayout } from './layout.mjs';
import { palette } from './palette.mjs';
import { isTask } from './brand.mjs';
import { describe } from './describe.mjs';
import { STATES, FONT_SIZE, LINE_HEIGHT, PAD_Y, MIN_SCALE, MAX_SCALE, FIT_MARGIN, CLICK_SLOP, TICK_MS, LEGIBLE_PX, READABLE_SCALE, readOptions, readTasks, num, el, textLines, policyAttempts, runningText, countsText, badgeWidth } from './view/parts.mjs';
import { addStyles, removeStyles } from './view/styles.mjs';
import { pointerGestures } from './view/gestures.mjs';

export { formatElapsed } from './view/parts.mjs';
export { styles } from './view/styles.mjs';

// ---- The view ----

let views = 0; // for element ids unique in the page

class GraphView {
  constructor(element, tasks, opts) {
    this.element = element;
    this.doc = element.ownerDocument;
    this.win = this.doc.defaultView ?? globalThis;
    this.roots = tasks;
    this.opts = opts;
    this.prefix = `tqv${++views}-`;
    this.expanded = new Set(); // members of the groups drawn open
    this.info = new Map(); // task -> what the view knows of it and where it is drawn
    this.groups = new Map(); // group id -> group record
    this.items = []; // keyboard targets, in drawing order
    this.dirty = new Set();
    this.running = new Set();
    this.frame = 0;
    this.timer = undefined;
    this.tickDue = false;
    this.selected = null;
    this.cursor = undefined;
    this.view = { scale: 1, tx: 0, ty: 0 };
    this.size = { width: 0, height: 0 };
    this.fitted = false; // the view is as fit() left it: a resize fits again
    this.box = undefined; // the svg's size on screen, as last seen
    this.resizes = undefined; // the ResizeObserver, where there is one
    this.destroyed = false;
    this.onTransition = (task, tr) => this.changed(task, tr);
    this.onAttempt = (task, record) => this.attempted(task, record);

    addStyles(this.doc);
    const svg = el(this.doc, 'svg', { class: 'tq-view', tabindex: '0', role: 'listbox', 'aria-label': 'task graph', 'data-theme': opts.theme });
    this.svg = svg;
    this.layer = el(this.doc, 'g', { class: 'tq-layer' }, svg);
    element.append(svg);
    this.listen();
    this.render();
    if (!opts.fit) this.apply(this.view);
    else if (opts.initialView === 'readable') this.readable();
    else this.fit();
    this.watchSize();
  }

  /**
   * When the element changes size, a view as fit() left it is fitted
   * again; one the user panned or zoomed stays as it is (its top-left
   * where it was, as a page's scroll position does).
   */
  watchSize() {
    const Observer = this.win.ResizeObserver;
    if (typeof Observer !== 'function') return;
    this.box = this.viewport();
    this.resizes = new Observer(() => {
      if (this.destroyed) return;
      const was = this.box;
      const now = this.viewport();
      this.box = now;
      if (this.fitted && (now.width !== was.width || now.height !== was.height)) this.fit();
    });
    this.resizes.observe(this.svg);
  }

  // ---- Drawing ----

  /** Lays the tasks out and draws them anew, keeping pan, zoom, selection and subscriptions of tasks still drawn. */
  render() {
    const { doc } = this;
    const layout = tasksLayout(this.roots, {
      followBlocking: this.opts.followBlocking,
      followRequired: this.opts.followRequired,
      group: this.opts.group,
      expand: [...this.expanded],
    });
    this.size = { width: layout.width, height: layout.height };
    const old = this.info;
    this.info = new Map();
    this.groups = new Map();
    this.items = [];
    const edges = el(doc, 'g', { class: 'tq-edges' });
    const nodes = el(doc, 'g', { class: 'tq-nodes' });
    const refOf = (end) => (isTask(end) ? String(end.id) : end.id);
    for (const e of layout.edges) {
      const g = el(doc, 'g', { class: 'edge tq-edge', 'data-from': refOf(e.from), 'data-to': refOf(e.to) }, edges);
      el(doc, 'path', { d: e.path }, g);
      el(doc, 'polygon', { points: e.arrow.map((p) => `${num(p.x)},${num(p.y)}`).join(' ') }, g);
    }
    for (const n of layout.nodes) {
      if (n.group) this.drawGroup(n, nodes);
      else this.drawTask(n, nodes, undefined);
    }
    this.layer.replaceChildren(edges, nodes);
    // Subscriptions follow the drawn tasks.
    for (const [task, was] of old) {
      const now = this.info.get(task);
      if (now === undefined) for (const remove of was.removers) remove();
      else now.removers = was.removers;
    }
    for (const [task, info] of this.info) {
      if (info.removers !== undefined) continue;
      info.removers = [task.onTransition('*', this.onTransition)];
      // Only tasks with a policy: onAttempt makes a task keep records.
      if (policyAttempts(task) !== undefined) info.removers.push(task.onAttempt(this.onAttempt));
    }
    if (this.selected !== null && !this.info.has(this.selected)) this.selected = null;
    this.showSelection();
    if (this.cursor !== undefined) this.cursor = this.items.find((item) => item.key === this.cursor.key);
    this.showCursor();
    this.updateRunning();
  }

  /** The info of a drawn task, from its state now. */
  newInfo(task, group) {
    const state = task.state;
    const info = { task, state, group, g: undefined, stateText: undefined, badge: undefined, since: 0, attempt: 1, removers: undefined };
    if (state === 'RUNNING') {
      const attempts = task.attempts;
      const last = attempts.at(-1);
      info.attempt = last?.number ?? 1;
      const history = task.history;
      let since = last?.start ?? Date.now();
      for (let i = history.length - 1; i >= 0; i--) {
        if (history[i].newState === 'RUNNING') {
          since = history[i].when;
          break;
        }
      }
      info.since = since;
    }
    this.info.set(task, info);
    return info;
  }

  drawTask(n, parent, group) {
    const { doc } = this;
    const { task } = n;
    const info = this.info.get(task) ?? this.newInfo(task, group);
    const g = el(doc, 'g', { class: 'node', id: `${this.prefix}t${task.id}`, 'data-task-id': String(task.id), 'data-state': info.state, role: 'option', 'aria-selected': 'false' }, parent);
    el(doc, 'title', {}, g).textContent = task.name;
    const fill = palette.states[info.state]?.fill ?? 'white';
    el(doc, 'rect', { class: 'tq-box', x: n.x, y: n.y, width: n.width, height: n.height, fill, stroke: 'black' }, g);
    const texts = textLines(doc, g, n.x + n.width / 2, n.y + n.height / 2, [...task.name.split('\n'), info.state]);
    info.g = g;
    info.stateText = texts.at(-1);
    info.badge = this.badge(g, n.x + n.width / 2, n.y + n.height);
    info.box = n;
    this.items.push({ key: `t${task.id}`, kind: 'task', task, g, cx: n.x + n.width / 2, cy: n.y + n.height / 2 });
    this.label(info);
  }

  /** A small pill centred on (cx, y), hidden until it has text. */
  badge(parent, cx, y) {
    const { doc } = this;
    const g = el(doc, 'g', { class: 'tq-badge' }, parent);
    g.setAttribute('hidden', '');
    const rect = el(doc, 'rect', { x: cx, y: y - 7, width: 0, height: 14, rx: 7 }, g);
    const text = el(doc, 'text', { 'text-anchor': 'middle', x: cx, y: y + 3.5 }, g);
    return { g, rect, text, cx, shown: '' };
  }

  setBadge(badge, text) {
    if (badge.shown === text) return;
    badge.shown = text;
    if (text === '') {
      badge.g.setAttribute('hidden', '');
      return;
    }
    badge.g.removeAttribute('hidden');
    badge.text.textContent = text;
    const w = badgeWidth(text);
    badge.rect.setAttribute('x', String(num(badge.cx - w / 2)));
    badge.rect.setAttribute('width', String(num(w)));
  }

  drawGroup(n, parent) {
    const { doc } = this;
    const counts = {};
    const group = { id: n.id, tasks: n.tasks, counts, expanded: n.expanded, g: undefined, segs: undefined, badge: undefined, box: n };
    this.groups.set(n.id, group);
    const members = new Map(n.members.map((m) => [m.task, m]));
    for (const task of n.tasks) {
      const info = this.newInfo(task, group);
      counts[info.state] = (counts[info.state] ?? 0) + 1;
    }
    const g = el(doc, 'g', { class: 'group', id: `${this.prefix}${n.id}`, 'data-group': n.id, 'data-count': String(n.tasks.length), 'data-expanded': String(n.expanded) }, parent);
    group.g = g;
    el(doc, 'title', {}, g).textContent = `${n.tasks.length} tasks`;
    el(doc, 'rect', { class: 'tq-box', x: n.x, y: n.y, width: n.width, height: n.height, rx: 6, fill: 'white', stroke: 'black' }, g);
    const cx = n.x + n.width / 2;
    textLines(doc, g, cx, n.y + PAD_Y + LINE_HEIGHT / 2, [`${n.tasks.length} tasks`]);
    if (n.expanded) {
      // The control that closes it, in the frame's top right corner.
      const c = el(doc, 'g', { class: 'tq-collapse', id: `${this.prefix}c${n.id}`, role: 'button', 'aria-label': `collapse the group of ${n.tasks.length} tasks`, 'data-collapse': n.id }, g);
      const s = 16;
      const x = n.x + n.width - s - 5;
      const y = n.y + 5;
      el(doc, 'rect', { x, y, width: s, height: s, rx: 3 }, c);
      el(doc, 'path', { d: `M${num(x + 4)} ${num(y + s / 2)}H${num(x + s - 4)}`, stroke: 'currentColor', 'stroke-width': '2' }, c);
      el(doc, 'title', {}, c).textContent = 'collapse';
      this.items.push({ key: `c${n.id}`, kind: 'collapse', group, g: c, cx: x + s / 2, cy: y + s / 2 });
      for (const task of n.tasks) this.drawTask(members.get(task), g, group);
    } else {
      g.setAttribute('role', 'option');
      g.setAttribute('aria-selected', 'false');
      group.segs = el(doc, 'g', { class: 'tq-segs' }, g);
      group.bar = { x: n.x + 10, y: n.y + PAD_Y + LINE_HEIGHT + 3, width: Math.max(n.width - 20, 1), height: 8 };
      group.badge = this.badge(g, cx, n.y + n.height);
      this.items.push({ key: n.id, kind: 'group', group, g, cx, cy: n.y + n.height / 2 });
      this.drawCounts(group);
    }
  }

  /** A collapsed group's bar of counts, badge and label. */
  drawCounts(group) {
    if (group.expanded) return;
    const { doc } = this;
    const { x, y, width, height } = group.bar;
    const total = group.tasks.length;
    const segs = [];
    let at = x;
    for (const state of STATES) {
      const k = group.counts[state] ?? 0;
      if (k === 0) continue;
      const w = (width * k) / total;
      segs.push(el(doc, 'rect', { x: at, y, width: w, height, 'data-state': state, fill: palette.states[state].fill }));
      at += w;
    }
    group.segs.replaceChildren(...segs);
    const text = countsText(group.counts);
    group.g.dataset.counts = text;
    group.g.setAttribute('aria-label', `group of ${total} tasks: ${text}`);
    this.setBadge(group.badge, text);
  }

  label(info) {
    const { task, g } = info;
    let words = `${task.name}: ${info.state}`;
    if (info.state === 'RUNNING') words += `, ${runningText(info, Date.now())}`;
    g.setAttribute('aria-label', words);
  }

  // ---- Live ----

  changed(task, tr) {
    const info = this.info.get(task);
    if (info === undefined || this.destroyed) return;
    if (tr.newState === 'RUNNING') {
      info.since = tr.when;
      info.attempt = 1;
    }
    this.dirty.add(task);
    this.schedule();
  }

  attempted(task, record) {
    const info = this.info.get(task);
    if (info === undefined || this.destroyed) return;
    info.attempt = record.number;
    this.dirty.add(task);
    this.schedule();
  }

  schedule() {
    if (this.frame !== 0 || this.destroyed) return;
    this.frame = this.win.requestAnimationFrame(() => {
      this.frame = 0;
      this.flush();
    });
  }

  /** One pass over what changed since the last frame. */
  flush() {
    if (this.destroyed) return;
    const groups = new Set();
    for (const task of this.dirty) {
      const info = this.info.get(task);
      if (info === undefined) continue;
      const state = task.state;
      if (state !== info.state) {
        if (info.group !== undefined) {
          const { counts } = info.group;
          counts[info.state]--;
          counts[state] = (counts[state] ?? 0) + 1;
          groups.add(info.group);
        }
        info.state = state;
        if (info.g !== undefined) {
          info.g.dataset.state = state;
          info.g.querySelector('rect.tq-box').setAttribute('fill', palette.states[state]?.fill ?? 'white');
          info.stateText.textContent = state;
        }
      }
      if (state === 'RUNNING') this.running.add(task);
      else this.running.delete(task);
      if (info.g !== undefined) this.showRunning(info, Date.now());
    }
    this.dirty.clear();
    for (const group of groups) this.drawCounts(group);
    if (this.tickDue) {
      this.tickDue = false;
      const now = Date.now();
      for (const task of this.running) {
        const info = this.info.get(task);
        if (info?.g !== undefined) this.showRunning(info, now);
      }
    }
    this.tick();
  }

  showRunning(info, now) {
    this.setBadge(info.badge, info.state === 'RUNNING' ? runningText(info, now) : '');
    this.label(info);
  }

  /** The running set from scratch (after a layout), then the ticker. */
  updateRunning() {
    this.running.clear();
    const now = Date.now();
    for (const [task, info] of this.info) {
      if (info.state === 'RUNNING') this.running.add(task);
      if (info.g !== undefined) this.showRunning(info, now);
    }
    this.tick();
  }

  /** Keeps a 4 Hz timer while a drawn task runs, and none otherwise. */
  tick() {
    if (this.destroyed) return;
    if (this.running.size === 0) {
      if (this.timer !== undefined) this.win.clearTimeout(this.timer);
      this.timer = undefined;
      return;
    }
    if (this.timer !== undefined) return;
    this.timer = this.win.setTimeout(() => {
      this.timer = undefined;
      this.tickDue = true;
      this.schedule();
    }, TICK_MS);
  }

  // ---- Selection and the keyboard cursor ----

  select(task, { notify = true } = {}) {
    if (task !== null && task !== undefined && !isTask(task)) throw new TypeError(`select(task): not a Task: ${describe(task)}`);
    const next = task ?? null;
    const changed = next !== this.selected;
    this.selected = next;
    this.showSelection();
    if (changed && notify) this.opts.onSelect?.(next);
  }

  showSelection() {
    for (const g of this.layer.querySelectorAll('.tq-selected')) {
      g.classList.remove('tq-selected');
      g.setAttribute('aria-selected', 'false');
    }
    for (const e of this.layer.querySelectorAll('.tq-edge-selected')) e.classList.remove('tq-edge-selected');
    if (this.selected === null) return;
    const info = this.info.get(this.selected);
    // A task inside a collapsed group: the group shows the selection.
    const inGroup = info?.g === undefined && info?.group?.expanded === false;
    const g = info?.g ?? (inGroup ? info.group.g : undefined);
    g?.classList.add('tq-selected');
    g?.setAttribute('aria-selected', 'true');
    if (g === undefined) return;
    // Its edges (the group's, for a task in a closed group), drawn last: above the others.
    const ref = inGroup ? info.group.id : String(this.selected.id);
    const edges = this.layer.querySelector('.tq-edges');
    for (const e of this.layer.querySelectorAll(`.tq-edge[data-from="${ref}"], .tq-edge[data-to="${ref}"]`)) {
      e.classList.add('tq-edge-selected');
      edges.append(e);
    }
  }

  setCursor(item) {
    this.cursor = item;
    this.showCursor();
    if (item !== undefined) this.keepInSight(item);
  }

  showCursor() {
    for (const g of this.layer.querySelectorAll('.tq-cursor')) g.classList.remove('tq-cursor');
    if (this.cursor === undefined) {
      this.svg.removeAttribute('aria-activedescendant');
      return;
    }
    this.cursor.g.classList.add('tq-cursor');
    this.svg.setAttribute('aria-activedescendant', this.cursor.g.id);
  }

  /** The nearest item from the cursor in an arrow's direction. */
  move(dx, dy) {
    const from = this.cursor ?? this.items.find((i) => i.task === this.selected);
    if (from === undefined) {
      this.setCursor(this.items[0]);
      return;
    }
    let best;
    let bestScore = Infinity;
    for (const item of this.items) {
      if (item === from) continue;
      const ax = item.cx - from.cx;
      const ay = item.cy - from.cy;
      const along = ax * dx + ay * dy;
      if (along <= 0.5) continue;
      const across = Math.abs(ax * dy - ay * dx);
      const score = along + 2 * across;
      if (score < bestScore) {
        bestScore = score;
        best = item;
      }
    }
    if (best !== undefined) this.setCursor(best);
  }

  /** What Enter, Space or a click does on an item. */
  activate(item) {
    if (item.kind === 'task') this.select(item.task);
    else if (item.kind === 'group') this.expand(item.group.tasks[0]);
    else this.collapse(item.group.tasks[0]);
  }

  // ---- Groups ----

  expand(task) {
    if (!isTask(task)) throw new TypeError(`expand(task): not a Task: ${describe(task)}`);
    const group = this.info.get(task)?.group;
    if (group === undefined || group.expanded) return false;
    this.expanded.add(task);
    this.afterRegroup(`c${group.id}`);
    return true;
  }

  collapse(task) {
    if (!isTask(task)) throw new TypeError(`collapse(task): not a Task: ${describe(task)}`);
    const group = this.info.get(task)?.group;
    if (group === undefined || !group.expanded) return false;
    for (const member of group.tasks) this.expanded.delete(member);
    this.afterRegroup(group.id);
    return true;
  }

  /** Draws again after a group opened or closed; the keyboard cursor goes to the group's new form. */
  afterRegroup(key) {
    this.render();
    const item = this.items.find((i) => i.key === key);
    if (item !== undefined) this.setCursor(item);
  }

  // ---- Pan and zoom ----

  apply(view, fitted = false) {
    this.view = view;
    this.fitted = fitted;
    this.layer.setAttribute('transform', `translate(${num(view.tx)} ${num(view.ty)}) scale(${view.scale})`);
    const small = view.scale * FONT_SIZE < LEGIBLE_PX;
    if (small !== this.svg.classList.contains('tq-small')) this.svg.classList.toggle('tq-small', small);
  }

  viewport() {
    const r = this.svg.getBoundingClientRect();
    return { left: r.left, top: r.top, width: r.width, height: r.height };
  }

  /** The scale that fits the drawing in the element (never above 1:1). */
  fitScale() {
    const { width, height } = this.viewport();
    const w = Math.max(this.size.width, 1);
    const h = Math.max(this.size.height, 1);
    const scale = Math.min((width - 2 * FIT_MARGIN) / w, (height - 2 * FIT_MARGIN) / h, 1);
    return scale > 0 ? Math.max(MIN_SCALE, scale) : 1;
  }

  /**
   * `initialView: 'readable'`: fitted if text is readable so; otherwise at
   * READABLE_SCALE on the drawing's top-left (its first rows), centred
   * across if it is narrower than the element.
   */
  readable() {
    if (this.fitScale() >= READABLE_SCALE) {
      this.fit();
      return;
    }
    const { width } = this.viewport();
    const scale = READABLE_SCALE;
    this.apply({ scale, tx: Math.max(FIT_MARGIN, (width - scale * this.size.width) / 2), ty: FIT_MARGIN });
  }

  fit() {
    if (this.destroyed) return;
    const { width, height } = this.viewport();
    const w = Math.max(this.size.width, 1);
    const h = Math.max(this.size.height, 1);
    const scale = this.fitScale();
    this.apply({ scale, tx: (width - scale * w) / 2, ty: (height - scale * h) / 2 }, true);
  }

  /** Zooms by `factor` keeping the viewport point (px, py) still (default: the centre). */
  zoom(factor, px, py) {
    const { width, height } = this.viewport();
    const cx = px ?? width / 2;
    const cy = py ?? height / 2;
    const { scale, tx, ty } = this.view;
    const next = Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale * factor));
    this.apply({ scale: next, tx: cx - ((cx - tx) / scale) * next, ty: cy - ((cy - ty) / scale) * next });
  }

  /** Pans a keyboard item into view when it is outside. */
  keepInSight(item) {
    const { width, height } = this.viewport();
    const { scale, tx, ty } = this.view;
    const x = tx + item.cx * scale;
    const y = ty + item.cy * scale;
    if (x >= 20 && x <= width - 20 && y >= 20 && y <= height - 20) return;
    this.apply({ scale, tx: width / 2 - item.cx * scale, ty: height / 2 - item.cy * scale });
  }

  /**
   * Centres a task's node (or the closed group holding it) in the
   * element, keeping the zoom unless text is unreadable at it (then
   * READABLE_SCALE). False if the task is not drawn.
   */
  revealTask(task) {
    if (!isTask(task)) throw new TypeError(`reveal(task): not a Task: ${describe(task)}`);
    const info = this.info.get(task);
    const box = info?.g !== undefined ? info.box : info?.group?.expanded === false ? info.group.box : undefined;
    if (box === undefined) return false;
    const { width, height } = this.viewport();
    const scale = Math.min(MAX_SCALE, Math.max(this.view.scale, READABLE_SCALE));
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    this.apply({ scale, tx: width / 2 - cx * scale, ty: height / 2 - cy * scale });
    return true;
  }

  // ---- Events: all on the <svg>, all removed by one abort ----

  listen() {
    this.abort = new AbortController();
    const { signal } = this.abort;
    const svg = this.svg;
    pointerGestures(this, signal);
    svg.addEventListener('keydown', (e) => this.key(e), { signal });
  }

  clicked(target) {
    const hit = target.closest?.('.tq-collapse, g.node, g.group');
    if (hit === null || hit === undefined || !this.layer.contains(hit)) {
      this.select(null);
      return;
    }
    const item = this.items.find((i) => i.g === hit);
    if (item === undefined) return; // an expanded group's frame
    this.cursor = item;
    this.showCursor();
    this.activate(item);
  }

  key(e) {
    if (e.altKey || e.metaKey || (e.ctrlKey && e.key !== '0')) return;
    const arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (arrows[e.key] !== undefined) this.move(...arrows[e.key]);
    else if (e.key === 'Enter' || e.key === ' ') {
      if (this.cursor !== undefined) this.activate(this.cursor);
    } else if (e.key === '+' || e.key === '=') this.zoom(1.25);
    else if (e.key === '-' || e.key === '_') this.zoom(0.8);
    else if (e.key === '0') this.fit();
    else if (e.key === 'Escape') {
      this.setCursor(undefined);
      this.select(null);
    } else return;
    e.preventDefault();
  }

  // ---- The end ----

  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const info of this.info.values()) for (const remove of info.removers ?? []) remove();
    this.info.clear();
    this.groups.clear();
    this.items = [];
    this.dirty.clear();
    this.running.clear();
    if (this.frame !== 0) this.win.cancelAnimationFrame(this.frame);
    this.frame = 0;
    if (this.timer !== undefined) this.win.clearTimeout(this.timer);
    this.timer = undefined;
    this.abort.abort();
    this.resizes?.disconnect();
    this.resizes = undefined;
    this.svg.remove();
    removeStyles(this.doc);
  }
}

/**
 * Draws `tasks` (and, by default, every task connected to them) live in
 * `element`; returns the controller. See docs/view.md and view.d.ts.
 */
export function mountGraph(element, tasks, options) {
  if (element === null || typeof element !== 'object' || typeof element.append !== 'function' || element.ownerDocument === undefined) {
    throw new TypeError(`mountGraph(element, tasks): element must be a DOM element, got ${describe(element)}`);
  }
  const list = readTasks(tasks);
  const opts = readOptions(options);
  const view = new GraphView(element, list, opts);
  const alive = (fn) => (...args) => (view.destroyed ? undefined : fn(...args));
  return Object.freeze({
    element: view.svg,
    update: alive((next) => {
      if (next !== undefined) view.roots = readTasks(next);
      view.render();
    }),
    select: alive((task) => view.select(task)),
    get selected() {
      return view.selected;
    },
    fit: alive(() => view.fit()),
    reveal: alive((task) => view.revealTask(task)),
    zoom: alive((factor) => {
      if (typeof factor !== 'number' || !(factor > 0)) throw new TypeError(`zoom(factor): a positive number, got ${describe(factor)}`);
      view.zoom(factor);
    }),
    expand: alive((task) => view.expand(task)),
    collapse: alive((task) => view.collapse(task)),
    destroy: () => view.destroy(),
  });
}
