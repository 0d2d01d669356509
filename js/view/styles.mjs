// The stylesheet of taskqueue-wasm/view: `--tq-*` custom properties
// over the palette's colours, light and dark; one <style> per document
// while any view is mounted.

import { palette } from '../palette.mjs';
import { STATES } from './parts.mjs';

// ---- The stylesheet: one per document, while any view is mounted ----

// Defaults by theme for the fills of the states drawn white, and the
// page's background and ink; every other state keeps its palette colour.
const DARK = { background: '#1b1d21', ink: '#e3e3e3', plain: '#2c3038', plainText: '#e3e3e3', selected: '#6ab0ff' };
const LIGHT = { background: 'white', ink: 'black', plain: null, plainText: null, selected: '#1a73e8' };

function themeVars(theme) {
  const lines = [`--tqv-background: ${theme.background};`, `--tqv-ink: ${theme.ink};`, `--tqv-selected: ${theme.selected};`];
  for (const state of STATES) {
    const { fill, text } = palette.states[state];
    const plain = fill === 'white' && theme.plain !== null;
    lines.push(`--tqv-${state.toLowerCase()}: ${plain ? theme.plain : fill};`);
    lines.push(`--tqv-${state.toLowerCase()}-text: ${plain ? theme.plainText : text};`);
  }
  return lines.join(' ');
}

/** The view's CSS: `.tq-view` and what it holds. Exported for pages that add it themselves (e.g. in a shadow root). */
export const styles = (() => {
  const rules = [
    `.tq-view { ${themeVars(LIGHT)} }`,
    `.tq-view[data-theme="dark"] { ${themeVars(DARK)} }`,
    `@media (prefers-color-scheme: dark) { .tq-view[data-theme="auto"] { ${themeVars(DARK)} } }`,
    '.tq-view { display: block; width: 100%; height: 100%; box-sizing: border-box; background: var(--tq-background, var(--tqv-background)); color: var(--tq-ink, var(--tqv-ink)); font-family: Helvetica, Arial, sans-serif; font-size: 14px; touch-action: none; user-select: none; -webkit-user-select: none; cursor: grab; outline: none; }',
    '.tq-view:focus-visible { outline: 2px solid var(--tq-selected, var(--tqv-selected)); outline-offset: -2px; }',
    '.tq-view.tq-panning { cursor: grabbing; }',
    '.tq-view text { fill: currentColor; }',
    '.tq-view .tq-edge path { fill: none; stroke: var(--tq-edge, currentColor); }',
    '.tq-view .tq-edge polygon { fill: var(--tq-edge, currentColor); stroke: var(--tq-edge, currentColor); }',
    '.tq-view rect.tq-box { stroke: var(--tq-stroke, currentColor); }',
    '.tq-view .group > rect.tq-box { fill: var(--tq-group, var(--tq-background, var(--tqv-background))); }',
    '.tq-view .group[data-expanded="true"] > rect.tq-box { fill: var(--tq-group, transparent); stroke-dasharray: 6 3; }',
    '.tq-view .node, .tq-view .group, .tq-view .tq-collapse { cursor: pointer; }',
    '.tq-view .tq-collapse rect { fill: var(--tq-background, var(--tqv-background)); stroke: currentColor; }',
    '.tq-view .tq-badge rect { fill: var(--tq-background, var(--tqv-background)); stroke: currentColor; stroke-width: 0.75; }',
    '.tq-view .tq-badge text { font-size: 10px; }',
    '.tq-view .tq-badge[hidden] { display: none; }',
    '.tq-view .tq-selected > rect.tq-box { stroke: var(--tq-selected, var(--tqv-selected)); stroke-width: 3; }',
    '.tq-view .tq-cursor > rect.tq-box, .tq-view .tq-collapse.tq-cursor > rect { stroke: var(--tq-selected, var(--tqv-selected)); stroke-width: 2; stroke-dasharray: 4 2; }',
    '.tq-view .tq-edge.tq-edge-selected path { stroke: var(--tq-selected, var(--tqv-selected)); stroke-width: 2.5; }',
    '.tq-view .tq-edge.tq-edge-selected polygon { fill: var(--tq-selected, var(--tqv-selected)); stroke: var(--tq-selected, var(--tqv-selected)); }',
    '.tq-view .tq-segs rect { stroke: none; }',
    '.tq-view.tq-small text, .tq-view.tq-small .tq-badge { display: none; }',
  ];
  for (const state of STATES) {
    const name = state.toLowerCase();
    const prop = palette.cssVars.states[state];
    rules.push(`.tq-view .node[data-state="${state}"] > rect.tq-box, .tq-view .tq-segs rect[data-state="${state}"] { fill: var(${prop}, var(--tqv-${name})); }`);
    rules.push(`.tq-view .node[data-state="${state}"] > text { fill: var(${prop}-text, var(--tqv-${name}-text)); }`);
  }
  return rules.join('\n');
})();

const sheets = new WeakMap(); // document -> { style, views }

export function addStyles(doc) {
  let entry = sheets.get(doc);
  if (entry === undefined) {
    const style = doc.createElement('style');
    style.dataset.tqView = '';
    style.textContent = styles;
    (doc.head ?? doc.documentElement).append(style);
    entry = { style, views: 0 };
    sheets.set(doc, entry);
  }
  entry.views++;
}

export function removeStyles(doc) {
  const entry = sheets.get(doc);
  if (entry === undefined || --entry.views > 0) return;
  entry.style.remove();
  sheets.delete(doc);
}

