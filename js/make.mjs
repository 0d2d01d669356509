// make and makeNow. The Rust make engine decides what runs and what is
// yielded; this drives it: it runs functions, hands tasks to a queue,
// and sleeps until some task changes. (makeLater, in later.mjs, drives
// the same MakeRun with a Later as its queue.)

import { makeAbort, makeEnd, makeReport, makeStart, makeSteps, makeStepsAt, taskDispatch, taskState, wasmMemory, withPrerequisites } from '../pkg/taskqueue_wasm.js';
import { taskInComponent, tasksIn } from './registry.mjs';
import { readMakeOptions } from './make-options.mjs';
import { DISCOVER, ENQUEUE, FAILED, FINISHED, RUN, S, WAIT, YIELD } from './protocol.mjs';
import { check, coreError } from './boundary.mjs';
import { clock, fresh, markTimed } from './clock.mjs';
import { call, flush, setReporting } from './transitions.mjs';
import { Recorder } from './durable.mjs';
import { changeCount, changed, nextChange, sleep } from './wake.mjs';
import { runTask, stopUnwantedRetries } from './run.mjs';
import { makeEnded, makeStarted } from './makes.mjs';

// Steps per call into wasm when nothing has to stop between them.
const BATCH = 4096;
const NO_SCHED = new Float64Array(0);
// Not a step of the core: `_pump` stops for the store to make records durable.
const DURABLE = -1;

let memory; // the instance's WebAssembly.Memory

const noop = () => {};


// A make nobody finished (an abandoned iterator) is forgotten when
// collected, so it stops watching its tasks.
const forgotten = new FinalizationRegistry((handle) => makeEnd(handle));

