// A coordinated run on BullMQ (SPEC §10): what a redisStore holds for
// the make that uses it. The store's part (the journal, the run's lock)
// is in store.mjs; this is the jobs' part: adding a task attempt's job
// under a deterministic id, hearing its outcome, cancelling it.
//
// Keys, for a run id R and a task key K (both escaped, see `idPart`):
// - the job of attempt N of K is `R-K-aN` (BullMQ refuses ':' in ids and
//   ids that look like integers; the `-aN` tail rules the second out);
// - `tq:run:R:attempts`, a hash: K -> the number of K's last attempt
//   whose job was (or was about to be) added. A new attempt increments
//   it; the first attempt of a task the store had RUNNING (a coordinator
//   killed mid-run) reads it instead, and so takes up the job it had
//   added, finished or not, rather than adding another.
//
// Outcomes come from one QueueEvents per run, read from the events
// stream's end as it was before the first job (no event is missed); a
// sweep asks Redis for the jobs that have waited longer than
// `pollInterval`, in case the stream was trimmed past them.

import { Job, Queue, QueueEvents } from 'bullmq';
import { cancelChannel, cancelKey, remoteError, wrapData } from './wire.mjs';

// BullMQ's default keeps 10,000 events; a coordinator that falls behind
// by more would only hear of its jobs through the sweep.
const EVENTS_KEPT = 100_000;
// How long a cancel marker waits for a worker that takes its job late.
const MARK_MS = 24 * 3600 * 1000;
// How long close() waits for BullMQ's connections to close gracefully.
const CLOSE_MS = 1000;

/** A run id or task key as part of a job id: ':' (and '%') escaped. */
export const idPart = (text) => text.replace(/%/g, '%25').replace(/:/g, '%3A');

export class JobRun {
  /**
   * @param connection BullMQ's connection options
   * @param client the store's ioredis client (attempt numbers, markers)
   */
  constructor({ connection, runId, queue, pollInterval, jobOptions, client }) {
    this.connection = connection;
    this.runId = runId;
    this.queueName = queue;
    this.pollInterval = pollInterval;
    this.jobOptions = jobOptions;
    this.client = client;
    this.attemptsKey = `tq:run:${runId}:attempts`;
    this.waiters = new Map(); // job id -> { resolve, reject, since, added }
    this.toAdd = []; // jobs for the next addBulk
    this.adding = undefined; // the scheduled addBulk
    this.started = undefined; // promise of start()
    this.failure = undefined; // the run cannot go on (Redis lost, closed)
    this.queue = undefined;
    this.events = undefined;
    this.sweeper = undefined;
    this.cancelling = new Set(); // cancels under way (close() waits for them)
  }

  /** Opens the queue, its events and the cancel channel, once. */
  start() {
    this.started ??= this.open();
    return this.started;
  }

  async open() {
    const connection = this.connection;
    const queue = new Queue(this.queueName, { connection, streams: { events: { maxLen: EVENTS_KEPT } } });
    queue.on('error', () => {}); // reconnects; what fails shows in a call
    this.queue = queue;
    const last = await this.client.xrevrange(queue.keys.events, '+', '-', 'COUNT', 1);
    const events = new QueueEvents(this.queueName, { connection, lastEventId: last[0]?.[0] ?? '0-0' });
    events.on('error', () => {});
    events.on('completed', ({ jobId, returnvalue }) => this.settle(jobId, true, returnvalue));
    events.on('failed', ({ jobId, failedReason }) => this.settle(jobId, false, failedReason));
    this.events = events;
    await events.waitUntilReady();
    this.sweeper = setInterval(() => this.sweep().catch(() => {}), this.pollInterval);
    this.sweeper.unref?.();
  }

