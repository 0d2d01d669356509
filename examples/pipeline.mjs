// Releasing a web app with taskqueue-wasm, the way a Node program would:
// fetch-like async stages (a stand-in for fetch that runs offline), at
// most three at a time, an upload whose 503 is absorbed by its retry
// policy, a CDN purge that fails all its attempts and is repaired by
// hand with task.retry(), live progress in the terminal
// (taskqueue-wasm/progress), and the graph written as SVG and DOT at the end.
//
//   npm run example                    # EXAMPLE_SPEED=10 runs it faster
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Task, make, tasksAsDot, tasksAsSvg } from 'taskqueue-wasm';
import { renderProgress } from 'taskqueue-wasm/progress';
import { failNext, fakeFetch, speed } from './fake-fetch.mjs';

const API = 'https://registry.example';
const PACKAGES = [['core', 260], ['router', 180], ['ui-kit', 420], ['charts', 340], ['i18n', 150]];
const outDir = process.env.EXAMPLE_OUT ?? 'examples/out';

/** GETs a URL like fetch, throwing on an HTTP error as most clients do. */
async function get(url, signal, ms, body) {
  const response = await fakeFetch(url, { signal, ms, body });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

// Each stage is a Task; `this.signal` aborts if the task is cancelled.
const manifest = new Task('fetch manifest', function () {
  return get(`${API}/app/manifest.json`, this.signal, 220, { packages: PACKAGES.map(([name]) => name) });
});
const downloads = PACKAGES.map(([name, ms]) => manifest.then(`download ${name}`, function () {
  return get(`${API}/pkg/${name}.tgz`, this.signal, ms, { name, bytes: ms * 1024 });
}));
const verifies = PACKAGES.map(([name], i) => downloads[i].then(`verify ${name}`, function () {
  return get(`${API}/sums/${name}.sha256`, this.signal, 90, { ok: true });
}));
const bundle = new Task('bundle', async function () {
  const bytes = downloads.reduce((sum, d) => sum + d.result.bytes, 0);
  return get(`${API}/bundle`, this.signal, 300, { bytes });
});
for (const verify of verifies) bundle.require(verify);
// A storage service has bad moments: up to 3 attempts, 200 ms apart and
// doubling, a fifth of each wait drawn at random; 2 s per attempt.
const upload = bundle.then('upload bundle', function () {
  return get(`${API}/upload`, this.signal, 250, { url: 'https://cdn.example/app.tgz' });
}, { retry: { attempts: 3, delay: 200 / speed, jitter: 0.2 }, timeout: 2000 / speed });
const purge = upload.then('purge cdn cache', function () {
  return get(`${API}/cdn/purge`, this.signal, 120, { purged: 42 });
}, { retry: { attempts: 2, delay: 100 / speed } });
const announce = purge.then('announce release', function () {
  return get(`${API}/chat/post`, this.signal, 80, { posted: true });
});
const tasks = [manifest, ...downloads, ...verifies, bundle, upload, purge, announce];

failNext(`${API}/upload`, 1); // one 503: the upload's policy retries it
failNext(`${API}/cdn/purge`, 2); // the CDN is down for longer than its 2 attempts

/**
 * Makes the release, showing its progress on stdout: on a terminal a
 * block redrawn in place, piped one plain line per event. Prints each
 * given task as make hands it back, above the block.
 */
async function release(title) {
  const run = make([announce], { concurrency: 3 });
  const progress = renderProgress(run, { stream: process.stdout, title });
  for await (const task of run) {
    const why = task.state === 'FAILED' ? ` (${task.error?.message ?? 'a prerequisite failed'})` : '';
    progress.log(`made ${task}${why}`);
  }
  await progress.done; // its last frame and summary written
}

await release('release, 3 at a time');
const failed = tasks.filter((t) => t.state === 'FAILED');
console.log(`failed: ${failed.map((t) => (t.error ? `${t.name} (${t.error.message})` : t.name)).join(', ')}`);

// Repair after the final failure: purge.retry() puts it back to PENDING
// with the stages that failed because of it (announce), and making again
// runs just those; the stages that succeeded are not run twice.
const repaired = purge.retry();
console.log(`retried by hand: ${repaired.map((t) => t.name).join(', ')}`);
await release('after the CDN is back');

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'graph.dot'), `${tasksAsDot(tasks, 'release')}\n`);
writeFileSync(join(outDir, 'graph.svg'), `${tasksAsSvg(tasks, 'release')}\n`);
console.log(`${announce.name}: ${announce.state}; the graph is in ${join(outDir, 'graph.svg')} and ${join(outDir, 'graph.dot')}`);
