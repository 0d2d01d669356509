// The makespan table (SPEC §12, part of `npm run bench`; alone:
// `node bench/makespan.mjs [--dags=50]`): how long whole runs take when
// slots are scarce, by scheduling order, against the lower bound.
//
// 50 random DAGs of 300 tasks with log-normal durations, at concurrency
// 2, 4 and 8. Durations are scaled per DAG and concurrency so that the
// lower bound, max(critical path, total work / concurrency), is 100 ms:
// one run takes about 0.1 s. Each task sleeps its duration on a precise
// clock (a poller on setImmediate: setTimeout rounds to whole ms, which
// at these durations would measure the timer, not the order), the same
// for every contender. Rows, per concurrency (mean and worst of
// makespan / bound over the DAGs):
// - ours in the seed's order (no option);
// - ours with order 'critical-path' and the true durations as estimates;
// - the same with estimates off by up to ±50% (each multiplied by a
//   uniform factor in [0.5, 1.5]);
// - p-graph with priorities set to the true durations (its cumulative
//   priorities: a node's priority plus the largest of its dependents',
//   which is critical-path order);
// then the weighted rows: a third of the tasks hold 2 or 3 slots, bound
// max(critical path, sum of weight × duration / concurrency). Ours
// honours weights; p-graph has no weights, so to stay within the slots
// it runs at concurrency / 3 (its heaviest task's share).
import { PGraph } from 'p-graph';
import { Task, makeNow } from 'taskqueue-wasm';
import { rng } from './rng.mjs';

const option = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const DAGS = Number(option('dags', '50'));
const TASKS = 300;
const TARGET_MS = 100;

// --- A precise sleep: due times in a heap, polled on setImmediate. ---
const due = []; // [at, resolve], a binary heap by `at`
let polling = false;
function poll() {
  const now = performance.now();
  while (due.length > 0 && due[0][0] <= now) popDue()[1]();
  if (due.length > 0) setImmediate(poll);
  else polling = false;
}
function popDue() {
  const top = due[0];
  const last = due.pop();
  if (due.length > 0) {
    due[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < due.length && due[l][0] < due[m][0]) m = l;
      if (r < due.length && due[r][0] < due[m][0]) m = r;
      if (m === i) break;
      [due[i], due[m]] = [due[m], due[i]];
      i = m;
    }
  }
  return top;
}
function sleep(ms) {
  return new Promise((resolve) => {
    due.push([performance.now() + ms, resolve]);
    for (let i = due.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (due[p][0] <= due[i][0]) break;
      [due[i], due[p]] = [due[p], due[i]];
      i = p;
    }
    if (!polling) {
      polling = true;
      setImmediate(poll);
    }
  });
}

// --- Workloads. ---
/** A random DAG: each task requires 0-3 of the 30 before it; log-normal durations (σ = 1). */
function randomDag(seed) {
  const next = rng(seed);
  const prereqs = Array.from({ length: TASKS }, (_, i) => {
    const picked = new Set();
    const k = Math.floor(next() * 4);
    for (let j = 0; j < k && i > 0; j++) picked.add(i - 1 - Math.floor(next() * Math.min(30, i)));
    return [...picked];
  });
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const durations = prereqs.map(() => Math.exp(normal()));
  const weights = prereqs.map(() => (next() < 1 / 3 ? 2 + Math.floor(next() * 2) : 1));
  const noise = prereqs.map(() => 0.5 + next());
  return { prereqs, durations, weights, noise };
}

/** The lower bound: max(critical path, weighted work / concurrency). */
function bound({ prereqs }, durations, weights, concurrency) {
  const finish = new Float64Array(TASKS);
  let critical = 0;
  let work = 0;
  for (let i = 0; i < TASKS; i++) {
    let start = 0;
    for (const p of prereqs[i]) start = Math.max(start, finish[p]);
    finish[i] = start + durations[i];
    critical = Math.max(critical, finish[i]);
    work += durations[i] * (weights?.[i] ?? 1);
  }
  return Math.max(critical, work / concurrency);
}

// --- Contenders: each runs the DAG to the end; returns the makespan in ms. ---
async function ours(dag, durations, { concurrency, order, estimates, weights }) {
  const tasks = new Array(TASKS);
  for (let i = 0; i < TASKS; i++) {
    const options = {};
    if (estimates !== undefined) options.estimate = estimates[i];
    if (weights !== undefined) options.weight = weights[i];
    const ms = durations[i];
    tasks[i] = new Task(`t${i}`, () => sleep(ms), options);
    for (const p of dag.prereqs[i]) tasks[i].require(tasks[p]);
  }
  const start = performance.now();
  const made = await makeNow(tasks, { concurrency, ...(order === undefined ? {} : { order }) });
  const ms = performance.now() - start;
  if (made.length !== TASKS || made.some((t) => t.state !== 'DONE')) throw new Error('not every task is DONE');
  return ms;
}

