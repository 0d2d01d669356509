// The geometry API (tasksLayout) and the state machine drawn as SVG.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FSM, FSMError, Task, tasksAsSvg, tasksLayout } from 'taskqueue-wasm';

const noop = () => {};

function diamond() {
  const fetch = new Task('fetch', noop, { state: 'DONE' });
  const parse = fetch.then('parse', noop);
  const check = fetch.then('check', noop);
  const report = new Task('report', noop);
  report.require(parse);
  report.require(check);
  return { fetch, parse, check, report };
}

test('tasksLayout gives the user\'s own Task objects, boxes and edge curves as plain numbers', () => {
  const { fetch, parse, check, report } = diamond();
  const drawing = tasksLayout([fetch], { followBlocking: true });
  assert.deepEqual(drawing.nodes.map((n) => n.task), [fetch, check, parse, report], 'drawing order: given, then breadth first by name');
  assert.equal(drawing.edges.length, 4);
  for (const node of drawing.nodes) {
    assert.equal(node.id, node.task.id);
    assert.equal(node.name, node.task.name);
    assert.equal(node.state, node.task.state);
    for (const v of [node.x, node.y, node.width, node.height]) assert.ok(Number.isFinite(v) && v >= 0);
    assert.ok(node.x + node.width <= drawing.width && node.y + node.height <= drawing.height);
  }
  const pairs = drawing.edges.map((e) => `${e.from.name}->${e.to.name}`).sort();
  assert.deepEqual(pairs, ['check->report', 'fetch->check', 'fetch->parse', 'parse->report']);
  const box = new Map(drawing.nodes.map((n) => [n.task, n]));
  for (const e of drawing.edges) {
    assert.ok(e.from instanceof Task && e.to instanceof Task);
    assert.equal((e.points.length - 1) % 3, 0, 'whole cubic pieces');
    assert.ok(e.points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y)));
    assert.match(e.path, /^M[\d.]+,[\d.]+ C[\d.]+,[\d.]+/);
    assert.equal(e.arrow.length, 3);
    const to = box.get(e.to);
    assert.ok(Math.abs(e.arrow[0].y - to.y) < 0.01, 'the arrow tip touches the top of the task it points at');
    assert.ok(box.get(e.from).y < to.y, 'prerequisites above');
  }
});

test('tasksLayout without followBlocking lays out only the given tasks, and matches tasksAsSvg', () => {
  const { fetch, parse, report } = diamond();
  const drawing = tasksLayout([report, parse, fetch]);
  assert.deepEqual(drawing.nodes.map((n) => n.task), [report, parse, fetch]);
  assert.equal(drawing.edges.length, 2);
  const svg = tasksAsSvg([report, parse, fetch]);
  for (const e of drawing.edges) assert.ok(svg.includes(`d="${e.path}"`), 'the SVG draws the same curves');
  assert.deepEqual(tasksLayout([]), { width: 16, height: 16, nodes: [], edges: [] });
});

test('tasksLayout rejects what is not tasks or options with TypeError', () => {
  const t = new Task('t', noop);
  assert.throws(() => tasksLayout(42), TypeError);
  assert.throws(() => tasksLayout([t, 'x']), TypeError);
  assert.throws(() => tasksLayout([t], 'followBlocking'), TypeError);
});

test('FSM.transitionsAsSvg draws states, transitions labelled with events, and self-loops', () => {
  const table = { OFF: { on: 'ON' }, ON: { off: 'OFF', 'tick <1s>': 'ON' } };
  const svg = FSM.transitionsAsSvg(table, 'switch');
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="[\d.]+" height="[\d.]+" viewBox="0 0 [\d.]+ [\d.]+">/);
  assert.equal(svg.match(/class="node"/g).length, 2);
  assert.equal(svg.match(/class="edge"/g).length, 3);
  assert.match(svg, /<title>switch<\/title>/);
  assert.match(svg, /<title>ON&#45;&gt;ON<\/title>/);
  assert.match(svg, />tick &lt;1s&gt;<\/text>/);
  assert.match(svg, /data-state="OFF"/);
  assert.equal(svg, FSM.transitionsAsSvg(table, 'switch'), 'deterministic');
});

test('FSM.transitionsAsSvg rejects bad tables and names', () => {
  assert.throws(() => FSM.transitionsAsSvg('OFF'), TypeError);
  assert.throws(() => FSM.transitionsAsSvg({ A: { go: 3 } }), TypeError);
  assert.throws(() => FSM.transitionsAsSvg({ A: { go: 'B' } }, 7), TypeError);
  assert.throws(() => FSM.transitionsAsSvg({ A: [] }), TypeError);
  assert.ok(FSMError);
});

test('FSM.transitionsLayout gives the same drawing as plain objects: states, events, curves, labels', () => {
  const table = { OFF: { on: 'ON' }, ON: { off: 'OFF', tick: 'ON' } };
  const drawing = FSM.transitionsLayout(table);
  assert.deepEqual(drawing.nodes.map((n) => n.state), ['OFF', 'ON']);
  assert.deepEqual(drawing.edges.map((e) => `${e.from}-${e.event}->${e.to}`), ['OFF-on->ON', 'ON-off->OFF', 'ON-tick->ON']);
  const svg = FSM.transitionsAsSvg(table);
  for (const e of drawing.edges) {
    assert.ok(svg.includes(`d="${e.path}"`), 'the SVG draws the same curves');
    assert.ok(Number.isFinite(e.label.x) && Number.isFinite(e.label.y));
    assert.ok(e.label.x > 0 && e.label.x < drawing.width && e.label.y > 0 && e.label.y < drawing.height);
  }
  assert.throws(() => FSM.transitionsLayout(null), TypeError);
});
