// SPEC §3 at the JS level: make, makeNow, task.make, makeLater, Later.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import PQueue from 'p-queue';
import { FSMError, Later, Task, make, makeLater, makeNow } from 'taskqueue-wasm';
import { deferred, sleep } from './helpers.mjs';

const noop = () => {};

test('make is an async iterator: for await works and yields the given tasks as they complete', async () => {
  const a = new Task('a', async () => { await sleep(20); });
  const b = new Task('b', async () => { await sleep(1); });
  const it = make([a, b]);
  assert.equal(it[Symbol.asyncIterator](), it);
  const got = [];
  for await (const t of it) got.push(t);
  assert.deepEqual(got, [b, a], 'completion order');
});

test('making a PREPARE task is an FSMError', async () => {
  const t = new Task('early', noop, { state: 'PREPARE' });
  await assert.rejects(makeNow([t]), (e) => e instanceof FSMError && e.message === "cannot make a PREPARE task: 'early'" && e.fsm === t);
});

test('a task already running is waited for, then yielded', async () => {
  const gate = deferred();
  const t = new Task('t', () => gate.promise);
  t.dispatch();
  const made = makeNow([t]);
  await sleep(2);
  assert.equal(t.state, 'RUNNING');
  gate.resolve('x');
  assert.deepEqual(await made, [t]);
  assert.equal(t.result, 'x');
});

test('a failed prerequisite fails the task; a cancelled one cancels it', async () => {
  const bad = new Task('bad', noop, { state: 'FAILED' });
  const off = new Task('off', noop, { state: 'CANCELLED' });
  const t1 = new Task('t1', noop);
  const t2 = new Task('t2', noop);
  t1.require(bad);
  t2.require(off);
  const seen = [];
  for (const t of [t1, t2]) t.onTransition('*', (task, tr) => seen.push([task.name, tr.event, tr.extra.because, tr.extra.tasks]));
  await makeNow([t1, t2]);
  assert.deepEqual(seen, [
    ['t1', 'error', 'failed prerequisites', [bad]],
    ['t2', 'cancel', 'cancelled prerequisites', [off]],
  ]);
});

test('pending prerequisites are made first, then the task', async () => {
  const order = [];
  const a = new Task('a', () => order.push('a'));
  const b = a.then('b', async () => { await sleep(1); order.push('b'); });
  const c = new Task('c', () => order.push('c'));
  const t = new Task('t', () => order.push('t'));
  t.require(c);
  t.require(b);
  assert.deepEqual(await makeNow(t), [t]);
  assert.deepEqual(order, ['c', 'a', 'b', 't']);
});

test('a prerequisite that is not done (PREPARE) fails the task', async () => {
  const early = new Task('early', noop, { state: 'PREPARE' });
  const t = new Task('t', noop);
  t.require(early);
  let because;
  t.onTransition('FAILED', (task, tr) => { because = tr.extra.because; });
  await makeNow(t);
  assert.equal(because, 'some prerequisites are not done');
});

test('failFast stops at the first given task that does not end DONE', async () => {
  const ran = [];
  const bad = new Task('bad', () => { throw new Error('no'); });
  const later = new Task('later', () => ran.push('later'));
  assert.deepEqual(await makeNow([bad, later], { failFast: true }), [bad]);
  assert.deepEqual(ran, []);
  assert.equal(later.state, 'PENDING');
  assert.deepEqual(await makeNow([later]), [later]);
});

test('independent async tasks overlap, and the concurrency limit holds exactly', async () => {
  for (const limit of [1, 3, Infinity]) {
    let running = 0;
    let most = 0;
    const tasks = Array.from({ length: 12 }, (_, i) => new Task(`t${i}`, async () => {
      running++;
      most = Math.max(most, running);
      await sleep(2 + (i % 4));
      running--;
    }));
    const made = await makeNow(tasks, { concurrency: limit });
    assert.equal(made.length, 12);
    assert.equal(most, limit === Infinity ? 12 : limit, `limit ${limit}`);
  }
});

test('completion order is yield order', async () => {
  const delays = [30, 5, 15, 1];
  const tasks = delays.map((ms, i) => new Task(`t${i}`, () => sleep(ms)));
  const made = await makeNow(tasks);
  assert.deepEqual(made.map((t) => t.name), ['t3', 't1', 't2', 't0']);
});

test('break in for await calls return(): nothing new is dispatched after it', async () => {
  const ran = [];
  const tasks = ['a', 'b', 'c'].map((name) => new Task(name, () => ran.push(name)));
  for await (const t of make(tasks)) {
    assert.equal(t, tasks[0]);
    break;
  }
  await sleep(5);
  assert.deepEqual(ran, ['a']);
  assert.equal(tasks[1].state, 'PENDING');
});

test('an aborted signal cancels running tasks, starts nothing new and ends the iterator with its reason', async () => {
  const controller = new AbortController();
  const never = new Task('never', () => new Promise(() => {})); // never settles
  const next = never.then('next', noop);
  let seenSignal;
  const watcher = new Task('watcher', async function () {
    seenSignal = this.signal;
    await new Promise((resolve) => this.signal.addEventListener('abort', resolve));
  });
  const it = make([next, watcher], { signal: controller.signal });
  const first = it.next();
  await sleep(5);
  const reason = new Error('stop');
  controller.abort(reason);
  await assert.rejects(first, (e) => e === reason);
  assert.deepEqual(await it.next(), { value: undefined, done: true }, 'then it is done');
  assert.equal(seenSignal.aborted, true);
  await sleep(1);
  assert.equal(watcher.state, 'CANCELLED');
  assert.equal(never.state, 'RUNNING', 'cancel requested; it never returns');
  assert.equal(next.state, 'PENDING');
  await assert.rejects(makeNow([next], { signal: AbortSignal.abort(reason) }), (e) => e === reason);
  assert.equal(next.state, 'PENDING', 'an aborted make starts nothing');
});