  /**
   * Runs one attempt of `task` as the job `name` with `data`: resolves
   * with the handler's result, rejects with its error (`remote` true),
   * or with the signal's reason as soon as it aborts (the job is then
   * removed if waiting, its handler's signal aborted if active).
   */
  async attempt(task, key, name, data, options, signal, resumed) {
    if (this.failure !== undefined) throw this.failure;
    await this.start();
    signal.throwIfAborted();
    let number = 0;
    if (resumed) number = Number(await this.client.hget(this.attemptsKey, key)) || 0;
    const resuming = number > 0;
    if (!resuming) number = await this.client.hincrby(this.attemptsKey, key, 1);
    const jobId = `${idPart(this.runId)}-${idPart(key)}-a${number}`;
    signal.throwIfAborted(); // the number is spent; the job is not added
    if (this.failure !== undefined) throw this.failure;
    return new Promise((resolve, reject) => {
      // `jobId`: the job waited on (a resumed attempt may move to a new one).
      const waiter = { resolve, reject, since: Date.now(), added: false, task, jobId };
      this.waiters.set(jobId, waiter);
      const onAbort = () => {
        const id = waiter.jobId;
        if (this.waiters.get(id) !== waiter) return;
        this.waiters.delete(id);
        reject(signal.reason);
        const cancelling = this.cancel(id, signal.reason).catch(() => {});
        this.cancelling.add(cancelling);
        cancelling.then(() => this.cancelling.delete(cancelling));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      waiter.done = () => signal.removeEventListener('abort', onAbort);
      const opts = { ...this.jobOptions, ...options, jobId, attempts: 1 };
      const wrapped = wrapData(data, this.runId, key, number);
      if (resuming) this.takeUp(jobId, name, wrapped, opts, waiter, key);
      else this.add(jobId, name, wrapped, opts, waiter);
    });
  }

  /** Queues a job for the next addBulk (jobs added in one go per turn). */
  add(jobId, name, data, opts, waiter) {
    this.toAdd.push({ name, data, opts, waiter });
    this.adding ??= setImmediate(() => this.addNow());
  }

  async addNow() {
    this.adding = undefined;
    // Jobs cancelled before their turn are not added.
    const jobs = this.toAdd.filter((job) => this.waiters.get(job.opts.jobId) === job.waiter);
    this.toAdd = [];
    if (jobs.length === 0) return;
    try {
      await this.queue.addBulk(jobs.map(({ name, data, opts }) => ({ name, data, opts })));
      for (const job of jobs) job.waiter.added = true;
    } catch (error) {
      for (const job of jobs) this.drop(job.opts.jobId, new Error(`job '${job.opts.jobId}' could not be added to queue '${this.queueName}': ${error?.message ?? error}`, { cause: error }));
    }
  }

  /**
   * A resumed attempt: the job it had added, if there, else added now.
   * A job that this run cancelled (the make was aborted, say) is not an
   * outcome of the task's: a new attempt is added instead.
   */
  async takeUp(jobId, name, data, opts, waiter, key) {
    try {
      const job = await Job.fromId(this.queue, jobId);
      if (job === undefined) {
        this.add(jobId, name, data, opts, waiter);
        return;
      }
      const state = await job.getState();
      if (state === 'failed' && (await this.client.exists(cancelKey(jobId))) === 1) {
        const number = await this.client.hincrby(this.attemptsKey, key, 1);
        const next = opts.jobId.replace(/-a\d+$/, `-a${number}`);
        if (this.waiters.get(jobId) !== waiter) return; // cancelled meanwhile
        this.waiters.delete(jobId);
        this.waiters.set(next, waiter);
        waiter.jobId = next;
        data.tq.attempt = number;
        this.add(next, name, data, { ...opts, jobId: next }, waiter);
        return;
      }
      waiter.added = true;
      if (state === 'completed') this.settle(jobId, true, job.returnvalue);
      else if (state === 'failed') this.settle(jobId, false, job.failedReason);
    } catch (error) {
      this.drop(jobId, error);
    }
  }

  /** An outcome heard: the waiting attempt (if any: this run's, not cancelled) settles. */
  settle(jobId, completed, value) {
    const waiter = this.waiters.get(jobId);
    if (waiter === undefined) return;
    this.waiters.delete(jobId);
    waiter.done();
    if (completed) waiter.resolve(value ?? undefined);
    else waiter.reject(remoteError(value, jobId));
  }

  drop(jobId, error) {
    const waiter = this.waiters.get(jobId);
    if (waiter === undefined) return;
    this.waiters.delete(jobId);
    waiter.done();
    waiter.reject(error);
  }

  /** Removes a waiting job; marks an active one cancelled and tells its worker. */
  async cancel(jobId, reason) {
    const why = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
    await this.client.set(cancelKey(jobId), why, 'PX', MARK_MS);
    const removed = await this.queue.remove(jobId);
    // Active (or finishing): the worker running it hears it on the
    // queue's cancel channel and aborts the handler's signal.
    if (removed === 0) await this.client.publish(cancelChannel(this.queueName), JSON.stringify({ jobId, reason: why }));
  }

  /** Asks Redis for the jobs waited on for longer than pollInterval. */
  async sweep() {
    const before = Date.now() - this.pollInterval;
    const ids = [];
    for (const [jobId, waiter] of this.waiters) {
      if (waiter.added && waiter.since < before) ids.push(jobId);
    }
    if (ids.length === 0) return;
    const pipeline = this.client.pipeline();
    for (const id of ids) pipeline.hmget(this.queue.toKey(id), 'finishedOn', 'returnvalue', 'failedReason', 'timestamp');
    const replies = await pipeline.exec();
    replies.forEach(([error, fields], i) => {
      if (error || !Array.isArray(fields)) return;
      const [finishedOn, returnvalue, failedReason, timestamp] = fields;
      if (timestamp === null) this.drop(ids[i], new Error(`job '${ids[i]}' is gone from queue '${this.queueName}' (removed by someone else?)`));
      else if (finishedOn === null) return;
      else if (failedReason !== null) this.settle(ids[i], false, failedReason);
      else this.settle(ids[i], true, parse(returnvalue));
    });
  }

  /** The run cannot go on: every attempt waiting rejects with `error`. */
  fail(error) {
    this.failure ??= error;
    for (const jobId of [...this.waiters.keys()]) this.drop(jobId, this.failure);
  }

  async close(error) {
    this.fail(error);
    clearInterval(this.sweeper);
    await Promise.race([Promise.allSettled(this.cancelling), new Promise((resolve) => setTimeout(resolve, CLOSE_MS).unref?.())]);
    if (this.adding !== undefined) clearImmediate(this.adding);
    this.adding = undefined;
    await this.started?.catch(() => {});
    const parts = [this.events, this.queue].filter((part) => part !== undefined);
    // Gracefully if Redis answers; a Redis that is gone would keep
    // BullMQ's close() waiting for a reconnection: cut off after a while.
    let timer;
    const cutOff = new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_MS)));
    await Promise.race([Promise.allSettled(parts.map((part) => part.close())), cutOff]);
    clearTimeout(timer);
    // Stops reconnecting (a no-op once closed). Not awaited: with Redis
    // gone, ioredis may never say 'end', which BullMQ waits for.
    for (const part of parts) part.disconnect?.().catch(() => {});
  }
}

function parse(text) {
  if (text === null || text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
