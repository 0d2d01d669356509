// The benchmark's graphs, identical for every contender: task i's
// prerequisites are `prereqs[i]`, all with smaller indices.

import { rng } from './rng.mjs';

export const WORKLOADS = {
  /** 0 <- 1 <- 2 <- ... */
  chain(n) {
    return Array.from({ length: n }, (_, i) => (i === 0 ? [] : [i - 1]));
  },
  /** 1 -> N -> 1: a source, n-2 middles, a sink. */
  fan(n) {
    const mids = Array.from({ length: n - 2 }, (_, i) => i + 1);
    return Array.from({ length: n }, (_, i) => (i === 0 ? [] : i === n - 1 ? mids : [0]));
  },
  /** Each task requires up to 3 distinct random earlier tasks (~3 per task). */
  random(n) {
    const next = rng(n);
    return Array.from({ length: n }, (_, i) => {
      const want = Math.min(3, i);
      const picked = new Set();
      while (picked.size < want) picked.add(Math.floor(next() * i));
      return [...picked];
    });
  },
};

/**
 * The makespan case: each task requires one or two of the 8 before it and
 * sleeps 5-50 ms. The graph is narrow, so with 8 workers the critical
 * path, not the total work, bounds the makespan, and the ratio to it shows
 * what the scheduler itself adds.
 */
export function timedWork(n, seed = 42) {
  const next = rng(seed);
  const prereqs = Array.from({ length: n }, (_, i) => {
    if (i === 0) return [];
    const picked = new Set([i - 1 - Math.floor(next() * Math.min(8, i))]);
    if (next() < 0.5) picked.add(i - 1 - Math.floor(next() * Math.min(8, i)));
    return [...picked];
  });
  const durations = Array.from({ length: n }, () => 5 + Math.floor(next() * 46));
  return { prereqs, durations };
}

/** Lower bounds on the makespan: the critical path, and total work over the workers. */
export function makespanBounds({ prereqs, durations }, workers) {
  const finish = new Float64Array(durations.length);
  let critical = 0;
  for (let i = 0; i < durations.length; i++) {
    let start = 0;
    for (const p of prereqs[i]) start = Math.max(start, finish[p]);
    finish[i] = start + durations[i];
    critical = Math.max(critical, finish[i]);
  }
  const total = durations.reduce((a, b) => a + b, 0);
  return { critical, work: total / workers, bound: Math.max(critical, total / workers) };
}
