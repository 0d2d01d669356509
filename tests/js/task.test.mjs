// SPEC §2 at the JS level: tasks, requirements, running, cancelling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlockedError, CancellationError, FSMError, Task, TaskError, makeNow } from 'taskqueue-wasm';
import { captureLog, deferred, sleep } from './helpers.mjs';

const noop = () => {};

test('a task has a name, a function, args, a state, required and blocking', async () => {
  const a = new Task('a', noop);
  const b = new Task('b', (x, y) => x + y, { args: [2, 3] });
  b.require(a);
  b.require(a);
  assert.equal(b.name, 'b');
  assert.equal(b.state, 'PENDING');
  assert.deepEqual(b.required, [a]);
  assert.deepEqual(a.blocking, [b]);
  assert.equal(a.blocking[0], b);
  await a.dispatch();
  await b.dispatch();
  assert.equal(b.result, 5);
  assert.equal(typeof a.id, 'number');
  assert.notEqual(a.id, b.id);
  assert.equal(a.id, a.id);
});

test('new Task(func) takes the name of the function', () => {
  function fetchData() {}
  assert.equal(new Task(fetchData).name, 'fetchData');
  assert.equal(new Task(fetchData, { args: [1] }).name, 'fetchData');
});

test('the function runs with the task as this and its args', async () => {
  let seen;
  const t = new Task('t', function (a, b) { seen = [this, a, b]; }, { args: ['x', 'y'] });
  await t.dispatch();
  assert.deepEqual(seen, [t, 'x', 'y']);
});

test('returning normally fires done and keeps the value as result', async () => {
  const value = { big: 'object' };
  const t = new Task('t', () => value);
  assert.equal(await t.dispatch(), t);
  assert.equal(t.state, 'DONE');
  assert.equal(t.result, value);
});

test('a returned Promise keeps the task RUNNING until it settles', async () => {
  const gate = deferred();
  const t = new Task('t', () => gate.promise);
  const running = t.dispatch();
  await sleep(5);
  assert.equal(t.state, 'RUNNING');
  gate.resolve(7);
  assert.equal(await running, t);
  assert.equal(t.state, 'DONE');
  assert.equal(t.result, 7);
});

test('a thenable that is not a Promise is adopted too', async () => {
  const t = new Task('t', () => ({ then: (ok) => setTimeout(() => ok('late'), 1) }));
  await t.dispatch();
  assert.equal(t.result, 'late');
});

test('throwing or rejecting fires except and keeps the thrown value as it was', async () => {
  const error = new RangeError('bad');
  const t1 = new Task('t1', () => { throw error; });
  const t2 = new Task('t2', async () => { throw 42; }); // not an Error
  const t3 = new Task('t3', () => Promise.reject(undefined));
  for (const t of [t1, t2, t3]) await t.dispatch();
  assert.equal(t1.state, 'FAILED');
  assert.equal(t1.error, error);
  assert.ok(t1.error instanceof RangeError);
  assert.equal(t2.error, 42);
  assert.equal(t3.state, 'FAILED');
  assert.equal(t3.error, undefined);
});

test('cancelOnException cancels instead of failing', async () => {
  const t = new Task('t', () => { throw new Error('x'); }, { cancelOnException: true });
  await t.dispatch();
  assert.equal(t.state, 'CANCELLED');
});

test('cancelOnResult returning true cancels the task', async () => {
  const t = new Task('t', () => 'empty', { cancelOnResult: (v) => v === 'empty' });
  const u = new Task('u', () => 'full', { cancelOnResult: (v) => v === 'empty' });
  await t.dispatch();
  await u.dispatch();
  assert.equal(t.state, 'CANCELLED');
  assert.equal(u.state, 'DONE');
});

test('a task cancelled while running ends CANCELLED when its function returns, and sees its signal aborted', async () => {
  const gate = deferred();
  let signal;
  const t = new Task('t', async function () {
    signal = this.signal;
    await gate.promise;
    return 'finished anyway';
  });
  const running = t.dispatch();
  await sleep(1);
  assert.equal(signal.aborted, false);
  t.cancel();
  assert.equal(signal.aborted, true);
  assert.ok(signal.reason instanceof CancellationError);
  assert.equal(t.state, 'RUNNING', 'cancellation is cooperative');
  gate.resolve();
  await running;
  assert.equal(t.state, 'CANCELLED');
  assert.equal(t.result, undefined);
});

test('a function that throws a CancellationError cancels its task', async () => {
  const t = new Task('t', () => { throw new CancellationError('stop'); });
  await t.dispatch();
  assert.equal(t.state, 'CANCELLED');
});

