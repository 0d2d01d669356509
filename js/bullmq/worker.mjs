// startWorker (SPEC §10): runs handlers by job name in any process, for
// the jobs a coordinating make adds (remote.mjs). Loads nothing of the
// core. The facts this stands on are in docs/bullmq-notes.md.

import { Worker } from 'bullmq';
import IORedis from 'ioredis'; // bullmq 6's own peer dependency for Redis
import { cancelChannel, cancelKey, connectionOptions, DEFAULT_QUEUE, describe, errorEnvelope, reasonError, unwrapData } from './wire.mjs';

const WORKER_OPTIONS = new Set(['queue', 'concurrency', 'lockDuration', 'stalledInterval']);

/**
 * Starts a BullMQ worker for the queue `options.queue` (default
 * 'taskqueue') that runs `handlers[job.name](job.data, { signal, job })`.
 * `signal` aborts when the coordinating make cancels the task (cancel,
 * abort, a timeout). Resolves, once connected, to `{ worker, close() }`.
 * `connection` is what BullMQ takes (`{ host, port, ... }`).
 */
export async function startWorker(connection, handlers, options = {}) {
  connection = connectionOptions(connection, 'startWorker');
  if (handlers === null || typeof handlers !== 'object') throw new TypeError(`startWorker: handlers must be an object of functions by job name, got ${describe(handlers)}`);
  for (const [name, handler] of Object.entries(handlers)) {
    if (typeof handler !== 'function') throw new TypeError(`startWorker: handler '${name}' must be a function, got ${describe(handler)}`);
  }
  if (options === null || typeof options !== 'object') throw new TypeError(`startWorker: options must be an object, got ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (!WORKER_OPTIONS.has(key)) throw new TypeError(`startWorker: unknown option '${key}' (known: ${[...WORKER_OPTIONS].join(', ')})`);
  }
  const { queue = DEFAULT_QUEUE, concurrency = 1, lockDuration, stalledInterval } = options;
  if (typeof queue !== 'string' || queue === '') throw new TypeError(`startWorker: queue must be a non-empty string, got ${describe(queue)}`);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`startWorker: concurrency must be a positive integer, got ${describe(concurrency)}`);
  const settings = { connection, concurrency, maxStalledCount: 1 };
  if (lockDuration !== undefined) settings.lockDuration = lockDuration;
  if (stalledInterval !== undefined) settings.stalledInterval = stalledInterval;
  // Three parameters: BullMQ makes a signal only for a processor that
  // declares one.
  const processor = async (job, token, signal) => {
    const handler = handlers[job.name];
    if (handler === undefined) throw errorEnvelope(new Error(`no handler for job '${job.name}' on this worker (it has: ${Object.keys(handlers).join(', ')})`));
    const cancelled = await markers.get(cancelKey(job.id));
    if (cancelled !== null) throw errorEnvelope(reasonError(cancelled));
    // The handler's own signal, whose reason is an Error (BullMQ's
    // cancelJob aborts with the text it was given).
    const controller = new AbortController();
    const onAbort = () => controller.abort(reasonError(signal.reason));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const { data, runId, key, attempt } = unwrapData(job.data);
    try {
      return await handler(data, { signal: controller.signal, job, runId, key, attempt });
    } catch (error) {
      throw errorEnvelope(error);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  };
  const markers = new IORedis({ ...connection, maxRetriesPerRequest: null, lazyConnect: false });
  markers.on('error', () => {}); // reconnects; a read that fails fails its job
  const worker = new Worker(queue, processor, settings);
  // Cancels of active jobs (see wire.mjs); a job not running here is
  // not cancelled by it (cancelJob returns false).
  const cancels = new IORedis({ ...connection, maxRetriesPerRequest: null, lazyConnect: false });
  cancels.on('error', () => {}); // reconnects, and subscribes again
  cancels.on('message', (channel, message) => {
    try {
      const { jobId, reason } = JSON.parse(message);
      worker.cancelJob(jobId, reason);
    } catch {
      // Not ours: ignored.
    }
  });
  worker.on('error', () => {}); // connection trouble: BullMQ reconnects
  await Promise.all([worker.waitUntilReady(), cancels.subscribe(cancelChannel(queue))]);
  return {
    worker,
    async close() {
      await worker.close();
      await cancels.quit();
      await markers.quit();
    },
  };
}
