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
