// The demo page (www/) in headless Chromium, served by scripts/serve.mjs
// as `npm start` serves it: run the pipeline to the end and check the
// drawing (the package's view, mountGraph) against the tasks, retry the
// failed task from its details, the text format, Cancel, a random graph
// of 500 tasks (opened readable; a log line's click reveals its task),
// the timeline beside the graph (its ongoing bars grow) and a wide fan
// drawn as a group.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { servedChromium } from './harness.mjs';

const outDir = fileURLToPath(new URL('../../test-output/', import.meta.url));
const chromium = servedChromium();

/** Opens the page; `problems` collects console errors and warnings, page errors and failed requests. */
async function openDemo(query) {
  const page = await chromium.browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(`${chromium.server.url}/www/?${query}`);
  await page.waitForFunction(() => window.demo !== undefined);
  return { page, problems };
}

/** Waits until no make runs and every node shows its task's state. */
function settled(page) {
  return page.waitForFunction(() => !window.demo.busy && window.demo.tasks.every(
    (t) => document.querySelector(`#viewport g.node[data-task-id="${t.id}"]`)?.dataset.state === t.state,
  ), undefined, { timeout: 20_000 });
}

/** Each task with what its node shows: state attribute, label, computed fill. */
function drawn(page) {
  return page.evaluate(() => window.demo.tasks.map((t) => {
    const g = document.querySelector(`#viewport g.node[data-task-id="${t.id}"]`);
    const shape = g?.querySelector('rect, ellipse, polygon, path, circle');
    return {
      name: t.name,
      id: t.id,
      state: t.state,
      drawnState: g?.dataset.state,
      text: g?.textContent ?? '',
      fill: shape ? getComputedStyle(shape).fill : '',
    };
  }));
}

/** The colour family of an `rgb(r, g, b)` fill, as SPEC §5 names them. */
function family(fill) {
  const [r, g, b] = (fill.match(/\d+/g) ?? []).map(Number);
  if (r === undefined) return `unparsed ${fill}`;
  if (r > 235 && g > 235 && b > 235) return 'white';
  if (Math.max(r, g, b) - Math.min(r, g, b) < 30) return 'gray';
  if (r > 200 && g > 170 && b < 140) return 'yellow';
  if (g > r + 40 && g > b + 40) return 'green';
  if (r > g + 60 && r > b + 60) return r < 170 ? 'darkred' : 'red';
  return `other ${fill}`;
}
const EXPECTED = { RUNNING: 'yellow', DONE: 'green', FAILED: 'red', CANCELLED: 'gray', ABORT: 'darkred' };
const expectedFamily = (state) => EXPECTED[state] ?? 'white';

function assertDrawnAsTasks(nodes) {
  for (const n of nodes) {
    assert.equal(n.drawnState, n.state, `data-state of ${n.name}`);
    assert.ok(n.text.includes(n.name) && n.text.includes(n.state), `label of ${n.name}: ${n.text}`);
    assert.equal(family(n.fill), expectedFamily(n.state), `fill of ${n.name} (${n.state}): ${n.fill}`);
  }
}

const legendCount = (page, state) => page.locator(`#legend li[data-state="${state}"] .count`).textContent();

