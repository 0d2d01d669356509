// Property tests of make through the JS driver (issue 7): the Rust
// property tests check the engine; these check what JS adds around it
// (running functions, batching steps, waking on changes, queue and
// concurrency), with random DAGs whose functions are synchronous, async
// functions or Promise-returning, finishing after random delays so that
// outcomes arrive in random order with several in flight. Seeded:
// FUZZ_SEED=… replays a run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { requireEdges } from './helpers.mjs';
import { Task, make, makeNow } from 'taskqueue-wasm';

const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
// TASKQUEUE_LONG=1 runs ten times as many.
const RUNS = Number(process.env.FUZZ_RUNS ?? (process.env.TASKQUEUE_LONG === '1' ? 10000 : 1000));
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const graph = fc.record({
  n: fc.integer({ min: 1, max: 12 }),
  edges: fc.array(fc.tuple(fc.nat(11), fc.nat(11)), { maxLength: 30 }),
  kinds: fc.array(fc.constantFrom('sync', 'async', 'promise'), { minLength: 12, maxLength: 12 }),
  delays: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 12, maxLength: 12 }),
  given: fc.array(fc.nat(11), { minLength: 1, maxLength: 4 }),
  bad: fc.option(fc.record({ task: fc.nat(11), how: fc.constantFrom('throws', 'cancels') })),
  concurrency: fc.option(fc.integer({ min: 1, max: 3 })),
  queue: fc.boolean(),
  iterate: fc.boolean(),
  failFast: fc.boolean(),
});

/** Builds the tasks; requirements that would close a cycle are refused and skipped. */
function build(g, log) {
  const tasks = [];
  for (let i = 0; i < g.n; i++) {
    const body = () => {
      const task = tasks[i];
      log.early ||= task.required.some((p) => p.state !== 'DONE');
      log.runs[i]++;
      log.inFlight++;
      log.maxInFlight = Math.max(log.maxInFlight, log.inFlight);
      const end = () => {
        log.inFlight--;
        if (g.bad?.task === i) throw g.bad.how === 'throws' ? new Error(`t${i} fails`) : Object.assign(new Error('cancel'), { cancel: true });
        return i;
      };
      return end;
    };
    const kind = g.kinds[i];
    const func = kind === 'sync'
      ? () => body()()
      : kind === 'async'
        ? async () => { const end = body(); await wait(g.delays[i]); return end(); }
        : () => { const end = body(); return wait(g.delays[i]).then(end); };
    // A failure that cancels: cancelOnException turns the throw into cancel.
    tasks.push(new Task(`t${i}`, func, { cancelOnException: g.bad?.task === i && g.bad.how === 'cancels' }));
  }
  requireEdges(tasks, g.edges, assert);
  return tasks;
}

/** Whether `from` requires `to`, directly or not. */
function reaches(from, to) {
  const seen = new Set();
  const stack = [from];
  while (stack.length > 0) {
    const t = stack.pop();
    if (t === to) return true;
    if (!seen.has(t)) {
      seen.add(t);
      stack.push(...t.required);
    }
  }
  return false;
}

test(`random DAGs made through the JS driver: ${RUNS} cases (seed ${SEED})`, async () => {
  await fc.assert(
    fc.asyncProperty(graph, async (g) => {
      const log = { runs: new Array(g.n).fill(0), early: false, inFlight: 0, maxInFlight: 0 };
      const tasks = build(g, log);
      const given = [...new Set(g.given.filter((i) => i < g.n).map((i) => tasks[i]))];
      if (given.length === 0) given.push(tasks[0]);
      const options = {};
      if (g.concurrency !== null) options.concurrency = g.concurrency;
      if (g.queue) options.queue = (run) => wait(0).then(run);
      if (g.failFast) options.failFast = true;
      let yielded;
      if (g.iterate) {
        yielded = [];
        for await (const t of make(given, options)) yielded.push(t);
      } else {
        yielded = await makeNow(given, options);
      }
      assert.equal(new Set(yielded).size, yielded.length, 'none twice');
      assert.ok(yielded.every((t) => given.includes(t)));
      const bad = g.bad !== null && g.bad.task < g.n ? tasks[g.bad.task] : undefined;
      const end = g.bad?.how === 'throws' ? 'FAILED' : 'CANCELLED';
      const needed = (t) => given.some((x) => reaches(x, t));
      if (g.failFast) {
        // SPEC §3: stopped as soon as any task of the make (given or a
        // prerequisite; here only `bad` can) ended other than DONE; its
        // dependents are left PENDING; what was yielded is DONE, but for
        // `bad` itself, yielded last.
        await Promise.all(tasks.map((t) => (t.state === 'RUNNING' ? t.join() : undefined)));
        assert.equal(log.early, false, 'a task ran before its prerequisites were DONE');
        if (bad === undefined || !needed(bad)) {
          assert.equal(yielded.length, given.length, 'each given task yielded');
          return;
        }
        assert.equal(bad.state, end, 'the bad task ran');
        for (const t of tasks) {
          if (t !== bad && reaches(t, bad)) assert.equal(t.state, 'PENDING', `${t.name} requires ${bad.name}`);
        }
        const notDone = yielded.filter((t) => t.state !== 'DONE');
        assert.ok(notDone.length === 0 || (notDone.length === 1 && notDone[0] === bad && yielded.at(-1) === bad), 'only the bad task, last');
        return;
      }
      assert.equal(yielded.length, given.length, 'each given task yielded');
      assert.equal(log.early, false, 'a task ran before its prerequisites were DONE');
      assert.equal(log.inFlight, 0);
      if (g.concurrency !== null) assert.ok(log.maxInFlight <= g.concurrency, `${log.maxInFlight} ran at once, limit ${g.concurrency}`);
      tasks.forEach((t, i) => {
        const hit = bad !== undefined && reaches(t, bad);
        if (!needed(t)) {
          assert.deepEqual([t.state, log.runs[i]], ['PENDING', 0], `${t.name} is not needed`);
        } else if (given.includes(t)) {
          assert.equal(t.state, hit ? end : 'DONE', `given ${t.name}`);
        } else {
          assert.ok(hit ? [end, 'PENDING'].includes(t.state) : ['DONE', 'PENDING'].includes(t.state), `${t.name} is ${t.state}`);
        }
        assert.ok(log.runs[i] <= 1, `${t.name} ran ${log.runs[i]} times`);
        if (t.state === 'DONE') assert.equal(t.result, i);
        if (bad === undefined && needed(t)) assert.equal(log.runs[i], 1, `${t.name} ran`);
      });
    }),
    { seed: SEED, numRuns: RUNS, path: process.env.FUZZ_PATH },
  );
});
