// SPEC §8 at the JS level: attempts, retry with backoff, timeouts that
// abort, teardown tasks. One test per rule, named after it. Delays are
// measured with real timers and asserted as ranges; jitter draws from a
// seeded source (setRandom).
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CancellationError, Task, TimeoutError, make, makeNow, setRandom } from 'taskqueue-wasm';
import { captureLog, deferred, sleep } from './helpers.mjs';

afterEach(() => setRandom());

/** A function failing its first `failures` calls (HTTP 503), then returning 'ok'. */
function flaky(failures) {
  let calls = 0;
  const fn = async () => {
    calls++;
    if (calls <= failures) throw new Error(`HTTP 503 (call ${calls})`);
    return 'ok';
  };
  fn.calls = () => calls;
  return fn;
}

/** Waits between attempts, from their records: start of k+1 − end of k. */
const waits = (task) => task.attempts.slice(1).map((a, i) => a.start - task.attempts[i].end);

test('retry: a number is the total of attempts; a failed attempt is followed by another while attempts remain', async () => {
  const ok = flaky(2);
  const a = new Task('a', ok, { retry: 3 });
  await a.dispatch();
  assert.equal(a.state, 'DONE');
  assert.equal(a.result, 'ok');
  assert.equal(ok.calls(), 3);
  const never = flaky(Infinity);
  const b = new Task('b', never, { retry: 3 });
  await b.dispatch();
  assert.equal(b.state, 'FAILED');
  assert.equal(never.calls(), 3);
  assert.match(b.error.message, /call 3/, 'the error of the last attempt');
  const once = flaky(Infinity);
  const c = new Task('c', once, { retry: 1 });
  await c.dispatch();
  assert.equal(once.calls(), 1);
  // Each attempt has a signal of its own, even when none was aborted.
  const signals = [];
  const d = new Task('d', function () {
    signals.push(this.signal);
    if (signals.length < 3) throw new Error('again');
  }, { retry: 3 });
  await d.dispatch();
  assert.equal(new Set(signals).size, 3);
  assert.ok(signals.every((s) => !s.aborted));
});

test('retry policy: waits of min(delay·factor^(k−1), maxDelay) ms between attempts', async () => {
  const t = new Task('t', flaky(Infinity), { retry: { attempts: 5, delay: 40, factor: 2, maxDelay: 120 } });
  await t.dispatch();
  const w = waits(t);
  assert.equal(w.length, 4);
  const expected = [40, 80, 120, 120];
  w.forEach((ms, i) => {
    assert.ok(ms >= expected[i] - 2 && ms < expected[i] + 60, `wait ${i + 1} was ${ms} ms, expected ${expected[i]}`);
  });
});

test('retry policy: jitter takes a fraction of each wait drawn from the random source (setRandom)', async () => {
  let draws = 0;
  setRandom(() => {
    draws++;
    return 0.75;
  });
  const t = new Task('t', flaky(Infinity), { retry: { attempts: 3, delay: 200, factor: 1, jitter: 0.5 } });
  const started = Date.now();
  await t.dispatch();
  assert.equal(draws, 2, 'one draw per wait');
  // 200 · (1 − 0.5 · 0.75) = 125 ms each.
  for (const ms of waits(t)) assert.ok(ms >= 123 && ms < 190, `wait ${ms} ms, expected 125`);
  assert.ok(Date.now() - started < 200 * 2, 'shorter than the waits without jitter');
  // No jitter: the source is not asked.
  draws = 0;
  await new Task('u', flaky(1), { retry: { attempts: 2, delay: 1 } }).dispatch();
  assert.equal(draws, 0);
  assert.throws(() => setRandom(0.5), TypeError);
});

