// The distributed example (examples/distributed/, SPEC §10) as a user
// runs it: a redis-server, two worker processes, the coordinator as a
// process of its own. Asserts on what they print: every step DONE, the
// flaky fetch retried once, the hanging one cancelled by its timeout
// and retried, the report's numbers; then the same run id again: every
// step restored, no job run again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startRedis } from './redis.mjs';
import { killChildren, spawnNode, whenReady } from './child.mjs';

const example = (name) => fileURLToPath(new URL(`../../examples/distributed/${name}`, import.meta.url));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const RUN = 'report-test';
const STEPS = ['rates', 'orders-eu', 'orders-us', 'orders-jp', 'totals-eu', 'totals-us', 'totals-jp', 'merge', 'publish'];

let redis;
let env;
let workers;

/** Runs an example file; `out()` is what it printed so far, `exited` its end. */
const run = (name, args = []) => spawnNode(example(name), args, { env });

/** A worker, once it printed its `ready` line. */
const startWorker = () => whenReady(run('worker.mjs'), /\] ready: /, 'worker');

/** The coordinator, run to its end. */
async function coordinate(runId) {
  const coordinator = run('coordinator.mjs', [runId]);
  const { code } = await coordinator.exited;
  return { code, out: coordinator.out(), err: coordinator.err(), lines: coordinator.out().trim().split('\n') };
}

/** The job lines the workers printed: `[worker PID] NAME JOBID: OUTCOME (MS ms)`. */
function jobLines() {
  return workers.flatMap((w) => w.out().split('\n'))
    .map((line) => /^\[worker (\d+)\] (\w+) (\S+): (\w+)/.exec(line))
    .filter(Boolean)
    .map(([, pid, name, jobId, outcome]) => ({ pid, name, jobId, outcome }));
}

before(async () => {
  redis = await startRedis();
  env = { ...process.env, REDIS_URL: `redis://127.0.0.1:${redis.port}`, CONCURRENCY: '4' };
  delete env.QUEUE;
  delete env.RUN_ID;
  workers = await Promise.all([startWorker(), startWorker()]);
});

after(async () => {
  killChildren();
  await redis?.stop();
});

test('the coordinator makes the report over two workers: every step DONE, one retry after a 503, one after a timeout', async () => {
  const { code, out, err, lines } = await coordinate(RUN);
  assert.equal(code, 0, `${out}\n${err}`);
  assert.equal(lines[0], `run '${RUN}' on queue 'taskqueue' at redis://127.0.0.1:${redis.port}`);
  for (const step of STEPS) {
    assert.equal(lines.filter((line) => line.startsWith(`${step}: DONE `)).length, 1, `${step} DONE once\n${out}`);
  }
  // Two failed attempts: the 503 and the timeout; both steps DONE on their second.
  const attempts = lines.filter((line) => / attempt \d+ /.test(line));
  assert.ok(attempts.includes(`orders-us: attempt 1 failed: Error: HTTP 503 from orders-us (job ${RUN}-orders-us-a1)`), out);
  assert.ok(attempts.includes("orders-jp: attempt 1 timeout: TimeoutError: attempt 1 of task 'orders-jp' timed out after 2000 ms"), out);
  assert.equal(attempts.length, 2, out);
  // The results, computed from the fixed sources: the same on every run.
  const totals = [{ region: 'eu', orders: 3, usd: 52369 }, { region: 'us', orders: 2, usd: 23250 }, { region: 'jp', orders: 3, usd: 11746 }];
  assert.ok(lines.includes(`merge: DONE ${JSON.stringify({ regions: totals, orders: 8, usd: 87365 })}`), out);
  assert.ok(lines.includes(`publish: DONE ${JSON.stringify({ url: `https://reports.example/${RUN}.json`, orders: 8, usd: 87365 })}`), out);
  assert.ok(lines.includes(`report published: https://reports.example/${RUN}.json: 8 orders, $873.65`), out);
  assert.match(lines.at(-1), new RegExp(`^run '${RUN}' DONE: 9 of 9 steps ran in this process, in \\d+ ms$`));
  assert.ok(lines.indexOf(lines.find((l) => l.startsWith('merge: DONE'))) < lines.indexOf(lines.find((l) => l.startsWith('publish: DONE'))), 'merge before publish');

  // The workers: one job per attempt, the timed-out one aborted by its signal.
  const expected = [...STEPS.map((step) => `${RUN}-${step}-a1`), `${RUN}-orders-us-a2`, `${RUN}-orders-jp-a2`].sort();
  const deadline = Date.now() + 3000;
  while (jobLines().length < expected.length && Date.now() < deadline) await sleep(20);
  const jobs = jobLines();
  assert.deepEqual(jobs.map((job) => job.jobId).sort(), expected, workers.map((w) => w.out()).join(''));
  const outcome = (jobId) => jobs.find((job) => job.jobId === jobId).outcome;
  assert.equal(outcome(`${RUN}-orders-us-a1`), 'failed');
  assert.equal(outcome(`${RUN}-orders-jp-a1`), 'aborted');
  assert.ok(jobs.filter((job) => !job.jobId.endsWith('orders-us-a1') && !job.jobId.endsWith('orders-jp-a1')).every((job) => job.outcome === 'done'));
  const pids = new Set(workers.map((w) => String(w.child.pid)));
  assert.ok(jobs.every((job) => pids.has(job.pid)), 'each line names its worker');
});

test('the same run id again: every step restored DONE with its result, no worker runs a job', async () => {
  const before = jobLines().length;
  const { code, out, err, lines } = await coordinate(RUN);
  assert.equal(code, 0, `${out}\n${err}`);
  for (const step of STEPS) {
    assert.equal(lines.filter((line) => line.startsWith(`${step}: DONE (done in an earlier run) `)).length, 1, `${step} restored\n${out}`);
  }
  assert.ok(!lines.some((line) => / attempt \d+ /.test(line)), out);
  assert.ok(lines.includes(`report published: https://reports.example/${RUN}.json: 8 orders, $873.65`), out);
  assert.match(lines.at(-1), new RegExp(`^run '${RUN}' DONE: 0 of 9 steps ran in this process`));
  await sleep(300); // a job added by mistake would be run by now
  assert.equal(jobLines().length, before, workers.map((w) => w.out()).join(''));
});
