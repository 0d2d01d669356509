// Fuzzing the JS surface (issue 7): random sequences of public API calls,
// wrong argument types among them. After every call: nothing but a clear
// Error subclass was thrown (never a wasm panic), every task is in a
// valid state, and every task the library hands back is one the test
// made. After every sequence: every Promise it started settles within a
// bound, and the package still works. Seeded: FUZZ_SEED=… replays a run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  FSM, FSMError, Later, Task, TaskQueue, make, makeNow, setCallbackErrorHandler, tasksAsDot, tasksAsSvg,
} from 'taskqueue-wasm';

const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
// TASKQUEUE_LONG=1 runs ten times as many.
const RUNS = Number(process.env.FUZZ_RUNS ?? (process.env.TASKQUEUE_LONG === '1' ? 30000 : 3000));
const BOUND_MS = 2000;
const STATES = ['PREPARE', 'PENDING', 'QUEUED', 'RUNNING', 'DONE', 'FAILED', 'CANCELLED', 'ABORT'];
const EVENTS = ['prepared', 'dispatch', 'queue', 'cancel', 'error', 'abort', 'done', 'except', 'retry'];
const PANIC = /unreachable|Module terminated|recursive use|panicked|RuntimeError|already borrowed|null pointer/i;

/** The only things the API may throw at bad input. */
// The reason each run's signal aborts with at its end: makes and queue
// runs then throw it (SPEC §7a), and nothing else may.
const RUN_OVER = new Error('the run is over');

function checkThrown(error, what) {
  if (error === RUN_OVER) return;
  const ok = error instanceof TypeError || error instanceof RangeError || error instanceof FSMError;
  assert.ok(ok, `${what} threw ${error?.constructor?.name}: ${String(error?.message ?? error)}`);
  assert.ok(!(error instanceof WebAssembly.RuntimeError), `${what}: a wasm trap`);
  assert.doesNotMatch(String(error.message), PANIC, `${what}: a panic`);
  assert.ok(error.message.length > 5, `${what}: a clear message`);
}

// ---- what the generated calls are made of ------------------------------

const sleep0 = () => new Promise((resolve) => setTimeout(resolve, 0));
const FUNCS = {
  sync: () => 1,
  async: async () => { await sleep0(); return 2; },
  throws: () => { throw new Error('thrown'); },
  throwsOdd: () => { throw 'odd'; }, // eslint-disable-line no-throw-literal
  rejects: () => Promise.reject(undefined), // eslint-disable-line prefer-promise-reject-errors
  selfCancel() { this.cancel(); },
  // Runs until cancelled: the end of each sequence cancels what runs.
  untilCancelled() {
    return new Promise((_, reject) => this.signal.addEventListener('abort', () => reject(this.signal.reason)));
  },
  // Re-entrant: retries a failed or cancelled task of the run.
  retriesAnother() {
    current.pool.find((t) => t !== this && (t.state === 'FAILED' || t.state === 'CANCELLED'))?.event('retry');
  },
  // Re-entrant: makes two pending tasks of the run (which may wait for
  // this one: then only the end of the sequence, aborting, ends it).
  async makesOthers() {
    const others = current.pool.filter((t) => t !== this && t.state === 'PENDING').slice(0, 2);
    return (await makeNow(others, { signal: current.controller.signal })).length;
  },
  // Re-entrant: gives a pending task of the run a new prerequisite.
  addsARequirement() {
    const pending = current.pool.find((t) => t !== this && t.state === 'PENDING');
    if (pending === undefined) return;
    const late = new Task('late', () => 0);
    current.pool.push(late);
    pending.require(late);
  },
};
let current; // the Run whose sequence is running (one at a time)
const weird = fc.oneof(fc.anything(), fc.constantFrom(undefined, null, NaN, -1, 0, 1.5, 2 ** 40, '', 'x', [], {}, Symbol('s'), 10n));
const index = fc.nat(20);
/** Mostly `good`, now and then something of the wrong type. */
const mostly = (good) => fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: weird });
const stateName = mostly(fc.constantFrom(...STATES));
const eventName = mostly(fc.constantFrom(...EVENTS, 'retry', 'retry', 'explode', 'DONE', ''));
const taskOptions = mostly(
  fc.record({
    state: fc.constantFrom(...STATES, 'PENDING', 'PENDING', 'PENDING'),
    cancelOnException: fc.boolean(),
    track: fc.constantFrom(false, () => {}, () => { throw new Error('track broke'); }),
  }, { requiredKeys: [] }),
);
const makeOptions = mostly(
  fc.record({
    failFast: fc.boolean(),
    concurrency: mostly(fc.integer({ min: 1, max: 3 })),
    queue: fc.constantFrom(undefined, undefined, (run) => run(), (run) => setTimeout(run, 0), () => {}),
  }, { requiredKeys: [] }),
);
/** A list of pool tasks (by index), or something that is not one. */
const taskList = mostly(fc.array(index, { maxLength: 4 }));

