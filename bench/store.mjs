// The store case (SPEC §9): the 100,000-task random DAG of `npm run
// bench`, sync functions, made with no store, with memoryStore() and
// with fileStore() on a temporary directory. Each in a fresh process
// (`node store.mjs KIND [N]`) prints JSON: µs per task (best of 3 runs,
// each on a fresh store) and the bytes the store kept per task.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Task, makeNow, memoryStore } from 'taskqueue-wasm';
import { WORKLOADS } from './workloads.mjs';

const kind = process.argv[2] ?? 'none';
const n = Number(process.argv[3] ?? 100_000);
const prereqs = WORKLOADS.random(n);
const fn = process.env.STORE_BENCH_SYNC === '1' ? () => 1 : async () => 1;

async function once(r) {
  const tasks = new Array(n);
  for (let i = 0; i < n; i++) {
    const t = new Task(`t${i}`, fn);
    for (const p of prereqs[i]) t.require(tasks[p]);
    tasks[i] = t;
  }
  let store;
  let dir;
  if (kind === 'memory') store = memoryStore();
  if (kind === 'file') {
    const { fileStore } = await import('taskqueue-wasm/store/file');
    dir = mkdtempSync(join(tmpdir(), 'tq-bench-store-'));
    store = fileStore(join(dir, `run${r}.journal`));
  }
  const start = process.hrtime.bigint();
  const made = await makeNow(tasks, store === undefined ? undefined : { store });
  const us = Number(process.hrtime.bigint() - start) / 1000 / n;
  if (made.length !== n || made.some((t) => t.state !== 'DONE')) throw new Error('not all DONE');
  let bytes = 0;
  if (kind === 'memory') bytes = store.records.reduce((sum, record) => sum + JSON.stringify(record).length + 1, 0);
  if (kind === 'file') {
    await store.close();
    bytes = statSync(join(dir, `run${r}.journal`)).size;
    rmSync(dir, { recursive: true, force: true });
  }
  return { us, bytes: bytes / n };
}

const runs = [];
for (let r = 0; r < 3; r++) runs.push(await once(r));
runs.sort((a, b) => a.us - b.us);
console.log(JSON.stringify(runs[0]));
