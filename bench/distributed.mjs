// The distributed benchmark of issue 18: `npm run bench:distributed`.
//
// A 10,000-task random DAG (the `random` workload of `npm run bench`:
// each task requires up to three earlier ones; 53 levels deep) of no-op
// handlers, made by this process with a redisStore and `remote('noop',
// null)` tasks, over 1, 2 and 4 worker processes
// (bench/distributed-worker.mjs: startWorker, concurrency 50 each);
// beside it, BullMQ's own FlowProducer adding a tree of as many 'noop'
// jobs to the same queue, run by the same workers: a root, ⌊√n⌋−1
// children, the other jobs as leaves spread evenly over the children
// (10,000: the root, 99 children, 100 leaves each). One real
// redis-server (tests/js/redis.mjs: Debian's, on a free port, no
// persistence), FLUSHALL between runs.
//
// Ours runs two ways (see SYSTEMS): `for await` over make() as
// docs/bullmq.md shows, and makeNow().
//
// Measured per run, from the make's start (ours: the store's connections
// are opened inside it) or from FlowProducer.add (the flow: its producer
// and QueueEvents are connected before) to the last task DONE / the root
// completed (`job.waitUntilFinished` on a QueueEvents): tasks per
// second; this process's CPU (`process.cpuUsage`, user + system) per
// task: the coordinator's cost; and, from /proc, the CPU per task of
// redis-server and of the workers together. Each configuration runs
// `--rounds` times, the systems in turn (the order reversed every other
// round); a row is the median of its runs. A warm-up of 1,000 tasks each
// (`--warmup=N`, 0 for none) precedes each worker count.
//
// Options: --tasks=10000 --workers=1,2,4 --rounds=3 --concurrency=50
// (per worker) --only=make,makeNow,flow --warmup=1000
// --timeout=SECONDS (per run, 300); --commandstats prints to stderr, per
// run, Redis's count of each command (INFO commandstats: the commands of
// the coordinator, of the workers and those called inside scripts).
// Prints the machine, then a Markdown table.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { FlowProducer, Queue, QueueEvents } from 'bullmq';
import IORedis from 'ioredis';
import { Task, make, makeNow } from 'taskqueue-wasm';
import { redisStore, remote } from 'taskqueue-wasm/bullmq';
import { startRedis } from '../tests/js/redis.mjs';
import { WORKLOADS } from './workloads.mjs';

const option = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const n = Number(option('tasks', 10_000));
const workerCounts = option('workers', '1,2,4').split(',').map(Number);
const rounds = Number(option('rounds', 3));
const concurrency = Number(option('concurrency', 50));
const only = option('only', 'make,makeNow,flow').split(',');
const warmup = Number(option('warmup', 1000));
const timeoutMs = Number(option('timeout', 300)) * 1000;
const commandStats = process.argv.includes('--commandstats');
const QUEUE = 'taskqueue';
for (const [name, value] of [['tasks', n], ['rounds', rounds], ['concurrency', concurrency]]) {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`--${name} must be a positive integer, got ${value}`);
}
if (workerCounts.some((w) => !Number.isInteger(w) || w < 1)) throw new RangeError('--workers must be positive integers, comma-separated');
const KNOWN = ['make', 'makeNow', 'flow'];
if (only.some((s) => !KNOWN.includes(s))) throw new RangeError(`--only takes some of ${KNOWN.join(', ')}`);
const systems = KNOWN.filter((s) => only.includes(s));

if (spawnSync('redis-server', ['--version']).error) {
  console.error('bench:distributed needs redis-server (Debian\'s): `bash scripts/setup.sh --browser` installs it');
  process.exit(2);
}

