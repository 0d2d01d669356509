// SPEC §12, first part, through the JS API: weight, pool and pools,
// priority. Real makes of async tasks that count what runs at once.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Task, TaskError, make, makeNow } from 'taskqueue-wasm';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Counts the weight running at once, in all and per pool. */
function meter() {
  const m = { now: 0, max: 0, pools: {}, maxPools: {}, order: [] };
  m.task = (name, options = {}) => new Task(name, async () => {
    const w = options.weight ?? 1;
    const p = options.pool;
    m.order.push(name);
    m.now += w;
    m.max = Math.max(m.max, m.now);
    if (p !== undefined) {
      m.pools[p] = (m.pools[p] ?? 0) + w;
      m.maxPools[p] = Math.max(m.maxPools[p] ?? 0, m.pools[p]);
    }
    await sleep(2);
    m.now -= w;
    if (p !== undefined) m.pools[p] -= w;
  }, options);
  return m;
}

test('weight: a task holds that many slots of the concurrency while it runs', async () => {
  const m = meter();
  const tasks = [];
  for (let i = 0; i < 30; i++) tasks.push(m.task(`t${i}`, { weight: 1 + (i % 3) }));
  await makeNow(tasks, { concurrency: 4 });
  assert.ok(tasks.every((t) => t.state === 'DONE'));
  assert.ok(m.max <= 4, `at most 4 slots at once, got ${m.max}`);
  assert.ok(m.max >= 3, 'the slots are used');
});

test('weight: a heavy task is not passed forever by light ones', async () => {
  const m = meter();
  const heavy = m.task('heavy', { weight: 3 });
  const light = [];
  for (let i = 0; i < 10; i++) light.push(m.task(`l${i}`));
  await makeNow([light[0], light[1], heavy, ...light.slice(2)], { concurrency: 3 });
  // The heavy task waits for the two before it, and nothing behind it passes it.
  assert.deepEqual(m.order.slice(0, 3), ['l0', 'l1', 'heavy']);
  assert.equal(m.max, 3);
});

test('weight: heavier than the concurrency is an error when the make starts, and nothing runs', async () => {
  const m = meter();
  const a = m.task('a');
  const heavy = m.task('heavy', { weight: 5, requires: [a] });
  await assert.rejects(makeNow([heavy], { concurrency: 4 }), (e) => e instanceof TaskError && e.task === heavy && /weight/.test(e.message));
  assert.deepEqual(m.order, []);
  // Without a limit any weight runs.
  await makeNow([heavy]);
  assert.equal(heavy.state, 'DONE');
});

test('priority: higher first among ready tasks, ties in the order given', async () => {
  const m = meter();
  const tasks = [
    m.task('a'), m.task('b', { priority: 5 }), m.task('c', { priority: -1 }),
    m.task('d', { priority: 5 }), m.task('e'),
  ];
  await makeNow(tasks, { concurrency: 1 });
  assert.deepEqual(m.order, ['b', 'd', 'a', 'e', 'c']);
});

test('priority: a prerequisite of a high-priority task is not raised with it (priorities are per task)', async () => {
  const m = meter();
  const p = m.task('p');
  const hi = m.task('hi', { priority: 10, requires: [p] });
  const x = m.task('x', { priority: 1 });
  await makeNow([hi, x], { concurrency: 1 });
  assert.deepEqual(m.order, ['x', 'p', 'hi']);
});

test('pools: a task runs only while its pool has room, counting weights', async () => {
  const m = meter();
  const tasks = [];
  for (let i = 0; i < 20; i++) tasks.push(m.task(`g${i}`, { pool: 'gpu', weight: 1 + (i % 2) }));
  for (let i = 0; i < 20; i++) tasks.push(m.task(`n${i}`, { pool: 'net' }));
  for (let i = 0; i < 10; i++) tasks.push(m.task(`c${i}`));
  await makeNow(tasks, { concurrency: 8, pools: { gpu: 3, net: 2 } });
  assert.ok(tasks.every((t) => t.state === 'DONE'));
  assert.ok(m.maxPools.gpu <= 3, `gpu ${m.maxPools.gpu}`);
  assert.ok(m.maxPools.net <= 2, `net ${m.maxPools.net}`);
  assert.ok(m.max <= 8);
  assert.ok(m.max > 5, 'tasks of other pools pass a full pool');
});

