// SPEC §1 at the JS level: the task state machine and the general FSM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FSM, FSMError, Task, TaskError, make } from 'taskqueue-wasm';

const TABLE = {
  PREPARE: { prepared: 'PENDING' },
  PENDING: { dispatch: 'RUNNING', queue: 'QUEUED', cancel: 'CANCELLED', error: 'FAILED', abort: 'ABORT' },
  QUEUED: { cancel: 'CANCELLED', dispatch: 'RUNNING' },
  RUNNING: { done: 'DONE', except: 'FAILED', cancel: 'CANCELLED' },
  CANCELLED: { retry: 'PENDING', abort: 'ABORT' },
  FAILED: { retry: 'PENDING', abort: 'ABORT' },
  DONE: {},
  ABORT: {},
};
const EVENTS = ['prepared', 'dispatch', 'queue', 'cancel', 'error', 'abort', 'done', 'except', 'retry'];
const noop = () => {};

test('every transition of the table is allowed on a task', () => {
  for (const [from, events] of Object.entries(TABLE)) {
    for (const [event, to] of Object.entries(events)) {
      const t = new Task('t', noop, { state: from });
      assert.equal(t.event(event), to, `${from} --${event}-->`);
      assert.equal(t.state, to);
    }
  }
});

test('any other event is a TaskError naming the event and the state', () => {
  for (const [from, events] of Object.entries(TABLE)) {
    for (const event of [...EVENTS, 'explode']) {
      if (event in events) continue;
      const t = new Task('t', noop, { state: from });
      assert.throws(
        () => t.event(event),
        (e) => e instanceof TaskError && e instanceof FSMError && e.message === `task 't': invalid event '${event}' for state '${from}'` && e.task === t,
      );
      assert.equal(t.state, from);
    }
  }
});

test('a new task starts PENDING unless another state is given', () => {
  assert.equal(new Task('t', noop).state, 'PENDING');
  for (const state of Object.keys(TABLE)) assert.equal(new Task('t', noop, { state }).state, state);
  assert.throws(() => new Task('t', noop, { state: 'SLEEPING' }), (e) => e instanceof TaskError && /unknown state 'SLEEPING'/.test(e.message));
});

test('a throwing function fires except', async () => {
  const seen = [];
  const t = new Task('t', () => { throw new Error('boom'); }, { track: (task, tr) => seen.push(tr.event) });
  await t.dispatch();
  assert.deepEqual(seen, ['dispatch', 'except']);
  assert.equal(t.state, 'FAILED');
});

test('every transition records oldState, newState, event, when and extra', async () => {
  const bad = new Task('bad', () => { throw new Error('no'); });
  const t = new Task('t', noop);
  t.require(bad);
  const seen = [];
  t.onTransition('*', (task, tr) => seen.push([task, tr]));
  const before = Date.now();
  for await (const _ of make(t));
  assert.equal(seen.length, 1);
  const [task, tr] = seen[0];
  assert.equal(task, t);
  assert.deepEqual(Object.keys(tr).sort(), ['event', 'extra', 'newState', 'oldState', 'when']);
  assert.equal(tr.oldState, 'PENDING');
  assert.equal(tr.newState, 'FAILED');
  assert.equal(tr.event, 'error');
  assert.ok(tr.when >= before && tr.when <= Date.now());
  assert.equal(tr.extra.because, 'failed prerequisites');
  assert.deepEqual(tr.extra.tasks, [bad]);
  assert.equal(tr.extra.tasks[0], bad);
});

test('extra given to event() reaches the callbacks', () => {
  const t = new Task('t', noop, { state: 'FAILED' });
  let got;
  t.onTransition('PENDING', (task, tr) => { got = tr.extra; });
  t.event('retry', { who: 'operator' });
  assert.deepEqual(got, { who: 'operator' });
});

test('callbacks for one state or any state are called after the transition', async () => {
  const calls = [];
  const t = new Task('t', noop);
  t.onTransition('DONE', (task, tr) => calls.push(`DONE ${task.state} ${tr.event}`));
  const off = t.onTransition('*', (task, tr) => calls.push(`* ${task.state}`));
  await t.dispatch();
  assert.deepEqual(calls, ['* RUNNING', 'DONE DONE done', '* DONE']);
  off();
  t.onTransition('*', () => calls.push('late'));
  assert.equal(calls.length, 3);
});

