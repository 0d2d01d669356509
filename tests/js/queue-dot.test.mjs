// SPEC §4 (TaskQueue) and §5 (DOT) at the JS level.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Task, TaskQueue, tasksAsDot } from 'taskqueue-wasm';

const noop = () => {};

test('get takes a completed task first, then an unblocked pending one; it leaves the queue', () => {
  const pending = new Task('pending', noop);
  const done = new Task('done', noop, { state: 'DONE' });
  const blocked = pending.then('blocked', noop);
  const q = new TaskQueue([pending, done, blocked]);
  assert.equal(q.get(), done);
  assert.equal(q.get(), pending);
  assert.equal(q.get(), undefined);
  assert.deepEqual(q.tasks, [blocked]);
});

test('run dispatches what is not completed, updates the tasks it blocks, and yields each', async () => {
  const ran = [];
  const a = new Task('a', () => ran.push('a'));
  const b = a.then('b', () => ran.push('b'));
  const c = b.then('c', () => ran.push('c'));
  const q = new TaskQueue([c, b, a]);
  const yielded = [];
  for await (const t of q.run()) yielded.push(t);
  assert.deepEqual(yielded, [a, b, c]);
  assert.deepEqual(ran, ['a', 'b', 'c']);
});

test('run stops after one task with once, and throws the reason when the signal aborts', async () => {
  const a = new Task('a', noop);
  const b = new Task('b', noop);
  const q = new TaskQueue([a, b]);
  const once = [];
  for await (const t of q.run({ once: true })) once.push(t);
  assert.deepEqual(once, [a]);
  const controller = new AbortController();
  const seen = [];
  q.add(new Task('c', noop));
  const reason = new Error('enough');
  await assert.rejects(async () => {
    for await (const t of q.run({ signal: controller.signal })) {
      seen.push(t.name);
      controller.abort(reason);
    }
  }, (e) => e === reason);
  assert.deepEqual(seen, ['b']);
});

test('a queue run aborted while a task runs cancels it and throws the reason at once', async () => {
  const controller = new AbortController();
  let seen;
  const never = new Task('never', function () {
    seen = this.signal;
    return new Promise(noop);
  });
  const q = new TaskQueue([never]);
  const running = (async () => {
    for await (const _ of q.run({ signal: controller.signal })); // eslint-disable-line no-unused-vars
  })();
  await new Promise((resolve) => setTimeout(resolve, 2));
  controller.abort();
  await assert.rejects(running, (e) => e instanceof DOMException && e.name === 'AbortError');
  assert.equal(seen.aborted, true, 'the running task was cancelled');
});

test('asDot draws the tasks of the queue', () => {
  const a = new Task('a', noop);
  const b = a.then('b', noop);
  const q = new TaskQueue([b, a]);
  assert.equal(
    q.asDot('q'),
    `digraph q {\n  ${b.id}[style=filled,fillcolor=white,label="b\\nPENDING"];\n  ${a.id}[style=filled,fillcolor=white,label="a\\nPENDING"];\n  ${a.id}->${b.id};\n}`,
  );
});

test('tasksAsDot: node lines, colours by state, edges sorted by name, followBlocking, sep', () => {
  const root = new Task('root', noop, { state: 'DONE' });
  const zeta = root.then('zeta', noop);
  const alpha = root.then('alpha', noop);
  const leaf = alpha.then('leaf "q"', noop);
  zeta.event('cancel');
  const node = (t, colour) => `  ${t.id}[style=filled,fillcolor=${colour},label=${JSON.stringify(`${t.name}\n${t.state}`)}];`;
  assert.equal(
    tasksAsDot([root], 'g'),
    ['digraph g {', node(root, 'green'), `  ${root.id}->${alpha.id};`, `  ${root.id}->${zeta.id};`, '}'].join('\n'),
  );
  const all = tasksAsDot([root], undefined, { followBlocking: true, sep: ' ' });
  assert.equal(
    all,
    [
      'digraph {', node(root, 'green'), `  ${root.id}->${alpha.id};`, `  ${root.id}->${zeta.id};`,
      node(alpha, 'white'), `  ${alpha.id}->${leaf.id};`, node(zeta, 'gray'), node(leaf, 'white'), '}',
    ].join(' '),
  );
  assert.equal(root.asDot('g'), tasksAsDot([root], 'g'));
  assert.equal(tasksAsDot(new Set([root, root]), { sep: ';' }).split(';')[0], 'digraph {');
  const colours = Object.entries({ RUNNING: 'yellow', FAILED: 'red', ABORT: 'darkred', QUEUED: 'white', PREPARE: 'white' });
  for (const [state, colour] of colours) {
    const t = new Task('t', noop, { state });
    assert.match(tasksAsDot([t]), new RegExp(`fillcolor=${colour},`));
  }
});

test('TaskQueue.run is an async iterator: break stops it, nothing new is dispatched', async () => {
  const ran = [];
  const tasks = ['a', 'b', 'c'].map((name) => new Task(name, () => ran.push(name)));
  const q = new TaskQueue(tasks);
  for await (const t of q.run()) {
    assert.equal(t, tasks[0]);
    break;
  }
  assert.deepEqual(ran, ['a']);
  assert.deepEqual(q.tasks, [tasks[1], tasks[2]]);
});

test('tasksAsSvg draws the same tasks and edges, coloured by state, with data attributes', async () => {
  const { tasksAsSvg } = await import('taskqueue-wasm');
  const a = new Task('fetch <data>', noop);
  const b = a.then('parse', () => { throw new Error('x'); });
  await a.dispatch();
  await b.dispatch();
  const svg = tasksAsSvg([a], 'g', { followBlocking: true });
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal(svg.match(/class="node"/g).length, 2);
  assert.equal(svg.match(/class="edge"/g).length, 1);
  assert.match(svg, new RegExp(`data-task-id="${a.id}" data-state="DONE"><title>fetch &lt;data&gt;</title><rect [^>]*fill="green"`));
  assert.match(svg, new RegExp(`data-task-id="${b.id}" data-state="FAILED"><title>parse</title><rect [^>]*fill="red"`));
  assert.equal(tasksAsSvg([a]).match(/class="node"/g).length, 1, 'without followBlocking only the given task');
});

test('the DOT labels are the names the tasks were given, repeated or not', () => {
  // The core is told a name only when it differs from the last one.
  const names = ['a', 'a', 'bé 🙂', 'a', '', '', 'c\n"d"', 'a'];
  const tasks = names.map((name) => new Task(name, noop));
  const labels = [...tasksAsDot(tasks).matchAll(/label="((?:[^"\\]|\\.)*)\\nPENDING"/g)].map((m) => m[1]);
  assert.deepEqual(labels, ['a', 'a', 'bé 🙂', 'a', '', '', 'c\\n\\"d\\"', 'a']);
});
