// fileStore() (SPEC §9, docs/store-file.md): the journal's format, group
// commit, torn and corrupt journals, compaction, the lock, and records
// acknowledged by a process that is killed at random moments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileStore } from 'taskqueue-wasm/store/file';
import { StoreError } from 'taskqueue-wasm';

const HEADER = '{"taskqueue-wasm":"journal","version":1}\n';
const child = fileURLToPath(new URL('./store-file-child.mjs', import.meta.url));

/** A fresh temp directory, removed after the test. */
function tempDir(t) {
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'tq-filestore-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function lines(file) {
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(text.endsWith('\n'), 'the journal ends with a newline');
  const all = text.slice(0, -1).split('\n');
  assert.equal(all[0] + '\n', HEADER);
  return all.slice(1).map((line) => JSON.parse(line));
}

/** For each key its last record with a state and every later record of it (SPEC of compaction). */
function liveView(records) {
  const last = new Map();
  records.forEach((r, i) => {
    if (r.state !== undefined) last.set(r.key, i);
  });
  return records.filter((r, i) => i >= (last.get(r.key) ?? -1));
}

function spawnChild(t, mode, journal) {
  const proc = spawn(process.execPath, [child, mode, journal], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  proc.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    const check = () => {
      if (out.startsWith('ready\n')) resolve();
    };
    proc.stdout.on('data', check);
    exited.then(({ code, signal }) => reject(new Error(`child exited (${code ?? signal}) before ready: ${err}`)));
  });
  t.after(() => proc.kill('SIGKILL'));
  return { proc, ready, exited, output: () => out, errors: () => err };
}

test('arguments are checked: path, options, compactMinBytes', (t) => {
  const dir = tempDir(t);
  const file = nodePath.join(dir, 'j');
  assert.throws(() => fileStore(), { name: 'TypeError', message: /path must be a non-empty string/ });
  assert.throws(() => fileStore(''), { name: 'TypeError', message: /path/ });
  assert.throws(() => fileStore(42), { name: 'TypeError', message: /path/ });
  assert.throws(() => fileStore(file, null), { name: 'TypeError', message: /options must be an object/ });
  assert.throws(() => fileStore(file, 'x'), { name: 'TypeError', message: /options/ });
  assert.throws(() => fileStore(file, { compactMin: 1 }), { name: 'TypeError', message: /unknown option "compactMin"/ });
  assert.throws(() => fileStore(file, { compactMinBytes: '1' }), { name: 'TypeError', message: /compactMinBytes/ });
  assert.throws(() => fileStore(file, { compactMinBytes: -1 }), { name: 'RangeError', message: /compactMinBytes/ });
  assert.throws(() => fileStore(file, { compactMinBytes: NaN }), { name: 'RangeError', message: /compactMinBytes/ });
  assert.equal(fs.existsSync(file), false, 'nothing is created for bad arguments');
  assert.equal(fs.existsSync(file + '.lock'), false);
});

test('the journal is made at the call with its header; a missing directory is a StoreError naming the path', async (t) => {
  const dir = tempDir(t);
  const file = nodePath.join(dir, 'run.journal');
  const store = fileStore(file, { compactMinBytes: 0 });
  assert.equal(fs.readFileSync(file, 'utf8'), HEADER);
  assert.equal(store.path, file);
  assert.deepEqual(await store.load(), []);
  await store.close();
  const missing = nodePath.join(dir, 'no', 'such', 'run.journal');
  assert.throws(() => fileStore(missing), (e) => e instanceof StoreError && e.path === missing && e.message.includes(missing) && /does not exist/.test(e.message));
});

