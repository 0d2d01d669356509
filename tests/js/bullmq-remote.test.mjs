// SPEC §10, the coordinator: a make of remote() tasks over BullMQ
// workers in processes of their own, against a real redis-server: every
// handler runs once, results flow through data(task), a SIGKILLed
// worker's job runs again elsewhere, a SIGKILLed coordinator restarted
// with its run id re-runs nothing and adds no job twice, aborts and
// timeouts cancel jobs, and a Redis that is unreachable or lost gives a
// clear error with the run intact.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { StoreError, Task, TimeoutError, make } from 'taskqueue-wasm';
import { redisStore, remote } from 'taskqueue-wasm/bullmq';
import { freePort, startRedis } from './redis.mjs';
import { killChildren, spawnNode, whenReady } from './child.mjs';
import { dag, key } from './fixtures/bullmq-dag.mjs';

const fixture = (name) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let redis;
let client;

before(async () => {
  redis = await startRedis();
  client = new IORedis({ ...redis.connection, maxRetriesPerRequest: null });
});

after(async () => {
  killChildren();
  client?.disconnect();
  await redis?.stop();
});

/** A process running a fixture; with `waitReady`, once it printed `ready`. */
function spawnFixture(name, args, { waitReady = false } = {}) {
  const handle = spawnNode(fixture(name), args);
  return waitReady ? whenReady(handle, /ready/, name) : handle;
}

const startWorkers = (port, n) => Promise.all(Array.from({ length: n }, () => spawnFixture('bullmq-dag-worker.mjs', [port], { waitReady: true })));
async function stopAll(handles) {
  for (const h of handles) h.child.kill('SIGKILL');
  await Promise.all(handles.map((h) => h.exited));
}

/**
 * On a Redis emptied first, with `n` worker processes and the store of
 * run `runId` (`options`: redisStore's, and `connection`): runs
 * `body({ store, workers })`, then closes the store and stops the workers.
 */
async function withRun(runId, n, body, { connection = redis.connection, ...options } = {}) {
  await client.flushall();
  const workers = await startWorkers(redis.port, n);
  const store = redisStore(connection, runId, { pollInterval: 500, ...options });
  try {
    return await body({ store, workers });
  } finally {
    await store.close();
    await stopAll(workers);
  }
}

/** Waits until `predicate()` holds (polling), or fails after `ms`. */
async function until(predicate, ms, what) {
  const end = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The n-task DAG as remote `node` jobs, values passed through data(task). */
function remoteDag(n, ms = 0, options) {
  const { requires } = dag(n);
  const tasks = requires.map((_, i) => new Task(key(i), remote('node', (task) => ({ key: key(i), inputs: requires[i].map((p) => tasks[p].result), ms }), options)));
  requires.forEach((mine, i) => mine.forEach((p) => tasks[i].require(tasks[p])));
  return tasks;
}

async function counts() {
  const kept = await client.hgetall('count');
  return new Map(Object.entries(kept).map(([k, v]) => [k, Number(v)]));
}

/** The ids of the run's jobs in the queue, in any state. */
async function jobIds(runId) {
  const ids = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `bull:taskqueue:${runId}-*`, 'COUNT', 1000);
    cursor = next;
    for (const k of keys) if (!k.slice(`bull:taskqueue:`.length).includes(':')) ids.push(k.slice('bull:taskqueue:'.length));
  } while (cursor !== '0');
  return ids;
}

test('a 200-task DAG with diamonds over three worker processes: every handler once, results through data(task)', async () => {
  await withRun('dag200', 3, async ({ store }) => {
    const tasks = remoteDag(200);
    const { value, requires } = dag(200);
    assert.ok(requires.filter((r) => r.length > 1).length > 50, 'the DAG has many joins');
    const order = [];
    for await (const task of make(tasks, { store })) order.push(task.name);
    assert.equal(order.length, 200);
    tasks.forEach((task, i) => {
      assert.equal(task.state, 'DONE', task.name);
      assert.equal(task.result, value[i], `${task.name}'s value from its prerequisites'`);
    });
    const ran = await counts();
    assert.equal(ran.size, 200);
    for (const [k, n] of ran) assert.equal(n, 1, `${k} ran ${n} times`);
    const pids = new Set(Object.values(await client.hgetall('pid')));
    assert.ok(pids.size >= 2, `jobs spread over the workers (${pids.size} pids)`);
    assert.equal((await jobIds('dag200')).length, 200, 'one job per task');
  });
});

