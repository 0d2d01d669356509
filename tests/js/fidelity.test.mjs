// Fidelity to the seed and to SPEC §§1, 3, 5 (issue 14): failFast as the
// Python original does it, FSM tables checked when made, the drawing
// option followRequired, and legible text on dark SVG fills.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FSM, FSMError, Task, TaskQueue, make, makeNow, tasksAsDot, tasksAsSvg, tasksLayout } from 'taskqueue-wasm';
import { deferred, sleep } from './helpers.mjs';

const noop = () => {};
const throws = () => { throw new Error('no'); };

// ---- failFast (SPEC §3) ---------------------------------------------------

test('failFast: a failed prerequisite stops the make, its dependents stay PENDING, nothing is yielded', async () => {
  const t0 = new Task('t0', throws);
  const t1 = new Task('t1', noop);
  t1.require(t0);
  const yielded = [];
  for await (const t of make([t1], { failFast: true })) yielded.push(t);
  assert.deepEqual(yielded, []);
  assert.equal(t0.state, 'FAILED');
  assert.equal(t1.state, 'PENDING');
});

test('failFast: task.make resolves false and leaves the task PENDING when a prerequisite fails', async () => {
  const t0 = new Task('t0', async () => { await sleep(1); throw new Error('no'); });
  const t1 = new Task('t1', noop);
  t1.require(t0);
  assert.equal(await t1.make({ failFast: true }), false);
  assert.equal(t0.state, 'FAILED');
  assert.equal(t1.state, 'PENDING');
  // Without failFast the seed's rule applies: t1 fails for its prerequisite.
  assert.equal(await t1.make(), true);
  assert.equal(t1.state, 'FAILED');
});

test('failFast: a cancelled prerequisite stops the make too', async () => {
  const t0 = new Task('t0', noop, { cancelOnResult: () => true });
  const t1 = new Task('t1', noop);
  const t2 = new Task('t2', noop);
  t2.require(t1);
  t1.require(t0);
  assert.deepEqual(await makeNow([t2], { failFast: true }), []);
  assert.deepEqual([t0.state, t1.state, t2.state], ['CANCELLED', 'PENDING', 'PENDING']);
});

test('failFast: a given task that fails is yielded after those that completed before it, then nothing', async () => {
  const a = new Task('a', noop);
  const b = new Task('b', throws);
  const c = new Task('c', noop);
  assert.deepEqual(await makeNow([a, b, c], { failFast: true }), [a, b]);
  assert.equal(c.state, 'PENDING');
});

test('failFast: tasks already running finish, nothing new starts', async () => {
  const slow = deferred();
  const started = [];
  const bad = new Task('bad', async () => { started.push('bad'); await sleep(1); throw new Error('no'); });
  const running = new Task('running', async () => { started.push('running'); await slow.promise; return 'kept'; });
  const waiting = new Task('waiting', () => { started.push('waiting'); });
  const made = await makeNow([bad, running, waiting], { failFast: true, concurrency: 2 });
  assert.deepEqual(made, [bad]);
  assert.deepEqual(started, ['bad', 'running']);
  assert.equal(running.state, 'RUNNING');
  assert.equal(waiting.state, 'PENDING');
  slow.resolve();
  await running.join();
  assert.equal(running.state, 'DONE');
  assert.equal(running.result, 'kept');
  assert.equal(waiting.state, 'PENDING');
});

// ---- FSM tables (SPEC §1) ----------------------------------------------------

