// One case of the layout benchmark for our renderer, in a fresh process:
// `node layout-case.mjs CASE RUNS OUTDIR`. Builds the case's graph as real
// tasks, times `tasksAsSvg(tasks)` (layout + SVG string) RUNS times, or
// fewer once BUDGET_MS have gone by (at least once),
// writes the last SVG to OUTDIR/CASE.ours.svg and `tasksAsDot(tasks)` to
// OUTDIR/CASE.dot, and prints JSON: ms of each run, the process's peak
// RSS, and its RSS once the tasks were built (before any layout).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Task, tasksAsDot, tasksAsSvg } from '../js/node.mjs';
import { caseNamed } from './layout-graphs.mjs';

const [name, runs, outDir] = process.argv.slice(2);
const BUDGET_MS = 5000;
const graph = caseNamed(name).make();

function tasksOf({ nodes, edges }) {
  const noop = () => {};
  const tasks = nodes.map((n) => new Task(n.name, noop));
  for (const [u, v] of edges) tasks[v].require(tasks[u]);
  return tasks;
}

// Warm up on a small graph, so a single timed run of a big case does not
// pay for the first calls into the .wasm.
tasksAsSvg(tasksOf({ nodes: [{ name: 'a' }, { name: 'b' }], edges: [[0, 1]] }));

const tasks = tasksOf(graph);
const builtRSS = process.memoryUsage.rss();
const times = [];
let svg = '';
const began = Date.now();
for (let r = 0; r < Number(runs) && (r === 0 || Date.now() - began < BUDGET_MS); r++) {
  svg = '';
  const start = process.hrtime.bigint();
  svg = tasksAsSvg(tasks);
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
}
writeFileSync(join(outDir, `${name}.ours.svg`), svg);
writeFileSync(join(outDir, `${name}.dot`), tasksAsDot(tasks));
console.log(JSON.stringify({ times, maxRSS: process.resourceUsage().maxRSS * 1024, builtRSS }));
