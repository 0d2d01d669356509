// The numbers the core knows pools by (SPEC §12): a task's `pool` and
// the names of a make's `pools` are numbered the same way here, once per
// name, so the core compares numbers, never strings.

const numbers = new Map();

/** The number of a pool's name (from 1; 0 is "no pool"). */
export function poolNumber(name) {
  let n = numbers.get(name);
  if (n === undefined) numbers.set(name, (n = numbers.size + 1));
  return n;
}