test('records round-trip: unicode keys, nested results, errors, attempts; load() gives fresh copies', async (t) => {
  const file = nodePath.join(tempDir(t), 'j');
  const records = [
    { key: 'build', when: 1, state: 'RUNNING', event: 'start' },
    { key: 'ключ 🗝️ "quoted"\n\\', when: 2.5, state: 'DONE', event: 'done', result: { a: [1, { b: null, c: 'ü\u2028' }], n: -0.5, t: true } },
    { key: 'build', when: 3, state: 'FAILED', event: 'fail', error: { name: 'Error', message: 'line1\nline2', stack: 'at x' } },
    { key: 'build', when: 4, attempt: { number: 1, outcome: 'failed', start: 3, end: 4, error: { name: 'E', message: 'm' } } },
    { key: '', when: 5, state: 'PENDING', because: { task: 'x' } },
  ];
  let store = fileStore(file);
  await store.append(records.slice(0, 2));
  await store.append(records.slice(2));
  const loaded = await store.load();
  assert.deepEqual(loaded, records);
  loaded[0].key = 'changed';
  assert.deepEqual(await store.load(), records, 'load() hands out copies');
  await store.close();
  assert.deepEqual(lines(file), records);
  store = fileStore(file);
  assert.deepEqual(await store.load(), records, 'and after reopening');
  await store.close();
});

test('overlapping appends keep the order of the calls, also around load()', async (t) => {
  const file = nodePath.join(tempDir(t), 'j');
  const store = fileStore(file);
  const expected = [];
  const pending = [];
  let n = 0;
  for (let round = 0; round < 30; round++) {
    for (let c = 0; c < 1 + (round % 4); c++) {
      const batch = Array.from({ length: 1 + ((round + c) % 3) }, () => ({ key: `k${n % 7}`, when: n++ }));
      expected.push(...batch);
      pending.push(store.append(batch));
    }
    if (round % 5 === 0) pending.push(store.load().then((got) => assert.deepEqual(got, expected.slice(0, got.length))));
    if (round % 3 === 0) await new Promise(setImmediate);
    else await Promise.resolve();
  }
  await Promise.all(pending);
  assert.deepEqual(await store.load(), expected);
  await store.close();
  assert.deepEqual(lines(file), expected);
});

test('all or nothing: a record that cannot be encoded rejects its append, none of its records written', async (t) => {
  const file = nodePath.join(tempDir(t), 'j');
  const store = fileStore(file);
  const circular = { key: 'c', when: 1 };
  circular.self = circular;
  const good = { key: 'ok', when: 1 };
  const results = await Promise.allSettled([
    store.append([good, { key: 'big', when: 2, result: 10n }]),
    store.append([good, circular]),
    store.append([good, null]),
    store.append([{ when: 3 }]),
    store.append([good]),
  ]);
  for (const r of results.slice(0, 4)) {
    assert.equal(r.status, 'rejected');
    assert.ok(r.reason instanceof StoreError, String(r.reason));
    assert.match(r.reason.message, /record 1|record 0/);
  }
  assert.equal(results[4].status, 'fulfilled');
  await assert.rejects(store.append('not an array'), TypeError);
  assert.deepEqual(await store.load(), [good]);
  await store.close();
  assert.deepEqual(lines(file), [good]);
});

test('group commit: 1,000 overlapping appends are all durable with few writes and fsyncs', async (t) => {
  const file = nodePath.join(tempDir(t), 'j');
  const store = fileStore(file);
  const base = store.stats.fsyncs; // creating the journal
  // Issued in one go.
  const records = Array.from({ length: 1000 }, (_, i) => ({ key: `k${i}`, when: i, state: 'DONE', result: i }));
  await Promise.all(records.map((r) => store.append([r])));
  let stats = store.stats;
  assert.equal(stats.appends, 1000);
  assert.equal(stats.records, 1000);
  assert.ok(stats.fsyncs - base < 100, `${stats.fsyncs - base} fsyncs for 1,000 appends`);
  assert.equal(stats.writes, stats.fsyncs - base, 'one fdatasync per write');
  // Issued one per microtask while writes are in flight: they queue up.
  const more = Array.from({ length: 1000 }, (_, i) => ({ key: `m${i}`, when: i }));
  const pending = [];
  for (const r of more) {
    pending.push(store.append([r]));
    await Promise.resolve();
  }
  await Promise.all(pending);
  stats = store.stats;
  assert.ok(stats.fsyncs - base < 100, `${stats.fsyncs - base} fsyncs for 2,000 appends`);
  assert.equal(stats.bytes, fs.statSync(file).size - HEADER.length);
  await store.close();
  assert.deepEqual(lines(file), [...records, ...more]);
});