const action = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('newTask'), name: mostly(fc.string({ maxLength: 8 })), func: mostly(fc.constantFrom(...Object.keys(FUNCS))), options: taskOptions }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('require'), a: index, b: mostly(index.map((i) => ({ task: i }))) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('then'), a: index, args: fc.array(weird, { maxLength: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('event'), a: index, name: eventName, extra: fc.oneof(fc.constant(undefined), weird) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel'), a: index }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('dispatch'), a: index }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('onTransition'), a: index, state: fc.oneof(fc.constant('*'), stateName), effect: fc.constantFrom('none', 'throws', 'retriesOnce', 'cancelsAnother') }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('make'), tasks: taskList, options: makeOptions, breakAfter: fc.option(fc.nat(2)) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('taskMake'), a: index, options: makeOptions }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('queue'), tasks: taskList, options: fc.oneof(fc.record({ runDependentTasks: fc.boolean() }), weird), once: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('draw'), tasks: taskList, name: fc.oneof(fc.string({ maxLength: 5 }), weird), options: fc.oneof(fc.record({ followBlocking: fc.boolean(), sep: fc.oneof(fc.constant(';'), weird) }), weird), svg: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fsm'), state: fc.oneof(fc.constantFrom('A', 'B'), weird), table: fc.oneof(fc.constant({ A: { go: 'B' }, B: { back: 'A' } }), fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.string({ maxLength: 3 }), weird)), weird)), weird), events: fc.array(fc.oneof(fc.constantFrom('go', 'back'), weird), { maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('later'), capacity: fc.oneof(fc.integer({ min: 1, max: 3 }), weird), fn: fc.oneof(fc.constant(() => 1), weird) }) },
);

// ---- running a sequence -------------------------------------------------

class Run {
  constructor() {
    this.pool = [];
    this.problems = []; // assertion failures inside callbacks
    this.pending = []; // [what, promise]: each must settle within the bound
    this.controller = new AbortController(); // ends makes waiting on tasks nobody runs
  }

  task(i) {
    return this.pool.length === 0 ? undefined : this.pool[i % this.pool.length];
  }

  tasks(list) {
    return Array.isArray(list) ? list.map((i) => this.task(i)).filter(Boolean) : list;
  }

  /** Whatever `value` is, if it claims to be a Task it must be one of ours. */
  ours(value, what) {
    if (value instanceof Task) assert.ok(this.pool.includes(value), `${what} handed back a task the test did not make`);
  }