test('requiring itself is a TaskError', () => {
  const a = new Task('a', noop);
  assert.throws(() => a.require(a), (e) => e instanceof TaskError && e.message === "task 'a' cannot require itself" && e.task === a);
  assert.deepEqual(a.required, []);
});

test('a requirement closing a cycle is a TaskError naming the cycle, graph unchanged', () => {
  const a = new Task('a', noop);
  const b = new Task('b', noop);
  const c = new Task('c', noop);
  a.require(b);
  b.require(c);
  assert.throws(() => c.require(a), (e) => {
    assert.ok(e instanceof TaskError);
    assert.equal(e.message, 'requirement would close a cycle: c -> a -> b -> c');
    assert.deepEqual(e.cycle, [c, a, b, c]);
    assert.equal(e.cycle[1], a);
    return true;
  });
  assert.deepEqual(c.required, []);
  assert.deepEqual(a.blocking, []);
  assert.equal(c.isBlocked(), false);
});

test('requirements may only be added while PREPARE or PENDING', () => {
  const other = new Task('other', noop);
  for (const state of ['PREPARE', 'PENDING', 'QUEUED', 'RUNNING', 'DONE', 'FAILED', 'CANCELLED', 'ABORT']) {
    const t = new Task('t', noop, { state });
    if (state === 'PREPARE' || state === 'PENDING') t.require(other);
    else assert.throws(() => t.require(other), (e) => e instanceof TaskError && e.message.includes(state));
  }
});

test('block(other) is other.require(this)', () => {
  const a = new Task('a', noop);
  const b = new Task('b', noop);
  a.block(b);
  assert.deepEqual(b.required, [a]);
});

test('then(existing) and then([name,] func, options) return the dependent', () => {
  const root = new Task('root', noop);
  const existing = new Task('existing', noop);
  assert.equal(root.then(existing), existing);
  const named = root.then('named', noop, { args: [1] });
  const anonymous = root.then(function step() {});
  assert.deepEqual(existing.required, [root]);
  assert.equal(named.name, 'named');
  assert.equal(anonymous.name, 'step');
  assert.deepEqual(root.blocking, [existing, named, anonymous]);
});

test('dispatch of a blocked task rejects with a BlockedError naming the blocker', async () => {
  const first = new Task('first', noop);
  const second = first.then('second', noop);
  await assert.rejects(second.dispatch(), (e) => {
    assert.ok(e instanceof BlockedError && e instanceof TaskError && e instanceof FSMError && e instanceof Error);
    assert.equal(e.name, 'BlockedError');
    assert.equal(e.blockingTask, first);
    assert.equal(e.task, second);
    assert.equal(e.message, "task 'second' is blocked by 'first', which is PENDING");
    return true;
  });
  assert.equal(second.state, 'PENDING');
});

test('dispatching a finished task rejects with a TaskError', async () => {
  const t = new Task('t', noop);
  await t.dispatch();
  await assert.rejects(t.dispatch(), (e) => e instanceof TaskError && e.message === "task 't': invalid event 'dispatch' for state 'DONE'");
});

test('cancel fires cancel where the table allows it and throws elsewhere', () => {
  const pending = new Task('p', noop);
  pending.cancel();
  assert.equal(pending.state, 'CANCELLED');
  const queued = new Task('q', noop, { state: 'QUEUED' });
  queued.cancel();
  assert.equal(queued.state, 'CANCELLED');
  const done = new Task('d', noop, { state: 'DONE' });
  assert.throws(() => done.cancel(), (e) => e instanceof TaskError && e.message === "task 'd': invalid event 'cancel' for state 'DONE'");
});

test('track prints NAME OLDSTATE->EVENT->NEWSTATE, or calls a callback', async () => {
  const lines = await captureLog(async () => {
    const t = new Task('t1', () => { throw new Error('x'); }, { track: true });
    await t.dispatch();
    t.event('retry');
  });
  assert.deepEqual(lines, ['t1 PENDING->dispatch->RUNNING', 't1 RUNNING->except->FAILED', 't1 FAILED->retry->PENDING']);
  const seen = [];
  const u = new Task('u', noop, { track: (task, tr) => seen.push([task, tr.event]) });
  await u.dispatch();
  assert.deepEqual(seen, [[u, 'dispatch'], [u, 'done']]);
});

test('the string form is Task:NAME:STATE', () => {
  assert.equal(String(new Task('fetch data', noop)), 'Task:fetch data:PENDING');
  assert.equal(`${new Task('x', noop, { state: 'DONE' })}`, 'Task:x:DONE');
});

