// The coordinator of the distributed report (see README.md): one make
// over a DAG whose steps run as BullMQ jobs on the workers.
//
//   REDIS_URL=redis://127.0.0.1:6379 node examples/distributed/coordinator.mjs [RUN_ID]
//
//   orders-eu ──▶ totals-eu ──┐
//   orders-us ──▶ totals-us ──┼──▶ merge ──▶ publish
//   orders-jp ──▶ totals-jp ──┘
//   rates ──────▶ totals-eu, totals-us, totals-jp
//
// `rates` feeds three steps that meet again in `merge`: a diamond, which
// BullMQ's own flows (trees: one parent per job) cannot express.
//
// The run id (argument, else RUN_ID, else `report-<today>`) names the
// run in Redis. Run again with the same id and what is DONE is not run
// again (a finished run does nothing; a crashed one goes on). Exit code
// 0 when every step is DONE, 1 when one is not, 2 when the run could not
// go on (Redis lost, the run held by another coordinator).
//
// Environment: REDIS_URL and QUEUE as for the workers (the same values).
import { Task, make } from 'taskqueue-wasm';
import { redisStore, remote } from 'taskqueue-wasm/bullmq';

// redisStore takes the URL as its connection (and refuses one that is
// not redis:// or rediss://).
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const queue = process.env.QUEUE ?? 'taskqueue';
const runId = process.argv[2] ?? process.env.RUN_ID ?? `report-${new Date().toISOString().slice(0, 10)}`;

// Fetches go over the network: up to three attempts, 2 s each.
const fetching = { retry: { attempts: 3, delay: 200 }, timeout: 2000 };
const rates = new Task('rates', remote('fetch', { source: 'rates' }), fetching);
const regions = ['eu', 'us', 'jp'];
const orders = regions.map((region) => new Task(`orders-${region}`, remote('fetch', { source: `orders-${region}` }), fetching));
// data(task) runs as each attempt starts, when the prerequisites are DONE.
const totals = regions.map((region, i) => new Task(
  `totals-${region}`,
  remote('transform', () => ({ region, orders: orders[i].result, rates: rates.result })),
  { requires: [orders[i], rates] },
));
const merge = new Task('merge', remote('merge', (task) => ({ parts: task.required.map((t) => t.result) })), { requires: totals });
const publish = new Task('publish', remote('publish', () => ({ name: runId, report: merge.result })), { requires: [merge], timeout: 5000 });
const tasks = [rates, ...orders, ...totals, merge, publish];

// A line per failed attempt (the retries and timeouts of SPEC §8).
let stopping = false;
for (const task of tasks) {
  task.onAttempt((task, attempt) => {
    if (stopping) return;
    if (attempt.outcome !== 'failed' && attempt.outcome !== 'timeout') return;
    const { error } = attempt;
    const where = error?.remote ? ` (job ${error.jobId})` : '';
    console.log(`${task.name}: attempt ${attempt.number} ${attempt.outcome}: ${error?.name}: ${error?.message}${where}`);
  });
}

/** A Redis URL as printed: its password masked. */
function masked(text) {
  const url = new URL(text);
  if (url.password) url.password = '***';
  return url.href;
}

const store = redisStore(redisUrl, runId, { queue });
console.log(`run '${runId}' on queue '${queue}' at ${masked(redisUrl)}`);
// ^C: let go of the run at once (its lock), so that a coordinator started
// again with this id goes on without waiting for the lock to lapse (a
// killed one's lapses after lockTtl, 15 s). Jobs already added still run.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    stopping = true;
    console.log(`${signal}: run '${runId}' stopped; start again with the same id to go on`);
    store.close().finally(() => process.exit(130));
  });
}
const started = Date.now();
try {
  let ran = 0;
  for await (const task of make(tasks, { store })) {
    // A step restored from the run (DONE before this process) has no attempts here.
    const restored = task.attempts.length === 0 && task.state === 'DONE';
    if (!restored) ran++;
    const outcome = task.state === 'DONE' ? JSON.stringify(task.result) : `${task.error?.name}: ${task.error?.message}`;
    console.log(`${task.name}: ${task.state}${restored ? ' (done in an earlier run)' : ''} ${outcome}`);
  }
  const notDone = tasks.filter((task) => task.state !== 'DONE');
  if (notDone.length === 0) {
    console.log(`report published: ${publish.result.url}: ${publish.result.orders} orders, $${(publish.result.usd / 100).toFixed(2)}`);
    console.log(`run '${runId}' DONE: ${ran} of ${tasks.length} steps ran in this process, in ${Date.now() - started} ms`);
  } else {
    console.log(`run '${runId}' not done: ${notDone.map((task) => `${task.name} ${task.state}`).join(', ')}`);
    process.exitCode = 1;
  }
} catch (error) {
  console.log(`run '${runId}' stopped: ${error.name}: ${error.message}`);
  process.exitCode = 2;
} finally {
  await store.close();
}