test('retryOn(error, attempt) is asked while attempts remain; false ends the task FAILED with that error', async () => {
  const asked = [];
  let calls = 0;
  const t = new Task('t', () => {
    calls++;
    throw calls === 2 ? new TypeError('bad request') : new Error('HTTP 503');
  }, {
    retry: {
      attempts: 5,
      retryOn: (error, attempt) => {
        asked.push([error.message, attempt]);
        return !(error instanceof TypeError);
      },
    },
  });
  await t.dispatch();
  assert.equal(t.state, 'FAILED');
  assert.equal(calls, 2);
  assert.deepEqual(asked, [['HTTP 503', 1], ['bad request', 2]]);
  assert.ok(t.error instanceof TypeError);
  // Not asked after the last attempt.
  asked.length = 0;
  const u = new Task('u', flaky(Infinity), { retry: { attempts: 2, retryOn: (e, n) => asked.push(n) > 0 } });
  await u.dispatch();
  assert.deepEqual(asked, [1]);
  // A retryOn that throws fails the task with what it threw.
  const broken = new Error('retryOn broke');
  const v = new Task('v', flaky(Infinity), { retry: { attempts: 3, retryOn: () => { throw broken; } } });
  await v.dispatch();
  assert.equal(v.state, 'FAILED');
  assert.equal(v.error, broken);
  assert.equal(v.attempts.length, 1);
});

test('the task stays RUNNING across its attempts, ends in the state of its last, and its dependents wait', async () => {
  const states = [];
  const gate = deferred();
  let calls = 0;
  const t = new Task('t', async () => {
    calls++;
    if (calls === 1) throw new Error('first');
    await gate.promise;
    return 7;
  }, { retry: { attempts: 2, delay: 30 } });
  const d = new Task('d', () => t.result * 2, { requires: [t] });
  t.onTransition('*', (task, tr) => states.push(`${tr.oldState}->${tr.newState}`));
  const seen = [];
  const run = (async () => {
    for await (const task of make([d])) seen.push(String(task));
  })();
  await sleep(10); // the first attempt failed; waiting to retry
  assert.equal(t.state, 'RUNNING');
  assert.equal(t.isCompleted(), false);
  assert.equal(d.state, 'PENDING', 'a retried task\'s dependent does not fail while it waits');
  await sleep(40); // the second attempt runs
  assert.equal(t.state, 'RUNNING');
  assert.equal(d.state, 'PENDING');
  gate.resolve();
  await run;
  assert.deepEqual(states, ['PENDING->RUNNING', 'RUNNING->DONE']);
  assert.deepEqual(seen, ['Task:d:DONE']);
  assert.equal(d.result, 14);
});

test('cancelOnException and cancelOnResult apply to the final outcome', async () => {
  const thrower = flaky(Infinity);
  const t = new Task('t', thrower, { retry: 3, cancelOnException: true });
  await t.dispatch();
  assert.equal(thrower.calls(), 3, 'failures are retried first');
  assert.equal(t.state, 'CANCELLED');
  assert.deepEqual(t.attempts.map((a) => a.outcome), ['failed', 'failed', 'cancelled']);
  let calls = 0;
  const u = new Task('u', () => ++calls, { retry: 3, cancelOnResult: (n) => n === 1 });
  await u.dispatch();
  assert.equal(calls, 1, 'a result is not a failure: no retry');
  assert.equal(u.state, 'CANCELLED');
});

test("event('retry') keeps the seed's meaning: repair after the final failure, with a new run of attempts", async () => {
  const fn = flaky(3);
  const t = new Task('t', fn, { retry: 2 });
  const d = new Task('d', () => 'dep', { requires: [t] });
  await makeNow([d]);
  assert.equal(t.state, 'FAILED');
  assert.equal(d.state, 'FAILED');
  assert.equal(t.attempts.length, 2);
  assert.deepEqual(t.retry(), [t, d]);
  assert.equal(t.state, 'PENDING');
  await makeNow([d]);
  assert.equal(t.state, 'DONE');
  assert.equal(d.result, 'dep');
  assert.equal(fn.calls(), 4);
  assert.deepEqual(t.attempts.map((a) => [a.number, a.outcome]), [[1, 'failed'], [2, 'done']], 'one record per attempt of the current run');
});

