// The graph on the page: the SVG that tasksAsSvg writes, put in once per
// graph, then updated node by node (data-state, fill, state label) as
// tasks change, found by data-task-id. Pan by dragging, zoom with the
// wheel, pinch or the toolbar; a click on a node selects it.

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
    this.view = { x: 0, y: 0, w: 1, h: 1 };
    this.selected = undefined;
    this._listen();
    new ResizeObserver(() => this._keepAspect()).observe(viewport);
  }

  /** Puts in a new drawing (a whole SVG document as text). */
  show(svgText) {
    const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
    const svg = doc.documentElement;
    if (svg.nodeName !== 'svg') throw new Error('tasksAsSvg did not return an SVG document');
    const [x, y, w, h] = (svg.getAttribute('viewBox') ?? '0 0 100 100').split(/[\s,]+/).map(Number);
    this.bounds = { x, y, w: Math.max(w, 1), h: Math.max(h, 1) };
    svg.removeAttribute('width');
    svg.removeAttribute('height');
    svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
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
    const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, this._scale() * factor));
    const ax = this.view.x + (cx / rect.width) * this.view.w;
    const ay = this.view.y + (cy / rect.height) * this.view.h;
    const w = rect.width / scale;
    const h = rect.height / scale;
    this._apply({ x: ax - (cx / rect.width) * w, y: ay - (cy / rect.height) * h, w, h });
  }

  /** Centres the view on a node. */
  reveal(id) {
    const box = this.nodes.get(id)?.g.getBBox?.();
    if (box) this._setScale(Math.max(this._scale(), READABLE_SCALE), box.x + box.width / 2, box.y + box.height / 2);
  }

  _scale() {
    return this.viewport.clientWidth / this.view.w;
  }

  _setScale(scale, cx, cy) {
    const w = Math.max(this.viewport.clientWidth, 1) / scale;
    const h = Math.max(this.viewport.clientHeight, 1) / scale;
    this._apply({ x: cx - w / 2, y: cy - h / 2, w, h });
  }

  // The view keeps the viewport's aspect ratio, so client pixels map to
  // graph units by one factor and panning and zooming stay exact.
  _keepAspect() {
    if (this.svg === undefined || this.viewport.clientWidth === 0) return;
    const scale = this._scale();
    this._apply({ ...this.view, w: this.viewport.clientWidth / scale, h: this.viewport.clientHeight / scale });
  }

  _apply(view) {
    this.view = view;
    this.svg?.setAttribute('viewBox', `${view.x} ${view.y} ${view.w} ${view.h}`);
  }

  _listen() {
    const vp = this.viewport;
    let drag;
    vp.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      drag = { id: e.pointerId, x: e.clientX, y: e.clientY, view: { ...this.view }, moved: false };
    });
    vp.addEventListener('pointermove', (e) => {
      if (drag === undefined || e.pointerId !== drag.id) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < CLICK_SLOP) return;
      if (!drag.moved) vp.setPointerCapture(e.pointerId);
      drag.moved = true;
      vp.classList.add('panning');
      const k = drag.view.w / vp.clientWidth;
      this._apply({ ...drag.view, x: drag.view.x - dx * k, y: drag.view.y - dy * k });
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
