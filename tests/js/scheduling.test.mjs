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