test('task.attempts: number, start, end, outcome and error of each attempt of the current run', async () => {
  const plain = new Task('plain', () => 1);
  assert.deepEqual(plain.attempts, []);
  const before = Date.now();
  await plain.dispatch();
  const [only] = plain.attempts;
  assert.equal(only.number, 1);
  assert.equal(only.outcome, 'done');
  assert.ok(only.start >= before - 1 && only.end >= only.start && only.end <= Date.now() + 1);
  const boom = new Error('boom');
  const failing = new Task('failing', () => { throw boom; });
  await failing.dispatch();
  assert.deepEqual(failing.attempts.map((a) => [a.outcome, a.error]), [['failed', boom]]);
  const t = new Task('t', flaky(1), { retry: { attempts: 3, delay: 5 } });
  await t.dispatch();
  const [a1, a2] = t.attempts;
  assert.deepEqual([a1.number, a1.outcome, a2.number, a2.outcome, a2.error], [1, 'failed', 2, 'done', undefined]);
  assert.match(a1.error.message, /HTTP 503/);
  assert.ok(a1.end <= a2.start && a2.start <= a2.end);
  t.attempts[0].outcome = 'changed';
  assert.equal(t.attempts[0].outcome, 'failed', 'copies');
  // While an attempt runs: no end, no outcome.
  const gate = deferred();
  const r = new Task('r', () => gate.promise, { timeout: 1000 });
  const running = r.dispatch();
  assert.deepEqual(r.attempts.map((a) => [a.end, a.outcome]), [[undefined, undefined]]);
  gate.resolve();
  await running;
  assert.equal(r.attempts[0].outcome, 'done');
});

test('onAttempt tells each attempt as it begins and as it ends; its remover stops it', async () => {
  const seen = [];
  const t = new Task('t', flaky(1), { retry: { attempts: 2, delay: 1 } });
  t.onAttempt((task, a) => seen.push([task.name, a.number, a.outcome ?? 'begins']));
  const removed = [];
  const off = t.onAttempt((task, a) => removed.push(a.number));
  off();
  await t.dispatch();
  assert.deepEqual(seen, [['t', 1, 'begins'], ['t', 1, 'failed'], ['t', 2, 'begins'], ['t', 2, 'done']]);
  assert.deepEqual(removed, []);
  // A plain task records its attempts once it has a callback; a callback that throws is printed.
  const p = new Task('p', () => 1);
  const errors = [];
  const original = console.error;
  console.error = (...args) => errors.push(args.join(' '));
  try {
    p.onAttempt(() => { throw new Error('callback broke'); });
    await p.dispatch();
  } finally {
    console.error = original;
  }
  assert.equal(p.state, 'DONE');
  assert.equal(errors.length, 2);
  assert.match(errors[0], /attempt callback of Task:p:RUNNING threw \(attempt 1\)/);
  assert.throws(() => p.onAttempt('log'), /an attempt callback must be a function, got 'log'/);
});

test('track: true prints a line per failed attempt, with its error and the wait before the next', async () => {
  setRandom(() => 0);
  const lines = await captureLog(async () => {
    let calls = 0;
    const upload = new Task('upload', () => {
      calls++;
      throw new Error(calls < 3 ? 'HTTP 503\nretry later' : 'HTTP 500');
    }, { retry: { attempts: 3, delay: 20, factor: 2 }, track: true });
    await upload.dispatch();
  });
  assert.deepEqual(lines, [
    'upload PENDING->dispatch->RUNNING',
    'upload attempt 1 failed: HTTP 503; next in 20 ms',
    'upload attempt 2 failed: HTTP 503; next in 40 ms',
    'upload attempt 3 failed: HTTP 500',
    'upload RUNNING->except->FAILED',
  ]);
  const timed = await captureLog(() => new Task('slow', () => sleep(200), { timeout: 20, track: true }).dispatch());
  assert.equal(timed[1], 'slow attempt 1 timed out after 20 ms');
});

