// taskqueue-wasm/view (SPEC §11) in headless Chromium: a page of the
// test's own (tests/browser/pages/view.html) mounts the graph of a make
// whose tasks wait on gates the test opens, so every intermediate state
// is known: each node's data-state, label, badge and computed fill
// against its task, the fan's group counts, selection by click, keyboard
// and select(), fit, a group expanded and collapsed, the dark theme,
// reveal(), the selection's edges, initialView 'readable', and
// destroy() mid-run (no listener, timer, frame, task callback or style
// left; later transitions touch nothing). Screenshots in test-output/.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { servedChromium } from './harness.mjs';

const outDir = fileURLToPath(new URL('../../test-output/', import.meta.url));
const chromium = servedChromium();
before(() => mkdirSync(outDir, { recursive: true }));

async function openPage() {
  const page = await chromium.browser.newPage({ viewport: { width: 940, height: 1180 } });
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`${chromium.server.url}/tests/browser/pages/view.html`);
  await page.waitForFunction(() => window.ready === true);
  return { page, problems };
}

/** Waits until no task of `window.g` changed for a few frames, then compares the drawing with the tasks. */
async function settledCompare(page, overrides = {}) {
  return page.evaluate(async (overrides) => {
    const { g, t } = window;
    let last = '';
    for (let quiet = 0; quiet < 4;) {
      await t.frames(1);
      const now = g.all.map((task) => task.state).join();
      quiet = now === last ? quiet + 1 : 0;
      last = now;
    }
    await t.frames(2);
    const svg = window.view.element;
    const result = t.compare(svg, g.all, overrides);
    const group = svg.querySelector('g.group[data-expanded="false"]');
    result.groupCounts = group?.dataset.counts;
    result.wantCounts = t.countsOf(g.items);
    result.states = Object.fromEntries(g.all.map((task) => [task.name, task.state]));
    return result;
  }, overrides);
}

function assertDrawn(result, nodes) {
  assert.deepEqual(result.problems, []);
  assert.equal(result.nodes, nodes);
  assert.equal(result.groupCounts, result.wantCounts);
}

test('a running make: every node and the group follow their tasks, with the retried task attempts and custom fills', async () => {
  const { page, problems } = await openPage();
  await page.evaluate(() => {
    const { t } = window;
    window.g = t.build();
    document.querySelector('#light').style.setProperty('--tq-done', 'rgb(0, 90, 200)');
    window.selected = [];
    window.view = t.view.mountGraph(document.querySelector('#light'), [window.g.setup], { onSelect: (task) => window.selected.push(task?.name ?? null) });
  });
  const DONE = { DONE: 'rgb(0, 90, 200)' };
  // The 30 items are one group: setup, merge, flaky, publish are nodes.
  let r = await settledCompare(page, DONE);
  assertDrawn(r, 4);
  assert.equal(r.wantCounts, '30 PENDING');
  assert.equal(await page.locator('#light g.group').count(), 1);
  assert.equal(await page.locator('#light g.edge').count(), 5, 'setup->group, group->merge, setup->flaky, merge->publish, flaky->publish');

  await page.evaluate(() => {
    window.run = window.t.makeNow([window.g.publish], { concurrency: 40 });
  });
  r = await settledCompare(page, DONE);
  assertDrawn(r, 4);
  assert.equal(r.states.setup, 'RUNNING');
  const setupBadge = await page.locator('#light g.node:has(title:text-is("setup")) .tq-badge text').textContent();
  assert.match(setupBadge, /^attempt 1 · \d+\.\ds$/);

  await page.evaluate(() => window.g.release(['setup']));
  r = await settledCompare(page, DONE);
  assertDrawn(r, 4);
  assert.equal(r.states.setup, 'DONE');
  assert.equal(r.states['flaky upload'], 'RUNNING');
  // flaky failed twice (40 ms, 80 ms apart) and waits in its third attempt.
  await page.waitForFunction(() => window.g.flaky.attempts.length === 3);
  await page.waitForFunction(() => /^attempt 3\/3 · /.test(document.querySelector(`#light g.node[data-task-id="${window.g.flaky.id}"] .tq-badge text`).textContent));
  assert.match(r.wantCounts, /RUNNING/);

  // The items end a few at a time: many transitions per frame.
  for (let i = 0; i < 30; i += 7) {
    await page.evaluate((i) => window.g.release(Array.from({ length: 7 }, (_, k) => `item ${i + k}`)), i);
    r = await settledCompare(page, DONE);
    assertDrawn(r, 4);
  }
  assert.equal(r.wantCounts, '30 DONE');
  await page.screenshot({ path: `${outDir}view-light.png`, clip: { x: 0, y: 0, width: 940, height: 590 } });
  await page.evaluate(() => window.g.release(['merge', 'flaky', 'publish']));
  await page.evaluate(() => window.run);
  r = await settledCompare(page, DONE);
  assertDrawn(r, 4);
  assert.ok(Object.values(r.states).every((s) => s === 'DONE'));
  // Nothing runs: no timer and no frame of the view's is pending.
  assert.deepEqual(await page.evaluate(async () => {
    await window.t.frames(2);
    return [window.pending.timeouts.size, window.pending.frames.size];
  }), [0, 0]);
  assert.deepEqual(problems, []);
  await page.close();
});