  async do(a) {
    const t = this.task(a.a ?? 0);
    switch (a.kind) {
      case 'newTask': {
        const func = typeof a.func === 'string' && a.func in FUNCS ? FUNCS[a.func] : a.func;
        this.pool.push(new Task(a.name, func, a.options));
        return;
      }
      case 'require':
        if (t) t.require(a.b?.task !== undefined && Object.keys(a.b).length === 1 ? this.task(a.b.task) : a.b);
        return;
      case 'then':
        if (t) {
          const next = t.then(...a.args);
          if (next instanceof Task && !this.pool.includes(next)) this.pool.push(next);
        }
        return;
      case 'event':
        if (t) assert.ok(STATES.includes(t.event(a.name, a.extra)));
        return;
      case 'cancel':
        if (t) t.cancel();
        return;
      case 'dispatch':
        if (t) this.pending.push(['dispatch', t.dispatch().then((x) => this.ours(x, 'dispatch'), (e) => checkThrown(e, 'dispatch'))]);
        return;
      case 'onTransition': {
        let retried = false;
        if (t) t.onTransition(a.state, (task, tr) => {
          try {
            this.ours(task, 'a callback');
            assert.ok(STATES.includes(tr.oldState) && STATES.includes(tr.newState), 'transition states');
          } catch (error) {
            this.problems.push(error); // thrown here, it would go to the callback error handler
          }
          if (a.effect === 'throws') throw new Error('callback broke');
          // Once only: a task that always fails, retried on every failure, never ends.
          if (a.effect === 'retriesOnce' && !retried && (task.state === 'FAILED' || task.state === 'CANCELLED')) {
            retried = true;
            task.event('retry');
          }
          if (a.effect === 'cancelsAnother') this.pool.find((x) => x !== task && x.state === 'PENDING')?.cancel();
        });
        return;
      }
      case 'make':
        return this.make(a);
      case 'taskMake':
        if (t) this.pending.push(['task.make', this.withSignal(a.options, (o) => t.make(o)).then((b) => assert.equal(typeof b, 'boolean'), (e) => checkThrown(e, 'task.make'))]);
        return;
      case 'queue': {
        const q = new TaskQueue(this.tasks(a.tasks), a.options);
        this.ours(q.get(), 'TaskQueue.get');
        const running = (async () => {
          for await (const x of q.run({ once: a.once, signal: this.controller.signal })) this.ours(x, 'TaskQueue.run');
        })();
        this.pending.push(['TaskQueue.run', running.catch((e) => checkThrown(e, 'TaskQueue.run'))]);
        return;
      }
      case 'draw': {
        const out = (a.svg ? tasksAsSvg : tasksAsDot)(this.tasks(a.tasks), a.name, a.options);
        assert.match(out, a.svg ? /^<svg[\s\S]*<\/svg>\s*$/ : /^digraph[\s\S]*}$/);
        return;
      }
      case 'fsm': {
        const fsm = new FSM(a.state, a.table);
        for (const e of a.events) {
          try {
            fsm.event(e);
          } catch (error) {
            checkThrown(error, 'FSM.event');
          }
          assert.ok(fsm.state === undefined || typeof fsm.state === 'string');
        }
        return;
      }
      case 'later':
        this.pending.push(['Later.defer', new Later(a.capacity).defer(a.fn).catch((e) => checkThrown(e, 'Later.defer'))]);
        return;
      default:
        throw new Error(`unknown action ${a.kind}`);
    }
  }

  /**
   * Calls `fn` with the options plus this run's signal: a make may wait
   * for ever, rightly, on a task made RUNNING by hand that nobody runs.
   * Options that are not an object go as they are (and are refused).
   */
  withSignal(options, fn) {
    const object = options === undefined || options === null || typeof options === 'object';
    return fn(object ? { ...options, signal: this.controller.signal } : options);
  }

  make(a) {
    const given = this.tasks(a.tasks);
    if (a.breakAfter === null) {
      const made = this.withSignal(a.options, (o) => makeNow(given, o));
      this.pending.push(['makeNow', made.then((yielded) => {
        const seen = new Set();
        for (const x of yielded) {
          this.ours(x, 'makeNow');
          assert.ok(given.includes(x), 'makeNow yielded a task it was not given');
          assert.ok(!seen.has(x), 'makeNow yielded a task twice');
          seen.add(x);
        }
      }, (e) => checkThrown(e, 'makeNow'))]);
      return;
    }
    const it = this.withSignal(a.options, (o) => make(given, o));
    const iterating = (async () => {
      let n = 0;
      for await (const x of it) {
        this.ours(x, 'make');
        if (n++ >= a.breakAfter) break;
      }
    })();
    this.pending.push(['make', iterating.catch((e) => checkThrown(e, 'make'))]);
  }

  checkTasks() {
    if (this.problems.length > 0) throw this.problems[0];
    for (const t of this.pool) {
      if (t.error instanceof Error) assert.doesNotMatch(t.error.message, PANIC, `${t}: its error shows a panic`);
      assert.ok(STATES.includes(t.state), `state ${t.state}`);
      assert.equal(String(t), `Task:${t.name}:${t.state}`);
      for (const x of [...t.required, ...t.blocking, ...t.blockers()]) this.ours(x, 'required/blocking/blockers');
      assert.equal(t.isCompleted(), ['DONE', 'FAILED', 'ABORT'].includes(t.state));
      assert.equal(t.isBlocked(), t.blockers().length > 0);
    }
  }

  /** Every Promise settles within the bound once make signals abort. */
  async settle() {
    await sleep0();
    this.controller.abort(RUN_OVER);
    for (const t of this.pool) if (t.state === 'RUNNING') t.cancel();
    for (const [what, promise] of this.pending) {
      let timer;
      const late = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} did not settle within ${BOUND_MS} ms`)), BOUND_MS); });
      await Promise.race([promise, late]).finally(() => clearTimeout(timer));
    }
  }
}

async function stillWorks() {
  const a = new Task('a', () => 1);
  const b = a.then('b', async () => 2);
  assert.deepEqual(await makeNow([b]), [b]);
  assert.deepEqual([a.state, b.state, b.result], ['DONE', 'DONE', 2]);
}

test(`fuzzing the public API: ${RUNS} random call sequences (seed ${SEED})`, async () => {
  const logged = [];
  const consoleError = console.error;
  const consoleLog = console.log;
  console.error = (...args) => logged.push(args.map(String).join(' '));
  console.log = () => {}; // track: true prints every transition
  setCallbackErrorHandler(() => {});
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 40 }), async (actions) => {
        const run = new Run();
        current = run;
        for (const a of actions) {
          try {
            await run.do(a);
          } catch (error) {
            if (error instanceof assert.AssertionError) throw error;
            checkThrown(error, a.kind);
          }
          run.checkTasks();
        }
        await run.settle();
        run.checkTasks();
        for (const line of logged) assert.doesNotMatch(line, PANIC, 'console.error shows a panic');
        await stillWorks();
      }),
      { seed: SEED, numRuns: RUNS, path: process.env.FUZZ_PATH },
    );
  } catch (error) {
    consoleError(`fuzz failed; replay with FUZZ_SEED=${SEED} (FUZZ_PATH as printed below replays the one case):`, error.cause ?? error);
    throw error;
  } finally {
    console.error = consoleError;
    console.log = consoleLog;
    setCallbackErrorHandler((error) => consoleError(error));
  }
});
