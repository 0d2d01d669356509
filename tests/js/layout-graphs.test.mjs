// The layout benchmark's graphs (bench/layout-graphs.mjs): the shapes the
// README promises, the same on every run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildLike, CASES, chain, fan, randomLayered } from '../../bench/layout-graphs.mjs';

function isDag({ nodes, edges }) {
  const waiting = new Array(nodes.length).fill(0);
  const out = nodes.map(() => []);
  for (const [u, v] of edges) {
    out[u].push(v);
    waiting[v]++;
  }
  const ready = nodes.map((_, i) => i).filter((i) => waiting[i] === 0);
  let seen = 0;
  while (ready.length) {
    seen++;
    for (const v of out[ready.pop()]) if (--waiting[v] === 0) ready.push(v);
  }
  return seen === nodes.length;
}

test('random layered DAG: 2n distinct edges, each 1 to 3 layers down, the same on every run', () => {
  const g = randomLayered(200);
  assert.equal(g.nodes.length, 200);
  assert.equal(g.edges.length, 400);
  assert.equal(new Set(g.edges.map(([u, v]) => `${u} ${v}`)).size, 400);
  // 15 layers (ceil sqrt 200) of 13 or 14 nodes, numbered layer by layer.
  const starts = g.layerStarts;
  assert.equal(starts.length, 16);
  assert.deepEqual([starts[0], starts[15]], [0, 200]);
  const sizes = starts.slice(1).map((s, k) => s - starts[k]);
  assert.ok(sizes.every((size) => size === 13 || size === 14), `layer sizes ${sizes}`);
  const layerOf = (i) => starts.findLastIndex((s) => s <= i);
  for (const [u, v] of g.edges) {
    const span = layerOf(v) - layerOf(u);
    assert.ok(span >= 1 && span <= 3, `edge ${u}->${v} spans ${span} layers`);
  }
  assert.ok(isDag(g));
  assert.deepEqual(randomLayered(200), g);
  assert.notDeepEqual(randomLayered(200, 7).edges, g.edges);
});

test('fan, chain and build graphs have the promised shape', () => {
  const f = fan(100);
  assert.equal(f.edges.length, 196);
  assert.ok(f.edges.every(([u, v]) => u === 0 || v === 99));
  const c = chain(10);
  assert.deepEqual(c.edges[3], [3, 4]);
  assert.equal(c.edges.length, 9);
  const b = buildLike(30, 5);
  assert.equal(b.nodes.length, 150);
  const cross = b.edges.filter(([u, v]) => Math.floor(u / 5) !== Math.floor(v / 5));
  assert.equal(b.edges.length - cross.length, 30 * 4, 'each package a chain of 5 stages');
  assert.ok(cross.every(([u, v]) => u % 5 === 3 && v % 5 === 1 && u < v), 'package stage -> a later compile stage');
  assert.ok(cross.length > 15 && cross.length < 75);
  assert.ok(isDag(b));
});

test('every case of the issue is there, with labels taskN', () => {
  assert.deepEqual(
    CASES.map((c) => c.name),
    ['random-50', 'random-200', 'random-1000', 'random-5000', 'fan-100', 'fan-1000', 'fan-5000', 'chain-10000', 'build-30x5', 'build-200x5'],
  );
  assert.deepEqual(fan(3).nodes, [{ name: 'task0' }, { name: 'task1' }, { name: 'task2' }]);
});
