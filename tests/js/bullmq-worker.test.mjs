// SPEC §10, the worker side: startWorker in a process of its own runs
// handlers by job name against a real redis-server; results cross as
// JSON, errors as a JSON envelope (name, message, code kept), and an
// active job is cancelled across processes (its handler's signal
// aborts). The coordinator here is raw BullMQ (remote() is tested in
// bullmq-remote.test.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Job, Queue, QueueEvents } from 'bullmq';
import IORedis from 'ioredis';
import { DEFAULT_QUEUE, ERROR_PREFIX, cancelChannel, cancelKey, startWorker } from 'taskqueue-wasm/bullmq';
import { startRedis } from './redis.mjs';

const workerScript = fileURLToPath(new URL('./fixtures/bullmq-worker.mjs', import.meta.url));
let redis;
let child;
let queue;
let events;

before(async () => {
  redis = await startRedis();
  child = spawn(process.execPath, [workerScript, String(redis.port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => String(d).includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`worker exited ${code}`)));
  });
  const connection = { ...redis.connection, maxRetriesPerRequest: null };
  queue = new Queue(DEFAULT_QUEUE, { connection });
  events = new QueueEvents(DEFAULT_QUEUE, { connection });
  await events.waitUntilReady();
});

after(async () => {
  child?.kill('SIGKILL');
  await events?.close();
  await queue?.close();
  await redis?.stop();
});

const failure = (reason) => {
  assert.ok(reason.startsWith(ERROR_PREFIX), reason);
  return JSON.parse(reason.slice(ERROR_PREFIX.length));
};

test('a handler runs in the worker process; its result crosses as JSON', async () => {
  const job = await queue.add('double', { x: 21 }, { jobId: 'run-a-double-a1', attempts: 1 });
  const result = await job.waitUntilFinished(events, 10_000);
  assert.deepEqual(result, { doubled: 42, pid: child.pid });
});

test("a handler's error fails the job with its name, message and code as JSON; a job with no handler too", async () => {
  const job = await queue.add('boom', {}, { jobId: 'run-a-boom-a1', attempts: 3 });
  await assert.rejects(job.waitUntilFinished(events, 10_000));
  const stored = await Job.fromId(queue, 'run-a-boom-a1');
  const error = failure(stored.failedReason);
  assert.deepEqual([error.name, error.message, error.code], ['TypeError', 'bad input', 'E_BAD']);
  assert.match(error.stack, /TypeError: bad input/);
  assert.equal(stored.attemptsMade, 1, 'not retried by BullMQ: retries are the make\'s');
  const none = await queue.add('nope', {}, { jobId: 'run-a-nope-a1' });
  await assert.rejects(none.waitUntilFinished(events, 10_000));
  assert.match(failure((await Job.fromId(queue, 'run-a-nope-a1')).failedReason).message, /no handler for job 'nope' on this worker \(it has: double, boom, wait\)/);
});

test("an active job is cancelled from another process: its handler's signal aborts", async () => {
  const job = await queue.add('wait', {}, { jobId: 'run-a-wait-a1' });
  for (let i = 0; i < 100 && (await job.getState()) !== 'active'; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(await job.getState(), 'active');
  const client = new IORedis(redis.connection);
  await client.set(cancelKey(job.id), 'task cancelled', 'PX', 60_000);
  const started = Date.now();
  assert.equal(await client.publish(cancelChannel(DEFAULT_QUEUE), JSON.stringify({ jobId: job.id, reason: 'task cancelled' })), 1, 'the worker listens');
  await assert.rejects(job.waitUntilFinished(events, 10_000));
  assert.ok(Date.now() - started < 5000);
  const error = failure((await Job.fromId(queue, job.id)).failedReason);
  assert.equal(error.name, 'AbortError');
  assert.match(error.message, /aborted \(CancellationError\): task cancelled/, "the handler's signal aborts with an Error");
  // A job marked cancelled before a worker takes it never reaches its handler.
  await client.set(cancelKey('run-a-double-a2'), 'cancelled while waiting', 'PX', 60_000);
  const late = await queue.add('double', { x: 1 }, { jobId: 'run-a-double-a2' });
  await assert.rejects(late.waitUntilFinished(events, 10_000));
  const lateError = failure((await Job.fromId(queue, late.id)).failedReason);
  assert.deepEqual([lateError.name, lateError.message], ['CancellationError', 'cancelled while waiting']);
  await client.quit();
});

test('bad worker arguments are clear errors', async () => {
  await assert.rejects(startWorker(null, {}), /startWorker: connection must be BullMQ's connection options .* or a redis:\/\/ URL, got null/);
  await assert.rejects(startWorker('http://x', {}), /a connection URL must be redis:\/\/… or rediss:\/\/…, got 'http:\/\/x'/);
  await assert.rejects(startWorker({}, { x: 1 }), /handler 'x' must be a function, got number 1/);
  await assert.rejects(startWorker({}, {}, { queues: 'q' }), /unknown option 'queues'/);
  await assert.rejects(startWorker({}, {}, { concurrency: 0 }), RangeError);
});
