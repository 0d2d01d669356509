// Later, a capacity-limited executor (Python's cs.later.Later), and
// makeLater, which starts a make in the background with a Later as its
// queue. Later knows nothing of tasks: it runs any function when a slot
// is free. makeLater only wires it to make.mjs's MakeRun.

import { describe, tasksIn } from './registry.mjs';
import { readMakeOptions, SCHEDULING_OPTIONS } from './make-options.mjs';
import { MakeRun } from './make.mjs';

/** A capacity-limited executor (Python's cs.later.Later). */
export class Later {
  constructor(capacity) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`capacity must be a positive integer, got ${describe(capacity)}`);
    this._capacity = capacity;
    this._running = 0;
    this._jobs = [];
    this._head = 0;
  }

  get capacity() {
    return this._capacity;
  }

  /** Calls `fn(...args)` when a slot is free; resolves or rejects with its outcome. */
  defer(fn, ...args) {
    if (typeof fn !== 'function') return Promise.reject(new TypeError(`defer needs a function, got ${describe(fn)}`));
    return new Promise((resolve, reject) => {
      this._jobs.push({ fn, args, resolve, reject });
      this._drain();
    });
  }

  _drain() {
    while (this._running < this._capacity && this._head < this._jobs.length) {
      const job = this._jobs[this._head];
      this._jobs[this._head++] = undefined;
      if (this._head > 1024 && this._head * 2 > this._jobs.length) {
        this._jobs = this._jobs.slice(this._head);
        this._head = 0;
      }
      this._running++;
      new Promise((resolve) => resolve(job.fn(...job.args)))
        .then(job.resolve, job.reject)
        .finally(() => {
          this._running--;
          this._drain();
        });
    }
  }
}

/**
 * Starts make in the background with `later.defer` as the queue and
 * returns at once; wait on the tasks (`join`) for their outcome.
 */
export function makeLater(later, tasks, options) {
  if (!(later instanceof Later)) throw new TypeError(`makeLater needs a Later, got ${describe(later)}`);
  // The Later is the queue and sets the concurrency; say so rather than ignore them.
  const known = ['failFast', 'onTransition', ...SCHEDULING_OPTIONS];
  for (const key of options !== null && typeof options === 'object' ? Object.keys(options) : []) {
    if (!known.includes(key)) throw new TypeError(`unknown makeLater option '${key}' (known: ${known.join(', ')})`);
  }
  const { failFast, onTransition, sched } = readMakeOptions(options);
  const run = new MakeRun(tasksIn(tasks, 'makeLater(tasks)'), { failFast, onTransition, sched, queue: (job) => later.defer(job), concurrency: 0 });
  run._start();
  run._pump(false); // errors such as a PREPARE task surface here, synchronously
  run._collect().catch((error) => console.error('taskqueue-wasm: makeLater failed:', error));
}
