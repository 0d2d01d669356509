// The declarations (js/index.d.ts): a typed program passes tsc, a wrong
// one fails where it should, and the declared names are exactly the
// runtime exports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as api from 'taskqueue-wasm';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsc = `${root}node_modules/.bin/tsc`;

function typecheck(file, types = []) {
  const config = `${root}tests/types/tsconfig.${file}.json`;
  const base = JSON.parse(readFileSync(`${root}tests/types/tsconfig.json`, 'utf8'));
  writeFileSync(config, JSON.stringify({ ...base, compilerOptions: { ...base.compilerOptions, types }, files: [file] }));
  try {
    const run = spawnSync(tsc, ['-p', config], { encoding: 'utf8' });
    return { status: run.status, output: run.stdout + run.stderr };
  } finally {
    rmSync(config);
  }
}

test('a typed example passes tsc --noEmit', () => {
  const { status, output } = typecheck('example.ts');
  assert.equal(status, 0, output);
});

test('type mistakes are caught: every line of wrong.ts is an error', () => {
  const { status, output } = typecheck('wrong.ts');
  assert.notEqual(status, 0);
  const lines = new Set([...output.matchAll(/wrong\.ts\((\d+),/g)].map((m) => Number(m[1])));
  const expected = Array.from({ length: 56 - 6 }, (_, i) => i + 7); // lines 7 to 56
  assert.deepEqual([...lines].sort((a, b) => a - b), expected, output);
});

test('the declared values are exactly the runtime exports', () => {
  const dts = readFileSync(`${root}js/index.d.ts`, 'utf8');
  const declared = new Set([...dts.matchAll(/^export (?:class|function|const) (\w+)/gm)].map((m) => m[1]));
  assert.deepEqual([...declared].sort(), Object.keys(api).sort());
});

for (const path of ['progress', 'view']) {
  test(`taskqueue-wasm/${path}: the declared values are exactly the runtime exports`, async () => {
    const dts = readFileSync(`${root}js/${path}.d.ts`, 'utf8');
    const declared = new Set([...dts.matchAll(/^export (?:class|function|const) (\w+)/gm)].map((m) => m[1]));
    const runtime = await import(`taskqueue-wasm/${path}`);
    assert.deepEqual([...declared].sort(), Object.keys(runtime).sort());
  });
}

// taskqueue-wasm/bullmq: bullmq's own declarations need Node's types
// (the core's above are checked without them, as a browser sees them).
test('taskqueue-wasm/bullmq: a typed coordinator and worker pass tsc', () => {
  const { status, output } = typecheck('bullmq.ts', ['node']);
  assert.equal(status, 0, output);
});

test('taskqueue-wasm/bullmq: every line of bullmq-wrong.ts is an error', () => {
  const { status, output } = typecheck('bullmq-wrong.ts', ['node']);
  assert.notEqual(status, 0);
  const lines = new Set([...output.matchAll(/bullmq-wrong\.ts\((\d+),/g)].map((m) => Number(m[1])));
  assert.deepEqual([...lines].sort((a, b) => a - b), [4, 5, 6, 7, 8, 9], output);
  assert.ok(!/node_modules/.test(output), `only our mistakes are errors:\n${output}`);
});

test('taskqueue-wasm/bullmq: the declared values are exactly the runtime exports', async () => {
  const dts = readFileSync(`${root}js/bullmq.d.ts`, 'utf8');
  const declared = new Set([...dts.matchAll(/^export (?:class|function|const) (\w+)/gm)].map((m) => m[1]));
  const runtime = await import('taskqueue-wasm/bullmq');
  assert.deepEqual([...declared].sort(), Object.keys(runtime).sort());
});