test('timeout: the attempt\'s signal aborts with a TimeoutError, the attempt fails with it, and its late result is ignored', async () => {
  // A function that ignores its signal.
  let finished = 0;
  const t = new Task('t', async () => {
    await sleep(120);
    finished++;
    return 'late';
  }, { timeout: 30 });
  const started = Date.now();
  await t.dispatch();
  assert.ok(Date.now() - started < 110, 'settled at the timeout, not at the result');
  assert.equal(t.state, 'FAILED');
  assert.ok(t.error instanceof TimeoutError);
  assert.equal(t.error.name, 'TimeoutError');
  assert.equal(t.error.timeout, 30);
  assert.equal(t.error.task, t);
  assert.equal(t.error.message, "attempt 1 of task 't' timed out after 30 ms");
  assert.equal(t.signal.aborted, true);
  assert.equal(t.signal.reason, t.error);
  assert.deepEqual(t.attempts.map((a) => a.outcome), ['timeout']);
  await sleep(130);
  assert.equal(finished, 1);
  assert.equal(t.state, 'FAILED', 'the late result changed nothing');
  assert.equal(t.result, undefined);
  // A function that honours its signal, retried: each attempt has its own signal.
  const reasons = [];
  const signals = new Set();
  const u = new Task('u', function () {
    const signal = this.signal;
    signals.add(signal);
    return new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => {
        reasons.push(signal.reason);
        reject(signal.reason);
      });
      if (signals.size === 3) resolve('third time');
    });
  }, { timeout: 20, retry: 3 });
  await u.dispatch();
  assert.equal(u.state, 'DONE');
  assert.equal(u.result, 'third time');
  assert.equal(signals.size, 3);
  assert.ok(reasons.length === 2 && reasons.every((r) => r instanceof TimeoutError));
  assert.deepEqual(u.attempts.map((a) => a.outcome), ['timeout', 'timeout', 'done']);
  // A late rejection changes nothing either.
  const v = new Task('v', () => sleep(60).then(() => { throw new Error('late'); }), { timeout: 10, retry: { attempts: 2, delay: 200 } });
  const done = v.dispatch();
  await sleep(80);
  assert.equal(v.state, 'RUNNING', 'waiting for attempt 2');
  assert.deepEqual(v.attempts.map((a) => a.outcome), ['timeout']);
  v.cancel();
  await done;
});

test('cancel during an attempt aborts that attempt\'s signal and ends the task CANCELLED, not retried', async () => {
  let calls = 0;
  const t = new Task('t', function () {
    calls++;
    return new Promise((resolve, reject) => this.signal.addEventListener('abort', () => reject(this.signal.reason)));
  }, { retry: 5 });
  const run = t.dispatch();
  await sleep(5);
  t.cancel();
  await run;
  assert.equal(t.state, 'CANCELLED');
  assert.equal(calls, 1);
  assert.ok(t.signal.reason instanceof CancellationError);
  assert.deepEqual(t.attempts.map((a) => a.outcome), ['cancelled']);
  // An attempt that fails (not with a CancellationError) after the cancel is not retried either.
  let tries = 0;
  const u = new Task('u', async () => {
    tries++;
    await sleep(20);
    throw new Error('failed anyway');
  }, { retry: 5 });
  const running = u.dispatch();
  await sleep(5);
  u.cancel();
  await running;
  assert.equal(tries, 1);
  assert.equal(u.state, 'CANCELLED');
});

test('cancel during the wait before the next attempt ends the task CANCELLED at once', async () => {
  const fn = flaky(Infinity);
  const t = new Task('t', fn, { retry: { attempts: 3, delay: 10_000 } });
  const d = new Task('d', () => 1, { requires: [t] });
  const made = makeNow([d]);
  await sleep(10);
  assert.equal(t.state, 'RUNNING');
  const started = Date.now();
  t.cancel();
  assert.equal(t.state, 'CANCELLED', 'at once');
  const yielded = await made;
  assert.ok(Date.now() - started < 1000);
  assert.deepEqual(yielded.map(String), ['Task:d:CANCELLED']);
  assert.equal(fn.calls(), 1);
  await sleep(20);
  assert.equal(fn.calls(), 1);
});

test("the make's signal during a wait cancels the task at once; the make rejects with the reason", async () => {
  const fn = flaky(Infinity);
  const t = new Task('t', fn, { retry: { attempts: 3, delay: 10_000 } });
  const controller = new AbortController();
  const made = makeNow([t], { signal: controller.signal });
  await sleep(10);
  controller.abort(new Error('stop'));
  await assert.rejects(made, /stop/);
  assert.equal(t.state, 'CANCELLED');
  assert.equal(fn.calls(), 1);
  // A make-wide limit is AbortSignal.timeout(ms).
  const u = new Task('u', flaky(Infinity), { retry: { attempts: 100, delay: 20 } });
  await assert.rejects(makeNow([u], { signal: AbortSignal.timeout(50) }), { name: 'TimeoutError' });
  assert.equal(u.state, 'CANCELLED');
});

