// The modules of js/ import each other in one direction only: a cycle
// hides which module is built on which, and makes the order in which
// their top levels run depend on who is imported first. This reads the
// `import … from './x.mjs'` (and `export … from`) lines of js/*.mjs,
// builds the graph and fails on any cycle, naming it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const JS = fileURLToPath(new URL('../../js/', import.meta.url));

/** Module -> the modules of js/ it imports or re-exports from. */
function importGraph(dir) {
  const graph = new Map();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort()) {
    const source = readFileSync(dir + file, 'utf8');
    // `[^;]*?` spans the lines of a long import list; static imports end
    // with their specifier, so no `;` comes between keyword and `from`.
    const pattern = /^\s*(?:import|export)\b[^;'"]*?(?:\bfrom\s*)?['"]\.\/([^'"]+)['"]/gm;
    graph.set(file, [...new Set(Array.from(source.matchAll(pattern), (m) => m[1]))]);
  }
  return graph;
}

/** One cycle of the graph as a path `a -> b -> … -> a`, or undefined. */
function findCycle(graph) {
  const state = new Map(); // module -> 'open' while on the path, 'done' after
  const path = [];
  const visit = (node) => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') return [...path.slice(path.indexOf(next)), next];
      if (state.get(next) === undefined) {
        const cycle = visit(next);
        if (cycle !== undefined) return cycle;
      }
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    if (state.get(node) !== undefined) continue;
    const cycle = visit(node);
    if (cycle !== undefined) return cycle.join(' -> ');
  }
  return undefined;
}

test('the cycle finder finds a cycle, and none where there is none', () => {
  const graph = new Map([
    ['a.mjs', ['b.mjs']],
    ['b.mjs', ['c.mjs']],
    ['c.mjs', ['a.mjs']],
  ]);
  assert.equal(findCycle(graph), 'a.mjs -> b.mjs -> c.mjs -> a.mjs');
  graph.set('c.mjs', []);
  assert.equal(findCycle(graph), undefined);
});

test('every import of js/ is read, and names a module that exists', () => {
  const graph = importGraph(JS);
  // The entry points and the list of exports import others: a pattern
  // that read nothing would make the next test pass for nothing.
  assert.ok(graph.get('api.mjs').includes('task.mjs'), 'api.mjs re-exports task.mjs');
  assert.ok(graph.get('node.mjs').includes('api.mjs'), 'node.mjs re-exports api.mjs');
  for (const [file, imports] of graph) {
    for (const name of imports) assert.ok(existsSync(JS + name), `${file} imports ./${name}, which is not in js/`);
  }
});

test('no import cycle among the modules of js/', () => {
  const cycle = findCycle(importGraph(JS));
  assert.equal(cycle, undefined, `js/ imports in a cycle: ${cycle}`);
});
