// The graph on the page: the SVG that tasksAsSvg writes, put in once per
// graph, then updated node by node (data-state, fill, state label) as
// tasks change, found by data-task-id. Pan by dragging, zoom with the
// wheel or the toolbar; a click on a node selects it. Pan and zoom move
// the <svg> with a CSS transform and leave its viewBox alone: a new
// viewBox makes Chromium lay out every label again, which with hundreds
// of tasks costs more than a frame.

export const STATES = ['PREPARE', 'PENDING', 'QUEUED', 'RUNNING', 'DONE', 'FAILED', 'CANCELLED', 'ABORT'];
// SPEC §5: the fill attribute keeps the spec's colours (as in a
// downloaded SVG); style.css draws the same mapping in a softer palette.
export const FILL = { RUNNING: 'yellow', DONE: 'green', FAILED: 'red', CANCELLED: 'gray', ABORT: 'darkred' };
const fillOf = (state) => FILL[state] ?? 'white';

const SHAPES = 'rect, ellipse, polygon, path, circle';
const MIN_SCALE = 0.02;
const MAX_SCALE = 4;
// A graph that fits only below OVERVIEW_SCALE is a blur of lines: it
// opens at READABLE_SCALE on its top-left corner instead.
const OVERVIEW_SCALE = 0.08;
const READABLE_SCALE = 0.6;
const CLICK_SLOP = 4;

/** The parts of one drawn node that change with its state. */
function indexNode(g) {
  const shape = g.querySelector(SHAPES);
  const labels = [...g.querySelectorAll('text, tspan')].filter((t) => t.childElementCount === 0 && STATES.includes(t.textContent.trim()));
  return { g, shape, label: labels.at(-1) };
}

