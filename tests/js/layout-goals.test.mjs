// The goals column of the layout benchmark (bench/layout-goals.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goalsMissed } from '../../bench/layout-goals.mjs';

const graph = { name: 'random-200', nodes: 200, edges: 400 };
const metrics = (over = {}) => ({ nodes: 200, edges: 400, unmatchedEdges: 0, straightCrossings: 100, curveCrossings: 90, width: 1000, height: 500, edgesThroughNodes: 0, nodeOverlaps: 0, ...over });
const dot = { ms: 40, metrics: metrics() };

test('a drawing within every goal gets ✓', () => {
  assert.equal(goalsMissed(graph, { ms: 39, metrics: metrics({ straightCrossings: 120, curveCrossings: 108, width: 1500 }) }, dot), '✓');
});

test('each goal missed is named: time, crossings, overlaps, edges through nodes, size', () => {
  const ours = { ms: 41, metrics: metrics({ curveCrossings: 109, nodeOverlaps: 1, edgesThroughNodes: 2, width: 1501, height: 751 }) };
  assert.equal(goalsMissed(graph, ours, dot), '✗ time > 40 ms, overlaps, through nodes, crossings > 1.2×, width > 1.5×, height > 1.5×');
});

test('cases without their own limits: 10 s, and no crossing goal', () => {
  const fan = { name: 'fan-100', nodes: 200, edges: 400 };
  assert.equal(goalsMissed(fan, { ms: 9000, metrics: metrics({ straightCrossings: 1000 }) }, dot), '✓');
  assert.equal(goalsMissed(fan, { ms: 10001, metrics: metrics() }, dot), '✗ time > 10000 ms');
});

test('a drawing missing nodes or with edges to no drawn node fails; without dot, what needs dot is not judged', () => {
  assert.match(goalsMissed(graph, { ms: 1, metrics: metrics({ nodes: 199 }) }, dot), /^✗ drew 199 nodes and 400 edges/);
  assert.match(goalsMissed(graph, { ms: 1, metrics: metrics({ unmatchedEdges: 3 }) }, dot), /3 edges name no drawn node/);
  assert.equal(goalsMissed(graph, { ms: 1, metrics: metrics({ width: 99999 }) }, null), '✓ (no dot to compare)');
  assert.equal(goalsMissed(graph, { timeout: true }, dot), '✗ timeout');
});