test('selection, keyboard, fit, a group expanded and collapsed, the dark theme', async () => {
  const { page, problems } = await openPage();
  await page.evaluate(() => {
    const { t } = window;
    window.g = t.build();
    window.selected = [];
    window.view = t.view.mountGraph(document.querySelector('#light'), [window.g.setup], { onSelect: (task) => window.selected.push(task?.name ?? null) });
  });
  const selected = () => page.evaluate(() => window.selected);
  const setupId = await page.evaluate(() => window.g.setup.id);

  // Click, select(), Escape.
  await page.click(`#light g.node[data-task-id="${setupId}"]`);
  assert.deepEqual(await selected(), ['setup']);
  assert.equal(await page.getAttribute(`#light g.node[data-task-id="${setupId}"]`, 'aria-selected'), 'true');
  await page.evaluate(() => window.view.select(window.g.publish));
  assert.deepEqual(await selected(), ['setup', 'publish']);
  assert.equal(await page.locator('#light .tq-selected').count(), 1);
  assert.equal(await page.getAttribute(`#light g.node[data-task-id="${setupId}"]`, 'aria-selected'), 'false');
  await page.focus('#light svg');
  await page.keyboard.press('Escape');
  assert.deepEqual(await selected(), ['setup', 'publish', null]);
  assert.equal(await page.locator('#light .tq-selected').count(), 0);

  // Keyboard: arrows move the cursor (aria-activedescendant), Enter selects.
  await page.keyboard.press('ArrowDown');
  const first = await page.getAttribute('#light svg', 'aria-activedescendant');
  assert.ok(first, 'a cursor');
  await page.keyboard.press('ArrowDown');
  const second = await page.getAttribute('#light svg', 'aria-activedescendant');
  assert.notEqual(second, first);
  const cursorKind = await page.evaluate((id) => document.getElementById(id).getAttribute('class'), second);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowLeft');
  const target = await page.getAttribute('#light svg', 'aria-activedescendant');
  const targetIsNode = await page.evaluate((id) => document.getElementById(id).matches('g.node'), target);
  if (targetIsNode) {
    await page.keyboard.press('Enter');
    assert.equal((await selected()).length, 4, `Enter on ${target} (${cursorKind}) selects it`);
  }

  // Fit: zoomed in far, then fit() brings the whole drawing inside the svg.
  const boxes = () => page.evaluate(() => {
    const svg = window.view.element.getBoundingClientRect();
    const layer = window.view.element.querySelector('.tq-layer').getBoundingClientRect();
    return { svg: { x: svg.x, y: svg.y, w: svg.width, h: svg.height }, layer: { x: layer.x, y: layer.y, w: layer.width, h: layer.height } };
  });
  const inside = ({ svg, layer }) => layer.x >= svg.x - 0.5 && layer.y >= svg.y - 0.5 && layer.x + layer.w <= svg.x + svg.w + 0.5 && layer.y + layer.h <= svg.y + svg.h + 0.5;
  await page.evaluate(() => window.view.zoom(4));
  await page.evaluate(() => window.view.zoom(4));
  await page.mouse.move(450, 300);
  await page.mouse.wheel(0, -400); // zoom in more at the pointer
  assert.equal(inside(await boxes()), false, 'zoomed in, the drawing overflows');
  await page.evaluate(() => window.view.fit());
  let b = await boxes();
  assert.ok(inside(b), `fitted: ${JSON.stringify(b)}`);
  // Pan by dragging moves it; 0 fits again.
  await page.mouse.move(450, 300);
  await page.mouse.down();
  await page.mouse.move(600, 380, { steps: 4 });
  await page.mouse.up();
  const panned = await boxes();
  assert.ok(Math.abs(panned.layer.x - b.layer.x - 150) < 1 && Math.abs(panned.layer.y - b.layer.y - 80) < 1, 'dragged 150, 80');
  assert.equal((await selected()).length, targetIsNode ? 4 : 3, 'a drag selects nothing');
  await page.focus('#light svg');
  await page.keyboard.press('0');
  b = await boxes();
  assert.ok(inside(b));
  // Centred, and either 1:1 (fit never enlarges) or filling one side.
  const scale = await page.evaluate(() => Number(/scale\(([\d.]+)\)/.exec(window.view.element.querySelector('.tq-layer').getAttribute('transform'))[1]));
  assert.ok(Math.abs(b.layer.x + b.layer.w / 2 - (b.svg.x + b.svg.w / 2)) < 12 && Math.abs(b.layer.y + b.layer.h / 2 - (b.svg.y + b.svg.h / 2)) < 12, `centred: ${JSON.stringify(b)}`);
  assert.ok(scale === 1 || b.layer.w >= b.svg.w - 2 * 12 - 20 || b.layer.h >= b.svg.h - 2 * 12 - 20, JSON.stringify({ b, scale }));

  // A fitted view fits again when its element changes size; a zoomed one stays as it is.
  const transform = () => page.evaluate(() => window.view.element.querySelector('.tq-layer').getAttribute('transform'));
  const resize = (width) => page.evaluate(async (width) => {
    document.querySelector('#light').style.width = `${width}px`;
    await window.t.frames(3);
  }, width);
  const wide = await transform();
  await resize(420);
  b = await boxes();
  assert.ok(b.svg.w < 430 && inside(b), `refitted to the narrower element: ${JSON.stringify(b)}`);
  assert.notEqual(await transform(), wide);
  await page.evaluate(() => window.view.zoom(2));
  const zoomed = await transform();
  await resize(900);
  assert.equal(await transform(), zoomed, 'a zoomed view is not refitted');
  await page.keyboard.press('0');
  assert.equal(await transform(), wide, 'fitted at the old size, as at first');

  // The group: collapsed with its counts; a click opens it, the control closes it.
  const group = '#light g.group';
  assert.equal(await page.getAttribute(group, 'data-expanded'), 'false');
  assert.equal(await page.getAttribute(group, 'data-counts'), '30 PENDING');
  assert.match(await page.getAttribute(group, 'aria-label'), /30 tasks: 30 PENDING/);
  await page.click(group);
  assert.equal(await page.getAttribute(group, 'data-expanded'), 'true');
  const open = await page.evaluate(() => {
    const ids = new Set(window.g.items.map((t) => String(t.id)));
    const members = [...document.querySelectorAll('#light g.group g.node')].map((n) => n.dataset.taskId);
    const edges = [...document.querySelectorAll('#light g.edge')].map((e) => [e.dataset.from, e.dataset.to]);
    return { members: members.filter((id) => ids.has(id)).length, all: members.length, memberEdges: edges.filter(([f, t]) => ids.has(f) && ids.has(t)).length, edges: edges.length };
  });
  assert.deepEqual(open, { members: 30, all: 30, memberEdges: 0, edges: 5 });
  await page.evaluate(() => window.view.fit());
  await page.click(`#light g.node[data-task-id="${await page.evaluate(() => window.g.items[3].id)}"]`);
  assert.equal((await selected()).at(-1), 'item 03');
  await page.screenshot({ path: `${outDir}view-group-expanded.png`, clip: { x: 0, y: 0, width: 940, height: 590 } });
  // Live inside the open group too.
  await page.evaluate(() => {
    window.run = window.t.makeNow([window.g.publish], { concurrency: 40 });
    window.g.release(['setup']);
  });
  let r = await settledCompare(page);
  assert.deepEqual(r.problems, []);
  assert.equal(r.nodes, 34);
  await page.click('#light .tq-collapse');
  assert.equal(await page.getAttribute(group, 'data-expanded'), 'false');
  assert.equal(await page.locator('#light g.node').count(), 4);
  r = await settledCompare(page);
  assertDrawn(r, 4);
  assert.match(r.groupCounts, /RUNNING/);
  // Controller: expand(member) and collapse(member).
  assert.equal(await page.evaluate(() => window.view.expand(window.g.items[0])), true);
  assert.equal(await page.locator('#light g.node').count(), 34);
  assert.equal(await page.evaluate(() => window.view.collapse(window.g.items[7])), true);
  assert.equal(await page.locator('#light g.node').count(), 4);

  // Dark theme: another view of the same tasks.
  await page.evaluate(() => {
    window.dark = window.t.view.mountGraph(document.querySelector('#dark'), [window.g.setup], { theme: 'dark' });
  });
  const look = await page.evaluate(() => {
    const read = (svg) => {
      const pending = svg.querySelector('g.node[data-state="PENDING"]');
      return {
        background: getComputedStyle(svg).backgroundColor,
        ink: getComputedStyle(svg).color,
        pendingFill: pending ? getComputedStyle(pending.querySelector('rect')).fill : undefined,
        pendingText: pending ? getComputedStyle(pending.querySelector('text')).fill : undefined,
        runningFill: getComputedStyle(svg.querySelector('g.node[data-state="RUNNING"] rect')).fill,
      };
    };
    return { light: read(window.view.element), dark: read(window.dark.element) };
  });
  assert.equal(look.light.background, 'rgb(255, 255, 255)');
  assert.equal(look.light.ink, 'rgb(0, 0, 0)');
  assert.notEqual(look.dark.background, look.light.background);
  const lum = (c) => (c.match(/\d+/g) ?? []).slice(0, 3).map(Number).reduce((a, v) => a + v, 0) / 3;
  assert.ok(lum(look.dark.background) < 60 && lum(look.dark.ink) > 200, JSON.stringify(look.dark));
  assert.ok(lum(look.dark.pendingFill) < 80 && lum(look.dark.pendingText) > 200, JSON.stringify(look.dark));
  assert.equal(look.dark.runningFill, 'rgb(255, 255, 0)');
  await page.locator('#dark').screenshot({ path: `${outDir}view-dark.png` });
  await page.evaluate(() => {
    window.g.release([...Array.from({ length: 30 }, (_, i) => `item ${i}`), 'merge', 'flaky', 'publish']);
    return window.run;
  });
  await page.evaluate(() => {
    window.view.destroy();
    window.dark.destroy();
  });
  assert.deepEqual(problems, []);
  await page.close();
});