test('a waiting task that is ended by hand, retried by hand or made again is never fired into by its old timer', async () => {
  const fn = flaky(Infinity);
  const t = new Task('t', fn, { retry: { attempts: 2, delay: 40 } });
  const first = t.dispatch();
  await sleep(5);
  assert.equal(t.event('except'), 'FAILED'); // ended by hand while waiting
  await first;
  assert.equal(t.event('retry'), 'PENDING');
  const second = t.dispatch(); // made again: a new run
  await second;
  await sleep(80); // the first run's timer, had it fired, would have added a call
  assert.equal(fn.calls(), 3, 'two attempts of the second run, one of the first');
  assert.equal(t.attempts.length, 2);
  assert.equal(t.state, 'FAILED');
});

test('break in for await cancels tasks waiting to retry; their timers do not keep Node alive', () => {
  const script = `
    import { Task, make } from 'taskqueue-wasm';
    const t = new Task('t', async () => { throw new Error('no'); }, { retry: { attempts: 3, delay: 60000 } });
    const other = new Task('other', () => new Promise((r) => setTimeout(r, 20)));
    const started = Date.now();
    for await (const done of make([other, t])) break;
    process.on('exit', () => console.log(t.state, Date.now() - started < 5000));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(run.stderr, '');
  assert.equal(run.stdout.trim(), 'CANCELLED true');
});

test('a make that ends cancels the tasks it started that wait to retry, unless another running make has them', async () => {
  // failFast: the make stops at b's failure while a waits to retry.
  const a = new Task('a', flaky(Infinity), { retry: { attempts: 3, delay: 60_000 } });
  const b = new Task('b', () => { throw new Error('b fails'); });
  const started = Date.now();
  await makeNow([a, b], { failFast: true });
  assert.equal(b.state, 'FAILED');
  assert.equal(a.state, 'CANCELLED', 'its next attempt would be something new');
  assert.deepEqual(a.attempts.map((x) => x.outcome), ['failed']);
  // The given task is cancelled by hand: the make ends, its prerequisite
  // waiting to retry is cancelled with it.
  const p = new Task('p', flaky(Infinity), { retry: { attempts: 3, delay: 60_000 } });
  const g = new Task('g', () => 1, { requires: [p] });
  const made = makeNow([g]);
  await sleep(10);
  g.cancel();
  await made;
  assert.equal(p.state, 'CANCELLED');
  assert.ok(Date.now() - started < 5000);
  // Another make still running that has met the task keeps it going.
  const fn = flaky(1);
  const shared = new Task('shared', fn, { retry: { attempts: 2, delay: 40 } });
  const other = new Task('other', () => 2, { requires: [shared] });
  const first = new Task('first', () => 1, { requires: [shared] });
  const second = makeNow([other]);
  const one = makeNow([first]);
  await sleep(10);
  first.cancel(); // the first make to start it ends
  await one;
  assert.equal(shared.state, 'RUNNING', 'still waiting, for the other make');
  await second;
  assert.equal(shared.state, 'DONE');
  assert.equal(other.result, 2);
  assert.equal(fn.calls(), 2);
});

test("runIf: 'settled' runs once every prerequisite is completed or cancelled, whatever the outcome", async () => {
  for (const [how, end] of [['FAILED', () => { throw new Error('x'); }], ['CANCELLED', () => { throw new CancellationError('x'); }]]) {
    const a = new Task('a', end);
    const ok = new Task('ok', () => 1);
    const cleanup = new Task('cleanup', () => 'cleaned', { requires: [a, ok], runIf: 'settled' });
    const after = new Task('after', () => 1, { requires: [cleanup] });
    const notify = new Task('notify', () => 1, { requires: [a] });
    await makeNow([after, notify]);
    assert.equal(a.state, how);
    assert.equal(cleanup.state, 'DONE', `teardown after ${how}`);
    assert.equal(cleanup.result, 'cleaned');
    assert.equal(after.state, 'DONE', 'its dependents follow the usual rules');
    assert.notEqual(notify.state, 'DONE', 'a task without runIf does not run');
  }
  const aborted = new Task('aborted', () => 1, { state: 'ABORT' });
  const teardown = new Task('teardown', () => 'ran', { requires: [aborted], runIf: 'settled' });
  const dep = new Task('dep', () => 1, { requires: [teardown, aborted] });
  await makeNow([teardown, dep]);
  assert.equal(teardown.state, 'DONE');
  assert.equal(dep.state, 'FAILED', 'its dependents follow the usual rules');
  // Dispatched by hand after a CANCELLED prerequisite.
  const c = new Task('c', () => 1, { state: 'CANCELLED' });
  const byHand = new Task('byHand', () => 'yes', { requires: [c], runIf: 'settled' });
  await byHand.dispatch();
  assert.equal(byHand.result, 'yes');
  // 'done' is the default and the seed's rule.
  const f = new Task('f', () => { throw new Error('x'); });
  const g = new Task('g', () => 1, { requires: [f], runIf: 'done' });
  await makeNow([g]);
  assert.equal(g.state, 'FAILED');
});

test('a queued task retries inside its queued job, which ends when the run ends', async () => {
  const jobs = [];
  const fn = flaky(2);
  const t = new Task('t', fn, { retry: { attempts: 3, delay: 5 } });
  const ended = [];
  await makeNow([t], {
    queue: (job) => {
      const p = job().then((task) => ended.push(task.state));
      jobs.push(p);
      return p;
    },
  });
  await Promise.all(jobs);
  assert.equal(t.state, 'DONE');
  assert.equal(fn.calls(), 3);
  assert.deepEqual(ended, ['DONE']);
});

test('bad attempt options are clear errors at new Task, naming the task and the option', () => {
  const cases = [
    [{ retry: 0 }, RangeError, "retry of task 'x' must be a whole number of attempts, at least 1, got number 0"],
    [{ retry: -2 }, RangeError, /retry of task 'x' must be a whole number/],
    [{ retry: 1.5 }, RangeError, /got number 1.5/],
    [{ retry: 'twice' }, TypeError, "retry of task 'x' must be a number of attempts or a policy object, got 'twice'"],
    [{ retry: null }, TypeError, /policy object, got null/],
    [{ retry: {} }, TypeError, "retry.attempts of task 'x' must be a number of attempts, got undefined"],
    [{ retry: { attempts: 2, backoff: 'exponential' } }, TypeError, "unknown retry option 'backoff' for task 'x' (known: attempts, delay, factor, maxDelay, jitter, retryOn)"],
    [{ retry: { attempts: 2, jitter: 1.5 } }, RangeError, "retry.jitter of task 'x' must be within 0..1, got number 1.5"],
    [{ retry: { attempts: 2, jitter: -0.1 } }, RangeError, /retry.jitter/],
    [{ retry: { attempts: 2, factor: 0.5 } }, RangeError, "retry.factor of task 'x' must be a finite number at least 1, got number 0.5"],
    [{ retry: { attempts: 2, delay: -1 } }, RangeError, "retry.delay of task 'x' must be a finite number at least 0, got number -1"],
    [{ retry: { attempts: 2, delay: '1s' } }, TypeError, "retry.delay of task 'x' must be a number of ms, got '1s'"],
    [{ retry: { attempts: 2, maxDelay: -5 } }, RangeError, /retry.maxDelay of task 'x' must be at least 0/],
    [{ retry: { attempts: 2, maxDelay: NaN } }, TypeError, /retry.maxDelay of task 'x' must be a number of ms, got number NaN/],
    [{ retry: { attempts: 2, retryOn: true } }, TypeError, "retry.retryOn of task 'x' must be a function, got boolean true"],
    [{ timeout: -1 }, RangeError, /timeout of task 'x' must be a finite number at least 0/],
    [{ timeout: 0 }, RangeError, "timeout of task 'x' must be more than 0 ms, got 0"],
    [{ timeout: '5s' }, TypeError, "timeout of task 'x' must be a number of ms, got '5s'"],
    [{ timeout: Infinity }, RangeError, /timeout of task 'x' must be a finite number/],
    [{ runIf: 'always' }, TypeError, "runIf of task 'x' must be 'done' or 'settled', got 'always'"],
  ];
  for (const [options, cls, message] of cases) {
    assert.throws(() => new Task('x', () => 1, options), (error) => {
      assert.ok(error instanceof cls, `${JSON.stringify(options)}: ${error}`);
      if (typeof message === 'string') assert.equal(error.message, message);
      else assert.match(error.message, message);
      return true;
    });
  }
  // Good ones are accepted as they are.
  new Task('x', () => 1, { retry: { attempts: 1, delay: 0, factor: 1, maxDelay: Infinity, jitter: 1, retryOn: () => true }, timeout: 1, runIf: 'settled' });
});
