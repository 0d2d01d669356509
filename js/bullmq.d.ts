// taskqueue-wasm/bullmq (SPEC §10): the worker side so far.
import type { Job, ConnectionOptions, Worker } from 'bullmq';

/** What a handler gets besides the job's data. */
export interface HandlerContext {
  /** Aborts when the coordinating make cancels the task (cancel, abort, a timeout). */
  signal: AbortSignal;
  /** The BullMQ job. */
  job: Job;
}

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
  connection: ConnectionOptions,
  handlers: Record<string, Handler>,
  options?: WorkerOptions,
): Promise<{ worker: Worker; close(): Promise<void> }>;

/** The prefix of a failed job's message that carries a handler's error as JSON. */
export const ERROR_PREFIX: string;
/** The custom QueueEvents event that cancels an active job. */
export const CANCEL_EVENT: string;
/** The key that marks a job cancelled. */
export function cancelKey(jobId: string): string;
/** The queue a worker serves unless told otherwise. */
export const DEFAULT_QUEUE: string;
/** A handler's error as a job failure (an UnrecoverableError carrying it as JSON). */
export function errorEnvelope(error: unknown): Error;