test('a callback that throws does not break the state machine', async () => {
  const { setCallbackErrorHandler } = await import('taskqueue-wasm');
  const reported = [];
  setCallbackErrorHandler((error, task, tr) => reported.push(`${error} ${task.name} ${tr.newState}`));
  try {
    const seen = [];
    const t = new Task('t', noop);
    t.onTransition('*', () => { throw new Error('bad callback'); });
    t.onTransition('*', () => { throw 'not even an Error'; }); // eslint-disable-line no-throw-literal
    t.onTransition('*', (task, tr) => seen.push(tr.newState));
    await t.dispatch();
    assert.equal(t.state, 'DONE');
    assert.deepEqual(seen, ['RUNNING', 'DONE']);
    assert.deepEqual(reported, ['Error: bad callback t RUNNING', 'not even an Error t RUNNING', 'Error: bad callback t DONE', 'not even an Error t DONE']);
  } finally {
    setCallbackErrorHandler((e) => console.error(e));
  }
});

test('completed means DONE, FAILED or ABORT; CANCELLED still blocks', () => {
  for (const state of Object.keys(TABLE)) {
    const p = new Task('p', noop, { state });
    const t = new Task('t', noop);
    t.require(p);
    const completed = ['DONE', 'FAILED', 'ABORT'].includes(state);
    assert.equal(p.isCompleted(), completed, state);
    assert.equal(t.isBlocked(), !completed, state);
    assert.deepEqual(t.blockers(), completed ? [] : [p]);
  }
});

test('the general FSM: any table, events valid now, optional history, callbacks', () => {
  const light = { OFF: { on: 'ON', break: 'BROKEN' }, ON: { off: 'OFF' }, BROKEN: {} };
  const fsm = new FSM('OFF', light, { history: true });
  assert.equal(fsm.state, 'OFF');
  assert.deepEqual(fsm.events, ['on', 'break']);
  const seen = [];
  fsm.onTransition('ON', (m, tr) => seen.push(`${m.state} via ${tr.event}`));
  fsm.onTransition('*', () => { throw new Error('ignored'); });
  const original = console.error;
  console.error = () => {};
  try {
    assert.equal(fsm.event('on', { by: 'hand' }), 'ON');
    assert.throws(() => fsm.event('break'), (e) => e instanceof FSMError && e.message === "invalid event 'break' for state 'ON'");
    fsm.event('off');
  } finally {
    console.error = original;
  }
  assert.deepEqual(seen, ['ON via on']);
  assert.deepEqual(fsm.history.map((tr) => [tr.oldState, tr.event, tr.newState, tr.extra]), [
    ['OFF', 'on', 'ON', { by: 'hand' }],
    ['ON', 'off', 'OFF', {}],
  ]);
  assert.equal(new FSM('OFF', light).history, undefined);
  const unset = new FSM(undefined, light);
  assert.equal(unset.state, undefined);
  assert.deepEqual(unset.events, []);
  assert.throws(() => unset.event('on'), FSMError);
  assert.throws(() => new FSM('DIM', light), (e) => e instanceof FSMError && e.message === "unknown state 'DIM'");
  assert.throws(() => new FSM('OFF', { OFF: { on: 3 } }), TypeError);
  assert.throws(() => new FSM('OFF', 'nope'), TypeError);
});

test('the transition diagram as DOT', () => {
  assert.equal(
    FSM.transitionsAsDot(TABLE, 'Task'),
    `digraph Task {
  PREPARE->PENDING[label=prepared];
  PENDING->ABORT[label=abort];
  PENDING->CANCELLED[label=cancel];
  PENDING->RUNNING[label=dispatch];
  PENDING->FAILED[label=error];
  PENDING->QUEUED[label=queue];
  QUEUED->CANCELLED[label=cancel];
  QUEUED->RUNNING[label=dispatch];
  RUNNING->CANCELLED[label=cancel];
  RUNNING->DONE[label=done];
  RUNNING->FAILED[label=except];
  CANCELLED->ABORT[label=abort];
  CANCELLED->PENDING[label=retry];
  FAILED->ABORT[label=abort];
  FAILED->PENDING[label=retry];
}`,
  );
  assert.equal(FSM.transitionsAsDot({ 'a b': { 'go!': 'c"d' } }), 'digraph {\n  "a b"->"c\\"d"[label="go!"];\n}');
});