async function pGraph(dag, durations, { concurrency, priorities }) {
  const nodes = new Map();
  const deps = [];
  for (let i = 0; i < TASKS; i++) {
    const ms = durations[i];
    nodes.set(`t${i}`, { run: () => sleep(ms), priority: priorities?.[i] });
    for (const p of dag.prereqs[i]) deps.push([`t${p}`, `t${i}`]);
  }
  const start = performance.now();
  await new PGraph(nodes, deps).run({ concurrency });
  return performance.now() - start;
}

/**
 * The same critical-path list schedule simulated in virtual time (no
 * timers, no overhead): what the order itself achieves, for reference.
 * Ranks by estimate; among ready tasks the highest rank starts when its
 * weight fits the free slots (else nothing starts: no overtaking).
 */
function simulated(dag, durations, { concurrency, estimates, weights }) {
  const rank = new Float64Array(TASKS);
  const dependents = Array.from({ length: TASKS }, () => []);
  for (let i = 0; i < TASKS; i++) for (const p of dag.prereqs[i]) dependents[p].push(i);
  for (let i = TASKS - 1; i >= 0; i--) {
    let most = 0;
    for (const d of dependents[i]) most = Math.max(most, rank[d]);
    rank[i] = (estimates?.[i] ?? 1) + most;
  }
  const left = dag.prereqs.map((p) => p.length);
  const ready = [];
  for (let i = 0; i < TASKS; i++) if (left[i] === 0) ready.push(i);
  const running = []; // [end, task]
  let now = 0;
  let free = concurrency;
  let done = 0;
  while (done < TASKS) {
    ready.sort((a, b) => rank[b] - rank[a] || a - b);
    while (ready.length > 0 && (weights?.[ready[0]] ?? 1) <= free) {
      const t = ready.shift();
      free -= weights?.[t] ?? 1;
      running.push([now + durations[t], t]);
    }
    running.sort((a, b) => a[0] - b[0]);
    const [end, t] = running.shift();
    now = end;
    free += weights?.[t] ?? 1;
    done++;
    for (const d of dependents[t]) if (--left[d] === 0) ready.push(d);
  }
  return now;
}

const ROWS = [
  ["simulated 'critical-path' list schedule, true estimates", (d, ms, c) => simulated(d, ms, { concurrency: c, estimates: ms })],
  ['ours, seed order', (d, ms, c) => ours(d, ms, { concurrency: c })],
  ["ours, 'critical-path', true estimates", (d, ms, c) => ours(d, ms, { concurrency: c, order: 'critical-path', estimates: ms })],
  ["ours, 'critical-path', estimates ±50%", (d, ms, c) => ours(d, ms, { concurrency: c, order: 'critical-path', estimates: ms.map((x, i) => x * d.noise[i]) })],
  ['p-graph, priorities = true durations', (d, ms, c) => pGraph(d, ms, { concurrency: c, priorities: ms })],
];
const WEIGHTED_ROWS = [
  ["simulated 'critical-path' list schedule, weights", (d, ms, c) => simulated(d, ms, { concurrency: c, estimates: ms, weights: d.weights })],
  ['ours, weights, seed order', (d, ms, c) => ours(d, ms, { concurrency: c, weights: d.weights })],
  ["ours, weights, 'critical-path', true estimates", (d, ms, c) => ours(d, ms, { concurrency: c, weights: d.weights, order: 'critical-path', estimates: ms })],
  ['p-graph, priorities, concurrency / 3', (d, ms, c) => pGraph(d, ms, { concurrency: Math.max(1, Math.floor(c / 3)), priorities: ms })],
];

/** Runs the rows over every DAG, in turn per DAG; mean and worst of makespan / bound per row. */
async function table(title, rows, concurrencies, weighted) {
  console.log(`\n${title}\n`);
  console.log(`| order | ${concurrencies.map((c) => `concurrency ${c}`).join(' | ')} |`);
  console.log(`|---|${concurrencies.map(() => '---:').join('|')}|`);
  const ratios = rows.map(() => concurrencies.map(() => []));
  for (let k = 0; k < DAGS; k++) {
    const dag = randomDag(1000 + k);
    for (const [ci, c] of concurrencies.entries()) {
      const weights = weighted ? dag.weights : undefined;
      const scale = TARGET_MS / bound(dag, dag.durations, weights, c);
      const ms = dag.durations.map((x) => x * scale);
      const b = bound(dag, ms, weights, c);
      for (const [ri, [, run]] of rows.entries()) ratios[ri][ci].push((await run(dag, ms, c)) / b);
    }
  }
  for (const [ri, [name]] of rows.entries()) {
    const cells = ratios[ri].map((r) => `${(r.reduce((a, b) => a + b, 0) / r.length).toFixed(3)} (worst ${Math.max(...r).toFixed(3)})`);
    console.log(`| ${name} | ${cells.join(' | ')} |`);
  }
  return ratios;
}

console.log(`Makespan over ${DAGS} random DAGs of ${TASKS} tasks, log-normal durations scaled so the bound is ${TARGET_MS} ms: mean makespan / bound (worst of the ${DAGS})`);
await table('Unweighted (bound: max(critical path, work / concurrency))', ROWS, [2, 4, 8], false);
await table('Weighted: a third of the tasks hold 2 or 3 slots (bound: max(critical path, Σ weight × duration / concurrency))', WEIGHTED_ROWS, [4, 8], true);