const scaleOf = (page, selector) => page.evaluate((selector) => Number(/scale\(([\d.e-]+)\)/.exec(document.querySelector(`${selector} .tq-layer`).getAttribute('transform'))[1]), selector);
const READABLE = 10 / 14; // the 14px font at 10 screen pixels

test("reveal(task) centres its node, the selection's edges are highlighted, initialView 'readable'", async () => {
  const { page, problems } = await openPage();
  await page.evaluate(() => {
    const { t } = window;
    window.g = t.build();
    window.view = t.view.mountGraph(document.querySelector('#light'), [window.g.setup]);
  });

  // The selected node's edges, and only those, carry tq-edge-selected, in the --tq-selected colour.
  const highlighted = (name) => page.evaluate((name) => {
    const { g, view } = window;
    if (name !== null) view.select(g[name] ?? g.items[0]);
    else view.select(null);
    const svg = view.element;
    const task = name === null ? null : g[name] ?? g.items[0];
    const node = task && svg.querySelector(`g.node[data-task-id="${task.id}"]`);
    const ref = node ? String(task.id) : svg.querySelector('g.group')?.dataset.group;
    const edges = [...svg.querySelectorAll('g.edge')];
    const marked = edges.filter((e) => e.classList.contains('tq-edge-selected')).map((e) => `${e.dataset.from}->${e.dataset.to}`).sort();
    const want = task === null ? [] : edges.filter((e) => e.dataset.from === ref || e.dataset.to === ref).map((e) => `${e.dataset.from}->${e.dataset.to}`).sort();
    const first = svg.querySelector('g.edge.tq-edge-selected');
    const plain = svg.querySelector('g.edge:not(.tq-edge-selected)');
    return {
      marked, want,
      stroke: first ? getComputedStyle(first.querySelector('path')).stroke : undefined,
      arrow: first ? getComputedStyle(first.querySelector('polygon')).fill : undefined,
      plain: plain ? getComputedStyle(plain.querySelector('path')).stroke : undefined,
    };
  }, name);
  let h = await highlighted('flaky');
  assert.equal(h.marked.length, 2, JSON.stringify(h));
  assert.deepEqual(h.marked, h.want);
  assert.equal(h.stroke, 'rgb(26, 115, 232)');
  assert.equal(h.arrow, 'rgb(26, 115, 232)');
  assert.equal(h.plain, 'rgb(0, 0, 0)');
  h = await highlighted('publish');
  assert.equal(h.marked.length, 2, JSON.stringify(h));
  assert.deepEqual(h.marked, h.want, 'the previous selection\'s edges are cleared');
  h = await highlighted('item'); // a task in the closed group: the group's edges
  assert.equal(h.marked.length, 2, JSON.stringify(h));
  assert.deepEqual(h.marked, h.want);
  h = await highlighted(null);
  assert.deepEqual(h.marked, []);
  // Kept across a new layout (a group opened).
  await page.evaluate(() => window.view.select(window.g.merge));
  await page.evaluate(() => window.view.expand(window.g.items[0]));
  h = await page.evaluate(() => [...window.view.element.querySelectorAll('g.edge.tq-edge-selected')].map((e) => `${e.dataset.from}->${e.dataset.to}`));
  assert.deepEqual(h.sort(), [`${await page.getAttribute('#light g.group', 'data-group')}->${await page.evaluate(() => window.g.merge.id)}`, `${await page.evaluate(() => window.g.merge.id)}->${await page.evaluate(() => window.g.publish.id)}`].sort(), 'merge: from the open group, to publish');
  await page.evaluate(() => window.view.collapse(window.g.items[0]));

  // reveal(): the node's box centred in the element; the zoom kept when readable, else readable.
  const centre = (id) => page.evaluate((id) => {
    const svg = window.view.element.getBoundingClientRect();
    const box = (id.startsWith('g') ? window.view.element.querySelector(`g.group[data-group="${id}"] > rect.tq-box`) : window.view.element.querySelector(`g.node[data-task-id="${id}"] > rect.tq-box`)).getBoundingClientRect();
    return { dx: box.x + box.width / 2 - (svg.x + svg.width / 2), dy: box.y + box.height / 2 - (svg.y + svg.height / 2) };
  }, id);
  const near = (c) => Math.abs(c.dx) < 2 && Math.abs(c.dy) < 2;
  await page.evaluate(() => window.view.zoom(3));
  const zoomed = await scaleOf(page, '#light');
  assert.equal(await page.evaluate(() => window.view.reveal(window.g.publish)), true);
  let c = await centre(String(await page.evaluate(() => window.g.publish.id)));
  assert.ok(near(c), JSON.stringify(c));
  assert.equal(await scaleOf(page, '#light'), zoomed, 'the zoom is kept');
  await page.evaluate(() => window.view.zoom(0.02));
  assert.ok(await scaleOf(page, '#light') < READABLE);
  await page.evaluate(() => window.view.reveal(window.g.setup));
  c = await centre(String(await page.evaluate(() => window.g.setup.id)));
  assert.ok(near(c), JSON.stringify(c));
  assert.ok(await scaleOf(page, '#light') >= READABLE - 1e-9, 'zoomed in to a readable scale');
  // A member of the closed group: the group is centred, not opened.
  await page.evaluate(() => window.view.reveal(window.g.items[7]));
  c = await centre(await page.getAttribute('#light g.group', 'data-group'));
  assert.ok(near(c), JSON.stringify(c));
  assert.equal(await page.getAttribute('#light g.group', 'data-expanded'), 'false');
  // Not drawn: false; not a task: TypeError.
  assert.deepEqual(await page.evaluate(() => {
    const stray = new window.t.tq.Task('stray', () => {});
    let error;
    try { window.view.reveal({}); } catch (e) { error = e.constructor.name; }
    return [window.view.reveal(stray), error];
  }), [false, 'TypeError']);

  // initialView: 'readable' is 'fit' for a small graph...
  const small = await page.evaluate(() => {
    const { t, g } = window;
    const v = t.view.mountGraph(document.querySelector('#dark'), [g.setup], { initialView: 'readable' });
    const opened = v.element.querySelector('.tq-layer').getAttribute('transform');
    v.fit();
    const fitted = v.element.querySelector('.tq-layer').getAttribute('transform');
    v.destroy();
    return { opened, fitted };
  });
  assert.equal(small.opened, small.fitted);
  // ...and, for a graph too big to read fitted, readable on its first rows.
  const big = await page.evaluate(() => {
    const { Task } = window.t.tq;
    const chain = [];
    for (let i = 0; i < 150; i++) chain.push(new Task(`step ${String(i).padStart(3, '0')}`, () => {}, { requires: chain.slice(-1) }));
    const mount = (initialView) => window.t.view.mountGraph(document.querySelector('#dark'), chain, { initialView });
    const scale = (v) => Number(/scale\(([\d.e-]+)\)/.exec(v.element.querySelector('.tq-layer').getAttribute('transform'))[1]);
    const fitted = mount('fit');
    const fitScale = scale(fitted);
    fitted.destroy();
    window.big = mount('readable');
    const svg = window.big.element.getBoundingClientRect();
    const head = window.big.element.querySelector(`g.node[data-task-id="${chain[0].id}"] > rect.tq-box`).getBoundingClientRect();
    return { fitScale, scale: scale(window.big), small: window.big.element.classList.contains('tq-small'), headTop: head.y - svg.y, headLeft: head.x - svg.x, headRight: head.x + head.width - svg.x, width: svg.width };
  });
  assert.ok(big.fitScale < READABLE, JSON.stringify(big));
  assert.ok(big.scale >= READABLE - 1e-9, JSON.stringify(big));
  assert.equal(big.small, false);
  assert.ok(big.headTop >= 0 && big.headTop < 40 && big.headLeft >= 0 && big.headRight <= big.width, `the first row in sight: ${JSON.stringify(big)}`);
  await page.locator('#dark').screenshot({ path: `${outDir}view-readable.png` });
  // A wrong value is a TypeError.
  assert.equal(await page.evaluate(() => {
    try { window.t.view.mountGraph(document.querySelector('#dark'), [window.g.setup], { initialView: 'top' }); } catch (e) { return e.constructor.name; }
    return 'none';
  }), 'TypeError');
  await page.evaluate(() => {
    window.big.destroy();
    window.view.destroy();
  });
  assert.deepEqual(problems, []);
  await page.close();
});