/** One run of make: an async iterator of the given tasks as they settle. */
export class MakeRun {
  /** `iterator`: one step per call into wasm (see `_batch`). */
  constructor(tasks, options, iterator = false) {
    this._tasks = tasks;
    this._options = options;
    this._handle = 0;
    this._status = 'new'; // new, running, done
    this._yields = [];
    this._local = []; // id -> Task: the given tasks and every prerequisite discovered
    this._chain = Promise.resolve();
    this._onAbort = undefined;
    this._reporter = undefined; // a WeakRef of this make, while onTransition is told
    // Why the make stopped early (the signal's reason, a store's error),
    // thrown once drained; `_failed` says there is one.
    this._failed = false;
    this._reason = undefined;
    this._reporting = false; // the core reports this make's transitions (onTransition, store)
    this._recorder = undefined; // with a store: what the make keeps and restored (durable.mjs)
    this._held = undefined; // a batch of steps whose records are being made durable
    // Steps per call into wasm: an iterator takes one step per call, so
    // that it stops at each yield and nothing starts behind a `break`;
    // makeNow takes them in batches, sized to the make (each make keeps
    // a buffer of this many steps in wasm memory while it runs).
    // With a store, an iterator takes batches too: each batch waits for
    // its records to be durable, and a batch of one step per round trip
    // starts tasks one at a time (5x slower over Redis, bench:distributed).
    // A batch still ends at a yield, so nothing starts behind a `break`.
    this._batch = iterator && options.store === undefined ? 1 : Math.min(BATCH, Math.max(64, 2 * tasks.length));
    this._steps = undefined; // a view of the make's step buffer in wasm memory
    this._active = undefined; // this make's WeakRef in `active`
    this._how = undefined; // once done: how it ended, `{ how, reason }` (see `ended`)
    this._timer = undefined; // wakes the make when a rate window opens (`_wakeIn`)
    this._timerAt = 0;
    this._ended = undefined; // the promise `ended` hands out, made when first asked for
    this._endedResolve = undefined;
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  /** The tasks given to make (a new array; their prerequisites are not in it). */
  get tasks() {
    return this._tasks.slice();
  }

  /**
   * Resolves, never rejects, once the make has ended, to `{ how, reason }`:
   * 'finished' (nothing left to do, or stopped by failFast), 'failed'
   * (the make itself failed, or its store did: `reason` is the error),
   * 'aborted' (its signal: `reason` is the signal's reason) or 'stopped'
   * (`return()`, as `break` in `for await` calls it). For progress
   * displays (taskqueue-wasm/progress); made only when asked for.
   */
  get ended() {
    if (this._ended === undefined) {
      this._ended = this._how !== undefined ? Promise.resolve(this._how) : new Promise((resolve) => (this._endedResolve = resolve));
    }
    return this._ended;
  }

  /** Done: says how to whoever waits on `ended`. */
  _over(how, reason) {
    if (this._how !== undefined) return;
    this._how = reason === undefined ? { how } : { how, reason };
    this._endedResolve?.(this._how);
    this._endedResolve = undefined;
  }

  _start() {
    clock.user++; // called from the caller's code
    const { failFast, queue, concurrency, signal, sched = NO_SCHED } = this._options;
    const ids = new Uint32Array(this._tasks.length);
    let top = 0;
    for (let i = 0; i < this._tasks.length; i++) {
      const id = this._tasks[i]._id;
      ids[i] = id;
      if (id > top) top = id;
    }
    // Sized at once: growing it an index at a time cost 3x as much.
    this._local = new Array(top + 1);
    for (let i = 0; i < this._tasks.length; i++) this._local[ids[i]] = this._tasks[i];
    this._handle = check(makeStart(ids, failFast, queue !== undefined, concurrency, this._batch, sched), this._tasks);
    this._status = 'running';
    this._active = makeStarted(this);
    forgotten.register(this, this._handle, this);
    if (this._options.onTransition !== undefined || this._recorder !== undefined) {
      this._reporting = true;
      makeReport(this._handle);
      setReporting(this, true);
    }
    if (signal !== undefined) {
      if (signal.aborted) this._abort();
      else signal.addEventListener('abort', (this._onAbort = () => this._abort()), { once: true });
    }
  }

  /**
   * The make's step buffer in wasm memory. Made again after the memory
   * grows (which detaches the old view: its length becomes 0).
   */
  _view() {
    if (this._steps === undefined || this._steps.length === 0) {
      memory ??= wasmMemory();
      this._steps = new Uint32Array(memory.buffer, makeStepsAt(this._handle), 4 * this._batch);
    }
    return this._steps;
  }

  /**
   * Carries out steps until the engine waits, ends, or (with
   * `stopAtYield`) yields. Returns the last step kind.
   */
  _pump(stopAtYield) {
    if (this._held !== undefined) {
      // The batch taken before its records were made durable.
      const { before, count } = this._held;
      this._held = undefined;
      const kind = this._carryOut(count, before, stopAtYield);
      if (kind !== undefined) return kind;
    }
    for (;;) {
      const before = changeCount();
      const count = makeSteps(this._handle, stopAtYield, fresh());
      markTimed();
      // onTransition is told of discovered tasks' transitions in the
      // flush below: know their Task objects first.
      if (this._reporting) this._discover(count);
      // Tell the transitions of these steps (dispatches, tasks failed for
      // their prerequisites) before running anything or yielding.
      flush();
      // With a store, they are durable before the make acts on them.
      if (this._recorder?.dirty) {
        this._held = { before, count };
        return DURABLE;
      }
      const kind = this._carryOut(count, before, stopAtYield);
      if (kind !== undefined) return kind;
    }
  }

  /**
   * Carries out a batch of `count` steps; returns the step kind to stop
   * at, or undefined to take the next batch. `before`: the change count
   * when the batch was taken.
   */
  _carryOut(count, before, stopAtYield) {
    if (count === 0) {
      this._end();
      return FINISHED;
    }
    const queue = this._options.queue;
    const local = this._local;
    for (let i = 0; i < count; i += 4) {
      // Read in place; a function or callback run meanwhile may have
      // grown the memory, so the view is checked at every step.
      const steps = this._view();
      const kind = steps[i];
      const id = steps[i + 1];
      switch (kind) {
        case DISCOVER:
          local[id] = taskInComponent(local[steps[i + 2]], id);
          break;
        case RUN:
          runTask(local[id]);
          break;
        case ENQUEUE: {
          const task = local[id];
          clock.user++;
          const queued = queue(() => runQueued(task));
          if (queued !== null && typeof queued === 'object' && typeof queued.then === 'function') queued.then(noop, noop);
          break;
        }
        case YIELD:
          this._yields.push(local[id]);
          if (stopAtYield) return YIELD;
          break;
        case FAILED:
          throw this._end('failed'); // the make's error, handed over as it ends
        case FINISHED:
          this._end();
          return FINISHED;
        case WAIT:
          // Held back by a rate limit (SPEC §12): `id` is how many ms
          // until its window opens; look again then.
          if (id > 0) this._wakeIn(id);
          // The engine said "wait" before this batch's functions ran;
          // if any of them changed something, look again first.
          if (changeCount() !== before) break;
          return WAIT;
        default:
          break;
      }
    }
    return undefined;
  }

  /**
   * Wakes the make in `ms` (a rate window opens then), unless a timer
   * already wakes it sooner. The timer holds the process open, as the
   * tasks it will start would.
   */
  _wakeIn(ms) {
    const at = performance.now() + ms;
    if (this._timer !== undefined && this._timerAt <= at) return;
    clearTimeout(this._timer);
    this._timerAt = at;
    this._timer = setTimeout(() => {
      this._timer = undefined;
      clock.user++; // time has passed: the core must read the clock again
      changed();
    }, ms);
  }

  /** A transition of one of this make's tasks: kept in its store, told to its onTransition. */
  tell(task, transition) {
    this._recorder?.record(task, transition);
    if (this._options.onTransition !== undefined) call(this._options.onTransition, task, transition);
  }

  /**
   * With a store: reads it and restores the tasks the make will take
   * up, the given ones and their prerequisites (SPEC §9). Before the
   * make starts.
   */
  async _open() {
    const recorder = new Recorder(this._options.store, this._options.codec);
    await recorder.open(prerequisitesOf(this._tasks));
    this._recorder = recorder;
  }

  /** Makes the held records durable; a store that fails stops the make. */
  _durable() {
    return this._recorder.flush().catch((error) => this._stop(error, 'failed'));
  }

  /** Takes in the DISCOVER steps of the batch just written. */
  _discover(count) {
    const steps = this._view();
    for (let i = 0; i < count; i += 4) {
      if (steps[i] === DISCOVER) this._local[steps[i + 1]] = taskInComponent(this._local[steps[i + 2]], steps[i + 1]);
    }
  }

  /** The Task of an id this make has met, if any (for onTransition). */
  taskOf(id) {
    return this._local[id];
  }

  /**
   * Ends the make in the core and here. Returns the make's error when it
   * stopped on a FAILED step (`makeEnd` fails with it), taken before
   * `changed` runs callbacks that could call into the core.
   */
  _end(how = 'finished', reason = undefined) {
    if (this._status === 'done') return undefined;
    clearTimeout(this._timer);
    this._timer = undefined;
    setReporting(this, false);
    let failure;
    if (this._status === 'running') {
      if (makeEnd(this._handle) === undefined) failure = coreError(this._tasks);
      forgotten.unregister(this);
    }
    this._status = 'done';
    if (failure !== undefined) this._over('failed', failure);
    else this._over(how, reason);
    this._recorder?.close();
    makeEnded(this._active);
    if (this._onAbort !== undefined) this._options.signal.removeEventListener('abort', this._onAbort);
    stopUnwantedRetries();
    changed(); // wake a next() that sleeps
    return failure;
  }

  /** The signal aborted: stop, cancel what runs, end. */
  _abort() {
    this._stop(this._options.signal.reason, 'aborted');
  }

  /**
   * Stops the make for `reason` (thrown once drained): cancels what runs,
   * ends. `how`: 'aborted' (the signal) or 'failed' (the store).
   */
  _stop(reason, how) {
    if (this._status !== 'running') return;
    this._failed = true;
    this._reason = reason;
    const running = makeAbort(this._handle);
    for (const id of running) {
      const task = this._local[id];
      if (task !== undefined && taskState(id) === S.RUNNING) task.cancel();
    }
    this._end(how, reason);
  }

  next() {
    const step = this._chain.then(() => this._next());
    this._chain = step.then(noop, noop);
    return step;
  }

  async _next() {
    clock.user++; // the caller's code ran since the last step
    if (this._status === 'new') {
      if (this._options.store !== undefined && this._recorder === undefined) {
        try {
          await this._open();
        } catch (error) {
          this._status = 'done';
          this._over('failed', error);
          throw error;
        }
      }
      this._start();
    }
    for (;;) {
      if (this._yields.length > 0) return { value: this._yields.shift(), done: false };
      if (this._status === 'done') {
        if (this._failed) {
          this._failed = false;
          throw this._reason;
        }
        return { value: undefined, done: true };
      }
      const step = this._pump(true);
      if (step === WAIT) await nextChange();
      else if (step === DURABLE) await this._durable();
    }
  }

  /**
   * `break` in `for await`: nothing new starts; queued tasks are
   * cancelled, and so are tasks waiting to retry (see
   * `stopUnwantedRetries`);
   * running attempts finish.
   */
  async return(value) {
    if (this._status === 'running') {
      makeAbort(this._handle);
      this._end('stopped');
    }
    this._status = 'done';
    this._over('stopped');
    this._yields.length = 0;
    this._local = [];
    return { value, done: true };
  }

  /**
   * Runs to the end; resolves to every task yielded. A loop of callbacks
   * rather than an async function, so that a change can resume it
   * without a promise (see `wake` in wake.mjs).
   */
  _collect() {
    return new Promise((resolve, reject) => {
      const resume = () => {
        try {
          if (this._status === 'new') {
            if (this._options.store !== undefined && this._recorder === undefined) {
              this._open().then(resume, (error) => {
                this._status = 'done';
                this._over('failed', error);
                reject(error);
              });
              return;
            }
            this._start();
          }
          while (this._status !== 'done') {
            const step = this._pump(false);
            if (step === WAIT) {
              sleep(resume);
              return;
            }
            if (step === DURABLE) {
              this._durable().then(resume);
              return;
            }
          }
          if (this._failed) {
            reject(this._reason);
            return;
          }
          // Handed over, not copied: nothing else reads it once done.
          const yielded = this._yields;
          this._yields = [];
          resolve(yielded);
        } catch (error) {
          reject(error);
        }
      };
      resume();
    });
  }
}

/** The job `queue(run)` receives: runs the queued task, resolves when it has ended. */
function runQueued(task) {
  if (taskState(task._id) !== S.QUEUED) return Promise.resolve(task); // cancelled meanwhile
  check(taskDispatch(task._id), task);
  changed();
  const running = runTask(task);
  return running === undefined ? Promise.resolve(task) : running.then(() => task);
}

/**
 * The tasks and all their prerequisites, transitively, each once: one
 * call into the core, which says for each which task led to it (in the
 * same component: found in O(1)).
 */
function prerequisitesOf(tasks) {
  const found = check(withPrerequisites(Uint32Array.from(tasks, (t) => t._id)), tasks);
  const n = found.length / 2;
  const all = new Array(n);
  let given = 0;
  for (let i = 0; i < n; i++) {
    const via = found[n + i];
    if (via === i) {
      // A given task (the first of its copies).
      while (tasks[given]._id !== found[i]) given++;
      all[i] = tasks[given];
    } else {
      all[i] = taskInComponent(all[via], found[i]);
    }
  }
  return all;
}

/**
 * Completes the tasks, prerequisites first; an async iterator of the
 * given tasks as each completes or is cancelled.
 */
export function make(tasks, options) {
  return new MakeRun(tasksIn(tasks, 'make(tasks)'), readMakeOptions(options), true);
}

/** Runs make to the end; resolves to the yielded tasks in order. */
export async function makeNow(tasks, options) {
  return new MakeRun(tasksIn(tasks, 'makeNow(tasks)'), readMakeOptions(options))._collect();
}