test('the pipeline runs to the end, drawn as its tasks; the failed task is retried from its details and turns green', async () => {
  const { page, problems } = await openDemo('preset=pipeline&speed=40&concurrency=8');
  await page.click('#run');
  await settled(page);
  const nodes = await drawn(page);
  assert.ok(nodes.length >= 24, `a few dozen tasks, got ${nodes.length}`);
  assertDrawnAsTasks(nodes);
  const failed = nodes.filter((n) => n.state === 'FAILED');
  assert.deepEqual(failed.map((n) => n.name).sort(), ['deploy production', 'e2e tests', 'notify team', 'publish docs', 'smoke tests']);
  assert.ok(nodes.filter((n) => n.state !== 'FAILED').every((n) => n.state === 'DONE'));
  assert.equal(await legendCount(page, 'FAILED'), '5');
  assert.equal(await legendCount(page, 'DONE'), String(nodes.length - 5));
  const log = await page.locator('#log').textContent();
  assert.match(log, /e2e tests RUNNING->except->FAILED/);
  // The timeline: a row per task that ran (the four failed by their prerequisites never did), none ongoing.
  const rows = await page.locator('#timeline g.row').evaluateAll((gs) => gs.map((g) => g.dataset.taskId));
  assert.equal(rows.length, nodes.length - 4);
  assert.equal(await page.locator('#timeline rect.bar.ongoing').count(), 0);
  assert.equal(await page.locator('#timeline rect.bar.failed').count(), 1, 'the e2e tests');
  assert.match(log, /smoke tests PENDING->error->FAILED/);

  const e2e = failed.find((n) => n.name === 'e2e tests');
  await page.click(`#viewport g.node[data-task-id="${e2e.id}"]`);
  assert.equal(await page.locator('#d-name').textContent(), 'e2e tests');
  assert.equal(await page.locator('#d-state').textContent(), 'FAILED');
  assert.match(await page.locator('#d-outcome').textContent(), /timed out/);
  assert.match(await page.locator('#d-history').textContent(), /RUNNING->except->FAILED/);
  await page.click('#d-retry');
  await page.waitForFunction((id) => window.demo.tasks.find((t) => t.id === id).state === 'DONE', e2e.id);
  await settled(page);
  const after = (await drawn(page)).find((n) => n.id === e2e.id);
  assert.equal(after.drawnState, 'DONE');
  assert.equal(family(after.fill), 'green');
  assert.equal(await page.locator('#d-state').textContent(), 'DONE');
  assert.match(await page.locator('#d-history').textContent(), /FAILED->retry->PENDING.*PENDING->dispatch->RUNNING.*RUNNING->done->DONE/);

  mkdirSync(outDir, { recursive: true });
  await page.screenshot({ path: `${outDir}demo.png` });
  assert.deepEqual(problems, []);
  await page.close();
});

