// Property tests of SPEC §8 through the JS driver: random DAGs whose
// tasks fail their first calls, with random retry policies, timeouts,
// runIf: 'settled' and a cancel at a random moment, under random
// concurrency and queues. Every make settles; no task runs before its
// prerequisites allow; no task is called more often than its policy
// allows; the outcome of each task follows from its failures, attempts
// and prerequisites; the attempt records agree with it. The Rust
// property tests check the same rules in the core (tests/model).
// Seeded: FUZZ_SEED=… replays a run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { requireEdges } from './helpers.mjs';
import { Task, makeNow, setRandom } from 'taskqueue-wasm';

const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const RUNS = Number(process.env.FUZZ_RUNS ?? (process.env.TASKQUEUE_LONG === '1' ? 2000 : 150));
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const N = 10;
const graph = fc.record({
  n: fc.integer({ min: 1, max: N }),
  edges: fc.array(fc.tuple(fc.nat(N - 1), fc.nat(N - 1)), { maxLength: 20 }),
  failures: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: N, maxLength: N }),
  attempts: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: N, maxLength: N }),
  delays: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: N, maxLength: N }),
  sync: fc.array(fc.boolean(), { minLength: N, maxLength: N }),
  // A timeout shorter than the task's work turns every attempt into a timeout.
  slow: fc.array(fc.boolean(), { minLength: N, maxLength: N }),
  settled: fc.array(fc.boolean(), { minLength: N, maxLength: N }),
  given: fc.array(fc.nat(N - 1), { minLength: 1, maxLength: 3 }),
  cancel: fc.option(fc.record({ task: fc.nat(N - 1), after: fc.integer({ min: 0, max: 6 }) })),
  concurrency: fc.option(fc.integer({ min: 1, max: 3 })),
  queue: fc.boolean(),
});

function build(g, log) {
  const tasks = [];
  for (let i = 0; i < g.n; i++) {
    let calls = 0;
    const work = () => {
      const task = tasks[i];
      const ok = (p) => (g.settled[i] ? p.isCompleted() || p.state === 'CANCELLED' : p.state === 'DONE');
      if (!task.required.every(ok)) log.early.push(task.name);
      log.calls[i]++;
      log.inFlight++;
      log.most = Math.max(log.most, log.inFlight);
      return ++calls;
    };
    const end = (call) => {
      log.inFlight--;
      if (call <= g.failures[i]) throw new Error(`t${i} call ${call} fails`);
      return i;
    };
    const func = g.sync[i] && !g.slow[i]
      ? () => end(work())
      : function () {
        const call = work();
        const signal = this.signal;
        // Honours its signal (a timeout, a cancel): then it ends at once.
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            try {
              resolve(end(call));
            } catch (error) {
              reject(error);
            }
          }, g.slow[i] ? 15 : g.delays[i]);
          signal.addEventListener('abort', () => {
            clearTimeout(timer);
            log.inFlight--;
            reject(signal.reason);
          }, { once: true });
        });
      };
    tasks.push(new Task(`t${i}`, func, {
      retry: { attempts: g.attempts[i], delay: g.delays[i] },
      ...(g.slow[i] ? { timeout: 3 } : {}),
      runIf: g.settled[i] ? 'settled' : 'done',
    }));
  }
  requireEdges(tasks, g.edges, assert);
  return tasks;
}

test('random DAGs with retry policies, timeouts and cancels: every make settles and every outcome follows the rules', async () => {
  let draws = 0;
  setRandom(() => (draws++ % 10) / 10);
  try {
    await fc.assert(
      fc.asyncProperty(graph, async (g) => {
        const log = { calls: new Array(g.n).fill(0), inFlight: 0, most: 0, early: [] };
        const tasks = build(g, log);
        const given = [...new Set(g.given.filter((i) => i < g.n))].map((i) => tasks[i]);
        if (given.length === 0) return;
        const options = {};
        if (g.concurrency !== null) options.concurrency = g.concurrency;
        if (g.queue) options.queue = (job) => job();
        const cancelled = g.cancel !== null && g.cancel.task < g.n ? tasks[g.cancel.task] : undefined;
        let timer;
        if (cancelled !== undefined) timer = setTimeout(() => cancelled.isCompleted() || cancelled.state === 'CANCELLED' || cancelled.cancel(), g.cancel.after);
        let watchdog;
        const made = await Promise.race([
          makeNow(given, options),
          new Promise((resolve) => (watchdog = setTimeout(resolve, 5000, 'hung'))),
        ]);
        clearTimeout(watchdog);
        clearTimeout(timer);
        assert.notEqual(made, 'hung', 'the make settled');
        assert.deepEqual(new Set(made), new Set(given));
        // A make whose given tasks were cancelled ends before the
        // prerequisites it started: let those finish.
        for (let k = 0; k < 200 && tasks.some((t) => t.state === 'RUNNING'); k++) await wait(5);
        assert.deepEqual(tasks.filter((t) => t.state === 'RUNNING').map(String), [], 'every run ended');
        assert.deepEqual(log.early, [], 'no task ran before its prerequisites allowed');
        if (g.concurrency !== null) assert.ok(log.most <= g.concurrency, `${log.most} functions at once, concurrency ${g.concurrency}`);
        for (let i = 0; i < g.n; i++) {
          const t = tasks[i];
          assert.ok(log.calls[i] <= g.attempts[i], `t${i}: ${log.calls[i]} calls, ${g.attempts[i]} attempts`);
          const attempts = t.attempts;
          if (log.calls[i] === 0) continue;
          // Records: one per call, numbered, all but the last failed or timed out.
          assert.deepEqual(attempts.map((a) => a.number), attempts.map((_, k) => k + 1));
          assert.equal(attempts.length, log.calls[i], `t${i}: one record per call`);
          for (const a of attempts.slice(0, -1)) assert.ok(a.outcome === 'failed' || a.outcome === 'timeout', `t${i}: ${a.outcome}`);
          if (t === cancelled) continue; // a cancel may land anywhere
          const last = attempts.at(-1);
          if (t.state === 'CANCELLED') {
            // Only when a cancel ended the make early: a task it started
            // that waited to retry is cancelled when the make ends.
            assert.ok(cancelled?.state === 'CANCELLED', `t${i} CANCELLED without a cancel`);
            assert.ok(last.outcome === 'failed' || last.outcome === 'timeout', `t${i}: ${last.outcome}`);
            assert.ok(log.calls[i] < g.attempts[i], `t${i}: attempts were left`);
            continue;
          }
          const expected = g.slow[i] ? 'FAILED' : g.failures[i] >= g.attempts[i] ? 'FAILED' : 'DONE';
          assert.equal(t.state, expected, `t${i}: failures ${g.failures[i]}, attempts ${g.attempts[i]}, slow ${g.slow[i]}`);
          assert.equal(last.outcome, g.slow[i] ? 'timeout' : expected === 'DONE' ? 'done' : 'failed');
          if (expected === 'FAILED') assert.equal(log.calls[i], g.attempts[i], `t${i}: every attempt was used`);
        }
        assert.equal(log.inFlight, 0, 'every function has ended');
      }),
      { seed: SEED, numRuns: RUNS },
    );
  } finally {
    setRandom();
  }
});
