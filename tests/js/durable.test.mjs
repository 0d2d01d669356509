// SPEC §9 at the JS level, with memoryStore() and stores of the test's
// own (slow, failing, not stores at all): what a make records, what it
// restores, when records are durable, and every bad input. "A restart"
// is new Task objects with the same keys over the same store, as a new
// process would make them. The file store's own rules and the crash
// test are in store-file.test.mjs and crash.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StoreError, Task, TaskQueue, make, makeNow, memoryStore } from 'taskqueue-wasm';
import { sleep } from './helpers.mjs';

/** A release: fetch → build → deploy, counting calls per key in `calls`. */
function release(calls, { fail = new Set() } = {}) {
  const body = (key, value) => async () => {
    calls[key] = (calls[key] ?? 0) + 1;
    if (fail.has(key)) throw new TypeError(`${key} broke`);
    return value;
  };
  const fetch = new Task('fetch', body('fetch', { files: ['a.js', 'b.js'] }));
  const build = new Task('build', body('build', 'bundle-1'), { requires: [fetch] });
  const deploy = new Task('deploy', body('deploy', 'https://example.test/1'), { requires: [build] });
  return { fetch, build, deploy };
}

const summary = (store) => store.records.map((r) => (r.state ? `${r.key}:${r.state}` : `${r.key}:attempt ${r.attempt.number} ${r.attempt.outcome}`));

test('every transition of the tasks a make touches is recorded, in order, DONE with its result', async () => {
  const store = memoryStore();
  const calls = {};
  const { deploy } = release(calls);
  await makeNow([deploy], { store });
  assert.deepEqual(summary(store), ['fetch:RUNNING', 'fetch:DONE', 'build:RUNNING', 'build:DONE', 'deploy:RUNNING', 'deploy:DONE']);
  const [, fetchDone] = store.records;
  assert.deepEqual(fetchDone.result, { files: ['a.js', 'b.js'] });
  assert.equal(fetchDone.event, 'done');
  assert.equal(typeof fetchDone.when, 'number');
});

test('on start a task recorded DONE is restored DONE with its result and does not run again', async () => {
  const store = memoryStore();
  await makeNow([release({}).deploy], { store });
  const calls = {};
  const again = release(calls);
  const made = await makeNow([again.deploy], { store });
  assert.deepEqual(made, [again.deploy]);
  assert.deepEqual(calls, {}, 'nothing ran');
  assert.equal(again.deploy.state, 'DONE');
  assert.deepEqual(again.fetch.result, { files: ['a.js', 'b.js'] });
  assert.equal(again.deploy.result, 'https://example.test/1');
  const [restored] = again.fetch.history;
  assert.deepEqual([restored.oldState, restored.event, restored.newState, restored.extra.restored], ['PENDING', 'done', 'DONE', true]);
});

