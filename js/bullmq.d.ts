// taskqueue-wasm/bullmq (SPEC §10): task graphs over BullMQ workers,
// coordinated by a make. See docs/bullmq.md.
import type { ConnectionOptions, Job, JobsOptions, Worker } from 'bullmq';
import type { Store, Task, TaskFunction } from './index.js';

/** What a handler gets besides the job's data. */
export interface HandlerContext {
  /** Aborts when the coordinating make cancels the task (cancel, abort, a timeout). */
  signal: AbortSignal;
  /** The BullMQ job (its id is `<runId>-<task key>-a<attempt>`). */
  job: Job;
  /** The run, task key and attempt number of a job a run added (undefined for a job added otherwise). */
  runId: string | undefined;
  key: string | undefined;
  attempt: number | undefined;
}

/** BullMQ's connection options, or a URL `redis[s]://[[user]:password@]host[:port][/db]`. */
export type Connection = ConnectionOptions | string;

export type Handler = (data: any, context: HandlerContext) => unknown;

export interface WorkerOptions {
  /** The queue served (default 'taskqueue'). */
  queue?: string;
  /** Jobs at once on this worker (default 1). */
  concurrency?: number;
  /** BullMQ's lock and stalled-job check, ms (defaults 30,000): how soon a killed worker's job runs elsewhere. */
  lockDuration?: number;
  stalledInterval?: number;
}

/** Runs `handlers[job.name](job.data, { signal, job })` for the jobs of the queue; resolves once connected. */
export function startWorker(
  connection: Connection,
  handlers: Record<string, Handler>,
  options?: WorkerOptions,
): Promise<{ worker: Worker; close(): Promise<void> }>;

/** BullMQ job options a run lets you set (priority, lifo, delay, ...); ids, attempts and retention are the run's. */
export type RemoteJobOptions = Omit<JobsOptions, 'jobId' | 'attempts' | 'backoff' | 'removeOnComplete' | 'removeOnFail' | 'repeat' | 'parent'>;

export interface RemoteOptions {
  /** The run the jobs belong to; by default the redisStore of the make (or TaskQueue run) that records the task. */
  store?: RedisStore;
  /** Options of every job of this task. */
  jobOptions?: RemoteJobOptions;
}

/**
 * A task function that runs each attempt as the BullMQ job `jobName`
 * with `data` (or `data(task)`, computed as each attempt starts) and
 * resolves with the handler's result, or rejects with its error
 * (`RemoteError`: the worker's name, message and stack).
 */
export function remote<R = unknown>(jobName: string, data: (task: Task) => unknown, options?: RemoteOptions): TaskFunction<[], Promise<R>>;
export function remote<R = unknown>(jobName: string, data?: JsonData, options?: RemoteOptions): TaskFunction<[], Promise<R>>;

/** What a job's data may be: what JSON keeps (checked when the task runs). */
export type JsonData = string | number | boolean | null | object;

/** A handler's error as the task sees it. */
export interface RemoteError extends Error {
  /** Always true: the error was thrown on a worker. */
  remote: true;
  /** The job that failed. */
  jobId: string;
  /** The error's `code`, if it had one. */
  code?: unknown;
}

export interface RedisStoreOptions {
  /** The queue of the run's jobs (default 'taskqueue'); workers serve the same. */
  queue?: string;
  /** ms a coordinator's lock on the run lasts unless renewed (default 15,000): how long a restart after a crash may wait. */
  lockTtl?: number;
  /** ms after which a job still waited on is looked up in Redis, in case its event was missed (default 2,000). */
  pollInterval?: number;
  /** Options of every job of the run. */
  jobOptions?: RemoteJobOptions;
}

/** A store (SPEC §9) in Redis, and the run of BullMQ jobs of the make that uses it. */
export interface RedisStore extends Store {
  readonly runId: string;
  readonly queue: string;
  /** Lets go of the run and closes its connections; tasks still waiting on jobs fail. */
  close(): Promise<void>;
  /** Deletes the run's journal, attempt numbers and lock (not its jobs). */
  clear(): Promise<void>;
}

/** The store of the run `runId`: a coordinator restarted with the same id takes up where the last one stopped. */
export function redisStore(connection: Connection, runId: string, options?: RedisStoreOptions): RedisStore;

/** The prefix of a failed job's message that carries a handler's error as JSON. */
export const ERROR_PREFIX: string;
/** The Redis pub/sub channel on which the active jobs of `queue` are cancelled: messages are JSON `{ jobId, reason }`. */
export function cancelChannel(queue: string): string;
/** The key that marks a job cancelled. */
export function cancelKey(jobId: string): string;
/** The queue a worker serves unless told otherwise. */
export const DEFAULT_QUEUE: string;
/** A handler's error as a job failure (an UnrecoverableError carrying it as JSON). */
export function errorEnvelope(error: unknown): Error;
