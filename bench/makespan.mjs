// The makespan case: 200 tasks of timed async work, concurrency 8.
// Prints JSON: measured makespan and its lower bounds (ms), per contender.
import { CONTENDERS } from './contenders.mjs';
import { makespanBounds, timedWork } from './workloads.mjs';

const contender = process.argv[2];
const work = timedWork(200);
const bounds = makespanBounds(work, 8);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const results = [];
for (let r = 0; r < 3; r++) {
  const start = performance.now();
  await CONTENDERS[contender](work.prereqs, (i) => () => sleep(work.durations[i]), 8);
  results.push(performance.now() - start);
}
console.log(JSON.stringify({ makespan: Math.min(...results), ...bounds }));