test('pools: apply without a concurrency, and to tasks handed to a queue', async () => {
  const m = meter();
  const tasks = [];
  for (let i = 0; i < 12; i++) tasks.push(m.task(`g${i}`, { pool: 'gpu' }));
  await makeNow(tasks, { pools: { gpu: 2 } });
  assert.equal(m.maxPools.gpu, 2);
  const q = meter();
  const queued = [];
  for (let i = 0; i < 12; i++) queued.push(q.task(`q${i}`, { pool: 'io', weight: 2 }));
  const queue = (job) => { setTimeout(job, 1); };
  await makeNow(queued, { pools: { io: 4 }, queue });
  assert.ok(queued.every((t) => t.state === 'DONE'));
  assert.equal(q.maxPools.io, 4);
});

test('pools: a task naming a pool the make does not define is an error when the make starts', async () => {
  const m = meter();
  const t = m.task('t', { pool: 'gpu' });
  await assert.rejects(makeNow([t], { pools: { cpu: 1 } }), (e) => e instanceof TaskError && e.task === t && /pool/.test(e.message));
  await assert.rejects(makeNow([t]), TaskError);
  assert.deepEqual(m.order, []);
  assert.equal(t.state, 'PENDING');
});

test('without the options a make is as before (async iterator, order of yields)', async () => {
  const m = meter();
  const tasks = [m.task('a'), m.task('b'), m.task('c')];
  const seen = [];
  for await (const t of make(tasks, { concurrency: 2, pools: {} })) seen.push(t.name);
  assert.deepEqual(m.order, ['a', 'b', 'c']);
  assert.equal(seen.length, 3);
});

test("order: 'critical-path' starts the longest remaining path first; without it the seed's order", async () => {
  // Ready at once: a lone task given first, and the head of a chain whose
  // estimates sum to 30 (given second). One slot.
  const build = () => {
    const m = meter();
    const lone = m.task('lone', { estimate: 5 });
    const c1 = m.task('c1', { estimate: 10 });
    const c2 = m.task('c2', { estimate: 10, requires: [c1] });
    const c3 = m.task('c3', { estimate: 10, requires: [c2] });
    return { m, tasks: [lone, c3] };
  };
  const seed = build();
  await makeNow(seed.tasks, { concurrency: 1 });
  assert.deepEqual(seed.m.order, ['lone', 'c1', 'c2', 'c3']);
  const cp = build();
  await makeNow(cp.tasks, { concurrency: 1, order: 'critical-path' });
  // c1 (rank 30) before lone (5); then c2 (20) before lone, c3 (10) too.
  assert.deepEqual(cp.m.order, ['c1', 'c2', 'c3', 'lone']);
});

test('critical path: a fan behind one task goes before many short ones, and priority still comes first', async () => {
  const m = meter();
  const shorts = [];
  for (let i = 0; i < 5; i++) shorts.push(m.task(`s${i}`));
  const gate = m.task('gate');
  const fan = [];
  for (let i = 0; i < 4; i++) fan.push(m.task(`f${i}`, { requires: [gate], estimate: 20 }));
  const urgent = m.task('urgent', { priority: 1 });
  await makeNow([...shorts, ...fan, urgent], { concurrency: 1, order: 'critical-path' });
  assert.deepEqual(m.order.slice(0, 2), ['urgent', 'gate']);
  assert.deepEqual(m.order.slice(2, 6), ['f0', 'f1', 'f2', 'f3']);
});

/** Start times (ms since the make began) of tasks that finish at once, by task. */
async function startTimes(count, taskOptions, makeOptions) {
  const starts = [];
  const tasks = [];
  for (let i = 0; i < count; i++) {
    tasks.push(new Task(`r${i}`, async () => {
      starts[i] = performance.now();
    }, typeof taskOptions === 'function' ? taskOptions(i) : taskOptions));
  }
  const begun = performance.now();
  await makeNow(tasks, makeOptions);
  assert.ok(tasks.every((t) => t.state === 'DONE'));
  return starts.map((s) => s - begun);
}

/** The most starts in any window of `interval` ms. */
function mostInWindow(starts, interval) {
  const sorted = [...starts].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i] - sorted[j] >= interval) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

test('rate: at most limit starts in any interval window, measured with real timers', async () => {
  const starts = await startTimes(10, {}, { rate: { limit: 3, interval: 60 } });
  // Windows of 3 starts every 60 ms: starts at about 0, 60, 120, 180.
  // (1 ms of slack: the core reads Date.now, whole milliseconds.)
  assert.ok(mostInWindow(starts, 59) <= 3, `at most 3 starts in any 59 ms, got ${mostInWindow(starts, 59)}: ${starts.map(Math.round)}`);
  const last = Math.max(...starts);
  assert.ok(last >= 175 && last < 600, `the 10th start after about 180 ms, got ${last.toFixed(0)}`);
  const sorted = [...starts].sort((a, b) => a - b);
  assert.ok(sorted[2] - sorted[0] < 59 && sorted[3] - sorted[0] >= 59, `three in the first window, the fourth after it: ${sorted.map(Math.round)}`);
});

