// Faults (issue 7): functions and callbacks that misbehave, functions that
// never settle, re-entrant use, tasks shared between makes, and retries in
// the middle of a make. Each ends in a precise, checked state; every
// Promise involved settles within a bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancellationError, Task, make, makeNow, setCallbackErrorHandler, tasksAsDot } from 'taskqueue-wasm';
import { deferred, sleep } from './helpers.mjs';

const noop = () => {};

/** `promise`, or a rejection if it has not settled within `ms`. */
function within(promise, ms = 2000, what = 'a promise') {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs `fn` with transition-callback errors collected instead of logged. */
async function collectingCallbackErrors(fn) {
  const errors = [];
  setCallbackErrorHandler((error, task, tr) => errors.push({ error, task, tr }));
  try {
    await fn(errors);
  } finally {
    setCallbackErrorHandler((error) => console.error(error));
  }
  return errors;
}

// ---- functions that throw or reject with what is not an Error ---------

const ODD_THROWS = [
  ['a string', 'boom'],
  ['a number', 42],
  ['null', null],
  ['undefined', undefined],
  ['a plain object', { code: 7 }],
  ['a symbol', Symbol('odd')],
  ['a function', noop],
];

for (const [what, value] of ODD_THROWS) {
  test(`a function that throws ${what} fails its task, the value kept as thrown`, async () => {
    const t = new Task('t', () => { throw value; });
    const after = t.then('after', noop);
    assert.deepEqual(await within(makeNow([t, after])), [t, after]);
    assert.equal(t.state, 'FAILED');
    assert.ok(Object.is(t.error, value), `error is ${String(t.error)}`);
    assert.equal(after.state, 'FAILED', 'its dependent fails with it');
  });

  test(`a function that rejects with ${what} fails its task, the value kept`, async () => {
    const t = new Task('t', () => Promise.reject(value));
    assert.deepEqual(await within(makeNow([t])), [t]);
    assert.equal(t.state, 'FAILED');
    assert.ok(Object.is(t.error, value));
  });
}

test('an async function rejecting with undefined fails its task; dispatch and join still resolve', async () => {
  const t = new Task('t', async () => { await sleep(1); throw undefined; });
  const joined = t.join();
  assert.equal(await within(t.dispatch()), t);
  assert.equal(await within(joined), t);
  assert.equal(t.state, 'FAILED');
  assert.equal(t.error, undefined);
  assert.ok(!('result' in t && t.result !== undefined));
});

test('a thenable whose then throws fails the task with what it threw', async () => {
  const thrown = { odd: true };
  const t = new Task('t', () => ({ then() { throw thrown; } }));
  await within(makeNow([t]));
  assert.equal(t.state, 'FAILED');
  assert.equal(t.error, thrown);
});

test('cancelOnResult that throws fails the task with what it threw', async () => {
  const thrown = new RangeError('bad judge');
  const t = new Task('t', () => 5, { cancelOnResult: () => { throw thrown; } });
  await within(makeNow([t]));
  assert.equal(t.state, 'FAILED');
  assert.equal(t.error, thrown);
  assert.equal(t.result, undefined);
});

// ---- functions that never settle -------------------------------------

const isAbort = (e) => e instanceof DOMException && e.name === 'AbortError';

test('make of a function that never settles ends when its signal aborts, throwing its reason', async () => {
  const controller = new AbortController();
  let seen;
  const never = new Task('never', function () {
    seen = this.signal;
    return new Promise(noop);
  });
  const quick = new Task('quick', noop);
  const dependent = never.then('dependent', noop);
  const got = [];
  const iterating = (async () => {
    for await (const t of make([quick, dependent], { signal: controller.signal })) got.push(t);
  })();
  await sleep(5);
  assert.equal(never.state, 'RUNNING');
  const reason = new Error('enough');
  controller.abort(reason);
  await assert.rejects(within(iterating, 2000, 'the iterator'), (e) => e === reason);
  assert.deepEqual(got, [quick], 'what ended before the abort was yielded');
  assert.ok(seen.aborted, "the running function's signal aborted");
  assert.ok(seen.reason instanceof CancellationError);
  assert.equal(never.state, 'RUNNING', 'cancellation is cooperative: it has not returned');
  assert.equal(dependent.state, 'PENDING', 'nothing new started');
});

test('makeNow of a function that never settles rejects with the reason once aborted', async () => {
  const controller = new AbortController();
  const done = new Task('done', noop);
  const never = new Task('never', () => new Promise(noop));
  const made = makeNow([done, never], { signal: controller.signal });
  setTimeout(() => controller.abort(), 5);
  await assert.rejects(within(made), isAbort);
  assert.equal(done.state, 'DONE');
  assert.equal(never.state, 'RUNNING', 'cancelled cooperatively; it has not returned');
});

test('a signal aborted before make starts ends it at once, running nothing', async () => {
  let ran = false;
  const t = new Task('t', () => { ran = true; });
  await assert.rejects(within(makeNow([t], { signal: AbortSignal.abort() })), isAbort);
  const timeout = AbortSignal.timeout(0);
  await sleep(5);
  await assert.rejects(within(makeNow([t], { signal: timeout })), (e) => e instanceof DOMException && e.name === 'TimeoutError');
  assert.equal(ran, false);
  assert.equal(t.state, 'PENDING');
});

test('a never-settling function that honours its signal ends CANCELLED, and so do its dependents on the next make', async () => {
  const controller = new AbortController();
  const polite = new Task('polite', function () {
    return new Promise((_, reject) => this.signal.addEventListener('abort', () => reject(this.signal.reason)));
  });
  const after = polite.then('after', noop);
  const made = makeNow([after], { signal: controller.signal });
  await sleep(2);
  controller.abort();
  await assert.rejects(within(made), isAbort);
  await within(polite.join());
  assert.equal(polite.state, 'CANCELLED');
  assert.deepEqual(await within(makeNow([after])), [after]);
  assert.equal(after.state, 'CANCELLED');
});

// ---- callbacks that throw ---------------------------------------------

test('transition callbacks that throw disturb nothing; each error is reported once with its transition', async () => {
  const thrown = new Error('callback broke');
  const errors = await collectingCallbackErrors(async () => {
    const a = new Task('a', () => 1);
    const b = a.then('b', async () => 2);
    a.onTransition('*', () => { throw thrown; });
    b.onTransition('DONE', () => { throw 'not even an Error'; });
    const c = b.then('c', noop, { track: () => { throw undefined; } });
    assert.deepEqual(await within(makeNow([c])), [c]);
    assert.deepEqual([a.state, b.state, c.state], ['DONE', 'DONE', 'DONE']);
    assert.equal(a.result, 1);
    assert.equal(b.result, 2);
  });
  const described = errors.map(({ error, task, tr }) => `${task.name} ${tr.oldState}->${tr.event}->${tr.newState} ${String(error?.message ?? error)}`);
  assert.deepEqual(described, [
    'a PENDING->dispatch->RUNNING callback broke',
    'a RUNNING->done->DONE callback broke',
    'b RUNNING->done->DONE not even an Error',
    'c PENDING->dispatch->RUNNING undefined',
    'c RUNNING->done->DONE undefined',
  ]);
});

test('a callback error handler that throws itself disturbs nothing', async () => {
  setCallbackErrorHandler(() => { throw new Error('handler broke'); });
  try {
    const t = new Task('t', noop);
    t.onTransition('*', () => { throw new Error('callback broke'); });
    assert.deepEqual(await within(makeNow([t])), [t]);
    assert.equal(t.state, 'DONE');
  } finally {
    setCallbackErrorHandler((error) => console.error(error));
  }
});

// ---- re-entrant use -----------------------------------------------------

test('a task function that makes other tasks', async () => {
  const inner = new Task('inner', async () => 'in');
  const innerAfter = inner.then('innerAfter', () => 'after');
  const outer = new Task('outer', async () => {
    const made = await makeNow([innerAfter]);
    return made.map((t) => `${t}`);
  });
  const last = outer.then('last', noop);
  assert.deepEqual(await within(makeNow([last])), [last]);
  assert.deepEqual(outer.result, ['Task:innerAfter:DONE']);
  assert.deepEqual([inner.state, innerAfter.state, outer.state, last.state], ['DONE', 'DONE', 'DONE', 'DONE']);
});

test('a synchronous task function that makes other tasks inside the same make', async () => {
  const inner = new Task('inner', () => 'in');
  const order = [];
  const outer = new Task('outer', () => {
    makeNow([inner]).then((made) => order.push(...made.map((t) => t.name)));
    order.push('outer');
  });
  assert.deepEqual(await within(makeNow([outer])), [outer]);
  await within(inner.join());
  await sleep(0);
  assert.deepEqual(order, ['outer', 'inner']);
  assert.equal(inner.state, 'DONE');
});

test('a task function that cancels itself ends CANCELLED, and its dependents are cancelled', async () => {
  let aborted;
  const self = new Task('self', function () {
    this.cancel();
    aborted = this.signal.aborted;
    return 'ignored';
  });
  const dependent = self.then('dependent', noop);
  assert.deepEqual(await within(makeNow([self, dependent])), [self, dependent]);
  assert.equal(aborted, true, 'it sees its own signal aborted');
  assert.equal(self.state, 'CANCELLED');
  assert.equal(self.result, undefined);
  assert.equal(dependent.state, 'CANCELLED');
});

test('an async task function that cancels itself midway ends CANCELLED', async () => {
  const t = new Task('t', async function () {
    await sleep(1);
    this.cancel();
    await sleep(1);
    return 'late';
  });
  assert.deepEqual(await within(makeNow([t])), [t]);
  assert.equal(t.state, 'CANCELLED');
});

test('a task function that adds requirements to a pending task of the same make: the new prerequisite runs first', async () => {
  const order = [];
  const extra = new Task('extra', async () => { await sleep(1); order.push('extra'); });
  const first = new Task('first', () => {
    order.push('first');
    second.require(extra);
  });
  const second = first.then('second', () => order.push('second'));
  assert.deepEqual(await within(makeNow([second])), [second]);
  assert.deepEqual(order, ['first', 'extra', 'second']);
  assert.deepEqual(second.required, [first, extra]);
});

test('a task function that tries to add a requirement closing a cycle gets a TaskError and carries on', async () => {
  let refused;
  const a = new Task('a', () => {
    try {
      a.require(b);
    } catch (error) {
      refused = error;
    }
  });
  const b = a.then('b', noop);
  await within(makeNow([b]));
  assert.ok(refused instanceof Error && refused.name === 'TaskError', String(refused));
  assert.match(refused.message, /cannot add a requirement to task 'a' in state RUNNING|cycle/);
  assert.deepEqual([a.state, b.state], ['DONE', 'DONE']);
  assert.deepEqual(a.required, []);
});

test('a task function that retries its failed prerequisite and makes it again', async () => {
  let attempts = 0;
  const flaky = new Task('flaky', () => {
    attempts++;
    if (attempts === 1) throw new Error('first time');
    return 'second time';
  });
  const fixer = new Task('fixer', async () => {
    await flaky.make();
    if (flaky.state === 'FAILED') flaky.event('retry');
    await flaky.make();
    return flaky.result;
  });
  assert.deepEqual(await within(makeNow([fixer])), [fixer]);
  assert.equal(fixer.result, 'second time');
  assert.equal(attempts, 2);
});

// ---- the same task made by two concurrent makes --------------------

test('the same task made by two concurrent makes runs once and both yield it', async () => {
  let runs = 0;
  const gate = deferred();
  const shared = new Task('shared', async () => { runs++; await gate.promise; return 'v'; });
  const a = shared.then('a', noop);
  const b = shared.then('b', noop);
  const first = makeNow([a, shared]);
  const second = makeNow([b, shared]);
  await sleep(2);
  gate.resolve();
  const [one, two] = await within(Promise.all([first, second]));
  assert.equal(runs, 1);
  assert.deepEqual(new Set(one), new Set([a, shared]));
  assert.deepEqual(new Set(two), new Set([b, shared]));
  assert.equal(one.length + two.length, 4, 'each yields each of its tasks once');
  assert.deepEqual([shared.state, a.state, b.state], ['DONE', 'DONE', 'DONE']);
});

test('two concurrent makes of a failing task: both yield it FAILED and fail their dependents', async () => {
  const thrown = new Error('no');
  const shared = new Task('shared', async () => { await sleep(1); throw thrown; });
  const a = shared.then('a', noop);
  const b = shared.then('b', noop);
  const [one, two] = await within(Promise.all([makeNow([a]), makeNow([b])]));
  assert.deepEqual([one, two], [[a], [b]]);
  assert.deepEqual([shared.state, a.state, b.state], ['FAILED', 'FAILED', 'FAILED']);
  assert.equal(shared.error, thrown);
});

test('one of two makes of a shared task is aborted; the other still completes it', async () => {
  const controller = new AbortController();
  const gate = deferred();
  const shared = new Task('shared', async () => { await gate.promise; return 1; });
  const a = shared.then('a', noop);
  const b = shared.then('b', noop);
  const first = makeNow([a], { signal: controller.signal });
  const second = makeNow([b]);
  await sleep(1);
  controller.abort();
  await assert.rejects(within(first), isAbort);
  gate.resolve();
  assert.deepEqual(await within(second), [b]);
  // The aborted make cancelled the run it had started, cooperatively:
  // the function returned afterwards, so the task ends CANCELLED, and so
  // does the dependent of the make that was not aborted.
  assert.equal(shared.state, 'CANCELLED');
  assert.equal(b.state, 'CANCELLED');
  assert.equal(a.state, 'PENDING');
});

// ---- retried while its dependents are being made ------------------

test('a prerequisite retried while its dependent waits for another one is made again first', async () => {
  let flakyRuns = 0;
  const gate = deferred();
  const flaky = new Task('flaky', () => {
    flakyRuns++;
    if (flakyRuns === 1) throw new Error('first time');
    return 'ok';
  });
  const slow = new Task('slow', () => gate.promise);
  const top = new Task('top', () => `${flaky.result}`);
  top.require(slow);
  top.require(flaky);
  const made = makeNow([top]);
  await sleep(2);
  assert.equal(flaky.state, 'FAILED');
  assert.equal(top.state, 'PENDING', 'top waits for all its prerequisites to settle');
  flaky.event('retry');
  gate.resolve();
  assert.deepEqual(await within(made), [top]);
  assert.equal(flakyRuns, 2);
  assert.equal(top.state, 'DONE');
  assert.equal(top.result, 'ok');
});

test('a given task retried after it was yielded is not yielded again; a new make runs it again', async () => {
  let runs = 0;
  const t = new Task('t', () => { runs++; if (runs === 1) throw new Error('once'); });
  const got = [];
  for await (const task of make([t])) {
    got.push(task.state);
    task.event('retry');
  }
  assert.deepEqual(got, ['FAILED']);
  assert.equal(t.state, 'PENDING');
  assert.deepEqual(await within(makeNow([t])), [t]);
  assert.equal(t.state, 'DONE');
  assert.equal(runs, 2);
});

test('a running prerequisite cancelled by hand and retried: the late outcome is ignored, the retry decides', async () => {
  const first = deferred();
  let runs = 0;
  const pre = new Task('pre', () => (++runs === 1 ? first.promise : 'second'));
  const dependent = pre.then('dependent', () => pre.result);
  const made = makeNow([dependent]);
  await sleep(1);
  pre.event('cancel'); // by hand: pre leaves RUNNING while its function runs
  assert.deepEqual(await within(made), [dependent]);
  assert.equal(dependent.state, 'CANCELLED');
  pre.event('retry');
  dependent.event('retry');
  const again = makeNow([dependent]);
  first.resolve('stale');
  assert.deepEqual(await within(again), [dependent]);
  assert.equal(pre.result, 'second');
  assert.equal(dependent.result, 'second');
});

// ---- re-entrant callbacks and iterators --------------------------------

test('a callback that retries its task on FAILED: the make runs it again until it succeeds', async () => {
  let runs = 0;
  const flaky = new Task('flaky', () => { if (++runs < 3) throw new Error('not yet'); return 'ok'; });
  flaky.onTransition('FAILED', (task) => task.event('retry'));
  const dependent = flaky.then('dependent', () => flaky.result);
  assert.deepEqual(await within(makeNow([dependent])), [dependent]);
  assert.equal(runs, 3);
  assert.deepEqual([flaky.state, dependent.state, dependent.result], ['DONE', 'DONE', 'ok']);
});

test('a callback that starts another make, draws and queues while a make runs', async () => {
  const a = new Task('a', noop);
  const b = new Task('b', noop);
  let inner;
  a.onTransition('RUNNING', () => {
    inner = makeNow([b]);
    assert.match(tasksAsDot([a, b]), /label="a\\nRUNNING"/);
  });
  assert.deepEqual(await within(makeNow([a])), [a]);
  assert.deepEqual(await within(inner), [b]);
  assert.deepEqual([a.state, b.state], ['DONE', 'DONE']);
});

test('a callback that dispatches its running task again gets a TaskError; the run is unharmed', async () => {
  let refused;
  const t = new Task('t', () => 'once');
  t.onTransition('RUNNING', (task) => task.dispatch().catch((error) => { refused = error; }));
  await within(makeNow([t]));
  await sleep(0);
  assert.equal(refused?.name, 'TaskError');
  assert.equal(refused.message, "task 't': invalid event 'dispatch' for state 'RUNNING'");
  assert.deepEqual([t.state, t.result], ['DONE', 'once']);
});

test('a callback that adds a requirement to a waiting dependent and cancels another given task', async () => {
  const d = new Task('d', () => sleep(2));
  const e = new Task('e', noop);
  const f = d.then('f', noop);
  const g = new Task('g', () => sleep(20));
  d.onTransition('DONE', () => {
    f.require(e);
    g.cancel();
  });
  assert.deepEqual(await within(makeNow([f, g])), [f, g]);
  assert.deepEqual([e.state, f.state, g.state], ['DONE', 'DONE', 'CANCELLED']);
});

test('next() called several times at once: each given task once, then done', async () => {
  const a = new Task('a', async () => 1);
  const b = new Task('b', async () => 2);
  const it = make([a, b]);
  const results = await within(Promise.all([it.next(), it.next(), it.next(), it.next()]));
  assert.deepEqual(new Set(results.slice(0, 2).map((r) => r.value)), new Set([a, b]));
  assert.deepEqual(results.slice(2), [{ value: undefined, done: true }, { value: undefined, done: true }]);
});

test('return() while a next() waits: both settle, the running task finishes', async () => {
  const t = new Task('t', () => sleep(20));
  const it = make([t]);
  const waiting = it.next();
  await sleep(1);
  assert.deepEqual(await within(it.return()), { value: undefined, done: true });
  assert.deepEqual(await within(waiting), { value: undefined, done: true });
  await within(t.join());
  assert.equal(t.state, 'DONE');
});

test('a run ended by hand (event cancel or done while RUNNING) aborts its signal, so a function waiting on it ends', async () => {
  for (const event of ['cancel', 'done', 'except']) {
    const t = new Task('t', function () {
      return new Promise((_, reject) => this.signal.addEventListener('abort', () => reject(this.signal.reason)));
    });
    const dispatched = t.dispatch();
    t.event(event);
    assert.equal(await within(dispatched, 2000, `dispatch after event '${event}'`), t);
    assert.equal(t.state, { cancel: 'CANCELLED', done: 'DONE', except: 'FAILED' }[event]);
    assert.equal(t.error, undefined, 'the late rejection changes nothing');
  }
});

test('a function that reads its signal only after its run was ended by hand sees it aborted; a retry gets a fresh one', async () => {
  const gate = deferred();
  const seen = [];
  const t = new Task('t', async function () {
    await gate.promise;
    seen.push(this.signal.aborted);
  });
  const first = t.dispatch();
  t.event('cancel');
  gate.resolve();
  await within(first);
  t.event('retry');
  await within(t.dispatch());
  assert.deepEqual(seen, [true, false]);
  assert.equal(t.state, 'DONE');
});
