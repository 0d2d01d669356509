// Bad input from JS gets a clear Error subclass, and the package keeps
// working afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FSM, FSMError, Later, Task, TaskError, TaskQueue, make, makeLater, makeNow, tasksAsDot } from 'taskqueue-wasm';

const noop = () => {};
const t = () => new Task('t', noop);

const CASES = [
  ['Task name not a string', () => new Task(42, noop), TypeError],
  ['Task without a function', () => new Task('x'), TypeError],
  ['Task function not a function', () => new Task('x', 'code'), TypeError],
  ['Task options not an object', () => new Task('x', noop, 5), TypeError],
  ['Task unknown option', () => new Task('x', noop, { retries: 3 }), TypeError],
  ['Task args not an array', () => new Task('x', noop, { args: 'a' }), TypeError],
  ['Task unknown state', () => new Task('x', noop, { state: 'done' }), TaskError],
  ['Task state not a string', () => new Task('x', noop, { state: 3 }), TaskError],
  ['Task cancelOnResult not a function', () => new Task('x', noop, { cancelOnResult: true }), TypeError],
  ['Task track neither boolean nor function', () => new Task('x', noop, { track: 'yes' }), TypeError],
  ['require a non-task', () => t().require({}), TypeError],
  ['require undefined', () => t().require(undefined), TypeError],
  ['block a non-task', () => t().block(null), TypeError],
  ['then with a number', () => t().then(3), TypeError],
  ['event name not a string', () => t().event(7), TypeError],
  ['unknown event', () => t().event('explode'), TaskError],
  ['event extra not an object', () => t().event('cancel', 'why'), TypeError],
  ['onTransition unknown state', () => t().onTransition('SLEEPING', noop), TaskError],
  ['onTransition callback not a function', () => t().onTransition('*', 'log'), TypeError],
  ['cancel a finished task', () => new Task('x', noop, { state: 'DONE' }).cancel(), TaskError],
  ['make of a non-task', () => make(42), TypeError],
  ['make of an array with a non-task', () => make([t(), 'x']), TypeError],
  ['make unknown option', () => make(t(), { fastFail: true }), TypeError],
  ['make concurrency zero', () => make(t(), { concurrency: 0 }), RangeError],
  ['make concurrency fractional', () => make(t(), { concurrency: 1.5 }), RangeError],
  ['make queue not a function', () => make(t(), { queue: {} }), TypeError],
  ['make signal not an AbortSignal', () => make(t(), { signal: true }), TypeError],
  ['Later capacity not a positive integer', () => new Later(-1), RangeError],
  ['makeLater without a Later', () => makeLater({}, [t()]), TypeError],
  ['TaskQueue of non-tasks', () => new TaskQueue([1]), TypeError],
  ['TaskQueue add a non-task', () => new TaskQueue().add('t'), TypeError],
  ['tasksAsDot of a non-iterable', () => tasksAsDot(5), TypeError],
  ['tasksAsDot name not a string', () => tasksAsDot([t()], 5), TypeError],
  ['tasksAsDot sep not a string', () => tasksAsDot([t()], 'g', { sep: 1 }), TypeError],
  ['FSM table not an object', () => new FSM('A', null), TypeError],
  ['FSM row not an object', () => new FSM('A', { A: 'B' }), TypeError],
  ['FSM unknown initial state', () => new FSM('Z', { A: { go: 'B' } }), FSMError],
  ['FSM event name not a string', () => new FSM('A', { A: { go: 'B' } }).event(1), TypeError],
  ['FSM invalid event', () => new FSM('A', { A: { go: 'B' } }).event('stop'), FSMError],
  ['FSM dot name not a string', () => FSM.transitionsAsDot({ A: {} }, 3), TypeError],
];

test(`a catalogue of ${CASES.length} bad inputs, each a clear Error subclass`, () => {
  for (const [what, call, kind] of CASES) {
    assert.throws(call, (e) => {
      assert.ok(e instanceof kind, `${what}: got ${e?.constructor?.name}: ${e?.message}`);
      assert.ok(e instanceof Error, what);
      assert.ok(typeof e.message === 'string' && e.message.length > 10, `${what}: message '${e.message}'`);
      return true;
    }, what);
  }
});

test('bad input to async entry points rejects instead of throwing', async () => {
  await assert.rejects(makeNow('t'), TypeError);
  await assert.rejects(new Later(1).defer('fn'), TypeError);
  await assert.rejects(t().then('b', noop).dispatch(), TaskError);
});

test('the package keeps working after every bad input', async () => {
  for (const [, call] of CASES) {
    try { call(); } catch { /* expected */ }
  }
  const a = new Task('a', () => 1);
  const b = a.then('b', async () => 2);
  assert.deepEqual(await makeNow([b]), [b]);
  assert.equal(b.result, 2);
});
