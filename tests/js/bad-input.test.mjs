// Bad input from JS gets a clear Error subclass, and the package keeps
// working afterwards. Each entry names the call, the error class it must
// throw (or reject with) and a pattern its message must match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  BlockedError, FSM, FSMError, Later, Task, TaskError, TaskQueue, make, makeLater, makeNow, setCallbackErrorHandler, tasksAsDot, tasksAsSvg,
} from 'taskqueue-wasm';

const noop = () => {};
const t = () => new Task('t', noop);
const STATE_LIST = /one of PREPARE, PENDING, QUEUED, RUNNING, CANCELLED, FAILED, DONE, ABORT/;

/** A chain a <- b <- c: c requires b, which requires a. */
function chain() {
  const a = new Task('a', noop);
  const b = a.then('b', noop);
  return [a, b, b.then('c', noop)];
}

// [what, call, class, message pattern]: calls that throw at once.
const CASES = [
  // Tasks: wrong types
  ['Task name not a string', () => new Task(42, noop), TypeError, /a task name must be a string, got number 42/],
  ['Task name a symbol', () => new Task(Symbol('s'), noop), TypeError, /a task name must be a string, got symbol/],
  ['Task without a function', () => new Task('x'), TypeError, /the function of task 'x' must be a function, got undefined$/],
  ['Task function not a function', () => new Task('x', 'code'), TypeError, /the function of task 'x' must be a function, got 'code'/],
  ['Task options not an object', () => new Task('x', noop, 5), TypeError, /the options of task 'x' must be an object, got number 5/],
  ['Task unknown option', () => new Task('x', noop, { retries: 3 }), TypeError, /unknown option 'retries' for task 'x' \(known: args, state/],
  ['Task args not an array', () => new Task('x', noop, { args: 'a' }), TypeError, /args of task 'x' must be an array, got 'a'/],
  ['Task args array-like, not an array', () => new Task('x', noop, { args: { length: 1 } }), TypeError, /args of task 'x' must be an array/],
  ['Task cancelOnResult not a function', () => new Task('x', noop, { cancelOnResult: true }), TypeError, /cancelOnResult of task 'x' must be a function/],
  ['Task track a string', () => new Task('x', noop, { track: 'yes' }), TypeError, /track of task 'x' must be a boolean or a function, got 'yes'/],
  ['Task track a number', () => new Task('x', noop, { track: 1 }), TypeError, /track of task 'x' must be a boolean or a function, got number 1/],
  // Tasks: unknown states
  ['Task unknown state', () => new Task('x', noop, { state: 'done' }), TaskError, /unknown state 'done'/],
  ['Task state in the wrong case', () => new Task('x', noop, { state: 'Pending' }), TaskError, /unknown state 'Pending'/],
  ['Task state empty', () => new Task('x', noop, { state: '' }), TaskError, /unknown state ''/],
  ['Task state not a string', () => new Task('x', noop, { state: 3 }), TaskError, /unknown state number 3/],
  ['onTransition unknown state', () => t().onTransition('SLEEPING', noop), TaskError, /unknown state 'SLEEPING'/],
  ['onTransition state not a string', () => t().onTransition(5, noop), TaskError, /unknown state number 5/],
  ['onTransition callback not a function', () => t().onTransition('*', 'log'), TypeError, /a transition callback must be a function, got 'log'/],
  // Requirements: wrong types, cycles, states
  ['require a non-task', () => t().require({}), TypeError, /a task can only require a Task, got Object/],
  ['require undefined', () => t().require(undefined), TypeError, /a task can only require a Task, got undefined$/],
  ['require the Task class', () => t().require(Task), TypeError, /a task can only require a Task, got function Task/],
  ['block a non-task', () => t().block(null), TypeError, /a task can only block a Task, got null/],
  ['require itself', () => { const a = t(); a.require(a); }, TaskError, /^task 't' cannot require itself$/],
  ['require closing a cycle', () => { const [a, , c] = chain(); a.require(c); }, TaskError, /^requirement would close a cycle: a -> c -> b -> a$/],
  ['block closing a cycle', () => { const [a, , c] = chain(); c.block(a); }, TaskError, /^requirement would close a cycle: a -> c -> b -> a$/],
  ['then(existing) closing a cycle', () => { const [a, , c] = chain(); c.then(a); }, TaskError, /requirement would close a cycle/],
  ['require on a finished task', () => new Task('x', noop, { state: 'DONE' }).require(t()), TaskError, /cannot add a requirement to task 'x' in state DONE/],
  ['then with a number', () => t().then(3), TypeError, /a task name must be a string, got number 3/],
  ['then with null', () => t().then(null), TypeError, /a task name must be a string, got null/],
  ['then with a name and no function', () => t().then('n', 5), TypeError, /the function of task 'n' must be a function, got number 5/],
  // Events: wrong types, unknown events, events the state does not allow
  ['event name not a string', () => t().event(7), TypeError, /an event name must be a string, got number 7/],
  ['unknown event', () => t().event('explode'), TaskError, /^task 't': invalid event 'explode' for state 'PENDING'$/],
  ['event name in the wrong case', () => t().event('RETRY'), TaskError, /^task 't': invalid event 'RETRY' for state 'PENDING'$/],
  ['empty event name', () => t().event(''), TaskError, /^task 't': invalid event '' for state 'PENDING'$/],
  ['done while PENDING', () => t().event('done'), TaskError, /^task 't': invalid event 'done' for state 'PENDING'$/],
  ['retry of a DONE task', () => new Task('x', noop, { state: 'DONE' }).event('retry'), TaskError, /^task 'x': invalid event 'retry' for state 'DONE'$/],
  ['retry of an ABORT task', () => { const a = t(); a.event('abort'); a.event('retry'); }, TaskError, /^task 't': invalid event 'retry' for state 'ABORT'$/],
  ['dispatch event on a PREPARE task', () => new Task('x', noop, { state: 'PREPARE' }).event('dispatch'), TaskError, /^task 'x': invalid event 'dispatch' for state 'PREPARE'$/],
  ['event extra not an object', () => t().event('cancel', 'why'), TypeError, /extra must be an object, got 'why'/],
  ['cancel a finished task', () => new Task('x', noop, { state: 'DONE' }).cancel(), TaskError, /^task 'x': invalid event 'cancel' for state 'DONE'$/],
  // make
  ['make of a number', () => make(42), TypeError, /make\(tasks\) must be a Task or an iterable of Tasks/],
  ['make of null', () => make(null), TypeError, /make\(tasks\) must be a Task or an iterable of Tasks/],
  ['make of an array with a non-task', () => make([t(), 'x']), TypeError, /make\(tasks\) must contain only Tasks, got 'x'/],
  ['make of an array with a hole', () => make([t(), , t()]), TypeError, /make\(tasks\) must contain only Tasks, got undefined$/],
  ['make of a Set with a non-task', () => make(new Set([t(), 7])), TypeError, /make\(tasks\) must contain only Tasks, got number 7/],
  ['make options not an object', () => make(t(), 'fast'), TypeError, /make options must be an object, got 'fast'/],
  ['Task weight not a number', () => new Task('x', noop, { weight: '2' }), TypeError, /weight of task 'x' must be a number, got '2'/],
  ['Task weight fractional', () => new Task('x', noop, { weight: 1.5 }), RangeError, /weight of task 'x' must be a positive integer, got number 1\.5/],
  ['Task weight negative', () => new Task('x', noop, { weight: -1 }), RangeError, /weight of task 'x' must be a positive integer, got number -1/],
  ['Task weight zero', () => new Task('x', noop, { weight: 0 }), RangeError, /weight of task 'x' must be a positive integer, got number 0/],
  ['Task priority not a number', () => new Task('x', noop, { priority: 'high' }), TypeError, /priority of task 'x' must be a number, got 'high'/],
  ['Task priority NaN', () => new Task('x', noop, { priority: NaN }), RangeError, /priority of task 'x' must be a finite number, got number NaN/],
  ['Task priority Infinity', () => new Task('x', noop, { priority: Infinity }), RangeError, /priority of task 'x' must be a finite number/],
  ['Task pool not a string', () => new Task('x', noop, { pool: 1 }), TypeError, /pool of task 'x' must be a string, got number 1/],
  ['Task pool empty', () => new Task('x', noop, { pool: '' }), RangeError, /pool of task 'x' must not be empty/],
  ['make pools not an object', () => make(t(), { pools: 3 }), TypeError, /pools must be an object of capacities by pool name, got number 3/],
  ['make pools an array', () => make(t(), { pools: [1] }), TypeError, /pools must be an object of capacities by pool name/],
  ['make pool capacity zero', () => make(t(), { pools: { gpu: 0 } }), RangeError, /the capacity of pool 'gpu' must be a positive integer or Infinity, got number 0/],
  ['make pool capacity fractional', () => make(t(), { pools: { gpu: 1.5 } }), RangeError, /the capacity of pool 'gpu' must be a positive integer or Infinity, got number 1\.5/],
  ['make pool capacity not a number', () => make(t(), { pools: { gpu: '2' } }), TypeError, /the capacity of pool 'gpu' must be a number, got '2'/],
  ['Task estimate not a number', () => new Task('x', noop, { estimate: '5' }), TypeError, /estimate of task 'x' must be a number \(ms\), got '5'/],
  ['Task estimate negative', () => new Task('x', noop, { estimate: -1 }), RangeError, /estimate of task 'x' must be a finite number of ms, at least 0, got number -1/],
  ['Task estimate not finite', () => new Task('x', noop, { estimate: Infinity }), RangeError, /estimate of task 'x' must be a finite number of ms, at least 0, got number Infinity/],
  ['make unknown order', () => make(t(), { order: 'fastest' }), RangeError, /order must be 'seed' or 'critical-path', got 'fastest'/],
  ['make rate without interval', () => make(t(), { rate: { limit: 3 } }), TypeError, /rate needs both limit and interval/],
  ['make rate not an object', () => make(t(), { rate: 5 }), TypeError, /rate must be an object \{ limit, interval \}, got number 5/],
  ['make rate limit zero', () => make(t(), { rate: { limit: 0, interval: 100 } }), RangeError, /rate\.limit must be a positive integer \(starts per interval\), got number 0/],
  ['make rate interval not finite', () => make(t(), { rate: { limit: 1, interval: Infinity } }), RangeError, /rate\.interval must be a positive finite number of milliseconds, got number Infinity/],
  ['make rate unknown key', () => make(t(), { rate: { limit: 1, interval: 5, burst: 2 } }), TypeError, /unknown key 'burst' in rate \(known: limit, interval\)/],
  ['make pool rate without limit', () => make(t(), { pools: { api: { rate: { interval: 1000 } } } }), TypeError, /the rate of pool 'api' needs both limit and interval/],
  ['make pool neither capacity nor rate', () => make(t(), { pools: { api: {} } }), TypeError, /pool 'api' needs a capacity or a rate/],
  ['make pool unknown key', () => make(t(), { pools: { api: { limit: 3 } } }), TypeError, /unknown key 'limit' in pool 'api' \(known: capacity, rate\)/],
  ['makeLater unknown option', () => makeLater(new Later(1), t(), { concurrency: 2 }), TypeError, /unknown makeLater option 'concurrency' \(known: failFast, onTransition, pools, order, rate\)/],
  ['make unknown option', () => make(t(), { fastFail: true }), TypeError, /unknown make option 'fastFail' \(known: failFast, queue, concurrency, signal, onTransition, store, codec, pools, order, rate\)/],
  ['make concurrency zero', () => make(t(), { concurrency: 0 }), RangeError, /concurrency must be a positive integer or Infinity, got number 0/],
  ['make concurrency negative', () => make(t(), { concurrency: -1 }), RangeError, /got number -1/],
  ['make concurrency fractional', () => make(t(), { concurrency: 1.5 }), RangeError, /got number 1\.5/],
  ['make concurrency NaN', () => make(t(), { concurrency: NaN }), RangeError, /got number NaN/],
  ['make concurrency a string', () => make(t(), { concurrency: '2' }), RangeError, /got '2'/],
  ['make queue not a function', () => make(t(), { queue: {} }), TypeError, /queue must be a function, got Object/],
  ['make signal not an AbortSignal', () => make(t(), { signal: true }), TypeError, /signal must be an AbortSignal, got boolean true/],
  // Later, makeLater
  ['Later capacity negative', () => new Later(-1), RangeError, /capacity must be a positive integer, got number -1/],
  ['Later capacity zero', () => new Later(0), RangeError, /capacity must be a positive integer, got number 0/],
  ['Later capacity a string', () => new Later('2'), RangeError, /capacity must be a positive integer, got '2'/],
  ['makeLater without a Later', () => makeLater({}, [t()]), TypeError, /makeLater needs a Later, got Object/],
  ['makeLater of a number', () => makeLater(new Later(1), 5), TypeError, /makeLater\(tasks\) must be a Task or an iterable of Tasks/],
  ['makeLater with a queue option', () => makeLater(new Later(1), t(), { queue: noop }), TypeError, /unknown makeLater option 'queue' \(known: failFast, onTransition, pools, order, rate\)/],
  // TaskQueue
  ['TaskQueue of a number', () => new TaskQueue(5), TypeError, /TaskQueue\(tasks\) must be a Task or an iterable of Tasks/],
  ['TaskQueue of non-tasks', () => new TaskQueue([1]), TypeError, /TaskQueue\(tasks\) must contain only Tasks, got number 1/],
  ['TaskQueue options not an object', () => new TaskQueue([], 5), TypeError, /TaskQueue options must be an object, got number 5/],
  ['TaskQueue add a non-task', () => new TaskQueue().add('t'), TypeError, /TaskQueue.add needs a Task, got 't'/],
  // Drawing
  ['tasksAsDot of a number', () => tasksAsDot(5), TypeError, /tasksAsDot\(tasks\) must be a Task or an iterable of Tasks/],
  ['tasksAsDot of a list with a non-task', () => tasksAsDot([t(), 5]), TypeError, /tasksAsDot\(tasks\) must contain only Tasks, got number 5/],
  ['tasksAsDot name not a string', () => tasksAsDot([t()], 5), TypeError, /a graph name must be a string, got number 5/],
  ['tasksAsDot options not an object', () => tasksAsDot([t()], 'g', 7), TypeError, /drawing options must be an object, got number 7/],
  ['tasksAsDot sep not a string', () => tasksAsDot([t()], 'g', { sep: 1 }), TypeError, /sep must be a string, got number 1/],
  ['tasksAsSvg of a number', () => tasksAsSvg(5), TypeError, /tasksAsSvg\(tasks\) must be a Task or an iterable of Tasks/],
  ['tasksAsSvg name not a string', () => tasksAsSvg([t()], 5), TypeError, /a graph name must be a string, got number 5/],
  // FSM
  ['FSM table not an object', () => new FSM('A', null), TypeError, /transitions must be an object of objects/],
  ['FSM row not an object', () => new FSM('A', { A: 'B' }), TypeError, /transitions\['A'\] must be an object of event: 'NEWSTATE'/],
  ['FSM destination not a string', () => new FSM('A', { A: { go: 5 } }), TypeError, /transitions\['A'\]\['go'\] must be a state name/],
  ['FSM state not a string', () => new FSM(5, { A: {} }), TypeError, /a state must be a string, got number 5/],
  ['FSM unknown initial state', () => new FSM('Z', { A: { go: 'B' }, B: {} }), FSMError, /^unknown state 'Z'$/],
  ['FSM transition to an undeclared state', () => new FSM('A', { A: { go: 'B' } }), FSMError, /^transition 'A' --go--> 'B' names state 'B', which the table does not declare$/],
  ['FSM event name not a string', () => new FSM('A', { A: { go: 'B' }, B: {} }).event(1), TypeError, /an event name must be a string, got number 1/],
  ['FSM invalid event', () => new FSM('A', { A: { go: 'B' }, B: {} }).event('stop'), FSMError, /^invalid event 'stop' for state 'A'$/],
  ['FSM event extra not an object', () => new FSM('A', { A: { go: 'B' }, B: {} }).event('go', 5), TypeError, /extra must be an object, got number 5/],
  ['FSM callback not a function', () => new FSM('A', { A: {} }).onTransition('*', 5), TypeError, /a callback must be a function, got number 5/],
  ['FSM dot name not a string', () => FSM.transitionsAsDot({ A: {} }, 3), TypeError, /a graph name must be a string, got number 3/],
  ['FSM dot of a number', () => FSM.transitionsAsDot(5), TypeError, /transitions must be an object of objects/],
  // Methods called on what is not a Task (an unbound method as a callback)
  ['cancel called on a plain object', () => Task.prototype.cancel.call({}), TypeError, /Task#cancel called on Object, not on a Task/],
  ['event called on a plain object', () => Task.prototype.event.call({}, 'abort'), TypeError, /Task#event called on Object, not on a Task/],
  ['require called on a plain object', () => Task.prototype.require.call({}, t()), TypeError, /Task#require called on Object, not on a Task/],
  ['onTransition called on a prototype-made object', () => Task.prototype.onTransition.call(Object.create(Task.prototype), '*', noop), TypeError, /Task#onTransition called on Task, not on a Task/],
  // Odds and ends
  ['callback error handler not a function', () => setCallbackErrorHandler(5), TypeError, /the callback error handler must be a function/],
];

// [what, call, class, message pattern]: calls whose Promise rejects.
const ASYNC_CASES = [
  ['a task heavier than the concurrency', () => makeNow([new Task('heavy', noop, { weight: 4 })], { concurrency: 3 }), TaskError, /^task 'heavy': its weight 4 is more than the make's concurrency 3$/],
  ['a prerequisite heavier than its pool', () => makeNow([new Task('top', noop, { requires: [new Task('big', noop, { weight: 3, pool: 'gpu' })] })], { pools: { gpu: 2 } }), TaskError, /^task 'big': its weight 3 is more than the capacity 2 of its pool$/],
  ['a task naming an unknown pool', () => makeNow([new Task('p', noop, { pool: 'nowhere' })], { pools: { gpu: 2 } }), TaskError, /^task 'p': its pool is not one of the make's pools$/],
  ['makeNow of a string', () => makeNow('t'), TypeError, /makeNow\(tasks\) must be a Task or an iterable of Tasks/],
  ['makeNow of a generator with a non-task', () => makeNow((function* () { yield t(); yield {}; })()), TypeError, /makeNow\(tasks\) must contain only Tasks, got Object/],
  ['makeNow concurrency zero', () => makeNow(t(), { concurrency: 0 }), RangeError, /concurrency must be a positive integer/],
  ['making a PREPARE task', () => makeNow(new Task('p', noop, { state: 'PREPARE' })), FSMError, /^cannot make a PREPARE task: 'p'$/],
  ['iterating a make of a PREPARE task', async () => { for await (const _ of make(new Task('p', noop, { state: 'PREPARE' }))); }, FSMError, /^cannot make a PREPARE task: 'p'$/], // eslint-disable-line no-unused-vars
  ['task.make options not an object', () => t().make(5), TypeError, /make options must be an object, got number 5/],
  ['defer of a non-function', () => new Later(1).defer('fn'), TypeError, /defer needs a function, got 'fn'/],
  ['dispatch of a blocked task', () => t().then('b', noop).dispatch(), BlockedError, /^task 'b' is blocked by 't', which is PENDING$/],
  ['a task run twice at once', () => { const a = new Task('a', () => new Promise(noop)); a.dispatch(); return a.dispatch(); }, TaskError, /^task 'a': invalid event 'dispatch' for state 'RUNNING'$/],
  ['a task run again once DONE', async () => { const a = t(); await a.dispatch(); return a.dispatch(); }, TaskError, /^task 't': invalid event 'dispatch' for state 'DONE'$/],
  ['dispatch called on a plain object', () => Task.prototype.dispatch.call({}), TypeError, /Task#dispatch called on Object, not on a Task/],
  ['join called on a plain object', () => Task.prototype.join.call({}), TypeError, /Task#join called on Object, not on a Task/],
  ['TaskQueue.run signal not an AbortSignal', async () => { for await (const _ of new TaskQueue([]).run({ signal: 5 })); }, TypeError, /signal must be an AbortSignal, got number 5/], // eslint-disable-line no-unused-vars
];

/** The package still works: a small graph, synchronous and async, made to the end. */
async function stillWorks(after) {
  const a = new Task('a', () => 1);
  const b = a.then('b', async () => 2);
  assert.deepEqual(await makeNow([b]), [b], `after ${after}`);
  assert.deepEqual([a.state, b.state, b.result], ['DONE', 'DONE', 2], `after ${after}`);
}

function checkError(e, what, kind, pattern) {
  assert.ok(e instanceof kind, `${what}: expected ${kind.name}, got ${e?.constructor?.name}: ${e?.message}`);
  assert.ok(e instanceof Error, what);
  assert.equal(e.name, kind.name, `${what}: error name`);
  assert.match(e.message, pattern, `${what}: message`);
  return true;
}

test(`a catalogue of ${CASES.length + ASYNC_CASES.length} bad inputs, each a clear Error subclass, the package working after each`, async () => {
  assert.ok(CASES.length + ASYNC_CASES.length >= 50);
  for (const [what, call, kind, pattern] of CASES) {
    assert.throws(call, (e) => checkError(e, what, kind, pattern), what);
    await stillWorks(what);
  }
  for (const [what, call, kind, pattern] of ASYNC_CASES) {
    await assert.rejects(call(), (e) => checkError(e, what, kind, pattern), what);
    await stillWorks(what);
  }
});

test('a Task method called on something else changes no task', () => {
  // In a fresh process, so that the first task made has the id 0 that a
  // missing id would read as.
  const script = `
    import { Task } from 'taskqueue-wasm';
    const victim = new Task('victim', () => {});
    const other = new Task('other', () => {});
    const thrown = [];
    for (const [method, args] of [['cancel', []], ['event', ['abort']], ['require', [other]], ['onTransition', ['*', () => {}]]]) {
      try { Task.prototype[method].call({}, ...args); } catch (e) { thrown.push(e.name); }
    }
    console.log(JSON.stringify({ thrown, state: victim.state, required: victim.required.length }));
  `;
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }));
  assert.deepEqual(out, { thrown: ['TypeError', 'TypeError', 'TypeError', 'TypeError'], state: 'PENDING', required: 0 });
});

test('a refused requirement leaves both tasks as they were', () => {
  const [a, b, c] = chain();
  assert.throws(() => a.require(c), TaskError);
  assert.deepEqual([a.required, a.blocking, c.required, c.blocking], [[], [b], [b], []]);
  const error = (() => { try { a.require(c); } catch (e) { return e; } })();
  assert.deepEqual(error.cycle, [a, c, b, a]);
  assert.equal(error.task, a);
});

test('functions that throw non-Errors or never settle leave the package working', async () => {
  const odd = [new Task('s', () => { throw 'text'; }), new Task('u', () => Promise.reject(undefined)), new Task('n', () => { throw null; })]; // eslint-disable-line no-throw-literal, prefer-promise-reject-errors
  await makeNow(odd);
  assert.deepEqual(odd.map((x) => [x.state, x.error]), [['FAILED', 'text'], ['FAILED', undefined], ['FAILED', null]]);
  const never = new Task('never', () => new Promise(noop));
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 5);
  await assert.rejects(makeNow([never], { signal: controller.signal }), (e) => e === controller.signal.reason);
  await stillWorks('non-Error throws and a never-settling function');
});
