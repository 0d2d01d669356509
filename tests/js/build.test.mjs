// The built package loads in both forms (Node CommonJS and the browser's
// ES module build) and answers from the Rust core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const root = new URL('../../', import.meta.url);

const expectedTaskTable = `digraph Task {
  PREPARE->PENDING[label=prepared];
  PENDING->ABORT[label=abort];
  PENDING->CANCELLED[label=cancel];
  PENDING->RUNNING[label=dispatch];
  PENDING->FAILED[label=error];
  PENDING->QUEUED[label=queue];
  QUEUED->CANCELLED[label=cancel];
  QUEUED->RUNNING[label=dispatch];
  RUNNING->CANCELLED[label=cancel];
  RUNNING->DONE[label=done];
  RUNNING->FAILED[label=except];
  CANCELLED->ABORT[label=abort];
  CANCELLED->PENDING[label=retry];
  FAILED->ABORT[label=abort];
  FAILED->PENDING[label=retry];
}`;

test('the Node build loads synchronously and draws the task table', () => {
  const pkg = require(new URL('pkg/node/taskqueue_wasm.js', root).pathname);
  assert.equal(pkg.taskStatesAsDot('Task'), expectedTaskTable);
  assert.match(pkg.taskStatesAsDot(), /^digraph \{\n/);
  const { version } = JSON.parse(readFileSync(new URL('package.json', root)));
  assert.equal(pkg.version(), version);
});

test('the web build initialises from the .wasm bytes and answers the same', async () => {
  const web = await import(new URL('pkg/web/taskqueue_wasm.js', root));
  const bytes = readFileSync(new URL('pkg/web/taskqueue_wasm_bg.wasm', root));
  await web.default({ module_or_path: bytes });
  assert.equal(web.taskStatesAsDot('Task'), expectedTaskTable);
  assert.equal(web.taskStatesAsDot('my graph').split('\n')[0], 'digraph "my graph" {');
});