test('FAILED, CANCELLED and ABORT are restored as they were; the make yields them and retry is the user\'s call', async () => {
  const store = memoryStore();
  const first = release({}, { fail: new Set(['build']) });
  await makeNow([first.deploy], { store });
  assert.equal(first.deploy.state, 'FAILED');
  const calls = {};
  const second = release(calls);
  assert.deepEqual(await makeNow([second.deploy], { store }), [second.deploy]);
  assert.deepEqual(calls, {});
  assert.equal(second.build.state, 'FAILED');
  assert.ok(second.build.error instanceof Error);
  assert.equal(second.build.error.name, 'TypeError');
  assert.equal(second.build.error.message, 'build broke');
  assert.equal(second.build.error.restored, true);
  assert.equal(second.deploy.state, 'FAILED');
  assert.equal(second.deploy.history.at(-1).extra.because, 'failed prerequisites');
  // Retry by hand: the tasks retried are run, and recorded again.
  assert.deepEqual(second.build.retry(), [second.build, second.deploy]);
  await makeNow([second.deploy], { store });
  assert.deepEqual(calls, { build: 1, deploy: 1 });
  const third = release(calls);
  await makeNow([third.deploy], { store });
  assert.equal(third.deploy.result, 'https://example.test/1');
  assert.deepEqual(calls, { build: 1, deploy: 1 }, 'the repaired run is what a restart sees');
  // CANCELLED and ABORT, settled by hand before the make: the make
  // records them as it finds them.
  const s2 = memoryStore();
  const c = new Task('c', () => 1);
  c.cancel();
  const ab = new Task('ab', () => 1);
  ab.event('abort');
  const x = new Task('x', () => 1, { requires: [c] });
  await makeNow([x, ab], { store: s2 });
  assert.deepEqual(summary(s2), ['ab:ABORT', 'c:CANCELLED', 'x:CANCELLED']);
  const ran = [];
  const c2 = new Task('c', () => ran.push('c'));
  const ab2 = new Task('ab', () => ran.push('ab'));
  const x2 = new Task('x', () => ran.push('x'), { requires: [c2] });
  assert.deepEqual(await makeNow([x2, ab2], { store: s2 }), [x2, ab2]);
  assert.deepEqual([c2.state, ab2.state, x2.state], ['CANCELLED', 'ABORT', 'CANCELLED']);
  assert.deepEqual(ran, []);
  assert.equal(s2.records.length, 3, 'nothing new to record');
});

test('a task recorded RUNNING or QUEUED was interrupted: it runs again', async () => {
  const store = memoryStore();
  await store.append([
    { key: 'fetch', when: 1, state: 'RUNNING', event: 'dispatch' },
    { key: 'fetch', when: 2, state: 'DONE', event: 'done', result: { files: [] } },
    { key: 'build', when: 3, state: 'RUNNING', event: 'dispatch' },
    { key: 'deploy', when: 4, state: 'QUEUED', event: 'queue' },
  ]);
  const calls = {};
  const t = release(calls);
  await makeNow([t.deploy], { store });
  assert.deepEqual(calls, { build: 1, deploy: 1 }, 'fetch was DONE; build and deploy were interrupted');
  assert.deepEqual(t.fetch.result, { files: [] });
  assert.equal(t.deploy.state, 'DONE');
});

test('records are durable before the make acts on them: before a dependent runs and before a task is yielded', async () => {
  const inner = memoryStore();
  const events = [];
  let durable = 0;
  const slow = {
    load: () => inner.load(),
    close: () => inner.close(),
    async append(records) {
      await sleep(15);
      await inner.append(records);
      durable += records.length;
      events.push(`durable ${records.map((r) => `${r.key}:${r.state}`).join(',')}`);
    },
  };
  const a = new Task('a', () => events.push('a runs'));
  const b = new Task('b', () => events.push('b runs'), { requires: [a] });
  for await (const task of make([b], { store: slow })) events.push(`yield ${task.name}`);
  assert.deepEqual(events, [
    'durable a:RUNNING',
    'a runs',
    'durable a:DONE,b:RUNNING',
    'b runs',
    'durable b:DONE',
    'yield b',
  ]);
  assert.equal(durable, 4);
});

test('attempts of tasks with a retry policy are recorded as they end', async () => {
  const store = memoryStore();
  let calls = 0;
  const t = new Task('upload', () => {
    calls++;
    if (calls < 3) throw new Error(`HTTP 503 (${calls})`);
    return 'ok';
  }, { retry: { attempts: 3, delay: 1 } });
  await makeNow([t], { store });
  assert.deepEqual(summary(store), ['upload:RUNNING', 'upload:attempt 1 failed', 'upload:attempt 2 failed', 'upload:attempt 3 done', 'upload:DONE']);
  const attempt = store.records[1].attempt;
  assert.equal(attempt.error.message, 'HTTP 503 (1)');
  assert.ok(attempt.end >= attempt.start);
});

