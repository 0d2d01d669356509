// redisStore (SPEC §9, §10): a run's store in Redis, and the run of
// BullMQ jobs its remote tasks use (run.mjs). Keys, for a run id R:
// - `tq:run:R:journal`, a list: the records, one JSON text each, in the
//   order appended (an append is one script: all its records or none);
// - `tq:run:R:lock`: the coordinator that has the run (a token, expiring
//   after lockTtl ms unless renewed): a second coordinator of the same
//   run is refused, and a killed one's lock lapses;
// - `tq:run:R:attempts`: see run.mjs.
// Durability is Redis's: a record is acknowledged once in Redis's memory,
// and on disk as its persistence says (appendonly yes with appendfsync
// always or everysec; see docs/bullmq.md).

import { randomUUID } from 'node:crypto';
import IORedis from 'ioredis';
import { StoreError } from '../errors.mjs';
import { openRecorders } from '../recording.mjs';
import { connectionOptions, DEFAULT_QUEUE, describe } from './wire.mjs';
import { JobRun } from './run.mjs';

/** The run behind a redisStore (remote() looks for it). */
export const RUN = Symbol.for('taskqueue-wasm.bullmq.run.v1');

const OPTIONS = new Set(['queue', 'lockTtl', 'pollInterval', 'jobOptions']);
// Job options that are the run's to set.
const OURS = new Set(['jobId', 'attempts', 'backoff', 'removeOnComplete', 'removeOnFail', 'repeat', 'parent']);