test('rate per pool: tasks of the pool are spaced, the others are not held back', async () => {
  const starts = await startTimes(8, (i) => (i < 4 ? { pool: 'api' } : {}), { pools: { api: { rate: { limit: 1, interval: 40 } } } });
  const api = starts.slice(0, 4);
  const rest = starts.slice(4);
  assert.equal(mostInWindow(api, 39), 1, `api starts spaced: ${api.map(Math.round)}`);
  assert.ok(Math.max(...api) >= 115 && Math.max(...api) < 500, `4 api starts over about 120 ms, got ${Math.max(...api).toFixed(0)}`);
  assert.ok(Math.max(...rest) < Math.min(...api.slice(1)), `the others start before the second api start, got ${rest.map(Math.round)} against ${api.map(Math.round)}`);
});

test('rate with a capacity: a pool of capacity 2 and 2 starts per 50 ms', async () => {
  let running = 0;
  let most = 0;
  const starts = [];
  const tasks = [];
  for (let i = 0; i < 6; i++) {
    tasks.push(new Task(`c${i}`, async () => {
      starts.push(performance.now());
      most = Math.max(most, ++running);
      await sleep(5);
      running--;
    }, { pool: 'db' }));
  }
  const begun = performance.now();
  await makeNow(tasks, { pools: { db: { capacity: 2, rate: { limit: 2, interval: 50 } } } });
  assert.equal(most, 2);
  const rel = starts.map((s) => s - begun);
  assert.ok(mostInWindow(rel, 49) <= 2, rel.map(Math.round).join());
  assert.ok(Math.max(...rel) >= 95, `the last two after about 100 ms, got ${Math.max(...rel).toFixed(0)}`);
});

test('a rate-limited make aborted while it waits for its window ends at once, its timer cleared', async () => {
  const controller = new AbortController();
  const ran = [];
  const tasks = [];
  for (let i = 0; i < 5; i++) tasks.push(new Task(`a${i}`, () => { ran.push(i); }));
  const run = makeNow(tasks, { rate: { limit: 1, interval: 10_000 }, signal: controller.signal });
  await sleep(20);
  const begun = performance.now();
  controller.abort(new Error('enough'));
  await assert.rejects(run, /enough/);
  assert.ok(performance.now() - begun < 1000);
  assert.deepEqual(ran, [0]);
  assert.equal(tasks[1].state, 'PENDING');
});

test('makeLater takes pools, order and rate', async () => {
  const { Later, makeLater } = await import('taskqueue-wasm');
  const later = new Later(8);
  const m = meter();
  const tasks = [];
  for (let i = 0; i < 9; i++) tasks.push(m.task(`m${i}`, { pool: 'p' }));
  makeLater(later, tasks, { pools: { p: 2 } });
  await Promise.all(tasks.map((t) => t.join()));
  later.close?.();
  assert.ok(tasks.every((t) => t.state === 'DONE'));
  assert.equal(m.maxPools.p, 2);
});

test('rate in a for await make: the iterator is woken when the window opens', async () => {
  const tasks = Array.from({ length: 4 }, (_, i) => new Task(`i${i}`, () => i));
  const begun = performance.now();
  const seen = [];
  for await (const task of make(tasks, { rate: { limit: 2, interval: 50 } })) seen.push([task.name, performance.now() - begun]);
  assert.deepEqual(seen.map(([name]) => name), ['i0', 'i1', 'i2', 'i3']);
  // Two in the first window, the other two once it has moved on.
  assert.ok(seen[1][1] < seen[2][1], 'in order');
  assert.ok(seen[2][1] >= 48 && seen[3][1] < 1000, `the last two after the window, got ${seen.map(([, t]) => t.toFixed(0))} ms`);
});

test('rate: attempts of a retry count as starts (an API that failed is not called again inside the window)', async () => {
  const calls = [];
  const flaky = new Task('flaky', () => {
    calls.push(['flaky', performance.now()]);
    if (calls.filter(([n]) => n === 'flaky').length === 1) throw new Error('429');
    return 'ok';
  }, { retry: { attempts: 3, delay: 0 } });
  const other = new Task('other', () => {
    calls.push(['other', performance.now()]);
  });
  await makeNow([flaky, other], { rate: { limit: 1, interval: 60 } });
  assert.equal(flaky.state, 'DONE');
  assert.equal(other.state, 'DONE');
  assert.equal(calls.length, 3);
  const times = calls.map(([, t]) => t).sort((a, b) => a - b);
  assert.equal(mostInWindow(times, 59), 1, `one call per 60 ms: ${calls.map(([n, t]) => `${n}@${Math.round(t - calls[0][1])}`)}`);
});
