// The goals of issue 5 for our renderer, per case: time (wasm in Node,
// layout + SVG string), crossings against dot's, and for every case 0
// node overlaps, 0 edges through nodes, width and height ≤ 1.5× dot's.

/** Time limits in ms; any other case of ≤ 10,000 nodes: 10 s. */
export const TIME_GOALS = {
  'random-200': 40,
  'random-1000': 300,
  'build-200x5': 300,
  'chain-10000': 500,
  'fan-5000': 1000,
  'random-5000': 5000,
};
const ANY_TIME = 10_000;

/** Crossings at most this many times dot's (both straight and as drawn). */
export const CROSSING_GOALS = { 'random-200': 1.2, 'random-1000': 1.2, 'build-200x5': 1.3 };
export const SIZE_GOAL = 1.5;

/**
 * "✓", or "✗" and the goals missed; goals that need dot's figures are
 * left out (and said so) when dot did not draw the case. A drawing that
 * lacks nodes or edges of the graph, or whose edges name no drawn node,
 * fails: its measures would flatter it.
 */
export function goalsMissed({ name, nodes, edges }, ours, dot) {
  if (ours.timeout) return '✗ timeout';
  if (ours.failed) return '✗ failed';
  const m = ours.metrics;
  const missed = [];
  if (m.nodes !== nodes || m.edges !== edges) missed.push(`drew ${m.nodes} nodes and ${m.edges} edges`);
  if (m.unmatchedEdges > 0) missed.push(`${m.unmatchedEdges} edges name no drawn node`);
  const limit = TIME_GOALS[name] ?? ANY_TIME;
  if (ours.ms > limit) missed.push(`time > ${limit} ms`);
  if (m.nodeOverlaps > 0) missed.push('overlaps');
  if (m.edgesThroughNodes > 0) missed.push('through nodes');
  const ref = dot?.metrics;
  if (ref) {
    const most = CROSSING_GOALS[name];
    if (most && (m.straightCrossings > most * ref.straightCrossings || m.curveCrossings > most * ref.curveCrossings)) missed.push(`crossings > ${most}×`);
    if (m.width > SIZE_GOAL * ref.width) missed.push(`width > ${SIZE_GOAL}×`);
    if (m.height > SIZE_GOAL * ref.height) missed.push(`height > ${SIZE_GOAL}×`);
  }
  const unchecked = ref ? '' : ' (no dot to compare)';
  return (missed.length ? `✗ ${missed.join(', ')}` : '✓') + unchecked;
}