test('a worker killed with SIGKILL mid-job: the job runs again on another worker and the make completes', async () => {
  await withRun('killworker', 2, async ({ store, workers }) => {
    const before = new Task('before', remote('node', { key: 'before', inputs: [], ms: 0 }));
    const held = new Task('held', remote('hold', { key: 'held', ms: 1500 }));
    const after = new Task('after', remote('node', (task) => ({ key: 'after', inputs: [task.required.length], ms: 0 })));
    held.require(before);
    after.require(held);
    const run = (async () => {
      const seen = [];
      for await (const task of make([before, held, after], { store })) seen.push(`${task.name} ${task.state}`);
      return seen;
    })();
    await until(async () => (await client.hget('started', 'held')) !== null, 10_000, 'the held job to start');
    const pid = Number(await client.hget('started', 'held'));
    const victim = workers.find((w) => w.child.pid === pid);
    assert.ok(victim, 'the job runs on one of our workers');
    victim.child.kill('SIGKILL');
    await victim.exited;
    const seen = await run;
    assert.deepEqual(seen, ['before DONE', 'held DONE', 'after DONE']);
    assert.equal(held.result, 'held');
    assert.equal(after.result, 2);
    const ran = await counts();
    assert.equal(ran.get('held'), 2, 'the held job ran twice: on the killed worker, then again');
    assert.equal(ran.get('before'), 1);
    assert.equal(ran.get('after'), 1);
    assert.notEqual(Number(await client.hget('pid', 'held')), pid, 'the second run was on the other worker');
    assert.deepEqual((await jobIds('killworker')).sort(), ['killworker-after-a1', 'killworker-before-a1', 'killworker-held-a1']);
  });
});

test('the coordinator killed with SIGKILL mid-run and started again with its run id: nothing DONE runs again, no job is added twice', async () => {
  await client.flushall();
  const workers = await startWorkers(redis.port, 3);
  try {
    const { value } = dag(200);
    let doneBefore = 0;
    let interrupted = 0;
    for (let round = 0; round < 3; round++) {
      const coordinator = spawnFixture('bullmq-coordinator.mjs', [redis.port, 'restart', 200, 5]);
      // Killed after a random share of what is left.
      const target = doneBefore + 10 + Math.floor(Math.random() * 40);
      await until(() => (coordinator.out().match(/^done /gm)?.length ?? 0) >= target - doneBefore || coordinator.child.exitCode !== null, 30_000, 'the coordinator to make progress');
      assert.equal(coordinator.child.exitCode, null, `the coordinator ran on:\n${coordinator.out().slice(-300)}${coordinator.err()}`);
      coordinator.child.kill('SIGKILL');
      await coordinator.exited;
      doneBefore += coordinator.out().match(/^done /gm)?.length ?? 0;
      // Tasks the store has RUNNING: their jobs were added, and the next
      // coordinator must take them up rather than add them again.
      const last = new Map();
      for (const text of await client.lrange('tq:run:restart:journal', 0, -1)) {
        const record = JSON.parse(text);
        if (record.state !== undefined) last.set(record.key, record.state);
      }
      interrupted += [...last.values()].filter((state) => state === 'RUNNING').length;
    }
    assert.ok(interrupted > 0, 'some kills cut jobs short');
    // The last one finishes (once the killed one's lock lapses, 1 s).
    const last = spawnFixture('bullmq-coordinator.mjs', [redis.port, 'restart', 200, 5]);
    const { code } = await last.exited;
    assert.equal(code, 0, `the last coordinator finished:\n${last.out().slice(-500)}\n${last.err()}`);
    assert.match(last.out(), /^finished 200$/m);
    for (const line of last.out().match(/^done .*$/gm)) {
      const [, name, state, result] = line.split(' ');
      assert.equal(state, 'DONE');
      assert.equal(Number(result), value[Number(name.slice(1))], `${name}'s value`);
    }
    const ran = await counts();
    assert.equal(ran.size, 200);
    for (const [k, n] of ran) assert.equal(n, 1, `${k} ran ${n} times`);
    const ids = await jobIds('restart');
    assert.equal(ids.length, 200, 'one job per task');
    assert.ok(ids.every((id) => id.endsWith('-a1')), 'every job is its task\'s first attempt');
  } finally {
    await stopAll(workers);
  }
});

