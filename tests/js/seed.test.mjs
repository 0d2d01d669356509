// The seed's examples, in JS, with their exact output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Task, TaskQueue, make } from 'taskqueue-wasm';
import { captureLog } from './helpers.mjs';

test('make example prints exactly the six lines and yields t2', async () => {
  let made;
  const lines = await captureLog(async () => {
    const t1 = new Task('t1', () => console.log('doing t1'), { track: true });
    const t2 = t1.then('t2', () => console.log('doing t2'), { track: true });
    made = [];
    for await (const t of make(t2)) made.push(t);
    assert.deepEqual(made, [t2]);
    assert.equal(made[0], t2);
  });
  assert.deepEqual(lines, [
    't1 PENDING->dispatch->RUNNING',
    'doing t1',
    't1 RUNNING->done->DONE',
    't2 PENDING->dispatch->RUNNING',
    'doing t2',
    't2 RUNNING->done->DONE',
  ]);
  assert.equal(String(made[0]), 'Task:t2:DONE');
});

test('TaskQueue example 1: two dependent tasks both run (t1 t2)', async () => {
  const lines = await captureLog(async () => {
    const t1 = new Task('t1', () => console.log('t1'));
    const t2 = t1.then('t2', () => console.log('t2'));
    const q = new TaskQueue([t1, t2]);
    for await (const _ of q.run());
  });
  assert.deepEqual(lines, ['t1', 't2']);
});

test('TaskQueue example 2: only the given task runs (t1)', async () => {
  let t2;
  const lines = await captureLog(async () => {
    const t1 = new Task('t1', () => console.log('t1'));
    t2 = t1.then('t2', () => console.log('t2'));
    const q = new TaskQueue([t1]);
    for await (const _ of q.run());
  });
  assert.deepEqual(lines, ['t1']);
  assert.equal(t2.state, 'PENDING');
});

test('TaskQueue example 3: runDependentTasks pulls in dependents (t1 t2)', async () => {
  const lines = await captureLog(async () => {
    const t1 = new Task('t1', () => console.log('t1'));
    t1.then('t2', () => console.log('t2'));
    const q = new TaskQueue([t1], { runDependentTasks: true });
    for await (const _ of q.run());
  });
  assert.deepEqual(lines, ['t1', 't2']);
});

test('then() chains read naturally: root.then(f1).then(f2)', async () => {
  const order = [];
  const root = new Task('root', () => order.push('root'));
  const f2 = root.then(function f1() { order.push('f1'); }).then(function f2() { order.push('f2'); });
  assert.equal(f2.name, 'f2');
  assert.equal(f2.required[0].name, 'f1');
  assert.equal(f2.required[0].required[0], root);
  assert.equal(await f2.make(), true);
  assert.deepEqual(order, ['root', 'f1', 'f2']);
});