test('a torn last line (cut JSON, missing newline, garbage) is ignored and cut away before the next append', async (t) => {
  const dir = tempDir(t);
  const records = [
    { key: 'a', when: 1, state: 'DONE' },
    { key: 'b', when: 2, state: 'FAILED' },
  ];
  const tails = ['{"key":"c","wh', JSON.stringify({ key: 'c', when: 3 }), '{"key":"c"\n', '\0\0\0\0', 'nonsense\n\0\0', `{"key":"c","when":3,"result":"${'x'.repeat(300)}`];
  for (const [i, tail] of tails.entries()) {
    const file = nodePath.join(dir, `j${i}`);
    fs.writeFileSync(file, HEADER + records.map((r) => JSON.stringify(r) + '\n').join('') + tail);
    const before = fs.readFileSync(file);
    const store = fileStore(file);
    assert.deepEqual(await store.load(), records, `tail ${JSON.stringify(tail)}`);
    assert.deepEqual(fs.readFileSync(file), before, 'load() leaves the file as it is');
    const next = { key: 'd', when: 4, state: 'DONE' };
    await store.append([next]);
    assert.deepEqual(await store.load(), [...records, next]);
    await store.close();
    assert.deepEqual(lines(file), [...records, next], 'the file is well formed again');
  }
});

test('a journal cut at every byte offset loads a prefix of its records and takes appends', async (t) => {
  const dir = tempDir(t);
  const full = nodePath.join(dir, 'full');
  const records = [
    { key: 'a', when: 1, state: 'RUNNING' },
    { key: 'ünï', when: 2, state: 'DONE', result: { x: [1, 2], y: 'ß✓' } },
    { key: 'a', when: 3, state: 'FAILED', error: { name: 'Error', message: 'no' } },
    { key: 'b', when: 4, attempt: { number: 1, outcome: 'done', start: 1, end: 4 } },
    { key: 'c', when: 5 },
  ];
  const store = fileStore(full);
  await store.append(records.slice(0, 3));
  await store.append(records.slice(3));
  await store.close();
  const bytes = fs.readFileSync(full);
  const cutFile = nodePath.join(dir, 'cut');
  const next = { key: 'z', when: 9 };
  for (let offset = 0; offset <= bytes.length; offset++) {
    const cut = bytes.subarray(0, offset);
    fs.writeFileSync(cutFile, cut);
    const complete = Math.max(0, cut.toString('latin1').split('\n').length - 2);
    const s = fileStore(cutFile);
    const got = await s.load();
    assert.deepEqual(got, records.slice(0, complete), `cut at ${offset}`);
    if (offset % 7 === 0 || offset === bytes.length) {
      await s.append([next]);
      assert.deepEqual(await s.load(), [...records.slice(0, complete), next], `append after a cut at ${offset}`);
    }
    await s.close();
    if (offset < HEADER.length) assert.equal(fs.readFileSync(cutFile, 'utf8').slice(0, HEADER.length), HEADER, 'a cut header is written anew');
    fs.rmSync(cutFile);
  }
});

test('a bad line followed by records is corruption: StoreError with the line number, the file untouched', async (t) => {
  const file = nodePath.join(tempDir(t), 'j');
  const good = (i) => JSON.stringify({ key: `k${i}`, when: i }) + '\n';
  const text = HEADER + good(1) + '{"key":"k2","when":\n' + good(3) + good(4);
  fs.writeFileSync(file, text);
  const store = fileStore(file);
  await assert.rejects(store.load(), (e) => e instanceof StoreError && /line 3\b/.test(e.message) && e.message.includes(file) && e.path === file);
  await assert.rejects(store.append([{ key: 'x', when: 0 }]), (e) => e instanceof StoreError && /line 3\b/.test(e.message));
  await store.close();
  assert.equal(fs.readFileSync(file, 'utf8'), text);
  // A line that parses but is not a record counts as bad too.
  fs.writeFileSync(file, HEADER + good(1) + '[1,2]\n' + good(3));
  const again = fileStore(file);
  await assert.rejects(again.load(), /line 3\b/);
  await again.close();
});