test('aborting the make cancels active jobs (their handlers see the signal) and removes waiting ones', async () => {
  // One worker of concurrency 8: 8 jobs active, 12 waiting.
  const controller = new AbortController();
  await withRun('abort', 1, async ({ store }) => {
    const tasks = Array.from({ length: 20 }, (_, i) => new Task(`h${i}`, remote('hold', { key: `h${i}`, ms: 60_000 })));
    const run = (async () => {
      for await (const task of make(tasks, { store, signal: controller.signal })) void task;
    })();
    await until(async () => (await client.hlen('started')) === 8, 10_000, 'eight jobs to start');
    const queue = new Queue('taskqueue', { connection: redis.connection });
    assert.equal(await queue.getWaitingCount(), 12);
    controller.abort(new Error('enough'));
    await assert.rejects(run, /enough/);
    await until(async () => (await client.hlen('aborted')) === 8, 5_000, 'the eight handlers to see their signal');
    const aborted = await client.hgetall('aborted');
    assert.ok(Object.values(aborted).every((why) => /^CancellationError: /.test(why)), JSON.stringify(aborted));
    await until(async () => (await queue.getWaitingCount()) === 0 && (await queue.getActiveCount()) === 0, 5_000, 'the queue to empty');
    assert.equal((await counts()).size, 8, 'the waiting jobs never ran');
    for (const task of tasks) assert.equal(task.state, 'CANCELLED', task.name);
    await queue.close();
  });
});

test('a run aborted and started again with its run id: the jobs it cancelled run again as new attempts', async () => {
  await client.flushall();
  const workers = await startWorkers(redis.port, 1);
  try {
    const first = redisStore(redis.connection, 'again', { pollInterval: 500 });
    const controller = new AbortController();
    const held = ['x', 'y'].map((k) => new Task(k, remote('hold', { key: k, ms: 60_000 })));
    const run = (async () => {
      for await (const task of make(held, { store: first, signal: controller.signal })) void task;
    })();
    await until(async () => (await client.hlen('started')) === 2, 10_000, 'both jobs to start');
    controller.abort(new Error('stop'));
    await assert.rejects(run, /stop/);
    await first.close(); // waits for the cancels to be sent
    await until(async () => (await client.hlen('aborted')) === 2, 5_000, 'both handlers to see their signal');
    assert.match(await client.hget('aborted', 'x'), /^CancellationError: /);
    const second = redisStore(redis.connection, 'again', { pollInterval: 500 });
    const again = ['x', 'y'].map((k) => new Task(k, remote('hold', { key: k, ms: 10 })));
    for await (const task of make(again, { store: second })) assert.equal(task.state, 'DONE', `${task.name}: ${task.error}`);
    await second.close();
    assert.deepEqual((await jobIds('again')).sort(), ['again-x-a1', 'again-x-a2', 'again-y-a1', 'again-y-a2']);
  } finally {
    await stopAll(workers);
  }
});

