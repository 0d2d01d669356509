// Fidelity to the seed and to SPEC §§1, 3, 5 (issue 14): failFast as the
// Python original does it, FSM tables checked when made, the drawing
// option followRequired, and legible text on dark SVG fills.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FSM, FSMError, Task, make, makeNow } from 'taskqueue-wasm';
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