test('a file that is not a journal, or a journal of a newer version, is refused and left untouched', async (t) => {
  const dir = tempDir(t);
  const cases = [
    ['text', 'hello world\n{"key":"a","when":1}\n', /is not a taskqueue-wasm journal/],
    ['json', '{"some":"thing"}\n', /is not a taskqueue-wasm journal/],
    ['noline', 'x'.repeat(5000), /is not a taskqueue-wasm journal/],
    ['binary', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]), /is not a taskqueue-wasm journal/],
    ['newer', '{"taskqueue-wasm":"journal","version":2}\n{"key":"a","when":1}\n', /version 2.*version 1/],
  ];
  for (const [name, content, message] of cases) {
    const file = nodePath.join(dir, name);
    fs.writeFileSync(file, content);
    assert.throws(() => fileStore(file), (e) => e instanceof StoreError && message.test(e.message) && e.message.includes(file), name);
    assert.deepEqual(fs.readFileSync(file), Buffer.from(content), `${name} untouched`);
    assert.equal(fs.existsSync(file + '.lock'), false, `${name}: no lock left behind`);
  }
});

test('compaction keeps the live records, in order, and shrinks the journal; appends during it are kept', async (t) => {
  const file = nodePath.join(tempDir(t), 'j');
  const store = fileStore(file, { compactMinBytes: 4096 });
  const all = [];
  const states = ['PENDING', 'RUNNING', 'DONE', 'FAILED'];
  let n = 0;
  const record = () => {
    const i = n++;
    const key = `task-${i % 5}`;
    if (i % 3 === 0) return { key, when: i, attempt: { number: i, outcome: 'failed', start: i, end: i + 1 } };
    return { key, when: i, state: states[i % 4], result: { i } };
  };
  for (let wave = 0; wave < 40; wave++) {
    const pending = [];
    for (let c = 0; c < 25; c++) {
      const batch = Array.from({ length: 1 + (c % 3) }, record);
      all.push(...batch);
      pending.push(store.append(batch));
    }
    await Promise.all(pending);
  }
  // An extra key that never gets a state: all of its records are kept.
  const stateless = [{ key: 'nostate', when: 1 }, { key: 'nostate', when: 2 }];
  await store.append(stateless);
  all.push(...stateless);
  const stats = store.stats;
  assert.ok(stats.compactions >= 3, `${stats.compactions} compactions`);
  const size = fs.statSync(file).size;
  assert.ok(size < 2 * 4096 + 2000, `journal of ${size} bytes after ${all.length} records`);
  const expected = liveView(all);
  const loaded = await store.load();
  assert.deepEqual(liveView(loaded), expected);
  assert.deepEqual(loaded.filter((r) => r.key === 'nostate'), stateless);
  await store.close();
  assert.equal(fs.existsSync(file + '.compact'), false);
  // load() compacts a journal that is due: the same live view.
  const big = nodePath.join(nodePath.dirname(file), 'big');
  const writer = fileStore(big, { compactMinBytes: Infinity });
  await writer.append(all);
  await writer.close();
  const sizeBefore = fs.statSync(big).size;
  const reader = fileStore(big, { compactMinBytes: 0 });
  assert.deepEqual(await reader.load(), expected);
  assert.equal(reader.stats.compactions, 1);
  assert.ok(fs.statSync(big).size < sizeBefore / 4);
  assert.deepEqual(lines(big), expected);
  await reader.close();
});

