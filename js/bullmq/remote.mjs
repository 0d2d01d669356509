// remote(jobName, data?, options?) (SPEC §10): a task function that runs
// as a BullMQ job on some worker. The run it belongs to (connection,
// queue, run id) is the redisStore of the make or queue run that records
// the task, or `options.store`.

import { keyOf, recordersOf } from '../recording.mjs';
import { describe } from './wire.mjs';
import { checkJobOptions, RUN } from './store.mjs';

const OPTIONS = new Set(['store', 'jobOptions']);

/** The run and recorder a remote task's attempt belongs to. */
function runOf(task, store) {
  for (const recorder of recordersOf(task)) {
    if (store === undefined ? recorder.store?.[RUN] !== undefined : recorder.store === store) return { run: recorder.store[RUN], recorder };
  }
  return { run: store?.[RUN], recorder: undefined };
}

/**
 * A task function that adds the BullMQ job `jobName` with `data` (or
 * `data(task)`, computed as each attempt starts) and resolves or rejects
 * with its outcome. Job ids are `<runId>-<task key>-a<attempt>`.
 */
export function remote(jobName, data, options = {}) {
  if (typeof jobName !== 'string' || jobName === '') throw new TypeError(`remote: jobName must be a non-empty string, got ${describe(jobName)}`);
  if (options === null || typeof options !== 'object') throw new TypeError(`remote('${jobName}'): options must be an object, got ${describe(options)}`);
  for (const name of Object.keys(options)) {
    if (!OPTIONS.has(name)) throw new TypeError(`remote('${jobName}'): unknown option '${name}' (known: ${[...OPTIONS].join(', ')})`);
  }
  const { store } = options;
  if (store !== undefined && store?.[RUN] === undefined) throw new TypeError(`remote('${jobName}'): options.store must be a redisStore, got ${describe(store)}`);
  const jobOptions = checkJobOptions(options.jobOptions, `remote('${jobName}')`);
  if (typeof data !== 'function') checkJson(data, `remote('${jobName}')`, 'data');

  // Async, so that the make may start many remote tasks per step (it
  // ends a batch of steps after a function that may be synchronous).
  const fn = async function remoteTask() {
    const task = this;
    if (task === null || typeof task !== 'object' || typeof task.name !== 'string' || !('signal' in task)) {
      throw new TypeError(`remote('${jobName}'): the function must be a task's own (new Task(name, remote(...))), called with the task as this`);
    }
    const { run, recorder } = runOf(task, store);
    if (run === undefined) {
      throw new TypeError(`remote task '${task.name}' (job '${jobName}') has no run: make it with { store: redisStore(connection, runId) }, or pass remote(name, data, { store })`);
    }
    const payload = typeof data === 'function' ? data(task) : data;
    if (typeof data === 'function') checkJson(payload, `remote task '${task.name}' (job '${jobName}')`, 'data(task)');
    const resumed = recorder?.interrupted.delete(task) ?? false;
    return run.attempt(task, keyOf(task), jobName, payload, jobOptions, task.signal, resumed);
  };
  Object.defineProperty(fn, 'name', { value: `remote ${jobName}` });
  return fn;
}

/** A job's data must survive JSON (BullMQ stores it so). */
function checkJson(value, who, what) {
  let text;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new TypeError(`${who}: ${what} cannot be sent as JSON: ${error.message}`);
  }
  if (text === undefined && value !== undefined) throw new TypeError(`${who}: ${what} cannot be sent as JSON (${describe(value)})`);
}