test('Retry failed makes the failed tasks again; DOT and the SVG download show the same states; Run starts over', async () => {
  const { page, problems } = await openDemo('preset=pipeline&speed=40&concurrency=8');
  await page.click('#run');
  await settled(page);
  await page.click('#retry');
  await settled(page);
  const nodes = await drawn(page);
  assert.ok(nodes.every((n) => n.state === 'DONE'), nodes.filter((n) => n.state !== 'DONE').map((n) => n.name).join(', '));
  assertDrawnAsTasks(nodes);

  await page.click('#show-dot');
  const dot = await page.locator('#dot-text').textContent();
  assert.match(dot, /^digraph jobs \{/);
  assert.equal(dot.match(/fillcolor=green/g)?.length, nodes.length);
  await page.click('#dot-dialog button[value="close"]');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-svg')]);
  const svg = readFileSync(await download.path(), 'utf8');
  assert.match(svg, /^<svg/);
  assert.equal(svg.match(/data-state="DONE"/g)?.length, nodes.length);

  // Run once everything is completed: a fresh set of the same tasks, run again.
  await page.click('#run');
  await settled(page);
  const again = await drawn(page);
  assert.deepEqual(again.map((n) => n.name), nodes.map((n) => n.name));
  assert.ok(again.every((n, i) => n.id !== nodes[i].id), 'new tasks');
  assert.equal(again.filter((n) => n.state === 'FAILED').length, 5, 'the e2e tests fail once again');
  assertDrawnAsTasks(again);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a graph typed in the text format runs; a cycle is refused with its line', async () => {
  const { page, problems } = await openDemo('speed=40');
  await page.check('input[name="preset"][value="custom"]');
  await page.fill('#custom-text', 'fetch -> parse -> render\nfetch -> thumbnails!\n# a comment\nthumbnails -> render\n');
  await page.click('#custom-load');
  assert.equal(await page.locator('#custom-error').isHidden(), true);
  assert.deepEqual((await drawn(page)).map((n) => n.name), ['fetch', 'parse', 'render', 'thumbnails']);
  await page.click('#run');
  await settled(page);
  const states = Object.fromEntries((await drawn(page)).map((n) => [n.name, n.state]));
  assert.deepEqual(states, { fetch: 'DONE', parse: 'DONE', thumbnails: 'FAILED', render: 'FAILED' });
  assertDrawnAsTasks(await drawn(page));

  await page.fill('#custom-text', 'a -> b\nb -> c\n\nc -> a\n');
  await page.click('#custom-load');
  const error = await page.locator('#custom-error').textContent();
  assert.match(error, /^line 4: requirement would close a cycle: /);
  await page.fill('#custom-text', 'a -> -> b\n');
  await page.click('#custom-load');
  assert.match(await page.locator('#custom-error').textContent(), /^line 1: a task name is missing/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('Cancel ends the make: running tasks are cancelled, nothing new starts; a cancelled task can be aborted', async () => {
  const { page, problems } = await openDemo('preset=pipeline&speed=4&concurrency=4');
  await page.click('#run');
  await page.waitForFunction(() => window.demo.tasks.some((t) => t.name === 'install deps' && t.state === 'RUNNING'));
  await page.click('#cancel');
  await settled(page);
  const nodes = await drawn(page);
  const by = (state) => nodes.filter((n) => n.state === state).map((n) => n.name);
  assert.deepEqual(by('CANCELLED'), ['install deps']);
  assert.deepEqual(by('DONE'), ['checkout']);
  assert.deepEqual(by('RUNNING'), []);
  assertDrawnAsTasks(nodes);
  assert.match(await page.locator('#status').textContent(), /^cancelled/);
  assert.equal(await page.locator('#run').isEnabled(), true);

  // A cancelled task can be given up for good from its details: ABORT, dark red.
  const install = nodes.find((n) => n.name === 'install deps');
  await page.click(`#viewport g.node[data-task-id="${install.id}"]`);
  assert.equal(await page.locator('#d-retry').isEnabled(), true);
  await page.click('#d-abort');
  await page.waitForFunction((id) => document.querySelector(`#viewport g.node[data-task-id="${id}"]`).dataset.state === 'ABORT', install.id);
  assertDrawnAsTasks(await drawn(page));
  assert.equal(await page.locator('#d-state').textContent(), 'ABORT');
  assert.equal(await page.locator('#d-retry').isDisabled(), true);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a random graph of 500 tasks runs to the end', async () => {
  const { page, problems } = await openDemo('preset=random&n=500&seed=7&speed=200&concurrency=32');
  assert.equal(await page.locator('#viewport g.node').count(), 500);
  // Too big to read fitted: it opens readable (initialView: 'readable'), text drawn.
  const scale = () => page.evaluate(() => Number(/scale\(([\d.e-]+)\)/.exec(document.querySelector('#viewport .tq-layer').getAttribute('transform'))[1]));
  assert.ok(await scale() >= 10 / 14 - 1e-9, `opened at ${await scale()}`);
  assert.equal(await page.locator('#viewport svg.tq-small').count(), 0);
  await page.click('#run');
  await settled(page);
  const nodes = await drawn(page);
  assert.equal(nodes.length, 500);
  assert.ok(nodes.every((n) => ['DONE', 'FAILED'].includes(n.state)), 'every task completed');
  assertDrawnAsTasks(nodes);
  assert.equal(await page.locator('#progress-text').textContent(), '500 of 500 completed');
  // A click on a log line selects its task, centres its node and highlights its edges.
  await page.click('#zoom-fit');
  // The oldest line kept whose task is drawn as a node (not in a closed group).
  const id = await page.evaluate(() => [...document.querySelectorAll('#log li')].reverse()
    .map((li) => li.dataset.taskId).find((id) => document.querySelector(`#viewport g.node[data-task-id="${id}"]`)));
  await page.locator(`#log li[data-task-id="${id}"]`).last().click();
  const shown = await page.evaluate((id) => {
    const svg = document.querySelector('#viewport svg').getBoundingClientRect();
    const node = document.querySelector(`#viewport g.node[data-task-id="${id}"]`);
    const box = node.querySelector('rect.tq-box').getBoundingClientRect();
    const edges = [...document.querySelectorAll('#viewport g.edge')];
    return {
      selected: node.classList.contains('tq-selected'),
      dx: box.x + box.width / 2 - (svg.x + svg.width / 2),
      dy: box.y + box.height / 2 - (svg.y + svg.height / 2),
      marked: edges.filter((e) => e.classList.contains('tq-edge-selected')).length,
      want: edges.filter((e) => e.dataset.from === id || e.dataset.to === id).length,
    };
  }, id);
  assert.ok(shown.selected && Math.abs(shown.dx) < 2 && Math.abs(shown.dy) < 2, JSON.stringify(shown));
  assert.equal(shown.marked, shown.want);
  assert.ok(await scale() >= 10 / 14 - 1e-9, 'zoomed in from the fitted overview');
  assert.deepEqual(problems, []);
  await page.close();
});

test('resume after reload: a run kept in IndexedDB survives a reload mid-run; DONE tasks do not run again', async () => {
  // Seed 6: no job of this graph fails, so the run ends all DONE.
  const { page, problems } = await openDemo('preset=random&n=120&seed=6&speed=4&concurrency=6');
  await page.click('#run');
  // Mid-run: some tasks DONE, some running.
  await page.waitForFunction(() => window.demo.tasks.filter((t) => t.state === 'DONE').length >= 25, undefined, { timeout: 20_000 });
  const before = await page.evaluate(() => ({
    done: window.demo.tasks.filter((t) => t.state === 'DONE').map((t) => t.name),
    calls: [...window.demo.calls.keys()],
  }));
  assert.ok(before.done.length < 120, 'reloaded before the end');
  await page.reload();
  await page.waitForFunction(() => window.demo !== undefined);
  await page.waitForFunction(() => window.demo.restored.length > 0, undefined, { timeout: 20_000 });
  await settled(page);
  const after = await page.evaluate(() => ({
    states: window.demo.tasks.map((t) => t.state),
    restored: window.demo.restored,
    calls: Object.fromEntries(window.demo.calls),
    status: document.getElementById('status').textContent,
    log: document.getElementById('log').textContent,
  }));
  assert.ok(after.states.every((s) => s === 'DONE'), `all DONE after the resume: ${after.states.join()}`);
  // The tasks recorded DONE were restored; none of them ran in the new page.
  assert.ok(after.restored.length >= before.done.length - 6, `restored ${after.restored.length}, ${before.done.length} DONE at the reload`);
  for (const name of after.restored) assert.equal(after.calls[name], undefined, `${name} was restored and ran again`);
  // Every task ran in one life or the other; the ones restored in the first.
  for (const name of after.restored) assert.ok(before.calls.includes(name), `${name} restored without having run`);
  assert.equal(Object.keys(after.calls).length + after.restored.length >= 120, true);
  assert.match(after.status, /resumed after reload: \d+ tasks restored from IndexedDB/);
  assert.match(after.log, /restored from IndexedDB/);
  await page.screenshot({ path: `${outDir}demo-resumed.png` });
  // A finished run is forgotten: a reload starts fresh, nothing to resume.
  await page.reload();
  await page.waitForFunction(() => window.demo !== undefined);
  assert.equal(await page.evaluate(() => localStorage.getItem('taskqueue-demo:run')), null);
  assert.equal(await page.evaluate(() => window.demo.tasks.every((t) => t.state === 'PENDING')), true);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the timeline beside the graph grows while tasks run; a wide fan is one group, or every task a node with group=off', async () => {
  const { page, problems } = await openDemo('preset=wide&n=40&speed=1&concurrency=64');
  assert.equal(await page.locator('#viewport g.node').count(), 1, 'only collect: the 40 are one group');
  assert.equal(await page.locator('#viewport g.group').getAttribute('data-count'), '40');
  await page.click('#run');
  await page.waitForFunction(() => document.querySelectorAll('#timeline rect.bar.ongoing').length === 40);
  await page.waitForFunction(() => document.querySelector('#viewport g.group')?.dataset.counts === '40 RUNNING');
  // The axis ends at `now` while bars are ongoing: redrawn later, it ends later, and the bars say so.
  const read = () => page.evaluate(() => ({
    until: Number(document.querySelector('#timeline svg.tq-timeline').dataset.until),
    title: document.querySelector('#timeline rect.bar.ongoing title').textContent,
  }));
  const first = await read();
  await page.waitForTimeout(1200);
  const later = await read();
  assert.ok(later.until >= first.until + 500, `the axis moves on: ${first.until} then ${later.until}`);
  assert.match(later.title, /running for/);
  assert.notEqual(later.title, first.title);
  await page.click('#cancel');
  // The 40 have no node of their own: the group counts them.
  await page.waitForFunction(() => !window.demo.busy && document.querySelector('#viewport g.group')?.dataset.counts === '40 CANCELLED');
  assert.equal(await page.locator('#timeline rect.bar.ongoing').count(), 0);
  assert.equal(await page.locator('#timeline rect.bar.cancelled').count(), 40);
  assert.deepEqual(problems, []);
  await page.close();

  const flat = await openDemo('preset=wide&n=40&speed=20&concurrency=64&group=off');
  assert.equal(await flat.page.locator('#viewport g.node').count(), 41);
  assert.equal(await flat.page.locator('#viewport g.group').count(), 0);
  await flat.page.click('#run');
  await settled(flat.page);
  assertDrawnAsTasks(await drawn(flat.page));
  assert.ok((await drawn(flat.page)).every((n) => n.state === 'DONE'));
  assert.deepEqual(flat.problems, []);
  await flat.page.close();
});

test("order 'critical path first': with one slot, each task started had the longest remaining path of the ready ones", async () => {
  const { page, problems } = await openDemo('preset=random&n=60&seed=3&speed=400&concurrency=1&order=critical-path');
  assert.equal(await page.locator('#order').inputValue(), 'critical-path');
  await page.click('#run');
  await settled(page);
  const check = await page.evaluate(() => {
    const { spec, called } = window.demo;
    // Ranks the slow way: a job's expected ms plus the largest rank of the jobs requiring it.
    const jobs = new Map(spec.jobs.map((j) => [j.name, j]));
    const rank = new Map(spec.jobs.map((j) => [j.name, j.ms]));
    for (let changed = true; changed;) {
      changed = false;
      for (const j of spec.jobs) {
        for (const p of j.requires) {
          const want = jobs.get(p).ms + rank.get(j.name);
          if (rank.get(p) < want) {
            rank.set(p, want);
            changed = true;
          }
        }
      }
    }
    const state = new Map(window.demo.tasks.map((t) => [t.name, t.state]));
    const done = new Set();
    const bad = [];
    const firstStarts = [...new Set(called)];
    for (const name of firstStarts) {
      const ready = spec.jobs.filter((j) => !done.has(j.name) && !firstStarts.slice(0, firstStarts.indexOf(name)).includes(j.name) && j.requires.every((p) => done.has(p)));
      const best = Math.max(...ready.map((j) => rank.get(j.name)));
      if (rank.get(name) !== best) bad.push(`${name} (rank ${rank.get(name)}) started while the best ready was ${best}`);
      if (state.get(name) === 'DONE') done.add(name);
    }
    return { bad, started: firstStarts.length, done: done.size };
  });
  assert.deepEqual(check.bad, []);
  assert.ok(check.started >= 30 && check.done >= 30, JSON.stringify(check));
  assert.deepEqual(problems, []);
  await page.close();
});