/** `from->to` ids of an edge, from its Graphviz-style title. */
function edgeEnds(edge) {
  const match = /^\s*(\d+)\s*->\s*(\d+)\s*$/.exec(edge.querySelector('title')?.textContent ?? '');
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

export class GraphView {
  constructor(viewport, { onSelect }) {
    this.viewport = viewport;
    this.onSelect = onSelect;
    this.svg = undefined;
    this.nodes = new Map();
    this.edges = new Map(); // task id -> edges touching it
    this.bounds = { x: 0, y: 0, w: 1, h: 1 };
    // A graph point (x, y) shows at viewport pixel (tx + scale * (x - bounds.x), …).
    this.view = { scale: 1, tx: 0, ty: 0 };
    this.selected = undefined;
    this._listen();
  }

  /** Puts in a new drawing (a whole SVG document as text). */
  show(svgText) {
    const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
    const svg = doc.documentElement;
    if (svg.nodeName !== 'svg') throw new Error('tasksAsSvg did not return an SVG document');
    const size = (name) => parseFloat(svg.getAttribute(name)) || 100;
    const [x, y, w, h] = (svg.getAttribute('viewBox') ?? `0 0 ${size('width')} ${size('height')}`).split(/[\s,]+/).map(Number);
    if (!svg.hasAttribute('viewBox')) svg.setAttribute('viewBox', `${x} ${y} ${w} ${h}`);
    this.bounds = { x, y, w: Math.max(w, 1), h: Math.max(h, 1) };
    svg.setAttribute('width', String(this.bounds.w));
    svg.setAttribute('height', String(this.bounds.h));
    this.svg = document.importNode(svg, true);
    this.viewport.replaceChildren(this.svg);
    this.nodes.clear();
    this.edges.clear();
    for (const g of this.svg.querySelectorAll('g.node')) this.nodes.set(Number(g.dataset.taskId), indexNode(g));
    for (const edge of this.svg.querySelectorAll('g.edge')) {
      for (const id of edgeEnds(edge) ?? []) {
        if (!this.edges.has(id)) this.edges.set(id, []);
        this.edges.get(id).push(edge);
      }
    }
    this.selected = undefined;
    this.reset();
  }

  /** Shows a task's new state. */
  setState(id, state) {
    const node = this.nodes.get(id);
    if (node === undefined) return;
    node.g.dataset.state = state;
    node.shape?.setAttribute('fill', fillOf(state));
    if (node.label) node.label.textContent = state;
  }

  select(id) {
    const old = this.nodes.get(this.selected);
    old?.g.classList.remove('selected');
    for (const edge of this.edges.get(this.selected) ?? []) edge.classList.remove('related');
    this.selected = id;
    const node = this.nodes.get(id);
    node?.g.classList.add('selected');
    for (const edge of this.edges.get(id) ?? []) edge.classList.add('related');
  }

  /**
   * The whole graph, centred; a graph too big to read so is shown at a
   * readable scale from its top, so the first rows can be followed.
   */
  reset() {
    const fit = this._fitScale();
    if (fit >= OVERVIEW_SCALE) this.fit();
    else this._setScale(READABLE_SCALE, this.bounds.x + this.viewport.clientWidth / READABLE_SCALE / 2, this.bounds.y + this.viewport.clientHeight / READABLE_SCALE / 2);
  }

  fit() {
    this._setScale(this._fitScale(), this.bounds.x + this.bounds.w / 2, this.bounds.y + this.bounds.h / 2);
  }

  _fitScale() {
    const { clientWidth: cw, clientHeight: ch } = this.viewport;
    return Math.min((cw - 16) / this.bounds.w, (ch - 16) / this.bounds.h, 1.2);
  }

  /** Zooms by `factor` keeping the point under client (px, py), or the centre. */
  zoom(factor, px, py) {
    const rect = this.viewport.getBoundingClientRect();
    const [cx, cy] = px === undefined ? [rect.width / 2, rect.height / 2] : [px - rect.left, py - rect.top];
    const { scale, tx, ty } = this.view;
    const next = Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale * factor));
    this._apply({ scale: next, tx: cx - ((cx - tx) / scale) * next, ty: cy - ((cy - ty) / scale) * next });
  }

  /** Centres the view on a node. */
  reveal(id) {
    const box = this.nodes.get(id)?.g.getBBox?.();
    if (box) this._setScale(Math.max(this.view.scale, READABLE_SCALE), box.x + box.width / 2, box.y + box.height / 2);
  }

  /** Shows graph point (cx, cy) at the viewport's centre, at `scale`. */
  _setScale(scale, cx, cy) {
    this._apply({
      scale,
      tx: this.viewport.clientWidth / 2 - scale * (cx - this.bounds.x),
      ty: this.viewport.clientHeight / 2 - scale * (cy - this.bounds.y),
    });
  }

  _apply(view) {
    this.view = view;
    if (this.svg) this.svg.style.transform = `translate(${view.tx}px, ${view.ty}px) scale(${view.scale})`;
  }

  _listen() {
    const vp = this.viewport;
    let drag;
    vp.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      drag = { id: e.pointerId, x: e.clientX, y: e.clientY, view: this.view, moved: false };
    });
    vp.addEventListener('pointermove', (e) => {
      if (drag === undefined || e.pointerId !== drag.id) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < CLICK_SLOP) return;
      if (!drag.moved) vp.setPointerCapture(e.pointerId);
      drag.moved = true;
      vp.classList.add('panning');
      this._apply({ ...drag.view, tx: drag.view.tx + dx, ty: drag.view.ty + dy });
    });
    const end = (e) => {
      if (drag === undefined || e.pointerId !== drag.id) return;
      const { moved } = drag;
      drag = undefined;
      vp.classList.remove('panning');
      if (moved || e.type !== 'pointerup') return;
      const g = e.target.closest?.('g.node');
      if (g) this.onSelect(Number(g.dataset.taskId));
    };
    vp.addEventListener('pointerup', end);
    vp.addEventListener('pointercancel', end);
    vp.addEventListener('wheel', (e) => {
      e.preventDefault();
      this.zoom(Math.exp(-e.deltaY * (e.ctrlKey ? 0.01 : 0.0015)), e.clientX, e.clientY);
    }, { passive: false });
    vp.addEventListener('keydown', (e) => {
      const step = { '+': 1.25, '=': 1.25, '-': 0.8 }[e.key];
      if (step) this.zoom(step);
      else if (e.key === '0') this.fit();
      else return;
      e.preventDefault();
    });
  }
}
