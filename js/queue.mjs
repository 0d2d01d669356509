// TaskQueue: a dispatch worker over a set of tasks (its three sets are
// kept in Rust).

import { TaskQueueCore } from '../pkg/taskqueue_wasm.js';
import { describe, taskInComponent, tasksIn } from './registry.mjs';
import { tasksAsDot } from './dot.mjs';
import { isTask } from './brand.mjs';
import { Recorder, checkCodec, checkStore } from './durable.mjs';

export class TaskQueue {
  constructor(tasks = [], options) {
    if (options !== undefined && (options === null || typeof options !== 'object')) {
      throw new TypeError(`TaskQueue options must be an object, got ${describe(options)}`);
    }
    this._core = new TaskQueueCore(Boolean(options?.runDependentTasks));
    this._members = new Map(); // id -> Task: the queue's tasks, kept alive with it
    for (const task of tasksIn(tasks, 'TaskQueue(tasks)')) this.add(task);
  }

  /** Adds a task (or refiles one already in the queue). */
  add(task) {
    if (!isTask(task)) throw new TypeError(`TaskQueue.add needs a Task, got ${describe(task)}`);
    this._core.add(task._id);
    this._members.set(task._id, task);
  }

  /** A completed task if any, else an unblocked pending one, else undefined; it leaves the queue. */
  get() {
    const id = this._core.get();
    if (id < 0) return undefined;
    const task = this._members.get(Number(id));
    this._members.delete(task._id);
    return task;
  }

  /**
   * Gets and runs tasks, yielding each. Stops when none is available, when
   * `signal` aborts, or after one task with `once`.
   */
  async *run(options = {}) {
    const { signal, once = false, store, codec } = options ?? {};
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError(`signal must be an AbortSignal, got ${describe(signal)}`);
    if (store !== undefined) checkStore(store);
    if (codec !== undefined) checkCodec(codec, 'codec');
    // With a store (SPEC §9): the queue's tasks are restored from it as
    // the run starts (tasks added later when they are taken), a task's
    // RUNNING is durable before its function runs and its outcome before
    // it is yielded.
    const recorder = store === undefined ? undefined : new Recorder(store, codec);
    await recorder?.open(this.tasks);
    try {
      for (;;) {
        // An aborted signal ends the run by throwing its reason (the JS
        // convention of fetch and p-queue).
        signal?.throwIfAborted();
        const task = this.get();
        if (task === undefined) return;
        if (recorder !== undefined) {
          recorder.claim(task);
          recorder.restore(task);
        }
        if (!task.isCompleted()) {
          if (recorder === undefined) await dispatchUnlessAborted(task, signal);
          else await recorded(recorder, task, () => dispatchUnlessAborted(task, signal));
        }
        for (const id of this._core.afterRun(task._id)) this._members.set(id, taskInComponent(task, id));
        yield task;
        if (once) return;
      }
    } finally {
      recorder?.close();
    }
  }

  /** The queue's tasks, in the order they joined. */
  get tasks() {
    return Array.from(this._core.tasks(), (id) => this._members.get(id));
  }

  asDot(name, options) {
    return tasksAsDot(this.tasks, name, options);
  }
}

/**
 * Runs `dispatch` with the task's RUNNING recorded and durable before,
 * and the state it ended in (whatever happened) after.
 */
async function recorded(recorder, task, dispatch) {
  const note = (state, event) => recorder.record(task, { newState: state, event, when: Date.now(), extra: {} });
  note('RUNNING', 'dispatch');
  await recorder.flush();
  try {
    await dispatch();
  } finally {
    const history = task.history;
    note(task.state, history.at(-1)?.event ?? 'dispatch');
    await recorder.flush();
  }
}

/**
 * Runs the task; if `signal` aborts meanwhile, cancels it (cooperatively)
 * and rejects with the signal's reason at once.
 */
function dispatchUnlessAborted(task, signal) {
  if (signal === undefined) return task.dispatch();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      if (task.state === 'RUNNING') task.cancel();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    task
      .dispatch()
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}