test('destroy() mid-run leaves no listener, timer, frame, task callback or style; later transitions touch nothing', async () => {
  const { page, problems } = await openPage();
  const before = await page.evaluate(() => ({ timeouts: window.pending.timeouts.size, frames: window.pending.frames.size }));
  await page.evaluate(async () => {
    const { t } = window;
    window.g = t.build();
    window.view = t.view.mountGraph(document.querySelector('#light'), [window.g.setup], { group: false });
    window.svg = window.view.element;
    window.run = t.makeNow([window.g.publish], { concurrency: 8 });
    window.g.release(['setup']);
    await t.frames(3);
  });
  const running = await page.evaluate(() => ({
    runningNodes: document.querySelectorAll('#light g.node[data-state="RUNNING"]').length,
    timeouts: window.pending.timeouts.size,
    callbacks: { ...window.t.callbacks },
    styles: document.querySelectorAll('style[data-tq-view]').length,
    observers: window.pending.observers.size,
  }));
  assert.equal(running.observers, 1, 'one ResizeObserver while mounted');
  assert.ok(running.runningNodes >= 8, JSON.stringify(running));
  assert.ok(running.timeouts > before.timeouts, 'the elapsed-time timer runs while tasks do');
  assert.equal(running.callbacks.added, 34 + 1, 'one onTransition per task, one onAttempt for the retried one');
  assert.equal(running.styles, 1);

  // Listeners on the svg, as DevTools sees them.
  const cdp = await page.context().newCDPSession(page);
  const listenersOf = async (expression) => {
    const { result } = await cdp.send('Runtime.evaluate', { expression });
    const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
    return listeners.map((l) => l.type).sort();
  };
  assert.deepEqual(await listenersOf('window.svg'), ['keydown', 'pointercancel', 'pointerdown', 'pointermove', 'pointerup', 'wheel']);
  const containerBefore = await listenersOf('document.querySelector("#light")');
  const windowBefore = await listenersOf('window');
  const documentBefore = await listenersOf('document');

  const after = await page.evaluate(() => {
    window.view.destroy();
    window.view.destroy(); // twice: nothing more
    // From now on, neither the element nor the removed svg changes.
    window.mutations = 0;
    const observer = new MutationObserver((list) => (window.mutations += list.length));
    for (const target of [document.querySelector('#light'), window.svg]) observer.observe(target, { subtree: true, childList: true, attributes: true, characterData: true });
    return {
      timeouts: window.pending.timeouts.size,
      frames: window.pending.frames.size,
      callbacks: { ...window.t.callbacks },
      svgInPage: document.contains(window.svg),
      children: document.querySelector('#light').childElementCount,
      styles: document.querySelectorAll('style[data-tq-view]').length,
      observers: window.pending.observers.size,
    };
  });
  assert.equal(after.timeouts, before.timeouts);
  assert.equal(after.frames, before.frames);
  assert.equal(after.callbacks.removed, after.callbacks.added);
  assert.equal(after.svgInPage, false);
  assert.equal(after.children, 0);
  assert.equal(after.styles, 0);
  assert.equal(after.observers, 0, 'the ResizeObserver is disconnected');
  assert.deepEqual(await listenersOf('window.svg'), []);
  assert.deepEqual(await listenersOf('document.querySelector("#light")'), containerBefore);
  assert.deepEqual(await listenersOf('window'), windowBefore);
  assert.deepEqual(await listenersOf('document'), documentBefore);

  // The make goes on and ends; the page's DOM is not touched, nothing is scheduled.
  const end = await page.evaluate(async () => {
    const svgStatesBefore = [...window.svg.querySelectorAll('g.node')].map((n) => n.dataset.state).join();
    window.g.release([...Array.from({ length: 30 }, (_, i) => `item ${i}`), 'merge', 'flaky', 'publish']);
    await window.run;
    await window.t.frames(3);
    return {
      states: [...new Set(window.g.all.map((t) => t.state))],
      mutations: window.mutations,
      svgUnchanged: [...window.svg.querySelectorAll('g.node')].map((n) => n.dataset.state).join() === svgStatesBefore,
      timeouts: window.pending.timeouts.size,
      where: [...window.pending.where.values()],
      frames: window.pending.frames.size,
      controller: [window.view.fit(), window.view.update(), window.view.select(window.g.setup)],
    };
  });
  assert.deepEqual(end.states, ['DONE']);
  assert.equal(end.mutations, 0);
  assert.equal(end.svgUnchanged, true);
  assert.equal(end.timeouts, 0, end.where.join('\n'));
  assert.equal(end.frames, 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('touch: two fingers pinch-zoom about their midpoint, one finger pans, a tap selects', async () => {
  const page = await chromium.browser.newPage({ viewport: { width: 940, height: 1180 }, hasTouch: true });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`${chromium.server.url}/tests/browser/pages/view.html`);
  await page.waitForFunction(() => window.ready === true);
  await page.evaluate(() => {
    window.g = window.t.build();
    window.selected = [];
    window.view = window.t.view.mountGraph(document.querySelector('#light'), [window.g.setup], { onSelect: (task) => window.selected.push(task?.name ?? null) });
  });
  const cdp = await page.context().newCDPSession(page);
  const touch = (type, points) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points.map(([x, y], id) => ({ x, y, id })) });
  const view = () => page.evaluate(() => {
    const [, tx, ty, scale] = /translate\(([-\d.e]+) ([-\d.e]+)\) scale\(([-\d.e]+)\)/.exec(window.view.element.querySelector('.tq-layer').getAttribute('transform')).map(Number);
    const r = window.view.element.getBoundingClientRect();
    return { tx, ty, scale, left: r.left, top: r.top, cx: r.left + r.width / 2, cy: r.top + r.height / 2 };
  });
  const before = await view();
  const { cx, cy } = before;
  // The drawing's point under the midpoint, in drawing units.
  const under = (v, x, y) => [(x - v.left - v.tx) / v.scale, (y - v.top - v.ty) / v.scale];
  await touch('touchStart', [[cx - 50, cy], [cx + 50, cy]]);
  for (const d of [60, 75, 90, 100]) await touch('touchMove', [[cx - d, cy], [cx + d, cy]]);
  await touch('touchEnd', []);
  const pinched = await view();
  assert.ok(Math.abs(pinched.scale / before.scale - 2) < 0.01, `twice the scale: ${before.scale} -> ${pinched.scale}`);
  const [bx, by] = under(before, cx, cy);
  const [px, py] = under(pinched, cx, cy);
  assert.ok(Math.abs(bx - px) < 0.5 && Math.abs(by - py) < 0.5, `the point under the fingers stays: ${[bx, by]} -> ${[px, py]}`);
  // One finger pans.
  await touch('touchStart', [[cx, cy]]);
  for (const step of [1, 2, 3, 4]) await touch('touchMove', [[cx + 15 * step, cy + 10 * step]]);
  await touch('touchEnd', []);
  const panned = await view();
  assert.ok(Math.abs(panned.tx - pinched.tx - 60) < 1 && Math.abs(panned.ty - pinched.ty - 40) < 1 && panned.scale === pinched.scale, JSON.stringify({ pinched, panned }));
  assert.deepEqual(await page.evaluate(() => window.selected), [], 'neither gesture selects');
  // A tap on a node selects its task.
  await page.evaluate(() => window.view.fit());
  const box = await page.locator(`#light g.node[data-task-id="${await page.evaluate(() => window.g.setup.id)}"] rect`).first().boundingBox();
  await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
  assert.deepEqual(await page.evaluate(() => window.selected), ['setup']);
  assert.deepEqual(problems, []);
  await page.close();
});
