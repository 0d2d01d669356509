// The JS modules and the wasm core agree on every code that crosses
// between them. The core describes its codes once (`protocol()`,
// src/wasm/protocol.rs) and js/protocol.mjs reads that description at
// start; these tests check that every code the modules of js/ name is
// described, that names round-trip, that the hand-written types say the
// same, and, by behaviour, that each code means what JS takes it to mean
// (so moving a number on one side only would fail here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BlockedError, CancellationError, FSM, FSMError, Task, TaskError, make, makeNow } from 'taskqueue-wasm';
// The package's own modules, the very instances it runs (the package
// name resolves to these files).
import * as core from '../../pkg/taskqueue_wasm.js';
import * as errors from '../../js/errors.mjs';
import * as protocol from '../../js/protocol.mjs';

const { BECAUSE, CODE, ERROR_CLASS, ERROR_KIND, EVENTS, FINISH, S, STATES, STEP, isSettled } = protocol;

const JS = fileURLToPath(new URL('../../js/', import.meta.url));
const described = JSON.parse(core.protocol());

/** The object of js/protocol.mjs each group of the description fills. */
const GROUPS = { S: 'states', STEP: 'step', FINISH: 'finish', ERROR_CLASS: 'class', ERROR_KIND: 'kinds' };

test('every code the modules of js/ name is in the description', () => {
  const used = [];
  for (const file of readdirSync(JS).filter((f) => f.endsWith('.mjs'))) {
    const source = readFileSync(JS + file, 'utf8');
    for (const [, object, name] of source.matchAll(/\b(S|STEP|FINISH|ERROR_CLASS|ERROR_KIND|CODE)\.([A-Za-z_]+)\b/g)) {
      used.push(`${file}: ${object}.${name}`);
      if (object === 'CODE') assert.equal(typeof described[name], 'number', `${file} uses CODE.${name}, which the core does not describe`);
      else assert.ok(described[GROUPS[object]].includes(name), `${file} uses ${object}.${name}, which the core does not describe`);
    }
  }
  // The reader of this test is sure it read something.
  for (const expected of ['boundary.mjs: ERROR_KIND.Cycle', 'task.mjs: S.RUNNING']) {
    assert.ok(used.includes(expected), `${expected} not found`);
  }
});

test('every binding js/protocol.mjs exports is filled in from the description', () => {
  for (const [name, value] of Object.entries(protocol)) {
    assert.notEqual(value, undefined, `${name} is not filled in`);
    if (typeof value === 'object') assert.ok(Object.isFrozen(value) && Object.keys(value).length > 0, `${name} is empty or not frozen`);
  }
  // The step kinds and outcomes of a run are also bindings of their own.
  for (const [name, code] of [...Object.entries(STEP), ...Object.entries(FINISH)]) assert.equal(protocol[name], code, name);
  const imported = new Set();
  for (const file of readdirSync(JS).filter((f) => f.endsWith('.mjs'))) {
    const source = readFileSync(JS + file, 'utf8');
    for (const [, names] of source.matchAll(/import \{([^}]*)\} from '\.\/protocol\.mjs'/g)) {
      for (const name of names.split(',').map((n) => n.trim())) {
        imported.add(name);
        assert.ok(name in protocol, `${file} imports ${name}, which js/protocol.mjs does not export`);
      }
    }
  }
  for (const name of ['RUN', 'DISCOVER', 'THREW_CANCELLATION', 'S']) assert.ok(imported.has(name), `${name} is not imported`);
});

