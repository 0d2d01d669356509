// The wire format between a coordinating make (remote.mjs) and its
// workers (worker.mjs), and what both need. Loads nothing of the core.
//
// - a job's name is the handler's name, its data the handler's data;
// - a handler's result is the job's return value (JSON);
// - a handler's error fails the job with an UnrecoverableError whose
//   message is `TQERR1` + JSON { name, message, stack, code } (BullMQ
//   keeps only the message; retries are the make's, never BullMQ's);
// - cancelling an active job: the key `tq:cancel:<jobId>` is set and
//   { jobId, reason } published (JSON) on the channel
//   `tq:cancel:<queue>`, to which every worker of the queue subscribes;
//   the worker running it aborts the handler's signal. (A channel of
//   cancels only: the queue's event stream, which every worker would
//   read in full, cost the workers and Redis more than the jobs did.)

import { UnrecoverableError } from 'bullmq';
import { describe } from '../describe.mjs';

export { describe };

/** The prefix of a failed job's message that carries a handler's error as JSON. */
export const ERROR_PREFIX = 'TQERR1';
/** The pub/sub channel on which a queue's active jobs are cancelled. */
export const cancelChannel = (queue) => `tq:cancel:${queue}`;
/** The key that marks a job cancelled, for a worker that takes it late. */
export const cancelKey = (jobId) => `tq:cancel:${jobId}`;
/** The queue a worker serves unless told otherwise. */
export const DEFAULT_QUEUE = 'taskqueue';

/**
 * BullMQ's connection options from what a user gives: the options
 * themselves (`{ host, port, password, db, tls, ... }`), or a URL
 * `redis[s]://[[user]:password@]host[:port][/db]` (rediss: TLS).
 */
export function connectionOptions(connection, who) {
  if (typeof connection === 'string') {
    let url;
    try {
      url = new URL(connection);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'redis:' && url.protocol !== 'rediss:')) throw new TypeError(`${who}: a connection URL must be redis://… or rediss://…, got '${connection}'`);
    const options = { host: url.hostname || '127.0.0.1', port: Number(url.port || 6379) };
    if (url.username) options.username = decodeURIComponent(url.username);
    if (url.password) options.password = decodeURIComponent(url.password);
    if (url.pathname.length > 1) {
      options.db = Number(url.pathname.slice(1));
      if (!Number.isInteger(options.db) || options.db < 0) throw new TypeError(`${who}: the database in '${connection}' must be a number`);
    }
    if (url.protocol === 'rediss:') options.tls = {};
    return options;
  }
  if (connection === null || typeof connection !== 'object' || Array.isArray(connection)) {
    throw new TypeError(`${who}: connection must be BullMQ's connection options ({ host, port, ... }) or a redis:// URL, got ${describe(connection)}`);
  }
  return connection;
}

/**
 * The data of a job a run adds: the handler's data, and which task
 * attempt it is (`runId`, `key`, `attempt`), for the handler's context.
 */
export const wrapData = (data, runId, key, attempt) => ({ tq: { v: 1, runId, key, attempt }, data });

/** A job's data as the handler takes it, and the run's facts if a run added it. */
export function unwrapData(data) {
  if (data !== null && typeof data === 'object' && data.tq?.v === 1 && 'data' in data) {
    const { runId, key, attempt } = data.tq;
    return { data: data.data, runId, key, attempt };
  }
  return { data, runId: undefined, key: undefined, attempt: undefined };
}

/**
 * The reason a cancel gives a handler's signal: an Error named as the
 * coordinator's reason was (`CancellationError`, `TimeoutError`, ...),
 * from the text `Name: message` it crossed as.
 */
export function reasonError(reason) {
  if (reason instanceof Error) return reason;
  const text = String(reason ?? 'cancelled');
  const match = /^(\w*Error): ([\s\S]*)$/.exec(text);
  const error = new Error(match ? match[2] : text);
  error.name = match ? match[1] : 'CancellationError';
  return error;
}

/** A handler's error as the job's failure: JSON the coordinator turns back into an Error. */
export function errorEnvelope(error) {
  const kept = error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack, code: error.code }
    : { name: 'Error', message: String(error) };
  return new UnrecoverableError(ERROR_PREFIX + JSON.stringify(kept));
}

/**
 * A failed job's reason as the Error the task fails with: the handler's
 * name, message, stack and code when it carries them, `remote` true and
 * `jobId` the job's id.
 */
export function remoteError(failedReason, jobId) {
  const reason = String(failedReason ?? '');
  let kept;
  if (reason.startsWith(ERROR_PREFIX)) {
    try {
      kept = JSON.parse(reason.slice(ERROR_PREFIX.length));
    } catch {
      kept = undefined;
    }
  }
  // Not one of ours: BullMQ's own (a job stalled too often, say).
  kept ??= { name: 'BullMQError', message: reason };
  const error = new Error(String(kept.message ?? ''));
  error.name = String(kept.name ?? 'Error');
  if (typeof kept.stack === 'string') error.stack = kept.stack;
  if (kept.code !== undefined && kept.code !== null) error.code = kept.code;
  error.remote = true;
  error.jobId = jobId;
  return error;
}