test('new FSM refuses a table whose transition names an undeclared state, naming the transition', () => {
  assert.throws(
    () => new FSM('a', { a: { go: 'zzz' } }),
    (e) => e instanceof FSMError && e.message === "transition 'a' --go--> 'zzz' names state 'zzz', which the table does not declare",
  );
  // Every transition is checked, not only those from the initial state.
  assert.throws(
    () => new FSM('OFF', { OFF: { on: 'ON' }, ON: { off: 'OFF', break: 'BROKEN' } }, { history: true }),
    (e) => e instanceof FSMError && /'ON' --break--> 'BROKEN'/.test(e.message),
  );
  assert.throws(() => new FSM(undefined, { a: { go: 'zzz' } }), FSMError);
  // Declared, if only with an empty row, a dead end is fine.
  const fsm = new FSM('OFF', { OFF: { on: 'ON' }, ON: { off: 'OFF', break: 'BROKEN' }, BROKEN: {} });
  assert.equal(fsm.event('on'), 'ON');
  assert.equal(fsm.event('break'), 'BROKEN');
  assert.deepEqual(fsm.events, []);
  // Drawing a table does not make a machine: a typo can still be seen.
  assert.equal(FSM.transitionsAsDot({ a: { go: 'zzz' } }), 'digraph {\n  a->zzz[label=go];\n}');
});

// ---- drawing: followRequired (SPEC §5, §7a) --------------------------------

/** fetch and config <- build <- notify; build also blocks report. */
function pipeline() {
  const fetch = new Task('fetch', noop);
  const config = new Task('config', noop);
  const build = new Task('build', noop);
  const notify = new Task('notify', noop);
  const report = new Task('report', noop);
  build.require(fetch);
  build.require(config);
  notify.require(build);
  report.require(build);
  return { fetch, config, build, notify, report };
}

