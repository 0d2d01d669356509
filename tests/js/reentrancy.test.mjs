// Re-entrant use: callbacks and task functions that call back into the
// package (retry, make, dispatch, require, cancel) while a make runs, and
// iterators used out of turn. Each ends as the rules say, and every
// Promise settles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Task, TaskError, TaskQueue, make, makeNow, tasksAsDot } from 'taskqueue-wasm';
import { sleep } from './helpers.mjs';

const noop = () => {};
const within = (promise, ms = 1000) => Promise.race([promise, sleep(ms).then(() => 'TIMEOUT')]);

test('a callback that retries its failed task: the make goes on until it succeeds', async () => {
  let calls = 0;
  const flaky = new Task('flaky', () => {
    if (++calls < 3) throw new Error('not yet');
    return 'ok';
  });
  flaky.onTransition('FAILED', (t) => t.event('retry'));
  const dep = flaky.then('dep', () => 'dep');
  assert.deepEqual(await within(makeNow([dep])), [dep]);
  assert.equal(calls, 3);
  assert.deepEqual([flaky.state, flaky.result, dep.state], ['DONE', 'ok', 'DONE']);
});

test('a callback that starts another make, draws and reads a queue while its task runs', async () => {
  const a = new Task('a', noop);
  const b = new Task('b', noop);
  let drawn;
  a.onTransition('RUNNING', () => {
    makeNow([b]);
    drawn = tasksAsDot([a, b]);
    new TaskQueue([a, b]).get();
  });
  assert.deepEqual(await within(makeNow([a])), [a]);
  await sleep(10);
  assert.equal(b.state, 'DONE');
  assert.match(drawn, /label="a\\nRUNNING"/);
});

test('a callback that dispatches its running task again gets a TaskError naming it', async () => {
  const c = new Task('c', noop);
  let refused;
  c.onTransition('RUNNING', (t) => { t.dispatch().catch((e) => { refused = e; }); });
  await within(makeNow([c]));
  await sleep(10);
  assert.equal(c.state, 'DONE');
  assert.ok(refused instanceof TaskError);
  assert.equal(refused.message, "task 'c': invalid event 'dispatch' for state 'RUNNING'");
});

test('a callback that adds a requirement to a waiting dependent and cancels another given task', async () => {
  const d = new Task('d', () => sleep(2));
  const e = new Task('e', noop);
  const f = d.then('f', noop);
  const g = new Task('g', () => sleep(5));
  d.onTransition('DONE', () => { f.require(e); g.cancel(); });
  assert.deepEqual((await within(makeNow([f, g]))).map(String), ['Task:f:DONE', 'Task:g:CANCELLED']);
  assert.equal(e.state, 'DONE', 'the new prerequisite was made first');
});

test('a task that makes itself from its own function waits for itself; its signal ends that, failing it', async () => {
  const h = new Task('h', async function () {
    return (await makeNow([this], { signal: AbortSignal.timeout(20) })).length;
  });
  assert.deepEqual(await within(makeNow([h])), [h]);
  assert.equal(h.state, 'FAILED');
  assert.equal(h.error?.name, 'TimeoutError', 'the inner make rejected with the signal\'s reason');
});

test('next() called four times at once hands out each task once, then done', async () => {
  const i1 = new Task('i1', async () => 1);
  const i2 = new Task('i2', async () => 2);
  const it = make([i1, i2]);
  const steps = await within(Promise.all([it.next(), it.next(), it.next(), it.next()]));
  assert.deepEqual(steps.map((r) => (r.done ? 'done' : r.value)), [i1, i2, 'done', 'done']);
});

test('return() during a pending next() ends both', async () => {
  const j = new Task('j', () => sleep(20));
  const it = make([j]);
  const pending = it.next();
  await sleep(1);
  assert.deepEqual(await it.return(), { value: undefined, done: true });
  assert.deepEqual(await within(pending, 500), { value: undefined, done: true });
});