test('tasks are identified by key (default the name); two tasks with one key are an error, with nothing recorded', async () => {
  const store = memoryStore();
  const a = new Task('step', () => 1, { key: 'release/step-1' });
  const b = new Task('step', () => 2, { key: 'release/step-2', requires: [a] });
  assert.equal(a.key, 'release/step-1');
  assert.equal(new Task('plain', () => 1).key, 'plain');
  await makeNow([b], { store });
  assert.deepEqual(store.records.map((r) => r.key), ['release/step-1', 'release/step-1', 'release/step-2', 'release/step-2']);
  const x = new Task('same', () => 1);
  const y = new Task('same', () => 2, { requires: [x] });
  const before = store.records.length;
  await assert.rejects(makeNow([y], { store }), (error) => {
    assert.ok(error instanceof StoreError);
    assert.equal(error.message, "tasks 'same' and 'same' have the same key 'same' in one run with a store (give one a key option)");
    assert.equal(error.key, 'same');
    return true;
  });
  assert.equal(store.records.length, before, 'nothing recorded');
  assert.equal(x.state, 'PENDING');
  assert.equal(y.state, 'PENDING');
  // A prerequisite added while the make runs, with a key taken.
  const first = new Task('k', async () => { await sleep(5); return 1; });
  const late = new Task('k', () => 2);
  const last = new Task('last', () => 3, { requires: [first] });
  const running = makeNow([last], { store: memoryStore() });
  await sleep(1);
  last.require(late);
  await assert.rejects(running, /have the same key 'k'/);
});

test('a codec (task option, or make option for all its tasks) stores what JSON cannot', async () => {
  const mapCodec = {
    encode: (m) => [...m],
    decode: (pairs) => new Map(pairs),
  };
  const bigCodec = { encode: (n) => n.toString(), decode: (s) => BigInt(s) };
  const store = memoryStore();
  const m = new Task('m', () => new Map([['x', 1]]), { codec: mapCodec });
  const big = new Task('big', () => 2n ** 70n);
  await makeNow([m, big], { store, codec: bigCodec });
  const m2 = new Task('m', () => assert.fail('ran'), { codec: mapCodec });
  const big2 = new Task('big', () => assert.fail('ran'));
  await makeNow([m2, big2], { store, codec: bigCodec });
  assert.ok(m2.result instanceof Map);
  assert.equal(m2.result.get('x'), 1);
  assert.equal(big2.result, 2n ** 70n);
});

test('a result the codec cannot encode is a StoreError naming the task and key, with nothing half-recorded', async () => {
  const cyclic = {};
  cyclic.self = cyclic;
  const cases = [
    [() => cyclic, /the result at \.self is an object seen before/],
    [() => () => 1, /the result is function/],
    [() => 10n, /the result is bigint 10/],
    [() => ({ n: NaN }), /the result at \.n is NaN/],
    [() => new Date(0), /the result is a Date, which JSON would not give back as it was \(pass a codec\)/],
    [() => ({ gone: undefined }), /the result\.gone is undefined, which JSON would drop/],
  ];
  for (const [fn, message] of cases) {
    const store = memoryStore();
    const ok = new Task('ok', () => 1);
    const bad = new Task('bad', fn, { requires: [ok], key: 'the-bad-one' });
    await assert.rejects(makeNow([bad], { store }), (error) => {
      assert.ok(error instanceof StoreError, String(error));
      assert.match(error.message, /^the result of task 'bad' \(key 'the-bad-one'\) cannot be stored: /);
      assert.match(error.message, message);
      assert.equal(error.key, 'the-bad-one');
      assert.equal(error.task, bad);
      return true;
    });
    assert.deepEqual(summary(store), ['ok:RUNNING', 'ok:DONE', 'the-bad-one:RUNNING'], 'the records before are kept, none of the bad DONE');
  }
});

