// The times in task.history (SPEC §7a): read once per call into the
// core, and afresh whenever user code may have run since. In a file of
// its own: a process with no observed task, as the benchmark runs, where
// the make's calls may keep the time of the call before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Task, makeNow } from 'taskqueue-wasm';
import { sleep } from './helpers.mjs';

const noop = () => {};

const busy = (ms) => {
  const end = Date.now() + ms;
  while (Date.now() < end);
};

test('history times: a task started after another function ran gets a fresh time', async () => {
  // x is a plain function that returns a promise: the make learns it is
  // asynchronous only once it has run (30 ms of it synchronously), then
  // starts y; y's start must not keep the time read before x ran.
  const x = new Task('x', () => { busy(30); return sleep(1); });
  const y = new Task('y', noop);
  await makeNow([x, y]);
  assert.ok(y.history[0].when - x.history[0].when >= 29, `${y.history[0].when - x.history[0].when}`);
});

test('history times are read afresh after user code: a long synchronous function, a slow callback', async () => {
  const a = new Task('a', () => busy(30));
  const b = a.then('b', () => busy(1));
  const c = b.then('c', noop);
  const slowCallback = (task, tr) => { if (task === b && tr.newState === 'DONE') busy(30); };
  await makeNow(c, { onTransition: slowCallback });
  const [aStart, aEnd] = a.history.map((tr) => tr.when);
  assert.ok(aEnd - aStart >= 29, `a ran 30 ms: ${aEnd - aStart}`);
  const bEnd = b.history[1].when;
  const cStart = c.history[0].when;
  assert.ok(b.history[0].when >= aEnd, 'b starts after a ends');
  assert.ok(cStart - bEnd >= 29, `c starts after the 30 ms callback: ${cStart - bEnd}`);
});

test('history times of async functions follow their run', async () => {
  const a = new Task('a', () => sleep(20));
  const b = a.then('b', noop);
  await makeNow(b);
  const [aStart, aEnd] = a.history.map((tr) => tr.when);
  assert.ok(aEnd - aStart >= 15, `a slept 20 ms: ${aEnd - aStart}`);
  assert.ok(b.history[0].when >= aEnd);
});
