// Grouped fans (SPEC §11): many siblings of one parent drawn as one
// group with one edge in and one out, never rows of boxes whose edges
// read as chains; expanded, members in a grid inside the frame with no
// edges between them; a drawing with no group to make is the core's own,
// byte for byte; the JS text metrics are the core's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Task, tasksAsSvg, tasksLayout } from 'taskqueue-wasm';
import { boxSize } from '../../js/groups.mjs';

function fan(n, { join = true } = {}) {
  const root = new Task('root', () => 1);
  const kids = Array.from({ length: n }, (_, i) => new Task(`task${i}`, () => i, { requires: [root] }));
  const end = join ? new Task('join', () => 1, { requires: kids }) : undefined;
  return { root, kids, end };
}

const all = (svg, re) => [...svg.matchAll(re)].map((m) => m[1]);

for (const n of [100, 5000]) {
  test(`a fan of ${n} draws one group with one edge in and one out`, () => {
    const { root, kids } = fan(n);
    const svg = tasksAsSvg([root], 'fan', { followBlocking: true, group: true });
    assert.equal(all(svg, /class="group" data-group="([^"]+)"/g).length, 1);
    assert.match(svg, new RegExp(`data-count="${n}" data-expanded="false"><title>${n} tasks</title>`));
    assert.match(svg, new RegExp(`>${n} PENDING</text>`), 'a count per state');
    const edges = all(svg, /class="edge" (data-from="[^"]+" data-to="[^"]+")/g);
    const group = `g${kids[0].id}`;
    assert.deepEqual(edges, [`data-from="${root.id}" data-to="${group}"`, `data-from="${group}" data-to="${root.id + n + 1}"`]);
    // The members are not drawn as boxes of their own.
    assert.deepEqual(all(svg, /class="node" data-task-id="(\d+)"/g).map(Number), [root.id, root.id + n + 1]);
  });
}

test('an expanded group draws its members in a grid inside its frame, with no edges between them', () => {
  const { root, kids } = fan(30);
  kids[7].cancel();
  const layout = tasksLayout([root], { followBlocking: true, group: 10, expand: [kids[5]] });
  const group = layout.nodes.find((n) => n.group);
  assert.equal(group.expanded, true);
  assert.deepEqual(new Set(group.tasks), new Set(kids));
  assert.deepEqual(group.counts, { PENDING: 29, CANCELLED: 1 });
  assert.equal(group.members.length, 30);
  for (const m of group.members) {
    assert.ok(m.x >= group.x && m.y >= group.y && m.x + m.width <= group.x + group.width + 0.01 && m.y + m.height <= group.y + group.height + 0.01, `${m.name} inside the frame`);
  }
  for (let i = 0; i < 30; i++) {
    for (let j = i + 1; j < 30; j++) {
      const a = group.members[i];
      const b = group.members[j];
      const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
      assert.ok(apart, `${a.name} and ${b.name} do not overlap`);
    }
  }
  // Roughly square, not one long row.
  const rows = new Set(group.members.map((m) => m.y)).size;
  assert.ok(rows >= 3 && rows <= 10, `${rows} rows`);
  assert.equal(layout.edges.length, 2);
  assert.ok(layout.edges.every((e) => e.from === group || e.to === group));
  const svg = tasksAsSvg([root], { followBlocking: true, group: 10, expand: [kids[5]] });
  assert.match(svg, /data-count="30" data-expanded="true"/);
  assert.equal(all(svg, /class="node" data-task-id="(\d+)"/g).length, 32, 'the members are drawn, inside the group');
  assert.match(svg, new RegExp(`<g id="node${kids[7].id}" class="node" data-task-id="${kids[7].id}" data-state="CANCELLED">`));
  const memberIds = new Set(kids.map((k) => String(k.id)));
  for (const [, from, to] of svg.matchAll(/data-from="([^"]+)" data-to="([^"]+)"/g)) {
    assert.ok(!(memberIds.has(from) && memberIds.has(to)), 'no edge joins two members');
  }
});

test('siblings that differ in a prerequisite or a dependent are not grouped together; fewer than the minimum are not grouped', () => {
  const a = new Task('a', () => 1);
  const b = new Task('b', () => 1);
  const left = Array.from({ length: 12 }, (_, i) => new Task(`l${i}`, () => 1, { requires: [a] }));
  const right = Array.from({ length: 12 }, (_, i) => new Task(`r${i}`, () => 1, { requires: [a, b] }));
  const few = Array.from({ length: 3 }, (_, i) => new Task(`f${i}`, () => 1, { requires: [b] }));
  const layout = tasksLayout([a, b], { followBlocking: true, group: true });
  const groups = layout.nodes.filter((n) => n.group);
  assert.deepEqual(groups.map((g) => g.tasks.map((t) => t.name[0]).join('')).sort(), ['l'.repeat(12), 'r'.repeat(12)]);
  assert.equal(layout.nodes.filter((n) => !n.group).length, 2 + few.length);
  // a -> L, a -> R, b -> R, b -> each of the three.
  assert.equal(layout.edges.length, 3 + few.length);
  void left;
  void right;
});

test('with nothing to group, the grouped drawing is the core\'s own drawing, byte for byte', () => {
  // A random DAG of a few dozen tasks, names with odd characters.
  let seed = 7;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const tasks = [];
  for (let i = 0; i < 40; i++) {
    const name = i % 7 === 0 ? `t<${i}>&"é ${'x'.repeat(i % 5)}\nline` : `t${i}`;
    const mine = i === 0 ? [] : [tasks[Math.floor(random() * i)], tasks[Math.floor(random() * i)]];
    tasks.push(new Task(name, () => i, { requires: [...new Set(mine)] }));
  }
  tasks[3].cancel();
  const core = tasksAsSvg(tasks, 'g');
  const grouped = tasksAsSvg(tasks, 'g', { group: 1000 });
  assert.equal(grouped, core);
  assert.equal(tasksAsSvg([tasks[0]], { followBlocking: true, group: 1000 }), tasksAsSvg([tasks[0]], { followBlocking: true }));
  assert.equal(tasksAsSvg([tasks[39]], { followRequired: true, group: 1000 }), tasksAsSvg([tasks[39]], { followRequired: true }));
});

test('the JS text metrics are the core\'s: box sizes agree for every kind of name', () => {
  const names = ['a', 'WWWWWWWW', 'mixed Case 123', 'two\nlines', 'émoji 🎉 and 日本語', 'tab\tand\u0001control', ''];
  const tasks = names.map((name) => new Task(name, () => 1));
  const layout = tasksLayout(tasks);
  layout.nodes.forEach((n) => {
    const [w, h] = boxSize([...n.name.split('\n'), n.state]);
    assert.ok(Math.abs(w - n.width) < 1e-9 && Math.abs(h - n.height) < 1e-9, `${JSON.stringify(n.name)}: ${w}x${h} vs ${n.width}x${n.height}`);
  });
});

test('bad grouping options are clear errors', () => {
  const { root } = fan(3, { join: false });
  assert.throws(() => tasksAsSvg([root], { group: 1 }), /group must be a boolean or an integer of at least 2/);
  assert.throws(() => tasksAsSvg([root], { group: 'yes' }), TypeError);
  assert.throws(() => tasksLayout([root], { expand: 5 }), /expand must be an iterable of tasks/);
  assert.throws(() => tasksLayout([root], { expand: [1] }), TypeError);
  assert.throws(() => tasksAsSvg([root], { grup: true }), /unknown drawing option 'grup'/);
});