test('a store that cannot be read or written: a clear error, the make stopped, nothing run after', async () => {
  const calls = {};
  const broken = { load: async () => { throw new Error('disk on fire'); }, append: async () => {}, close: async () => {} };
  await assert.rejects(makeNow([release(calls).deploy], { store: broken }), (error) => {
    assert.ok(error instanceof StoreError);
    assert.equal(error.message, 'the store could not be read: disk on fire');
    assert.equal(error.cause.message, 'disk on fire');
    return true;
  });
  assert.deepEqual(calls, {});
  const junk = { load: async () => [{ nope: 1 }], append: async () => {}, close: async () => {} };
  await assert.rejects(makeNow([new Task('t', () => 1)], { store: junk }), /the store holds a record that is not one of a taskqueue-wasm run/);
  const notArray = { load: async () => 'records', append: async () => {}, close: async () => {} };
  await assert.rejects(makeNow([new Task('t', () => 1)], { store: notArray }), /load\(\) must give an array of records, got 'records'/);
  // Appends fail after the first: the make stops with the error; what
  // runs is cancelled; nothing new starts.
  let appends = 0;
  const full = { load: async () => [], close: async () => {}, append: async () => { if (++appends > 1) throw new Error('ENOSPC'); } };
  const t = release(calls);
  await assert.rejects(makeNow([t.deploy], { store: full }), (error) => {
    assert.ok(error instanceof StoreError);
    assert.equal(error.message, 'the store could not keep 2 records: ENOSPC');
    assert.equal(error.cause.message, 'ENOSPC');
    return true;
  });
  assert.equal(calls.build, undefined, 'build never ran');
});

test('bad store options are clear errors', () => {
  const t = new Task('t', () => 1);
  assert.throws(() => make(t, { store: {} }), { name: 'TypeError', message: 'store must be a store (an object with load(), append() and close()), got Object' });
  assert.throws(() => make(t, { store: 'file.journal' }), /store must be a store .*, got 'file.journal'/);
  assert.throws(() => make(t, { store: memoryStore(), codec: JSON }), /codec must be a codec \(an object with encode\(\) and decode\(\)\), got Object/);
  assert.throws(() => make(t, { codec: { encode: String, decode: String } }), /codec is for a make with a store: pass store too/);
  assert.throws(() => new Task('x', () => 1, { key: 7 }), { name: 'TypeError', message: "key of task 'x' must be a string, got number 7" });
  assert.throws(() => new Task('x', () => 1, { key: '' }), { name: 'RangeError', message: "key of task 'x' must not be empty" });
  assert.throws(() => new Task('x', () => 1, { codec: {} }), /codec of task 'x' must be a codec/);
});

test('task.make and TaskQueue#run take a store too', async () => {
  const store = memoryStore();
  const calls = {};
  assert.equal(await release(calls).deploy.make({ store }), true);
  assert.deepEqual(calls, { fetch: 1, build: 1, deploy: 1 });
  const again = release(calls);
  assert.equal(await again.deploy.make({ store }), true);
  assert.deepEqual(calls, { fetch: 1, build: 1, deploy: 1 });
  // TaskQueue: each task's RUNNING is durable before it runs, its end before it is yielded.
  const qs = memoryStore();
  const n = {};
  const q1 = new Task('q1', () => { n.q1 = (n.q1 ?? 0) + 1; return 'one'; });
  const q2 = new Task('q2', () => { throw new Error('q2 broke'); });
  const q = new TaskQueue([q1, q2]);
  const seen = [];
  for await (const task of q.run({ store: qs })) seen.push(String(task));
  assert.deepEqual(seen, ['Task:q1:DONE', 'Task:q2:FAILED']);
  assert.deepEqual(summary(qs), ['q1:RUNNING', 'q1:DONE', 'q2:RUNNING', 'q2:FAILED']);
  const r1 = new Task('q1', () => { n.q1++; return 'again'; });
  const r2 = new Task('q2', () => 2);
  const seen2 = [];
  for await (const task of new TaskQueue([r1, r2]).run({ store: qs })) seen2.push(String(task));
  assert.deepEqual(seen2, ['Task:q1:DONE', 'Task:q2:FAILED']);
  assert.equal(r1.result, 'one');
  assert.equal(n.q1, 1);
  assert.equal(r2.error.message, 'q2 broke');
});
