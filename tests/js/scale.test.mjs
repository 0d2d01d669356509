// Scale without failure (issue 7): a 1,000,000-task chain and a
// 1,000,000-task fan made from JS, and 1,000,000 tasks made in batches
// with wasm memory and the JS heap flat after the first batches. Times
// are printed as diagnostics (benchmarks measure speed; nothing here is
// timed against a limit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Task, makeNow } from 'taskqueue-wasm';

const N = 1_000_000;
const probe = fileURLToPath(new URL('./memory-probe.mjs', import.meta.url));
const ms = (from, to = performance.now()) => `${(to - from).toFixed(0)} ms`;

test('a 1,000,000-task chain made from JS: every task runs once, prerequisites first, and ends DONE', async (t) => {
  let ran = 0;
  let order = true;
  const tasks = new Array(N);
  const started = performance.now();
  for (let i = 0; i < N; i++) {
    // Each function checks that the task before it in the chain has run.
    tasks[i] = new Task('c', () => {
      if (ran !== i) order = false;
      ran++;
    });
    if (i > 0) tasks[i].require(tasks[i - 1]);
  }
  const built = performance.now();
  const made = await makeNow([tasks[N - 1]]);
  t.diagnostic(`build ${ms(started, built)}, make ${ms(built)}`);
  assert.deepEqual(made, [tasks[N - 1]]);
  assert.equal(ran, N);
  assert.ok(order, 'every task ran after its prerequisite');
  assert.equal(tasks.filter((x) => x.state === 'DONE').length, N);
});

test('a 1,000,000-task fan made from JS: the root once, then every leaf, each yielded once and DONE', async (t) => {
  let rootRuns = 0;
  let early = 0;
  let leafRuns = 0;
  const started = performance.now();
  const root = new Task('root', () => { rootRuns++; });
  const leaves = new Array(N - 1);
  for (let i = 0; i < N - 1; i++) {
    leaves[i] = new Task('leaf', () => {
      if (rootRuns !== 1) early++;
      leafRuns++;
    });
    leaves[i].require(root);
  }
  const built = performance.now();
  const made = await makeNow(leaves);
  t.diagnostic(`build ${ms(started, built)}, make ${ms(built)}`);
  assert.equal(rootRuns, 1);
  assert.equal(early, 0, 'no leaf ran before the root');
  assert.equal(leafRuns, N - 1);
  assert.equal(made.length, N - 1);
  assert.equal(new Set(made).size, N - 1, 'each leaf yielded once');
  assert.ok(made.every((x) => x.state === 'DONE'));
  assert.equal(root.state, 'DONE');
});

test('1,000,000 tasks made in batches: wasm memory and JS heap flat after the first batches', (t) => {
  const started = performance.now();
  const rows = JSON.parse(execFileSync(process.execPath, ['--expose-gc', probe, '100', '10000'], { encoding: 'utf8', maxBuffer: 2 ** 24 }));
  t.diagnostic(`100 batches of 10,000: ${ms(started)}`);
  const MB = 2 ** 20;
  const show = (r) => `${r.batch}: ${r.liveTasks} tasks, wasm ${(r.wasmBytes / MB).toFixed(1)} MB, heap ${(r.heapUsed / MB).toFixed(1)} MB`;
  const table = rows.filter((r) => r.batch % 10 === 0 || r.batch === rows.length - 1).map(show).join('\n');
  assert.equal(rows.length, 100);
  for (const row of rows) assert.ok(row.liveTasks < 10_000, `dropped tasks are freed in Rust\n${table}`);
  const warm = rows[4];
  for (const row of rows.slice(5)) {
    assert.equal(row.wasmBytes, warm.wasmBytes, `wasm memory grew after warm-up\n${table}`);
    assert.ok(row.heapUsed < warm.heapUsed + 4 * MB, `JS heap grew after warm-up (batch ${row.batch})\n${table}`);
  }
});