/** The task ids of the DOT node lines, in order. */
const nodeIds = (dot) => [...dot.matchAll(/^ {2}(\d+)\[/gm)].map((m) => Number(m[1]));
const svgIds = (svg) => [...svg.matchAll(/class="node" data-task-id="(\d+)"/g)].map((m) => Number(m[1]));

test('tasksAsSvg([notify], {followRequired: true}) draws the prerequisites, transitively', () => {
  const { fetch, config, build, notify } = pipeline();
  const svg = tasksAsSvg([notify], { followRequired: true });
  assert.deepEqual(svgIds(svg).sort(), [fetch.id, config.id, build.id, notify.id].sort());
  assert.equal(svg.match(/class="edge"/g).length, 3, 'fetch->build, config->build, build->notify');
  assert.deepEqual(svgIds(tasksAsSvg([notify])), [notify.id], 'without it, only the given task');
  const layout = tasksLayout([notify], { followRequired: true });
  assert.deepEqual(layout.nodes.map((n) => n.task), [notify, build, config, fetch]);
});

test('followRequired: the DOT lines come in a fixed order, after the given tasks', () => {
  const { fetch, config, build, notify, report } = pipeline();
  // notify; then its prerequisite build; then build's, sorted by name:
  // config, fetch. Each node line is followed by its edges to the tasks
  // it blocks, sorted by name (report is not drawn, its edge is).
  assert.equal(tasksAsDot([notify], 'p', { followRequired: true }), [
    'digraph p {',
    `  ${notify.id}[style=filled,fillcolor=white,label="notify\\nPENDING"];`,
    `  ${build.id}[style=filled,fillcolor=white,label="build\\nPENDING"];`,
    `  ${build.id}->${notify.id};`,
    `  ${build.id}->${report.id};`,
    `  ${config.id}[style=filled,fillcolor=white,label="config\\nPENDING"];`,
    `  ${config.id}->${build.id};`,
    `  ${fetch.id}[style=filled,fillcolor=white,label="fetch\\nPENDING"];`,
    `  ${fetch.id}->${build.id};`,
    '}',
  ].join('\n'));
  // Both ways from build: what it blocks (notify, report), then what it
  // requires (config, fetch); each task once.
  const both = { followBlocking: true, followRequired: true };
  assert.deepEqual(nodeIds(tasksAsDot([build], both)), [build, notify, report, config, fetch].map((t) => t.id));
  assert.deepEqual(nodeIds(tasksAsDot([fetch], both)), [fetch, build, notify, report, config].map((t) => t.id));
  assert.equal(tasksAsDot([build], both), tasksAsDot([build], both), 'deterministic');
});

test('followRequired works for task.asDot and TaskQueue#asDot', () => {
  const { fetch, config, build, notify } = pipeline();
  assert.deepEqual(nodeIds(notify.asDot('n', { followRequired: true })), [notify, build, config, fetch].map((t) => t.id));
  assert.deepEqual(nodeIds(notify.asDot({ followRequired: true, sep: ' ' }).replaceAll(' ', '\n  ')), [notify, build, config, fetch].map((t) => t.id));
  const q = new TaskQueue([notify]);
  assert.deepEqual(nodeIds(q.asDot('q', { followRequired: true })), [notify, build, config, fetch].map((t) => t.id));
  assert.deepEqual(nodeIds(q.asDot('q')), [notify.id]);
});

test('drawing options: unknown or ill-typed ones are clear TypeErrors', () => {
  const { notify } = pipeline();
  const cases = [
    [() => tasksAsDot([notify], { followRequried: true }), /^unknown drawing option 'followRequried' \(known: followBlocking, followRequired, sep\)$/],
    [() => tasksAsSvg([notify], 'g', { follow: true }), /^unknown drawing option 'follow'/],
    [() => notify.asDot('n', { followRequired: 'yes' }), /^followRequired must be a boolean, got 'yes'$/],
    [() => tasksAsDot([notify], { followBlocking: 1 }), /^followBlocking must be a boolean, got number 1$/],
    [() => tasksAsDot([notify], { sep: 1 }), /^sep must be a string, got number 1$/],
    [() => tasksAsDot([notify], 'g', 7), /^drawing options must be an object, got number 7$/],
    [() => tasksLayout([notify], { followRequired: 0 }), /^followRequired must be a boolean, got number 0$/],
    [() => tasksLayout([notify], { sep: ' ' }), /^unknown tasksLayout option 'sep' \(known: followBlocking, followRequired, group, expand\)$/],
    [() => new TaskQueue([notify]).asDot('q', { followRequired: null }), /^followRequired must be a boolean, got null$/],
  ];
  for (const [draw, message] of cases) assert.throws(draw, (e) => e instanceof TypeError && message.test(e.message), String(message));
});

test('followRequired walks a long chain without recursion', () => {
  const n = 200_000;
  const first = new Task('t0', noop);
  const second = first.then('t1', noop);
  let last = second;
  for (let i = 2; i < n; i++) last = last.then(`t${i}`, noop);
  const dot = tasksAsDot([last], { followRequired: true });
  assert.equal(dot.match(/style=filled/g).length, n);
  assert.ok(dot.endsWith(`  ${first.id}[style=filled,fillcolor=white,label="t0\\nPENDING"];\n  ${first.id}->${second.id};\n}`));
});

// ---- SVG legibility ----------------------------------------------------------

/** The fill of each label line of a task's node (undefined: the default, black). */
function labelFills(svg, task) {
  const node = svg.match(new RegExp(`<g id="node${task.id}"[^]*?</g>`))?.[0] ?? '';
  return [...node.matchAll(/<text([^>]*)>/g)].map((m) => /\sfill="([^"]*)"/.exec(m[1])?.[1]);
}

test('SVG labels are light on the dark fills (FAILED red, ABORT darkred) and stay dark on the others', () => {
  const states = ['PREPARE', 'PENDING', 'QUEUED', 'RUNNING', 'DONE', 'FAILED', 'CANCELLED', 'ABORT'];
  const tasks = states.map((state) => new Task(`in ${state}`, noop, { state }));
  const svg = tasksAsSvg(tasks);
  for (const task of tasks) {
    const fills = labelFills(svg, task);
    assert.equal(fills.length, 2, `${task.state}: name and state`);
    const dark = task.state === 'FAILED' || task.state === 'ABORT';
    for (const fill of fills) {
      if (dark) assert.equal(fill, 'white', task.state);
      else assert.ok(fill === undefined || fill === 'black', `${task.state}: ${fill}`);
    }
  }
  assert.match(svg, new RegExp(`data-state="FAILED"><title>in FAILED</title><rect [^>]*fill="red"`));
  assert.match(svg, new RegExp(`data-state="ABORT"><title>in ABORT</title><rect [^>]*fill="darkred"`));
});