test('the lock: another live process holding the journal is named; after it is killed, the stale lock is taken over', async (t) => {
  const file = nodePath.join(tempDir(t), 'run.journal');
  const holder = spawnChild(t, 'hold', file);
  await holder.ready;
  const lock = JSON.parse(fs.readFileSync(file + '.lock', 'utf8'));
  assert.deepEqual(lock, { pid: holder.proc.pid, host: os.hostname() });
  assert.throws(
    () => fileStore(file),
    (e) => e instanceof StoreError && e.message === `journal ${file} is locked by process ${holder.proc.pid} on host ${os.hostname()} (another fileStore has it open)`,
  );
  holder.proc.kill('SIGKILL');
  assert.equal((await holder.exited).signal, 'SIGKILL');
  assert.ok(fs.existsSync(file + '.lock'), 'a killed process leaves its lock');
  const store = fileStore(file);
  assert.equal(JSON.parse(fs.readFileSync(file + '.lock', 'utf8')).pid, process.pid);
  await store.append([{ key: 'a', when: 1 }]);
  await store.close();
  assert.equal(fs.existsSync(file + '.lock'), false);
});

test('the lock in one process: a second fileStore is refused until close(); calls after close() reject', async (t) => {
  const dir = tempDir(t);
  const file = nodePath.join(dir, 'j');
  const store = fileStore(file);
  assert.throws(() => fileStore(file), (e) => e instanceof StoreError && /already open in this process/.test(e.message));
  assert.throws(() => fileStore(nodePath.relative(process.cwd(), file)), StoreError, 'the same file by another path');
  const pending = store.append([{ key: 'a', when: 1 }]);
  const closing = store.close();
  await pending; // appended before close(): written
  await closing;
  await store.close(); // twice is fine
  assert.equal(fs.existsSync(file + '.lock'), false);
  await assert.rejects(store.load(), (e) => e instanceof StoreError && /after close/.test(e.message));
  await assert.rejects(store.append([{ key: 'b', when: 2 }]), StoreError);
  const reopened = fileStore(file);
  assert.deepEqual(await reopened.load(), [{ key: 'a', when: 1 }]);
  await reopened.close();
  // A lock of another host cannot be checked: refused, naming the host.
  fs.writeFileSync(file + '.lock', JSON.stringify({ pid: 1, host: 'elsewhere' }));
  assert.throws(() => fileStore(file), /locked by process 1 on host elsewhere/);
  // A lock with this process's pid for a journal not open here was left by
  // an earlier process with the same pid: stale.
  fs.writeFileSync(file + '.lock', JSON.stringify({ pid: process.pid, host: os.hostname() }));
  await fileStore(file).close();
  // An unreadable lock is refused.
  fs.writeFileSync(file + '.lock', '');
  assert.throws(() => fileStore(file), /cannot be read/);
  fs.rmSync(file + '.lock');
});

test('killed at random moments, a writer loses no acknowledged record: in order, none twice, none corrupt', async (t) => {
  const file = nodePath.join(tempDir(t), 'kill.journal');
  let acked = -1;
  let roundsWithAcks = 0;
  for (let round = 0; round < 10; round++) {
    const writer = spawnChild(t, 'append', file);
    await writer.ready;
    await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 150));
    writer.proc.kill('SIGKILL');
    const { signal } = await writer.exited;
    assert.equal(signal, 'SIGKILL', writer.errors());
    const numbers = [...writer.output().matchAll(/^acked (\d+)$/gm)].map((m) => Number(m[1]));
    // A busy machine may kill a writer before its first acknowledgement:
    // that round checks order and integrity only.
    if (numbers.length > 0) roundsWithAcks++;
    acked = Math.max(acked, ...numbers);
    const store = fileStore(file);
    const loaded = await store.load();
    await store.close();
    assert.ok(loaded.length > acked, `round ${round}: ${loaded.length} records loaded, ${acked + 1} acknowledged`);
    loaded.forEach((r, i) => {
      assert.equal(r.key, `r${i}`, `round ${round}: record ${i}`);
      assert.equal(r.result.nested.text, 'ünïcødé ✓');
    });
  }
  assert.ok(roundsWithAcks >= 3, `only ${roundsWithAcks} of 10 writers acknowledged a record before the kill`);
});
