// SPEC §7a, what a new user needs in the first hour (issue 14): retry()
// of a task and what failed because of it, history, the make's
// onTransition, the requires option, and errors that name their task.
import { test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import assert from 'node:assert/strict';
import { Later, Task, TaskError, make, makeLater, makeNow, setCallbackErrorHandler } from 'taskqueue-wasm';
import { deferred, sleep } from './helpers.mjs';

const noop = () => {};
const failedOnce = () => {
  let calls = 0;
  return () => {
    if (++calls === 1) throw new Error('flaky');
    return calls;
  };
};

// ---- task.retry() -------------------------------------------------------

test('retry() of a failed task retries the dependents it failed, so making the last runs them all', async () => {
  const ran = [];
  const a = new Task('a', () => { ran.push('a'); if (ran.length === 1) throw new Error('flaky'); });
  const b = a.then('b', () => ran.push('b'));
  const c = b.then('c', () => ran.push('c'));
  assert.deepEqual(await makeNow(c), [c]);
  assert.deepEqual([a.state, b.state, c.state], ['FAILED', 'FAILED', 'FAILED']);
  assert.deepEqual(a.retry(), [a, b, c]);
  assert.deepEqual([a.state, b.state, c.state], ['PENDING', 'PENDING', 'PENDING']);
  assert.deepEqual(await makeNow(c), [c]);
  assert.deepEqual(ran, ['a', 'a', 'b', 'c']);
  assert.deepEqual([a.state, b.state, c.state], ['DONE', 'DONE', 'DONE']);
});

test("event('retry') keeps its seed meaning: one task, and the dependent made again fails at once", async () => {
  const a = new Task('a', failedOnce());
  const b = a.then('b', noop);
  await makeNow(b);
  a.event('retry');
  assert.deepEqual(await makeNow(b), [b]);
  assert.equal(a.state, 'PENDING', 'a never ran');
  assert.equal(b.state, 'FAILED');
});

test('retry() leaves dependents that failed on their own, and those cancelled by hand, alone', async () => {
  const a = new Task('a', () => { throw new Error('a'); });
  const own = new Task('own', () => { throw new Error('own'); });
  const both = new Task('both', noop, { requires: [own] });
  await makeNow([own]);
  a.then(both);
  const byHand = a.then('byHand', noop);
  byHand.cancel();
  const cancelled = new Task('cancelled', noop, { requires: [a] });
  await makeNow([a, both]);
  // `cancelled` failed for a as well; `both` failed for its prerequisites.
  assert.deepEqual(await makeNow([cancelled]), [cancelled]);
  assert.deepEqual(a.retry(), [a, both, cancelled]);
  assert.equal(byHand.state, 'CANCELLED', 'cancelled by hand, not because of a');
  assert.equal(own.state, 'FAILED', 'a prerequisite is not a dependent');
});

test('retry() retries dependents cancelled because of a cancelled prerequisite', async () => {
  const a = new Task('a', noop);
  const b = a.then('b', noop);
  a.cancel();
  await makeNow(b);
  assert.equal(b.state, 'CANCELLED');
  assert.deepEqual(a.retry(), [a, b]);
  assert.deepEqual(await makeNow(b), [b]);
  assert.deepEqual([a.state, b.state], ['DONE', 'DONE']);
});

test('retry() of a task that is neither FAILED nor CANCELLED throws the TaskError of its event, retrying nothing', async () => {
  const a = new Task('a', noop);
  assert.throws(() => a.retry(), (e) => e instanceof TaskError && e.message === "task 'a': invalid event 'retry' for state 'PENDING'" && e.task === a);
  assert.throws(() => Task.prototype.retry.call({}), TypeError);
});

test('retry() reaches every dependent of a diamond once, and a long chain without recursion', async () => {
  const root = new Task('root', () => { throw new Error('x'); });
  const left = root.then('left', noop);
  const right = root.then('right', noop);
  const join = new Task('join', noop, { requires: [left, right] });
  await makeNow(join);
  assert.deepEqual(root.retry(), [root, left, right, join]);

  const first = new Task('first', () => { throw new Error('x'); });
  let last = first;
  for (let i = 0; i < 20000; i++) last = last.then('link', noop);
  await makeNow(last);
  assert.equal(last.state, 'FAILED');
  assert.equal(first.retry().length, 20001);
  assert.equal(last.state, 'PENDING');
});

// ---- task.history ----------------------------------------------------------

test('history keeps every transition, and says after the fact why a task failed and because of whom', async () => {
  const a = new Task('a', () => { throw new Error('boom'); });
  const b = a.then('b', noop);
  assert.deepEqual(b.history, []);
  const before = Date.now();
  await makeNow(b);
  const after = Date.now();
  assert.deepEqual(a.history.map((tr) => `${tr.oldState}->${tr.event}->${tr.newState}`), ['PENDING->dispatch->RUNNING', 'RUNNING->except->FAILED']);
  const last = b.history.at(-1);
  assert.equal(last.extra.because, 'failed prerequisites');
  assert.deepEqual(last.extra.tasks, [a]);
  assert.equal(last.extra.tasks[0], a, 'the very task');
  assert.ok(last.when >= before && last.when <= after, 'when is a Date.now() time');
  assert.equal(b.error, undefined, 'nothing was thrown by b itself');
  a.retry();
  assert.deepEqual(b.history.map((tr) => tr.event), ['error', 'retry']);
  assert.notEqual(b.history, b.history, 'a fresh array on each read');
});

test("history keeps the extra given to event() with its transition", () => {
  const t = new Task('t', noop);
  t.event('cancel', { why: 'by hand' });
  t.event('retry');
  assert.deepEqual(t.history.map((tr) => tr.extra), [{ why: 'by hand' }, {}]);
});

test('history of tasks created in a state starts empty; a million-long chain keeps one transition each', async () => {
  const done = new Task('done', noop, { state: 'DONE' });
  assert.deepEqual(done.history, []);
  let t = new Task('t0', noop);
  const first = t;
  for (let i = 1; i < 50000; i++) t = t.then('t', noop);
  await makeNow(t);
  assert.equal(first.history.length, 2);
  assert.equal(t.history.length, 2);
});

// ---- make's onTransition ---------------------------------------------------

test('the make option onTransition sees every transition of every task the make touches, prerequisites included', async () => {
  const a = new Task('a', () => { throw new Error('a'); });
  const b = new Task('b', async () => 1);
  const c = new Task('c', noop, { requires: [a, b] });
  const d = c.then('d', noop);
  const outside = new Task('outside', noop);
  const seen = [];
  const yielded = await makeNow(d, { onTransition: (task, tr) => seen.push(`${task.name} ${tr.oldState}->${tr.event}->${tr.newState}`) });
  assert.deepEqual(yielded, [d]);
  assert.deepEqual(seen.sort(), [
    'a PENDING->dispatch->RUNNING',
    'a RUNNING->except->FAILED',
    'b PENDING->dispatch->RUNNING',
    'b RUNNING->done->DONE',
    'c PENDING->error->FAILED',
    'd PENDING->error->FAILED',
  ]);
  await outside.dispatch();
  assert.equal(seen.length, 6, 'tasks outside the make, and transitions after it, are not told');
});

test('onTransition gets the task objects, the because and its tasks, in the order transitions happen', async () => {
  const a = new Task('a', () => { throw new Error('a'); });
  const b = a.then('b', noop);
  const calls = [];
  for await (const _ of make(b, { onTransition: (task, tr) => calls.push([task, tr]) })); // eslint-disable-line no-unused-vars
  assert.deepEqual(calls.map(([t, tr]) => [t, tr.event]), [[a, 'dispatch'], [a, 'except'], [b, 'error']]);
  assert.deepEqual(calls[2][1].extra, { because: 'failed prerequisites', tasks: [a] });
  assert.ok(calls.every(([, tr], i) => i === 0 || tr.when >= calls[i - 1][1].when));
});

test('onTransition works with the queue option, task.make, makeLater, and alongside task callbacks', async () => {
  const a = new Task('a', async () => 1);
  const b = a.then('b', noop);
  const own = [];
  b.onTransition('*', (t, tr) => own.push(tr.event));
  const seen = [];
  const onTransition = (t, tr) => seen.push(`${t.name}:${tr.event}`);
  await makeNow(b, { queue: (run) => run(), onTransition });
  assert.deepEqual(seen, ['a:queue', 'a:dispatch', 'a:done', 'b:queue', 'b:dispatch', 'b:done']);
  assert.deepEqual(own, ['queue', 'dispatch', 'done']);

  const c = new Task('c', noop);
  const viaTask = [];
  assert.equal(await c.make({ onTransition: (t, tr) => viaTask.push(tr.event) }), true);
  assert.deepEqual(viaTask, ['dispatch', 'done']);

  const d = new Task('d', async () => 2);
  const later = [];
  makeLater(new Later(1), d, { onTransition: (t, tr) => later.push(tr.event) });
  await d.join();
  await sleep(1);
  assert.deepEqual(later, ['queue', 'dispatch', 'done']);
});

test('an onTransition that throws goes to the callback error handler and breaks nothing', async () => {
  const errors = [];
  setCallbackErrorHandler((error, task) => errors.push([error.message, task.name]));
  try {
    const t = new Task('t', async () => 5);
    assert.deepEqual(await makeNow(t, { onTransition: () => { throw new Error('bad callback'); } }), [t]);
    assert.deepEqual([t.state, t.result], ['DONE', 5]);
    assert.deepEqual(errors, [['bad callback', 't'], ['bad callback', 't']]);
  } finally {
    setCallbackErrorHandler((error) => console.error(error));
  }
});

test('two makes with onTransition over one shared task both hear it; a bad onTransition is a TypeError', async () => {
  const gate = deferred();
  const shared = new Task('shared', () => gate.promise);
  const x = shared.then('x', noop);
  const y = shared.then('y', noop);
  const one = [];
  const two = [];
  const first = makeNow(x, { onTransition: (t, tr) => one.push(`${t.name}:${tr.event}`) });
  const second = makeNow(y, { onTransition: (t, tr) => two.push(`${t.name}:${tr.event}`) });
  await sleep(1);
  gate.resolve();
  await Promise.all([first, second]);
  assert.deepEqual(one, ['shared:dispatch', 'shared:done', 'x:dispatch', 'x:done']);
  assert.deepEqual(two, ['shared:done', 'y:dispatch', 'y:done']);
  assert.throws(() => make(x, { onTransition: 'log' }), (e) => e instanceof TypeError && /onTransition must be a function, got 'log'/.test(e.message));
});

// ---- requires ---------------------------------------------------------------

test('the requires option adds each prerequisite in order', async () => {
  const a = new Task('a', () => 1);
  const b = new Task('b', () => 2);
  const c = new Task('c', function () { return this.required.map((t) => t.result); }, { requires: [a, b] });
  assert.deepEqual(c.required, [a, b]);
  assert.deepEqual(a.blocking, [c]);
  await makeNow(c);
  assert.deepEqual(c.result, [1, 2]);
  const fromSet = new Task('s', noop, { requires: new Set([a]) });
  assert.deepEqual(fromSet.required, [a]);
});

test('bad requires are TypeErrors naming the task, and create no requirement', () => {
  const a = new Task('a', noop);
  assert.throws(() => new Task('x', noop, { requires: a }), (e) => e instanceof TypeError && /requires of task 'x' must be an iterable of Tasks, got Task/.test(e.message));
  assert.throws(() => new Task('x', noop, { requires: [a, 'b'] }), (e) => e instanceof TypeError && /requires of task 'x' must hold only Tasks, got 'b'/.test(e.message));
  assert.throws(() => new Task('x', noop, { requires: 'ab' }), TypeError);
  assert.deepEqual(a.blocking, [], 'nothing was linked');
  assert.throws(() => new Task('x', noop, { state: 'DONE', requires: [a] }), (e) => e instanceof TaskError && /cannot add a requirement to task 'x' in state DONE/.test(e.message));
});

// ---- errors name their task ---------------------------------------------------

test('every error about a task names it', async () => {
  const a = new Task('a', () => new Promise(noop));
  await assert.rejects(Promise.all([a.dispatch(), a.dispatch()]), (e) => e instanceof TaskError && e.message === "task 'a': invalid event 'dispatch' for state 'RUNNING'" && e.task === a);
  assert.throws(() => new Task('b', noop, { state: 'done' }), (e) => e instanceof TaskError && /^task 'b': unknown state 'done'/.test(e.message));
  assert.throws(() => a.onTransition('SLEEPING', noop), (e) => /^task 'a': unknown state 'SLEEPING'/.test(e.message));
  a.cancel();
});

test('an abandoned make iterator with onTransition is collected and ends its make', async () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  const a = new Task('a', noop);
  const later = new Task('later', noop);
  let told = 0;
  await (async () => {
    const it = make([a, later], { onTransition: () => told++ });
    assert.equal((await it.next()).value, a);
  })();
  assert.equal(told, 2, "told of a's dispatch and done");
  for (let i = 0; i < 5; i++) {
    gc();
    await sleep(5);
  }
  await later.dispatch();
  assert.equal(told, 2, 'the collected make is told nothing more');
});

test('task.make rejects with the reason when its signal aborts', async () => {
  const never = new Task('never', () => new Promise(noop));
  const controller = new AbortController();
  const reason = new Error('no more');
  const made = never.make({ signal: controller.signal });
  await sleep(1);
  controller.abort(reason);
  await assert.rejects(made, (e) => e === reason);
  never.event('cancel');
});
