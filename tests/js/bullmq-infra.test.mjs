// Groundwork of issue 18 (SPEC §10): the real components the BullMQ
// integration will stand on, checked where CI runs. Debian's
// redis-server starts on a free port (tests/js/redis.mjs); the pinned
// bullmq (a peer dependency of the package, a dev dependency here) runs a
// job on it, hands its processor an AbortSignal (how a task's cancel
// will reach a worker), and keeps the first job of a deterministic id
// (how a restarted coordinator will never add a job twice).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { redisCommand, startRedis } from './redis.mjs';

test('redis-server and bullmq: a job by a deterministic id runs once on a worker, whose processor gets an AbortSignal', async () => {
  const redis = await startRedis();
  const connection = { ...redis.connection, maxRetriesPerRequest: null };
  const queue = new Queue('infra', { connection });
  const events = new QueueEvents('infra', { connection });
  const runs = [];
  const worker = new Worker('infra', async (job, token, signal) => {
    runs.push(job.id);
    return { doubled: job.data.x * 2, signal: signal instanceof AbortSignal };
  }, { connection });
  try {
    await events.waitUntilReady();
    const job = await queue.add('double', { x: 21 }, { jobId: 'run-1-task-a-a1' });
    assert.deepEqual(await job.waitUntilFinished(events, 10_000), { doubled: 42, signal: true });
    await queue.add('double', { x: 99 }, { jobId: 'run-1-task-a-a1' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(runs, ['run-1-task-a-a1'], 'the same id is not run twice');
    const kept = await queue.getJob('run-1-task-a-a1');
    assert.deepEqual(kept.data, { x: 21 }, 'the first job is kept');
    assert.equal(await redisCommand(redis.port, 'PING'), '+PONG');
  } finally {
    await worker.close();
    await events.close();
    await queue.close();
    await redis.stop();
  }
});
