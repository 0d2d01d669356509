// The layout benchmark's graphs (issue 5), the same for every renderer.
// Each is `{ name, nodes: [{ name }], edges: [[u, v], …] }`: nodes by
// index, an edge u -> v meaning u blocks v (v requires u), as DOT draws
// it. Every generator is seeded, so a case is the same graph on every run.

import { rng } from './rng.mjs';

/** Nodes named `task0` … `task{n-1}`, as the labels `taskN\nSTATE`. */
function taskNodes(n) {
  return Array.from({ length: n }, (_, i) => ({ name: `task${i}` }));
}

/**
 * A random layered DAG: n nodes in ceil(sqrt(n)) layers of near-equal
 * size (`layerStarts`), numbered layer by layer; 2n distinct edges, each from a random node of
 * any layer but the last to a random node 1 layer later (60%), 2 layers
 * later (25%) or 3 (15%), capped at the last layer. So nodes have 2 edges
 * out and 2 in on average, most edges join neighbouring layers, and some
 * are long (the layout must route them through the layers between).
 */
export function randomLayered(n, seed = n) {
  const next = rng(seed);
  const layers = Math.ceil(Math.sqrt(n));
  // Layer k holds nodes start[k] .. start[k+1]-1; sizes differ by at most 1.
  const start = Array.from({ length: layers + 1 }, (_, k) => Math.round((k * n) / layers));
  const layerOf = new Int32Array(n);
  for (let k = 0; k < layers; k++) layerOf.fill(k, start[k], start[k + 1]);
  const last = layers - 1;
  const sources = start[last]; // nodes not in the last layer
  const edges = [];
  const seen = new Set();
  while (edges.length < 2 * n) {
    const u = Math.floor(next() * sources);
    const r = next();
    const span = r < 0.6 ? 1 : r < 0.85 ? 2 : 3;
    const layer = Math.min(last, layerOf[u] + span);
    const v = start[layer] + Math.floor(next() * (start[layer + 1] - start[layer]));
    if (seen.has(u * n + v)) continue;
    seen.add(u * n + v);
    edges.push([u, v]);
  }
  return { name: `random-${n}`, nodes: taskNodes(n), edges, layerStarts: start };
}

/** 1 -> N -> 1: a source, n - 2 middles, a sink (n nodes in all). */
export function fan(n) {
  const edges = [];
  for (let m = 1; m < n - 1; m++) edges.push([0, m], [m, n - 1]);
  return { name: `fan-${n}`, nodes: taskNodes(n), edges };
}

/** 0 -> 1 -> … -> n-1. */
export function chain(n) {
  return { name: `chain-${n}`, nodes: taskNodes(n), edges: Array.from({ length: n - 1 }, (_, i) => [i, i + 1]) };
}

/**
 * A monorepo-like build: `components` packages, each a chain of `stages`
 * (fetch -> compile -> test -> package -> deploy for 5); node
 * c * stages + s is stage s of package c. Each package but the first
 * depends on 0-3 earlier packages (1.5 on average, nearer ones more
 * likely, as libraries build on recent ones): its stage 1 (compile)
 * requires their stage 3 (package) — or their last stage when there are
 * fewer than 4 stages.
 */
export function buildLike(components, stages, seed = components * 31 + stages) {
  const next = rng(seed);
  const node = (c, s) => c * stages + s;
  const edges = [];
  const compile = Math.min(1, stages - 1);
  const packaged = Math.min(3, stages - 1);
  for (let c = 0; c < components; c++) {
    for (let s = 0; s + 1 < stages; s++) edges.push([node(c, s), node(c, s + 1)]);
    const wanted = Math.min(c, Math.floor(next() * 4));
    const deps = new Set();
    while (deps.size < wanted) {
      // Nearer packages are likelier: the distance back is skewed small.
      const back = 1 + Math.floor(next() * next() * c);
      deps.add(c - back);
    }
    for (const d of [...deps].sort((a, b) => a - b)) edges.push([node(d, packaged), node(c, compile)]);
  }
  return { name: `build-${components}x${stages}`, nodes: taskNodes(components * stages), edges };
}

/** Every case of the issue, in table order; `big` ones are left out by --quick. */
export const CASES = [
  { name: 'random-50', make: () => randomLayered(50) },
  { name: 'random-200', make: () => randomLayered(200) },
  { name: 'random-1000', make: () => randomLayered(1000) },
  { name: 'random-5000', make: () => randomLayered(5000), big: true },
  { name: 'fan-100', make: () => fan(100) },
  { name: 'fan-1000', make: () => fan(1000) },
  { name: 'fan-5000', make: () => fan(5000), big: true },
  { name: 'chain-10000', make: () => chain(10000), big: true },
  { name: 'build-30x5', make: () => buildLike(30, 5) },
  { name: 'build-200x5', make: () => buildLike(200, 5) },
];

export function caseNamed(name) {
  const found = CASES.find((c) => c.name === name);
  if (!found) throw new Error(`no layout case '${name}'; cases: ${CASES.map((c) => c.name).join(', ')}`);
  return found;
}
