// A build-and-deploy pipeline run with taskqueue-wasm: stages with
// simulated async work, a concurrency limit, an upload that fails once,
// a retry, every transition printed, and the graph written as DOT.
//
//   npm run example
import { mkdirSync, writeFileSync } from 'node:fs';
import { Task, make, tasksAsDot } from 'taskqueue-wasm';

const work = (ms, value) => new Promise((resolve) => setTimeout(() => resolve(value), ms));
const started = Date.now();
const stamp = () => `${String(Date.now() - started).padStart(5)} ms`;
const track = (task, tr) => console.log(`${stamp()}  ${task.name} ${tr.oldState}->${tr.event}->${tr.newState}`);
const task = (name, func, options = {}) => new Task(name, func, { track, ...options });

const checkout = task('checkout', () => work(40, 'rev 3f2a9c1'));
const install = checkout.then(task('install', () => work(80, 212)));
const modules = ['core', 'ui', 'cli'].map((name, i) =>
  install.then(task(`compile ${name}`, () => work(60 + 30 * i, `${name}.o`))));
const lint = install.then(task('lint', () => work(50, 0)));
const test = task('test', () => work(70, { passed: 148, failed: 0 }));
for (const m of modules) test.require(m);
const bundle = task('bundle', () => work(40, 'app.tgz'));
bundle.require(test);
bundle.require(lint);
let uploads = 0;
const upload = bundle.then(task('upload', async () => {
  uploads++;
  await work(30);
  if (uploads === 1) throw new Error('network blip while uploading');
  return 'https://artifacts.example/app.tgz';
}));
const deploy = upload.then(task('deploy', () => work(30, 'live')));
const all = [checkout, install, ...modules, lint, test, bundle, upload, deploy];

async function run(label) {
  console.log(`\n== ${label}`);
  for await (const t of make([deploy], { concurrency: 3 })) {
    console.log(`${stamp()}  made ${t}${t.error ? ` (${t.error.message})` : ''}`);
  }
}

await run('first run (concurrency 3)');
const failed = all.filter((t) => t.state === 'FAILED');
console.log(`failed: ${failed.map((t) => `${t.name}${t.error ? `: ${t.error.message}` : ''}`).join(', ')}`);

// Repair and retry: the failed tasks go back to PENDING and are made again;
// what already succeeded is not run twice.
for (const t of failed) t.event('retry', { reason: 'transient failure' });
await run('retry');

console.log(`\ndeploy: ${deploy.state}, result ${JSON.stringify(deploy.result)}; upload attempts: ${uploads}`);
mkdirSync('examples/out', { recursive: true });
writeFileSync('examples/out/pipeline.dot', `${tasksAsDot(all, 'pipeline')}\n`);
console.log('graph written to examples/out/pipeline.dot');
