// The retry case (SPEC §8): a 10,000-task random DAG whose every function
// fails its first call and succeeds on the second, retried at once.
// Ours with `retry: 2`; the peers wrap each function in p-retry
// (`retries: 1, minTimeout: 0`), under p-graph and under the floor
// (Kahn's algorithm and nothing else). Prints JSON: ms per run (best of
// 5) and the calls made, per contender.
import pRetry from 'p-retry';
import { CONTENDERS } from './contenders.mjs';
import { WORKLOADS } from './workloads.mjs';
import * as ours from 'taskqueue-wasm';

const contender = process.argv[2];
const n = Number(process.argv[3] ?? 10_000);
const prereqs = WORKLOADS.random(n);

/** Task i's function: rejects on its first call, resolves after. */
function flaky(calls) {
  return (i) => {
    let called = 0;
    return async () => {
      calls.count++;
      if (called++ === 0) throw new Error(`HTTP 503 (${i})`);
      return i;
    };
  };
}

async function oursOnce(calls) {
  const { Task, makeNow } = ours;
  const fnOf = flaky(calls);
  const tasks = new Array(n);
  for (let i = 0; i < n; i++) {
    const t = new Task('t', fnOf(i), { retry: 2 });
    for (const p of prereqs[i]) t.require(tasks[p]);
    tasks[i] = t;
  }
  const made = await makeNow(tasks);
  if (made.some((t) => t.state !== 'DONE')) throw new Error('a task did not end DONE');
}

function withPRetry(peer) {
  return (calls) => {
    const fnOf = flaky(calls);
    return CONTENDERS[peer](prereqs, (i) => {
      const fn = fnOf(i);
      return () => pRetry(fn, { retries: 1, minTimeout: 0, maxTimeout: 0 });
    });
  };
}

const RUN = { 'taskqueue-wasm': oursOnce, 'p-graph + p-retry': withPRetry('p-graph'), 'floor + p-retry': withPRetry('floor') };
const times = [];
let calls;
for (let r = 0; r < 5; r++) {
  calls = { count: 0 };
  const start = performance.now();
  await RUN[contender](calls);
  times.push(performance.now() - start);
}
if (calls.count !== 2 * n) throw new Error(`${calls.count} calls, expected ${2 * n}`);
console.log(JSON.stringify({ ms: Math.min(...times), calls: calls.count }));