test('join waits for the task to complete; a retried task runs again and joiners get the final attempt', async () => {
  let attempts = 0;
  const t = new Task('flaky', async () => {
    attempts++;
    if (attempts === 1) throw new Error('first try fails');
    return `ok after ${attempts}`;
  });
  const first = t.join();
  await t.dispatch();
  assert.equal(await first, t);
  assert.equal(t.state, 'FAILED');
  t.event('retry');
  const second = t.join();
  let settled = false;
  second.then(() => { settled = true; });
  await sleep(1);
  assert.equal(settled, false, 'PENDING: not yet');
  await t.dispatch();
  assert.equal(await second, t);
  assert.equal(t.state, 'DONE');
  assert.equal(t.result, 'ok after 2');
  assert.equal(t.error.message, 'first try fails', 'error of the attempt that ended FAILED');
});

test('a late outcome of an attempt abandoned by hand is ignored', async () => {
  const gates = [deferred(), deferred()];
  let n = 0;
  const t = new Task('t', () => gates[n++].promise);
  const first = t.dispatch();
  t.event('cancel'); // straight to CANCELLED, the function still runs
  t.event('retry');
  const second = t.dispatch();
  gates[0].resolve('stale');
  await first;
  assert.equal(t.state, 'RUNNING');
  gates[1].resolve('fresh');
  await second;
  assert.equal(t.result, 'fresh');
});

test('a task can be created in any state to resume a saved run', async () => {
  const ran = [];
  const saved = new Task('saved', () => ran.push('saved'), { state: 'DONE' });
  const next = saved.then('next', () => ran.push('next'));
  assert.equal(next.isBlocked(), false);
  await next.make();
  assert.deepEqual(ran, ['next']);
});

test('awaiting a task gives the task itself at once', async () => {
  const t = new Task('t', noop);
  assert.equal(await t, t);
  assert.equal(await (async () => t)(), t);
  assert.equal(t.state, 'PENDING');
  assert.equal(t.blocking.length, 0, 'no task was made by the Promise machinery');
});

test('linked groups of tasks merge: every task is found by id across them', async () => {
  // Three groups built apart (a chain, a fan, a lone task), then linked
  // both ways round, so both the larger and the smaller group move.
  const ran = [];
  const mk = (name) => new Task(name, () => ran.push(name));
  const chain = [];
  for (let i = 0; i < 6; i++) {
    chain.push(mk(`c${i}`));
    if (i > 0) chain[i].require(chain[i - 1]);
  }
  const hub = mk('hub');
  const fan = [mk('f0'), mk('f1'), mk('f2')];
  for (const f of fan) f.require(hub);
  const lone = mk('lone');
  hub.require(chain[5]); // the fan joins the chain
  lone.require(fan[1]); // a lone task joins them
  const sink = mk('sink');
  for (const f of [fan[2], fan[0], lone]) sink.require(f);

  // Errors name tasks of the merged group as the same objects.
  const cycle = [chain[0], sink, fan[2], hub, ...chain.slice().reverse()];
  assert.throws(
    () => chain[0].require(sink),
    (e) => e instanceof TaskError && e.cycle.length === cycle.length && e.cycle.every((t, i) => t === cycle[i]),
  );

  // make is given only the sink: it discovers every other task by id.
  const made = await makeNow([sink]);
  assert.deepEqual(made, [sink]);
  assert.equal(ran.length, 12);
  assert.deepEqual(ran.slice(0, 7), ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'hub']);
  assert.equal(ran.at(-1), 'sink');
  assert.deepEqual(sink.required, [fan[2], fan[0], lone]);
  assert.deepEqual(hub.blocking, fan);
  assert.deepEqual(hub.required, [chain[5]]);
  assert.deepEqual(fan[1].blocking, [lone]);

});

test('dependents keep the order they were added in, read at any point of building a large random graph', async () => {
  // Lists of dependents are filled in late, in bulk (src/graph/pending.rs):
  // reading some mid-build, then adding more, must not reorder or lose any.
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const n = 3000;
  const tasks = [];
  const expected = [];
  for (let i = 0; i < n; i++) {
    const t = new Task(`t${i}`, noop);
    expected.push([]);
    const picked = new Set();
    while (picked.size < Math.min(3, i)) picked.add(Math.floor(next() * i));
    for (const p of picked) {
      t.require(tasks[p]);
      expected[p].push(t);
    }
    tasks.push(t);
    if (i % 997 === 0) assert.deepEqual(tasks[0].blocking, expected[0], `mid-build read at ${i}`);
  }
  const check = (when) => {
    for (let i = 0; i < n; i++) {
      const got = tasks[i].blocking;
      assert.equal(got.length, expected[i].length, `${when}: dependents of t${i}`);
      assert.ok(got.every((t, k) => t === expected[i][k]), `${when}: order of the dependents of t${i}`);
    }
  };
  check('built');
  const made = await makeNow([tasks.at(-1)]);
  assert.deepEqual(made, [tasks.at(-1)]);
  check('made');
});
