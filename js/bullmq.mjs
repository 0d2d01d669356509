// taskqueue-wasm/bullmq (SPEC §10), the worker side so far: startWorker
// runs handlers by job name in any process, for jobs a coordinating make
// adds. bullmq is a peer dependency: only this module imports it. The
// facts this stands on are in docs/bullmq-notes.md.
//
// The wire format, shared with the coordinator (remote(), to come):
// - a job's name is the handler's name, its data the handler's data;
// - a handler's result is the job's return value (JSON);
// - a handler's error fails the job with an UnrecoverableError whose
//   message is `TQERR1` + JSON { name, message, stack, code } (BullMQ
//   keeps only the message; retries are the make's, never BullMQ's);
// - cancelling an active job: the key `tq:cancel:<jobId>` is set and the
//   custom event `tq-cancel` { jobId, reason } published on the queue's
//   events; the worker running it aborts the handler's signal.

import { QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import IORedis from 'ioredis'; // bullmq 6's own peer dependency for Redis

/** A value, named for an error message (this module loads nothing of the core). */
function describe(value) {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  if (typeof value === 'string') return `'${value}'`;
  return `${typeof value} ${String(value)}`;
}

/** The prefix of a failed job's message that carries a handler's error as JSON. */
export const ERROR_PREFIX = 'TQERR1';
/** The custom QueueEvents event that cancels an active job. */
export const CANCEL_EVENT = 'tq-cancel';
/** The key that marks a job cancelled, for a worker that takes it late. */
export const cancelKey = (jobId) => `tq:cancel:${jobId}`;
/** The queue a worker serves unless told otherwise. */
export const DEFAULT_QUEUE = 'taskqueue';

const WORKER_OPTIONS = new Set(['queue', 'concurrency', 'lockDuration', 'stalledInterval']);

/** A handler's error as the job's failure: JSON the coordinator turns back into an Error. */
export function errorEnvelope(error) {
  const kept = error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack, code: error.code }
    : { name: 'Error', message: String(error) };
  return new UnrecoverableError(ERROR_PREFIX + JSON.stringify(kept));
}

/**
 * Starts a BullMQ worker for the queue `options.queue` (default
 * 'taskqueue') that runs `handlers[job.name](job.data, { signal, job })`.
 * `signal` aborts when the coordinating make cancels the task (cancel,
 * abort, a timeout). Resolves, once connected, to `{ worker, close() }`.
 * `connection` is what BullMQ takes (`{ host, port, ... }`).
 */
export async function startWorker(connection, handlers, options = {}) {
  if (connection === null || typeof connection !== 'object') throw new TypeError(`startWorker: connection must be BullMQ's connection options, got ${describe(connection)}`);
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
    if (cancelled !== null) throw errorEnvelope(Object.assign(new Error(cancelled), { name: 'CancellationError' }));
    try {
      return await handler(job.data, { signal, job });
    } catch (error) {
      throw errorEnvelope(error);
    }
  };
  const markers = new IORedis({ ...connection, maxRetriesPerRequest: null, lazyConnect: false });
  markers.on('error', () => {}); // reconnects; a read that fails fails its job
  const worker = new Worker(queue, processor, settings);
  const events = new QueueEvents(queue, { connection });
  events.on(CANCEL_EVENT, ({ jobId, reason }) => worker.cancelJob(jobId, reason));
  worker.on('error', () => {}); // connection trouble: BullMQ reconnects
  events.on('error', () => {});
  await Promise.all([worker.waitUntilReady(), events.waitUntilReady()]);
  return {
    worker,
    async close() {
      await worker.close();
      await events.close();
      await markers.quit();
    },
  };
}
