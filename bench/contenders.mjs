// Each contender builds the graph through its public API and runs it to
// the end; both are timed together. `fnOf(i)` is task i's function.
import asyncLib from 'async';
import { PGraph } from 'p-graph';
import * as ours from 'taskqueue-wasm';

// `npm run bench -- --base=PATH` adds the contender 'base': the package
// of another checkout (PATH to its js/node.mjs), for an A/B in one run.
const base = process.env.TASKQUEUE_BASE ? await import(process.env.TASKQUEUE_BASE) : undefined;

/** The contender for one build of this package. */
function taskqueue({ Task, makeNow }) {
  return async (prereqs, fnOf, concurrency) => {
    const n = prereqs.length;
    const tasks = new Array(n);
    for (let i = 0; i < n; i++) {
      const t = new Task('t', fnOf(i));
      for (const p of prereqs[i]) t.require(tasks[p]);
      tasks[i] = t;
    }
    const made = await makeNow(tasks, concurrency ? { concurrency } : undefined);
    if (made.length !== n) throw new Error(`made ${made.length} of ${n}`);
  };
}

export const CONTENDERS = {
  'taskqueue-wasm': taskqueue(ours),
  ...(base === undefined ? {} : { base: taskqueue(base) }),

  async 'p-graph'(prereqs, fnOf, concurrency) {
    const nodes = new Map();
    const deps = [];
    // String ids: p-graph 2.0 mistakes node 0 for a cycle.
    for (let i = 0; i < prereqs.length; i++) {
      nodes.set(`t${i}`, { run: fnOf(i) });
      for (const p of prereqs[i]) deps.push([`t${p}`, `t${i}`]);
    }
    await new PGraph(nodes, deps).run(concurrency ? { concurrency } : undefined);
  },

  async 'async.auto'(prereqs, fnOf, concurrency) {
    const tasks = {};
    for (let i = 0; i < prereqs.length; i++) {
      const fn = fnOf(i);
      tasks[`t${i}`] = [...prereqs[i].map((p) => `t${p}`), async () => fn()];
    }
    await asyncLib.auto(tasks, concurrency || Infinity);
  },

  /** The floor: Kahn's algorithm with counters and Promises, nothing else. */
  async floor(prereqs, fnOf, concurrency) {
    const n = prereqs.length;
    const dependents = new Array(n);
    const waiting = new Int32Array(n);
    const fns = new Array(n);
    for (let i = 0; i < n; i++) {
      dependents[i] = [];
      fns[i] = fnOf(i);
    }
    for (let i = 0; i < n; i++) {
      for (const p of prereqs[i]) dependents[p].push(i);
      waiting[i] = prereqs[i].length;
    }
    await new Promise((resolve, reject) => {
      let left = n;
      let running = 0;
      const ready = [];
      const done = (i) => {
        running--;
        for (const d of dependents[i]) if (--waiting[d] === 0) ready.push(d);
        if (--left === 0) resolve();
        else pump();
      };
      const pump = () => {
        while (ready.length > 0 && (!concurrency || running < concurrency)) {
          const i = ready.pop();
          running++;
          Promise.resolve(fns[i]()).then(() => done(i), reject);
        }
      };
      for (let i = 0; i < n; i++) if (waiting[i] === 0) ready.push(i);
      pump();
    });
  },
};