test('pools (SPEC §12) limit the jobs handed to workers: at most the capacity run at once, all on workers', async () => {
  await withRun('pooled', 3, async ({ store }) => {
    const tasks = Array.from({ length: 10 }, (_, i) => new Task(`g${i}`, remote('span', { key: `g${i}`, ms: 80 }), { pool: 'gpu' }));
    for await (const task of make(tasks, { store, pools: { gpu: 2 } })) assert.equal(task.state, 'DONE');
    const events = (await client.lrange('spans', 0, -1)).map((line) => line.split(' ')).map(([key, what, at]) => ({ key, what, at: Number(at) }));
    assert.equal(events.length, 20);
    // Ends before starts at the same millisecond: a job ends before the next one can start.
    events.sort((a, b) => a.at - b.at || (a.what === 'end' ? -1 : 1));
    let running = 0;
    let most = 0;
    for (const e of events) {
      running += e.what === 'start' ? 1 : -1;
      most = Math.max(most, running);
    }
    assert.equal(most, 2, 'two gpu jobs at once, never more');
  });
});

test('a handler knows the run, the task key and the attempt; a connection may be a redis:// URL', async () => {
  await withRun('ctx:1', 1, async ({ store }) => {
    const task = new Task('who', remote('context', { n: 1 }), { key: 'who:am:i' });
    for await (const t of make([task], { store })) void t;
    assert.deepEqual(task.result, { runId: 'ctx:1', key: 'who:am:i', attempt: 1, jobId: 'ctx%3A1-who%3Aam%3Ai-a1', data: { n: 1 } });
  }, { connection: `redis://127.0.0.1:${redis.port}/0` });
});

test('a timeout (SPEC §8) on a remote task cancels its job; the retry is a new job', async () => {
  await withRun('timeout', 1, async ({ store }) => {
    const task = new Task('slow', remote('hold', { key: 'slow', ms: 60_000 }), { timeout: 300, retry: { attempts: 2, delay: 0 } });
    const attempts = [];
    task.onAttempt((t, record) => record.end !== undefined && attempts.push(record.outcome));
    for await (const t of make([task], { store })) void t;
    assert.equal(task.state, 'FAILED');
    assert.ok(task.error instanceof TimeoutError, String(task.error));
    assert.deepEqual(attempts, ['timeout', 'timeout']);
    await until(async () => (await client.hlen('aborted')) === 1, 5_000, 'the handler to see its signal');
    assert.match(await client.hget('aborted', 'slow'), /^TimeoutError: .*timed out/);
    assert.equal(Number((await counts()).get('slow')), 2, 'two attempts ran');
    assert.deepEqual((await jobIds('timeout')).sort(), ['timeout-slow-a1', 'timeout-slow-a2']);
  });
});

test('a handler\'s error reaches the task with its name, message, stack and code, marked remote', async () => {
  await withRun('errors', 1, async ({ store }) => {
    const missing = new Task('missing', remote('no-such-handler', { x: 1 }));
    const wrong = new Task('wrong', remote('node', { key: 'wrong', inputs: 'not an array', ms: 0 }));
    for await (const t of make([missing, wrong], { store })) void t;
    assert.equal(missing.state, 'FAILED');
    assert.equal(missing.error.remote, true);
    assert.match(missing.error.message, /no handler for job 'no-such-handler'/);
    assert.equal(missing.error.jobId, 'errors-missing-a1');
    assert.equal(wrong.error.name, 'TypeError');
    assert.match(wrong.error.message, /reduce is not a function/);
    assert.match(wrong.error.stack, /bullmq-dag-worker\.mjs/, 'the stack is the worker\'s');
    assert.equal(wrong.error.remote, true);
  });
});