test('the queue option hands ready tasks to a queue: p-queue add works as is', async () => {
  const pq = new PQueue({ concurrency: 2 });
  let running = 0;
  let most = 0;
  const states = [];
  const tasks = Array.from({ length: 6 }, (_, i) => new Task(`t${i}`, async () => {
    running++;
    most = Math.max(most, running);
    await sleep(3);
    running--;
  }));
  tasks[0].onTransition('*', (task, tr) => states.push(tr.event));
  const made = await makeNow(tasks, { queue: pq.add.bind(pq) });
  assert.equal(made.length, 6);
  assert.ok(made.every((t) => t.state === 'DONE'));
  assert.equal(most, 2);
  assert.deepEqual(states, ['queue', 'dispatch', 'done']);
});

test('task.make resolves to whether the task is completed', async () => {
  const good = new Task('good', noop);
  const bad = new Task('bad', () => { throw new Error('x'); });
  const off = new Task('off', noop, { cancelOnResult: () => true });
  assert.equal(await good.make(), true);
  assert.equal(await bad.make(), true, 'FAILED is completed');
  assert.equal(bad.state, 'FAILED');
  assert.equal(await off.make(), false, 'CANCELLED is not');
});

test('makeNow resolves to the given tasks in completion order', async () => {
  const a = new Task('a', noop);
  const b = new Task('b', () => { throw new Error('x'); });
  const c = a.then('c', noop);
  assert.deepEqual(await makeNow([c, b]), [c, b]);
});

test('make takes any iterable of tasks, and a copy of an array: changing it afterwards changes nothing', async () => {
  const a = new Task('a', async () => 1);
  const b = new Task('b', noop);
  const c = new Task('c', noop);
  assert.deepEqual(await makeNow(new Set([b, a])), [b, a]);
  assert.deepEqual(await makeNow((function* () { yield c; })()), [c]);
  const d = new Task('d', async () => 4);
  const e = new Task('e', async () => 5);
  const list = [d, e];
  const it = make(list);
  const first = it.next(); // make() took its copy; the make itself starts later
  list.length = 0;
  list.push(new Task('f', noop));
  const got = [(await first).value];
  for await (const t of it) got.push(t);
  assert.deepEqual(new Set(got), new Set([d, e]));
  assert.deepEqual([d.result, e.result], [4, 5]);
});

test('Later is a capacity-limited executor', async () => {
  const later = new Later(2);
  let running = 0;
  let most = 0;
  const job = async (x) => {
    running++;
    most = Math.max(most, running);
    await sleep(2);
    running--;
    return x * 2;
  };
  const results = await Promise.all([1, 2, 3, 4, 5].map((x) => later.defer(job, x)));
  assert.deepEqual(results, [2, 4, 6, 8, 10]);
  assert.equal(most, 2);
  await assert.rejects(later.defer(() => { throw new Error('inside'); }), /inside/);
  assert.throws(() => new Later(0), RangeError);
});

test('makeLater starts in the background and returns at once; callers wait on the tasks', async () => {
  const later = new Later(1);
  const order = [];
  const a = new Task('a', async () => { await sleep(1); order.push('a'); });
  const b = a.then('b', () => order.push('b'));
  assert.equal(makeLater(later, [b]), undefined);
  assert.deepEqual(order, []);
  assert.equal(await b.join(), b);
  assert.deepEqual(order, ['a', 'b']);
  assert.equal(b.state, 'DONE');
  assert.throws(() => makeLater(later, [new Task('p', noop, { state: 'PREPARE' })]), FSMError);
});

test('two concurrent makes of one task run it once', async () => {
  let runs = 0;
  const t = new Task('t', async () => { runs++; await sleep(2); });
  const [x, y] = await Promise.all([makeNow(t), makeNow(t)]);
  assert.deepEqual([x, y], [[t], [t]]);
  assert.equal(runs, 1);
});

test('transitions fired by make are told before the task is yielded', async () => {
  const events = [];
  const bad = new Task('bad', () => { throw new Error('x'); });
  const t = bad.then('t', noop, { track: (task, tr) => events.push(`${task.name} ${tr.event}`) });
  for await (const made of make(t)) events.push(`made ${made.name} ${made.state}`);
  assert.deepEqual(events, ['t error', 'made t FAILED']);
});

test('a waiting make goes on after the change, never inside the code that made it', async () => {
  const order = [];
  const a = new Task('a', () => order.push('a'));
  const b = new Task('b', () => order.push('b'));
  b.require(a);
  a.event('queue'); // someone else's queue has a: the make waits for it
  const made = makeNow([b]);
  await sleep(1);
  assert.deepEqual(order, []);
  const dispatched = a.dispatch(); // a's function is sync: a is DONE at once
  order.push('dispatch returned');
  await dispatched;
  assert.deepEqual(await made, [b]);
  assert.deepEqual(order, ['a', 'dispatch returned', 'b']);
});