const TICK_US = 1e6 / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
/** User + system CPU of a process so far, in µs (from /proc, at the clock tick's resolution). */
function cpuOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US; // utime, stime (fields 14 and 15)
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const withTimeout = (promise, what) => {
  let timer;
  const late = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no end after ${timeoutMs / 1000} s`)), timeoutMs)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
};

/** The flow's tree of `count` jobs: a root, ⌊√count⌋−1 children, the rest as leaves spread evenly over them. */
function flowTree(count, tag) {
  const node = (name, children) => ({ name: 'noop', queueName: QUEUE, data: null, opts: { jobId: `${tag}-${name}` }, ...(children ? { children } : {}) });
  if (count === 1) return node('root');
  const middles = Math.max(1, Math.floor(Math.sqrt(count)) - 1);
  const leaves = count - 1 - middles;
  const children = [];
  for (let m = 0; m < middles; m++) {
    const mine = Math.floor(leaves / middles) + (m < leaves % middles ? 1 : 0);
    children.push(node(`m${m}`, Array.from({ length: mine }, (_, l) => node(`m${m}-l${l}`))));
  }
  return node('root', children);
}

class Bench {
  constructor(redis) {
    this.redis = redis;
    this.connection = redis.connection;
    this.admin = new IORedis({ ...this.connection, maxRetriesPerRequest: null });
    this.queue = new Queue(QUEUE, { connection: this.connection });
    this.workers = [];
    this.runs = 0;
  }

  async init() {
    const info = await this.admin.info('server');
    this.redisPid = Number(/process_id:(\d+)/.exec(info)[1]);
    this.redisVersion = /redis_version:(\S+)/.exec(info)[1];
  }

  async startWorkers(count) {
    const path = new URL('distributed-worker.mjs', import.meta.url).pathname;
    const started = Array.from({ length: count }, () => {
      const child = spawn(process.execPath, [path, String(this.redis.port), String(concurrency), QUEUE], { stdio: ['pipe', 'pipe', 'inherit'] });
      const ready = new Promise((resolve, reject) => {
        child.on('exit', (code, signal) => reject(new Error(`a worker exited before it was ready (${code ?? signal})`)));
        createInterface({ input: child.stdout }).on('line', (line) => line === 'ready' && resolve());
      });
      return { child, ready };
    });
    this.workers = started.map((s) => s.child);
    await withTimeout(Promise.all(started.map((s) => s.ready)), 'workers starting');
  }

  async stopWorkers() {
    await Promise.all(this.workers.map((child) => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.on('exit', resolve);
      child.stdin.end();
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    })));
    this.workers = [];
  }

  async commands() {
    const stats = {};
    for (const [, name, calls, usec] of (await this.admin.info('commandstats')).matchAll(/cmdstat_(\S+):calls=(\d+),usec=(\d+)/g)) stats[name] = { calls: Number(calls), usec: Number(usec) };
    return stats;
  }

  /** With --commandstats: the commands Redis ran during `run` (per task), to stderr. */
  async counted(what, count, run) {
    if (!commandStats) return run();
    await this.admin.config('RESETSTAT');
    const result = await run();
    const stats = await this.commands();
    const lines = Object.entries(stats).filter(([name]) => name !== 'info' && name !== 'config|resetstat').sort((a, b) => b[1].usec - a[1].usec)
      .map(([name, { calls, usec }]) => `  ${name.padEnd(24)} ${(calls / count).toFixed(2).padStart(8)} calls/task ${(usec / count).toFixed(1).padStart(8)} µs/task in Redis`);
    process.stderr.write(`${what}, ${count} tasks:\n${lines.join('\n')}\n`);
    return result;
  }

  snapshot() {
    return {
      wall: process.hrtime.bigint(),
      cpu: process.cpuUsage(),
      redis: cpuOf(this.redisPid),
      workers: this.workers.reduce((sum, child) => sum + cpuOf(child.pid), 0),
    };
  }

  measure(before, count) {
    const after = this.snapshot();
    const ms = Number(after.wall - before.wall) / 1e6;
    const cpu = process.cpuUsage(before.cpu);
    return {
      ms,
      perSecond: count / (ms / 1000),
      coordinatorUs: (cpu.user + cpu.system) / count,
      redisUs: (after.redis - before.redis) / count,
      workersUs: (after.workers - before.workers) / count,
    };
  }

  /**
   * Our make over the random DAG, every task a remote 'noop' job.
   * `how`: 'make' (for await of make(), as docs/bullmq.md shows) or
   * 'makeNow'.
   */
  async ours(count, how) {
    const prereqs = WORKLOADS.random(count);
    const tasks = new Array(count);
    for (let i = 0; i < count; i++) {
      const task = new Task(`t${i}`, remote('noop', null));
      for (const p of prereqs[i]) task.require(tasks[p]);
      tasks[i] = task;
    }
    const store = redisStore(this.connection, `bench-${process.pid}-${this.runs++}`, { queue: QUEUE });
    let done = 0;
    let result;
    try {
      const before = this.snapshot();
      await withTimeout((async () => {
        if (how === 'make') {
          for await (const task of make(tasks, { store })) if (task.state === 'DONE') done++;
        } else {
          done = (await makeNow(tasks, { store })).filter((task) => task.state === 'DONE').length;
        }
      })(), `our ${how} of ${count} tasks`);
      result = this.measure(before, count);
    } finally {
      await store.close();
    }
    if (done !== count) throw new Error(`our ${how}: ${done} of ${count} tasks DONE`);
    await this.check(count);
    return result;
  }

  /** BullMQ's FlowProducer: a tree of `count` 'noop' jobs, timed from add to the root completed. */
  async flow(count) {
    const tree = flowTree(count, `flow${this.runs++}`);
    const producer = new FlowProducer({ connection: this.connection });
    const events = new QueueEvents(QUEUE, { connection: this.connection });
    let result;
    try {
      await Promise.all([producer.waitUntilReady(), events.waitUntilReady()]);
      const before = this.snapshot();
      const { job } = await producer.add(tree);
      await withTimeout(job.waitUntilFinished(events, timeoutMs), `the flow of ${count} jobs`);
      result = this.measure(before, count);
    } finally {
      await events.close();
      await producer.close();
    }
    await this.check(count);
    return result;
  }

  /** Every job completed, none failed; then an empty Redis for the next run. */
  async check(count) {
    const counts = await this.queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'waiting-children');
    if (counts.completed !== count || counts.failed !== 0) throw new Error(`expected ${count} completed jobs, got ${JSON.stringify(counts)}`);
    await this.admin.flushall();
  }

  async close() {
    await this.stopWorkers();
    await this.queue.close();
    this.admin.disconnect();
  }
}

// What runs, in the order of the table. `make` is the documented use
// (docs/bullmq.md).
const SYSTEMS = {
  make: { label: 'ours: `make()`, for await', run: (bench, count) => bench.ours(count, 'make') },
  makeNow: { label: 'ours: `makeNow()`', run: (bench, count) => bench.ours(count, 'makeNow') },
  flow: { label: 'BullMQ FlowProducer: tree', run: (bench, count) => bench.flow(count) },
};

const version = (name) => JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
const cpuModel = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
const nproc = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim();

const redis = await startRedis();
const bench = new Bench(redis);
const rows = [];
const began = Date.now();
try {
  await bench.init();
  console.log(`${new Date().toISOString().slice(0, 10)}: ${cpuModel}, ${nproc} cores, Node ${process.version.slice(1)}, redis-server ${bench.redisVersion}, bullmq ${version('bullmq')}, ioredis ${version('ioredis')}`);
  console.log(`${n} tasks, workers ${workerCounts.join(', ')} (concurrency ${concurrency} each), ${rounds} rounds, median of the rounds\n`);
  for (const workers of workerCounts) {
    await bench.startWorkers(workers);
    if (warmup > 0) for (const system of systems) await SYSTEMS[system].run(bench, Math.min(warmup, n));
    const results = Object.fromEntries(systems.map((system) => [system, []]));
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? systems : [...systems].reverse();
      for (const system of order) {
        const result = await bench.counted(system, n, () => SYSTEMS[system].run(bench, n));
        results[system].push(result);
        process.stderr.write(`workers ${workers}, round ${r + 1}, ${system}: ${result.perSecond.toFixed(0)} tasks/s, ${result.coordinatorUs.toFixed(0)} µs CPU/task\n`);
      }
    }
    await bench.stopWorkers();
    for (const system of systems) rows.push({ workers, system, runs: results[system] });
  }
} finally {
  await bench.close();
  await redis.stop();
}

const fmt = (x, digits = 0) => x.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
console.log('| workers | run | tasks/s | (each run) | wall | coordinator CPU/task | redis-server CPU/task | workers\' CPU/task | × flow tasks/s |');
console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|');
for (const row of rows) {
  const m = (key) => median(row.runs.map((run) => run[key]));
  const flow = rows.find((other) => other.workers === row.workers && other.system === 'flow');
  const ratio = flow ? (m('perSecond') / median(flow.runs.map((run) => run.perSecond))).toFixed(2) : '–';
  console.log(`| ${row.workers} | ${SYSTEMS[row.system].label} | ${fmt(m('perSecond'))} | ${row.runs.map((run) => fmt(run.perSecond)).join(', ')} | ${fmt(m('ms') / 1000, 2)} s | ${fmt(m('coordinatorUs'))} µs | ${fmt(m('redisUs'))} µs | ${fmt(m('workersUs'))} µs | ${ratio} |`);
}
console.log(`\n(${((Date.now() - began) / 1000).toFixed(0)} s in all)`);