test('bad input to remote() and redisStore() is a clear error', () => {
  assert.throws(() => remote(''), /jobName must be a non-empty string/);
  assert.throws(() => remote('x', undefined, { nope: 1 }), /unknown option 'nope'/);
  assert.throws(() => remote('x', { a: 1n }), /cannot be sent as JSON/);
  assert.throws(() => remote('x', undefined, { jobOptions: { attempts: 3 } }), /jobOptions.attempts is the run's to set/);
  assert.throws(() => remote('x', undefined, { store: {} }), /options.store must be a redisStore/);
  assert.throws(() => redisStore(null, 'r'), /connection must be/);
  assert.throws(() => redisStore('http://h', 'r'), /a connection URL must be redis:\/\//);
  assert.throws(() => redisStore({}, ''), /runId must be a non-empty string/);
  assert.throws(() => redisStore({}, 'r', { queue: 'a:b' }), /queue must be a non-empty string without ':'/);
  assert.throws(() => redisStore({}, 'r', { lockTtl: 5 }), RangeError);
});

test('a remote task outside a run with a redisStore fails with an error that says what to do', async () => {
  const task = new Task('lonely', remote('node', {}));
  for await (const t of make([task])) void t;
  assert.equal(task.state, 'FAILED');
  assert.match(task.error.message, /remote task 'lonely' \(job 'node'\) has no run: make it with \{ store: redisStore/);
});

test('a second coordinator of a run that is held (its lock renewed) is refused after lockTtl', async () => {
  await client.flushall();
  const first = redisStore(redis.connection, 'held', { lockTtl: 500 });
  const second = redisStore(redis.connection, 'held', { lockTtl: 500 });
  try {
    await first.load();
    const start = Date.now();
    await assert.rejects(second.load(), (error) => error instanceof StoreError && /run 'held' is held by another coordinator/.test(error.message));
    assert.ok(Date.now() - start >= 500, 'it waited for the lock to lapse');
  } finally {
    await first.close();
    await second.close();
  }
  // Released by close(): a next one takes it.
  const third = redisStore(redis.connection, 'held');
  await third.load();
  await third.close();
});

test('Redis unreachable at start: a clear StoreError, soon', async () => {
  const port = await freePort();
  const store = redisStore({ host: '127.0.0.1', port }, 'nowhere');
  const task = new Task('t', remote('node', {}));
  const start = Date.now();
  await assert.rejects(
    (async () => {
      for await (const t of make([task], { store })) void t;
    })(),
    (error) => error instanceof StoreError && error.message.includes(`127.0.0.1:${port}`) && /ECONNREFUSED|max retries/i.test(error.message),
  );
  assert.ok(Date.now() - start < 10_000);
  assert.equal(task.state, 'PENDING', 'nothing ran');
  await store.close();
});

test('Redis lost mid-run: a clear StoreError; with Redis back, a restart resumes and finishes', async () => {
  const own = await startRedis({ persist: true });
  let server = own;
  const workers = await startWorkers(own.port, 2);
  try {
    const coordinator = spawnFixture('bullmq-coordinator.mjs', [own.port, 'lost', 60, 20]);
    await until(() => (coordinator.out().match(/^done /gm)?.length ?? 0) >= 10, 20_000, 'progress');
    await own.kill();
    const { code } = await coordinator.exited;
    assert.equal(code, 2, coordinator.out().slice(-300) + coordinator.err());
    assert.match(coordinator.out(), /^error StoreError: redisStore 'lost': .* at 127\.0\.0\.1:\d+/m);
    const doneFirst = coordinator.out().match(/^done /gm).length;
    await stopAll(workers);
    server = await own.restart();
    const again = await startWorkers(server.port, 2);
    try {
      const resumed = spawnFixture('bullmq-coordinator.mjs', [server.port, 'lost', 60, 20]);
      const result = await resumed.exited;
      assert.equal(result.code, 0, resumed.out().slice(-300) + resumed.err());
      assert.match(resumed.out(), /^finished 60$/m);
      const local = new IORedis({ ...server.connection, maxRetriesPerRequest: null });
      const journal = await local.lrange('tq:run:lost:journal', 0, -1);
      const done = new Set(journal.map((t) => JSON.parse(t)).filter((r) => r.state === 'DONE').map((r) => r.key));
      assert.equal(done.size, 60, 'every task recorded DONE');
      assert.ok(doneFirst >= 10);
      local.disconnect();
    } finally {
      await stopAll(again);
    }
  } finally {
    await stopAll(workers);
    await server.stop();
  }
});