// Appends the records if the lock is still this coordinator's (renewing it).
const APPEND = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
for i = 3, #ARGV, 1000 do
  redis.call('RPUSH', KEYS[2], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
return 1`;
const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])`;
const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`;

/** Checks the job options a user may set (priority, lifo, delay, ...). */
export function checkJobOptions(jobOptions, what) {
  if (jobOptions === undefined) return {};
  if (jobOptions === null || typeof jobOptions !== 'object' || Array.isArray(jobOptions)) throw new TypeError(`${what}: jobOptions must be an object of BullMQ job options, got ${describe(jobOptions)}`);
  for (const name of Object.keys(jobOptions)) {
    if (OURS.has(name)) throw new TypeError(`${what}: jobOptions.${name} is the run's to set (ids are deterministic, attempts are the task's retry option, finished jobs stay for the run)`);
  }
  return jobOptions;
}

/**
 * A store (SPEC §9) for the run `runId` in Redis, and the run of BullMQ
 * jobs that the make's remote() tasks use: a coordinator restarted with
 * the same run id takes up the jobs the last one had added.
 *
 * @param connection what BullMQ takes (`{ host, port, ... }`)
 * @param {string} runId the run's name, the same on every restart
 * @param {{ queue?: string, lockTtl?: number, pollInterval?: number, jobOptions?: object }} [options]
 */
export function redisStore(connection, runId, options = {}) {
  connection = connectionOptions(connection, 'redisStore');
  if (typeof runId !== 'string' || runId === '') throw new TypeError(`redisStore: runId must be a non-empty string, got ${describe(runId)}`);
  if (options === null || typeof options !== 'object') throw new TypeError(`redisStore: options must be an object, got ${describe(options)}`);
  for (const name of Object.keys(options)) {
    if (!OPTIONS.has(name)) throw new TypeError(`redisStore: unknown option '${name}' (known: ${[...OPTIONS].join(', ')})`);
  }
  const { queue = DEFAULT_QUEUE, lockTtl = 15_000, pollInterval = 2_000 } = options;
  if (typeof queue !== 'string' || queue === '' || queue.includes(':')) throw new TypeError(`redisStore: queue must be a non-empty string without ':', got ${describe(queue)}`);
  for (const [name, value, least] of [['lockTtl', lockTtl, 100], ['pollInterval', pollInterval, 10]]) {
    if (!Number.isInteger(value) || value < least) throw new RangeError(`redisStore: ${name} must be an integer of at least ${least} (ms), got ${describe(value)}`);
  }
  const jobOptions = checkJobOptions(options.jobOptions, 'redisStore');

  const where = connection.path ?? `${connection.host ?? 'localhost'}:${connection.port ?? 6379}`;
  let lastError; // the client's last connection error, for messages
  // Our own client: commands fail after two reconnection attempts, so
  // that a Redis that is unreachable or lost ends the run with a clear
  // error rather than a make that waits for ever.
  const client = new IORedis({ ...connection, lazyConnect: true, maxRetriesPerRequest: 2 });
  client.on('error', (error) => (lastError = error));
  // Scripts by SHA (EVALSHA, the text sent once).
  client.defineCommand('tqAppend', { numberOfKeys: 2, lua: APPEND });
  client.defineCommand('tqRenew', { numberOfKeys: 1, lua: RENEW });
  client.defineCommand('tqRelease', { numberOfKeys: 1, lua: RELEASE });
  const keys = { journal: `tq:run:${runId}:journal`, lock: `tq:run:${runId}:lock` };
  const token = randomUUID();
  const run = new JobRun({ connection, runId, queue, pollInterval, jobOptions, client });
  let held = false; // the lock is ours
  let renewer;
  let closed = false;

  const trouble = (doing, error) => {
    if (error instanceof StoreError) return error;
    const cause = lastError !== undefined && lastError !== error ? ` (${lastError.message})` : '';
    return new StoreError(`redisStore '${runId}': ${doing} at ${where}: ${error?.message ?? error}${cause}`, { cause: error });
  };
  const usable = (what) => {
    if (closed) throw new StoreError(`redisStore '${runId}': ${what} after close()`);
  };
  // The run is lost (Redis gone, or the lock taken): records stop (the
  // recorders of makes using this store fail at their next flush) and
  // tasks waiting on jobs fail with the same error.
  const lose = (error) => {
    for (const recorder of openRecorders) {
      if (recorder.store === store) recorder.failure ??= error;
    }
    run.fail(error);
  };

  async function lock() {
    if (held) return;
    // A coordinator that was killed leaves its lock to lapse: wait for
    // that (a restart soon after a crash goes on). A live one renews
    // it, so a lock still held after lockTtl is another coordinator's.
    const deadline = Date.now() + lockTtl + 100;
    while ((await client.set(keys.lock, token, 'PX', lockTtl, 'NX')) === null) {
      if (Date.now() > deadline) throw new StoreError(`redisStore: run '${runId}' is held by another coordinator (its lock was renewed for over ${lockTtl} ms)`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(100, lockTtl / 10)));
    }
    held = true;
    renewer = setInterval(async () => {
      try {
        if ((await client.tqRenew(keys.lock, token, lockTtl)) !== 1) {
          lose(new StoreError(`redisStore: run '${runId}' lost its lock (another coordinator took it)`));
        }
      } catch (error) {
        lose(trouble('Redis was lost', error));
      }
    }, Math.max(Math.floor(lockTtl / 3), 30));
    renewer.unref?.();
  }

  const store = {
    runId,
    queue,
    [RUN]: run,
    async load() {
      usable('load()');
      let texts;
      try {
        await lock();
        texts = await client.lrange(keys.journal, 0, -1);
      } catch (error) {
        throw trouble('the run could not be read', error);
      }
      return texts.map((text, i) => {
        try {
          return JSON.parse(text);
        } catch {
          throw new StoreError(`redisStore '${runId}': record ${i} of ${keys.journal} is not JSON: ${text.slice(0, 80)}`);
        }
      });
    },
    async append(records) {
      usable('append()');
      if (!Array.isArray(records)) throw new TypeError('redisStore: append() takes an array of records');
      if (records.length === 0) return;
      const texts = records.map((record) => JSON.stringify(record));
      let done;
      try {
        if (!held) await lock();
        done = await client.tqAppend(keys.lock, keys.journal, token, lockTtl, ...texts);
      } catch (error) {
        const failure = trouble(`${records.length} record${records.length === 1 ? '' : 's'} could not be kept`, error);
        lose(failure);
        throw failure;
      }
      if (done !== 1) {
        const failure = new StoreError(`redisStore: run '${runId}' lost its lock (another coordinator took it): records not kept`);
        lose(failure);
        throw failure;
      }
    },
    /** Lets go of the run (its lock) and closes its connections; tasks still waiting on jobs fail. */
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(renewer);
      await run.close(new StoreError(`redisStore '${runId}' was closed`));
      if (held) await client.tqRelease(keys.lock, token).catch(() => {});
      held = false;
      client.disconnect();
    },
    /** Deletes the run's journal, attempt numbers and lock (not its jobs): for a run that is over. */
    async clear() {
      usable('clear()');
      await client.del(keys.journal, run.attemptsKey, keys.lock);
      held = false;
    },
  };
  return store;
}
