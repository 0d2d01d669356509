// One benchmark case in a fresh process: `node case.mjs CONTENDER
// WORKLOAD SIZE sync|async RUNS`. Prints JSON: µs per task of each run,
// and the peak RSS of the process.
import { CONTENDERS } from './contenders.mjs';
import { WORKLOADS } from './workloads.mjs';

const [contender, workload, size, kind, runs] = process.argv.slice(2);
const n = Number(size);
const prereqs = WORKLOADS[workload](n);
const fn = kind === 'async' ? async () => {} : () => {};
const times = [];
for (let r = 0; r < Number(runs); r++) {
  const start = process.hrtime.bigint();
  await CONTENDERS[contender](prereqs, () => fn);
  times.push(Number(process.hrtime.bigint() - start) / 1000 / n);
}
console.log(JSON.stringify({ times, maxRSS: process.resourceUsage().maxRSS * 1024 }));
