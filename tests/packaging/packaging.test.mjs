// The package as users get it: `npm pack`, installed from the tarball
// into throwaway projects, used from Node ESM, Node CommonJS, a browser
// page (ES module with an import map) and a Vite-built app, the last two
// in headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, copyFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expected } from './program.mjs';
import { launchChromium, serve } from './browser.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));
let work;
let tarball;
let browser;

function project(name, packageJson = {}) {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, ...packageJson }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: dir, stdio: 'pipe' });
  copyFileSync(join(here, 'program.mjs'), join(dir, 'program.mjs'));
  return dir;
}

function runNode(dir, file) {
  return JSON.parse(execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' }));
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'taskqueue-wasm-packaging-'));
  execFileSync('npm', ['pack', '--loglevel=error', '--pack-destination', work], { cwd: root, stdio: 'pipe' });
  tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz')));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the tarball holds the entry points, the glue, the .wasm, the types, the licence and the changelog, and nothing else', () => {
  const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();
  for (const file of ['package/js/node.mjs', 'package/js/browser.mjs', 'package/js/index.d.ts', 'package/pkg/taskqueue_wasm.js', 'package/pkg/taskqueue_wasm_bg.wasm', 'package/LICENSE', 'package/CHANGELOG.md']) {
    assert.ok(listing.includes(file), `${file} in ${listing.join(', ')}`);
  }
  assert.ok(listing.every((f) => /^package\/(js\/|pkg\/|package\.json$|README\.md$|LICENSE$|CHANGELOG\.md$)/.test(f)), listing.join(', '));
  // The types users get are js/index.d.ts; wasm-bindgen's own .d.ts describes internal exports.
  assert.ok(!listing.includes('package/pkg/taskqueue_wasm.d.ts'), listing.join(', '));
});

test('Node ESM: import { Task, make } from "taskqueue-wasm"', () => {
  const dir = project('esm', { type: 'module' });
  writeFileSync(join(dir, 'main.mjs'), `import * as api from 'taskqueue-wasm';\nimport { program } from './program.mjs';\nconsole.log(JSON.stringify(await program(api)));\n`);
  assert.deepEqual(runNode(dir, 'main.mjs'), expected);
  // The file store on its own import path: a run kept, then resumed.
  writeFileSync(join(dir, 'durable.mjs'), [
    "import { Task, makeNow } from 'taskqueue-wasm';",
    "import { fileStore } from 'taskqueue-wasm/store/file';",
    'let runs = 0;',
    "const make = async () => { const store = fileStore('run.journal'); const t = new Task('t', () => ++runs); await makeNow(t, { store }); await store.close(); return t.result; };",
    'console.log(JSON.stringify([await make(), await make(), runs]));',
  ].join('\n'));
  assert.deepEqual(runNode(dir, 'durable.mjs'), [1, 1, 1]);
});

test('Node CommonJS: require("taskqueue-wasm")', () => {
  const dir = project('cjs');
  writeFileSync(join(dir, 'main.cjs'), `const api = require('taskqueue-wasm');\nimport('./program.mjs').then(async ({ program }) => console.log(JSON.stringify(await program(api))));\n`);
  assert.deepEqual(runNode(dir, 'main.cjs'), expected);
});

test('CommonJS and ESM in one process share one instance and one set of classes', () => {
  const dir = project('mixed', { type: 'module' });
  writeFileSync(join(dir, 'main.mjs'), [
    "import { createRequire } from 'node:module';",
    "import * as esm from 'taskqueue-wasm';",
    'const cjs = createRequire(import.meta.url)("taskqueue-wasm");',
    "const t = new esm.Task('t', () => {});",
    'let sameError = false;',
    'try { t.require(t); } catch (e) { sameError = e instanceof cjs.TaskError; }',
    'console.log(JSON.stringify({ sameTask: esm.Task === cjs.Task, sameError }));',
  ].join('\n'));
  assert.deepEqual(runNode(dir, 'main.mjs'), { sameTask: true, sameError: true });
});

async function resultInBrowser(dir, page) {
  const server = await serve(dir);
  const tab = await browser.newPage();
  const problems = [];
  tab.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  tab.on('pageerror', (e) => problems.push(String(e)));
  tab.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
  try {
    await tab.goto(`${server.url}/${page}`);
    const result = await tab.waitForFunction(() => window.result, null, { timeout: 20000 });
    return { result: await result.jsonValue(), problems };
  } finally {
    await tab.close();
    await server.close();
  }
}

test('a browser page: ES module through an import map', async () => {
  const dir = project('browser');
  writeFileSync(join(dir, 'index.html'), `<!doctype html><link rel="icon" href="data:,"><script type="importmap">{"imports":{"taskqueue-wasm":"./node_modules/taskqueue-wasm/js/browser.mjs"}}</script>
<script type="module">import * as api from 'taskqueue-wasm'; import { program } from './program.mjs'; window.result = await program(api);</script>`);
  const { result, problems } = await resultInBrowser(dir, 'index.html');
  assert.deepEqual(result, expected);
  assert.deepEqual(problems, []);
});

test('a Vite-built app', async () => {
  const dir = project('vite', { type: 'module' });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><link rel="icon" href="data:,"><script type="module" src="./main.js"></script>');
  writeFileSync(join(dir, 'main.js'), "import * as api from 'taskqueue-wasm';\nimport { program } from './program.mjs';\nwindow.result = await program(api);\n");
  execFileSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'], { cwd: dir, stdio: 'pipe' });
  const { result, problems } = await resultInBrowser(join(dir, 'dist'), 'index.html');
  assert.deepEqual(result, expected);
  assert.deepEqual(problems, []);
});
