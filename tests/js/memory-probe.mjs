// Run with --expose-gc by memory.test.mjs (200,000 tasks) and
// scale.test.mjs (1,000,000): makes BATCHES batches of PER_BATCH tasks
// (the two arguments), dropping each batch, and prints the memory after
// each one.
import { Task, makeNow, stats } from 'taskqueue-wasm';

const BATCHES = Number(process.argv[2] ?? 20);
const PER_BATCH = Number(process.argv[3] ?? 10_000);
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

// Collects until the core has freed every dropped task: finalizers run
// as tasks some time after a collection, not at once.
async function collect() {
  for (let i = 0; i < 50 && (i < 3 || stats().tasks > 0); i++) {
    globalThis.gc();
    await settle();
  }
}

async function batch(n) {
  const tasks = [];
  for (let i = 0; i < PER_BATCH; i++) {
    const t = new Task(`b${n}t${i}`, async () => i);
    // Three earlier prerequisites each: a random DAG.
    for (let k = 1; k <= 3 && i - k * 7 >= 0; k++) t.require(tasks[i - k * 7]);
    tasks.push(t);
  }
  const made = await makeNow(tasks);
  if (made.length !== PER_BATCH || made.some((t) => t.state !== 'DONE')) throw new Error('batch did not complete');
}

const rows = [];
for (let n = 0; n < BATCHES; n++) {
  await batch(n);
  await collect();
  const { tasks, wasmBytes } = stats();
  rows.push({ batch: n, liveTasks: tasks, wasmBytes, heapUsed: process.memoryUsage().heapUsed });
}
console.log(JSON.stringify(rows));
