// Pointer gestures of taskqueue-wasm/view (../view.mjs) on its <svg>:
// a mouse, pen or finger drags to pan (a press that does not move is a
// click), two fingers pinch-zoom about their midpoint, the wheel zooms
// about the pointer. Every listener is removed by the view's abort signal.

import { CLICK_SLOP, MAX_SCALE, MIN_SCALE } from './parts.mjs';

/** Listens for the gestures on `view.svg` until `signal` aborts. */
export function pointerGestures(view, signal) {
  const svg = view.svg;
  // Pointers down (mouse, pen, fingers), by id: one pans, two pinch.
  const pointers = new Map();
  // { kind: 'pan', id, x, y, from, moved } or { kind: 'pinch', d, mx, my, from }:
  // `from` is the view's pan and zoom when the gesture began.
  let gesture;
  const begin = (moved) => {
    const [a, b] = pointers.values();
    if (b !== undefined) {
      gesture = { kind: 'pinch', d: Math.hypot(a.x - b.x, a.y - b.y) || 1, mx: (a.x + b.x) / 2, my: (a.y + b.y) / 2, from: view.view };
      for (const id of pointers.keys()) svg.setPointerCapture?.(id);
    } else if (a !== undefined) gesture = { kind: 'pan', id: pointers.keys().next().value, x: a.x, y: a.y, from: view.view, moved };
    else gesture = undefined;
  };
  svg.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    // A second finger turns a pan into a pinch; neither is a click.
    begin(gesture !== undefined);
  }, { signal });
  svg.addEventListener('pointermove', (e) => {
    const p = pointers.get(e.pointerId);
    if (p === undefined || gesture === undefined) return;
    p.x = e.clientX;
    p.y = e.clientY;
    if (gesture.kind === 'pinch') {
      // The drawing's point under the fingers' first midpoint stays
      // under their midpoint; the scale follows their distance.
      const [a, b] = pointers.values();
      const { left, top } = view.viewport();
      const { from, d, mx, my } = gesture;
      const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, (from.scale * Math.hypot(a.x - b.x, a.y - b.y)) / d));
      const px = (mx - left - from.tx) / from.scale;
      const py = (my - top - from.ty) / from.scale;
      svg.classList.add('tq-panning');
      view.apply({ scale, tx: (a.x + b.x) / 2 - left - px * scale, ty: (a.y + b.y) / 2 - top - py * scale });
      return;
    }
    if (e.pointerId !== gesture.id) return;
    const dx = e.clientX - gesture.x;
    const dy = e.clientY - gesture.y;
    if (!gesture.moved && Math.hypot(dx, dy) < CLICK_SLOP) return;
    if (!gesture.moved) svg.setPointerCapture?.(e.pointerId);
    gesture.moved = true;
    svg.classList.add('tq-panning');
    const { from } = gesture;
    view.apply({ ...from, tx: from.tx + dx, ty: from.ty + dy });
  }, { signal });
  const end = (e) => {
    if (!pointers.delete(e.pointerId)) return;
    const was = gesture;
    if (pointers.size > 0) {
      begin(true); // the finger left goes on panning from where it is
      return;
    }
    gesture = undefined;
    svg.classList.remove('tq-panning');
    if (was?.kind !== 'pan' || was.moved || e.type !== 'pointerup') return;
    view.clicked(e.target);
  };
  svg.addEventListener('pointerup', end, { signal });
  svg.addEventListener('pointercancel', end, { signal });
  svg.addEventListener('wheel', (e) => {
    e.preventDefault();
    const { left, top } = view.viewport();
    // ctrl+wheel: a trackpad's pinch (and ctrl + mouse wheel).
    view.zoom(Math.exp(-e.deltaY * (e.ctrlKey ? 0.01 : 0.0015)), e.clientX - left, e.clientY - top);
  }, { signal, passive: false });
}