test('names round-trip: JS holds the core’s names by code, and codes by name', () => {
  assert.deepEqual([...STATES], described.states);
  assert.deepEqual([...EVENTS], described.events);
  assert.deepEqual([...BECAUSE], described.because.map((b) => b ?? undefined));
  assert.equal(BECAUSE[0], undefined, 'a because of 0 is none');
  for (const [object, group] of [[S, 'states'], [STEP, 'step'], [FINISH, 'finish'], [ERROR_CLASS, 'class'], [ERROR_KIND, 'kinds']]) {
    assert.ok(Object.isFrozen(object));
    assert.equal(Object.keys(object).length, described[group].length, group);
    described[group].forEach((name, code) => assert.equal(object[name], code, `${group}: ${name}`));
    assert.equal(new Set(Object.values(object)).size, described[group].length, `${group}: codes are distinct`);
  }
  assert.equal(STATES[CODE.NO_STATE], undefined, 'NO_STATE is no state');
  assert.equal(described.kinds[CODE.NONE], undefined, 'NONE is no error kind');
});

test('the error classes the core names are the package’s classes (or TypeError)', () => {
  for (const name of described.class) assert.ok(name === 'TypeError' || typeof errors[name] === 'function', name);
});

test('the hand-written types name the same states, events and reasons', () => {
  const types = readFileSync(JS + 'index.d.ts', 'utf8');
  const union = (pattern) => new Set(Array.from(types.match(pattern)[1].matchAll(/'([^']+)'/g), (m) => m[1]));
  assert.deepEqual(union(/export type State = ([^;]+);/), new Set(described.states));
  assert.deepEqual(union(/export type TaskEvent = ([^;]+);/), new Set(described.events));
  assert.deepEqual(union(/because\?: ([^;]+);/), new Set(described.because.filter((b) => b !== null)));
});

test('settled (what make and join wait for) is completed or cancelled, for every state', () => {
  for (const name of STATES) assert.equal(isSettled(S[name]), ['CANCELLED', 'FAILED', 'DONE', 'ABORT'].includes(name), name);
});

test('each outcome of a run reaches the state it names', async () => {
  const done = new Task('done', () => 42);
  const cancel = new Task('cancel', () => 'stop', { cancelOnResult: (v) => v === 'stop' });
  const failed = new Task('failed', () => {
    throw new Error('no');
  });
  const cancelled = new Task('cancelled', () => {
    throw new CancellationError('enough');
  });
  await makeNow([done, cancel, failed, cancelled]);
  assert.deepEqual([done.state, cancel.state, failed.state, cancelled.state], ['DONE', 'CANCELLED', 'FAILED', 'CANCELLED']);
  assert.equal(done.result, 42);
  assert.equal(failed.error.message, 'no');
  assert.deepEqual(
    done.history.map((tr) => `${tr.oldState}->${tr.event}->${tr.newState}`),
    ['PENDING->dispatch->RUNNING', 'RUNNING->done->DONE'],
  );
});

test('a refused require is the right error: a cycle names it, a completed task does not', async () => {
  const a = new Task('a', () => {});
  const b = new Task('b', () => {});
  b.require(a);
  assert.throws(
    () => a.require(b),
    (e) => e instanceof TaskError && !(e instanceof BlockedError) && e.task === a && e.cycle.length === 3 && e.cycle[0] === a && e.cycle[1] === b && e.cycle[2] === a,
  );
  assert.throws(() => a.require(a), (e) => e instanceof TaskError && e.task === a && e.cycle[0] === a);
  await makeNow(a);
  const c = new Task('c', () => {});
  assert.throws(() => a.require(c), (e) => e instanceof TaskError && e.task === a && !('cycle' in e));
});

test('errors of each class, through the one route', async () => {
  const blocker = new Task('blocker', () => {});
  const blocked = blocker.then('blocked', () => {});
  await assert.rejects(blocked.dispatch(), (e) => e instanceof BlockedError && e.task === blocked && e.blockingTask === blocker);
  assert.throws(() => blocker.event('done'), (e) => e instanceof TaskError && e.task === blocker && e.fsm === blocker);
  const prepare = new Task('prepare', () => {}, { state: 'PREPARE' });
  await assert.rejects(makeNow(blocked.then('late', () => {}).then(prepare)), (e) => e instanceof FSMError && !(e instanceof TaskError) && e.fsm === prepare);
  assert.throws(() => new FSM('A', { A: { go: 'B' } }).event('stop'), (e) => e instanceof FSMError && !(e instanceof TaskError));
  assert.throws(() => new FSM('A', 5), TypeError);
  assert.throws(() => FSM.transitionsAsDot({ A: 5 }), TypeError);
});

test('the make steps of every kind, read as the core writes them', () => {
  // Drives the core's make by hand: each step's kind is checked against
  // the state of its task, so a kind whose number moved is caught.
  const prerequisite = new Task('prerequisite', () => {});
  const given = new Task('given', async () => {}, { requires: [prerequisite] });
  const queued = new Task('queued', () => {});
  const seen = new Set();
  const drive = (tasks, queue) => {
    const handle = core.makeStart(Uint32Array.from(tasks, (t) => t._id), false, queue, 0, 64, new Float64Array(0));
    for (;;) {
      const count = core.makeSteps(handle, false, true);
      // A copy: the calls below may grow the memory.
      const steps = new Uint32Array(core.wasmMemory().buffer, core.makeStepsAt(handle), count).slice();
      for (let i = 0; i < count; i += 4) {
        const [kind, id, via, index] = steps.subarray(i, i + 4);
        seen.add(kind);
        const state = STATES[core.taskState(id)];
        switch (kind) {
          case STEP.DISCOVER:
            assert.deepEqual([id, via, index], [prerequisite._id, given._id, 0]);
            break;
          case STEP.RUN:
            assert.equal(state, 'RUNNING');
            assert.equal(core.taskFinish(id, FINISH.RETURNED), S.DONE);
            break;
          case STEP.ENQUEUE:
            assert.equal(state, 'QUEUED');
            core.taskDispatch(id);
            assert.equal(core.taskFinish(id, FINISH.RETURNED), S.DONE);
            assert.equal(core.taskFinish(id, FINISH.RETURNED), CODE.NO_STATE, 'a second outcome is not taken');
            break;
          case STEP.YIELD:
            assert.ok(tasks.some((t) => t._id === id) && state === 'DONE');
            break;
          case STEP.FAILED:
          case STEP.FINISHED:
            return { kind, ended: core.makeEnd(handle) };
          case STEP.WAIT:
            assert.equal(id, 0, 'no rate limit to wait for');
            break;
          default:
            assert.fail(`a step of kind ${kind}, which the core does not describe`);
        }
      }
    }
  };
  // The async function's task does not end its batch: the engine waits.
  const made = drive([given], false);
  assert.deepEqual(made, { kind: STEP.FINISHED, ended: true });
  assert.deepEqual(drive([queued], true), { kind: STEP.FINISHED, ended: true });
  const prepare = new Task('prepare', () => {}, { state: 'PREPARE' });
  const failed = drive([prepare], false);
  assert.deepEqual(failed, { kind: STEP.FAILED, ended: undefined }, 'makeEnd fails with the make’s error');
  const [cls, kind, message, ids] = core.takeError();
  assert.deepEqual([cls, kind, ids[0]], [ERROR_CLASS.FSMError, ERROR_KIND.MakePrepare, prepare._id]);
  assert.match(message, /PREPARE/);
  assert.deepEqual([...seen].sort(), Object.values(STEP).sort(), 'a step of every kind');
});

test('a transition the make fired for prerequisites names its reason, in callbacks and in history', async () => {
  const failing = new Task('failing', () => {
    throw new Error('no');
  });
  const dependent = failing.then('dependent', () => {});
  const told = [];
  for await (const _ of make(dependent, { onTransition: (task, tr) => told.push([task.name, tr.extra.because]) })); // eslint-disable-line no-unused-vars
  assert.deepEqual(told.at(-1), ['dependent', 'failed prerequisites']);
  assert.deepEqual(dependent.history.at(-1).extra, { because: 'failed prerequisites', tasks: [failing] });
});
