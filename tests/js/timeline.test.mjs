// tasksAsTimeline (SPEC §11) and the palette: the timeline's bars match
// the tasks' attempts. Real makes with real timers and small delays;
// times are asserted as ranges, positions within the SVG's rounding. The
// SVG is read with a tiny XML reader (below) that also fails on markup
// that is not well formed.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Task, makeNow, palette, tasksAsSvg, tasksAsTimeline } from 'taskqueue-wasm';
import { deferred, sleep } from './helpers.mjs';

// ---------------------------------------------------------------- reading

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
function unescape(text) {
  assert.doesNotMatch(text.replace(/&(amp|lt|gt|quot|#39);/g, ''), /[&<]/, `unescaped text: ${text}`);
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, e) => ENTITIES[e]);
}

/** The SVG as a tree of `{ name, attrs, children, text }`; throws unless well formed. */
function parse(svg) {
  const root = { name: '#document', attrs: {}, children: [], text: '' };
  const stack = [root];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  for (const m of svg.matchAll(token)) {
    const [, close, name, attrText, selfClose, text, stray] = m;
    const top = stack[stack.length - 1];
    if (stray !== undefined) throw new Error(`a stray < at ${m.index}`);
    if (text !== undefined) {
      top.text += unescape(text);
    } else if (close) {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}> at ${m.index}`);
      stack.pop();
    } else {
      const attrs = {};
      for (const [, key, value] of attrText.matchAll(/([\w:-]+)="([^"]*)"/g)) {
        if (key in attrs) throw new Error(`attribute ${key} twice at ${m.index}`);
        attrs[key] = unescape(value);
      }
      const node = { name, attrs, children: [], text: '' };
      top.children.push(node);
      if (!selfClose) stack.push(node);
    }
  }
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1].name}> is not closed`);
  assert.equal(root.children.length, 1, 'one root element');
  assert.equal(root.children[0].name, 'svg');
  return root.children[0];
}

/** Every element under `node` (itself included) that passes `keep`, in document order. */
function all(node, keep) {
  const out = [];
  const stack = [node];
  while (stack.length > 0) {
    const n = stack.pop();
    if (keep(n)) out.push(n);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
  }
  return out;
}

const classes = (n) => (n.attrs.class ?? '').split(' ');
const rowsOf = (svg) => all(svg, (n) => n.name === 'g' && classes(n).includes('row'));
const barsOf = (node) => all(node, (n) => n.name === 'rect' && classes(n).includes('bar'));
const titleOf = (n) => n.children.find((c) => c.name === 'title')?.text;

/** The time scale of a timeline: ms → x, from its data attributes. */
function scaleOf(svg) {
  const since = Number(svg.attrs['data-since']);
  const until = Number(svg.attrs['data-until']);
  const plotX = Number(svg.attrs['data-plot-x']);
  const perMs = Number(svg.attrs['data-plot-width']) / (until - since);
  return { since, until, plotX, perMs, x: (t) => plotX + (t - since) * perMs };
}

/** |a − b| <= within. */
function near(a, b, within, what) {
  assert.ok(Math.abs(a - b) <= within, `${what}: ${a} is not within ${within} of ${b}`);
}

// ---------------------------------------------------------------- a run

/**
 * fetch (20 ms) → upload (fails its first attempt, retried after 30 ms,
 * 15 ms each) → notify (10 ms); fetch → bad (fails after 10 ms) → never
 * (never runs); slow (no prerequisites, times out after 15 ms, once).
 */
async function run() {
  const fetch = new Task('fetch', async () => sleep(20));
  let calls = 0;
  const upload = new Task('upload', async () => {
    await sleep(15);
    if (++calls === 1) throw new Error('HTTP 503');
    return 'https://example.test/a';
  }, { requires: [fetch], retry: { attempts: 3, delay: 30 } });
  const bad = new Task('bad', async () => {
    await sleep(10);
    throw new Error('disk full\nsecond line');
  }, { requires: [fetch] });
  const notify = new Task('notify', async () => sleep(10), { requires: [upload] });
  const never = new Task('never', () => {}, { requires: [bad] });
  const slow = new Task('slow', async () => sleep(40), { timeout: 15 });
  await makeNow([notify, never, slow]);
  return { fetch, upload, bad, notify, never, slow, all: [fetch, upload, bad, notify, never, slow] };
}

let r;
before(async () => {
  r = await run();
});

test('the run behind these tests went as planned', () => {
  assert.deepEqual(r.all.map((t) => t.state), ['DONE', 'DONE', 'FAILED', 'DONE', 'FAILED', 'FAILED']);
  assert.deepEqual(r.upload.attempts.map((a) => a.outcome), ['failed', 'done']);
  assert.deepEqual(r.slow.attempts.map((a) => a.outcome), ['timeout']);
  assert.deepEqual(r.never.attempts, []);
});

test('one row per task, one bar per attempt, its outcome, number and times those of task.attempts', () => {
  const svg = parse(tasksAsTimeline(r.all));
  const rows = rowsOf(svg);
  assert.equal(rows.length, r.all.length);
  assert.deepEqual(new Set(rows.map((g) => Number(g.attrs['data-task-id']))), new Set(r.all.map((t) => t.id)));
  for (const task of r.all) {
    const row = rows.find((g) => Number(g.attrs['data-task-id']) === task.id);
    assert.equal(row.attrs['data-state'], task.state);
    assert.equal(row.attrs.id, `tl-task-${task.id}`);
    assert.equal(all(row, (n) => classes(n).includes('label'))[0].text, task.name);
    const bars = barsOf(row);
    assert.equal(bars.length, task.attempts.length, task.name);
    task.attempts.forEach((a, i) => {
      const bar = bars[i].attrs;
      assert.equal(bar['data-task-id'], String(task.id));
      assert.equal(bar['data-attempt'], String(a.number));
      assert.equal(bar['data-outcome'], a.outcome);
      assert.ok(classes(bars[i]).includes(a.outcome));
      assert.equal(bar.fill, palette.outcomes[a.outcome].fill, 'filled by outcome, from the palette');
      assert.equal(Number(bar['data-start']), a.start);
      assert.equal(Number(bar['data-end']), a.end);
      assert.equal(bar.id, `tl-task-${task.id}-attempt-${a.number}`);
    });
  }
  assert.equal(barsOf(svg).length, r.all.reduce((n, t) => n + t.attempts.length, 0));
});

test('bars span their attempts: x and width proportional to start and end', () => {
  const svg = parse(tasksAsTimeline(r.all, { width: 1000 }));
  const s = scaleOf(svg);
  const attempts = r.all.flatMap((t) => t.attempts);
  assert.equal(s.since, Math.min(...attempts.map((a) => a.start)), 'from the earliest start');
  assert.equal(s.until, Math.max(...attempts.map((a) => a.end)), 'to the latest end');
  assert.equal(Number(svg.attrs.width), 1000);
  for (const task of r.all) {
    const bars = barsOf(rowsOf(svg).find((g) => Number(g.attrs['data-task-id']) === task.id));
    task.attempts.forEach((a, i) => {
      const x = Number(bars[i].attrs.x);
      const width = Number(bars[i].attrs.width);
      near(x, s.x(a.start), 0.01, `${task.name} attempt ${a.number} x`);
      // At least a pixel wide, so that an instant attempt shows.
      near(width, Math.max((a.end - a.start) * s.perMs, 1), 0.01, `${task.name} attempt ${a.number} width`);
      assert.ok(x >= s.plotX - 0.01 && x + width <= s.plotX + Number(svg.attrs['data-plot-width']) + 0.02);
    });
  }
  // The numbers themselves: fetch about 20 ms, upload's retry after about 30.
  const [fetchBar] = barsOf(rowsOf(svg).find((g) => g.attrs['data-task-id'] === String(r.fetch.id)));
  const fetchMs = Number(fetchBar.attrs.width) / s.perMs;
  assert.ok(fetchMs >= 18 && fetchMs < 300, `fetch's bar is ${fetchMs} ms long`);
  const [first, second] = barsOf(rowsOf(svg).find((g) => g.attrs['data-task-id'] === String(r.upload.id)));
  const gapMs = (Number(second.attrs.x) - Number(first.attrs.x) - Number(first.attrs.width)) / s.perMs;
  assert.ok(gapMs >= 28 && gapMs < 300, `upload's second attempt is ${gapMs} ms after the first`);
  // Every coordinate has two decimals at most.
  for (const n of all(svg, () => true)) {
    for (const key of ['x', 'y', 'width', 'height', 'x1', 'x2', 'y1', 'y2']) {
      if (key in n.attrs) assert.match(n.attrs[key], /^-?\d+(\.\d{1,2})?$/, `${n.name} ${key}`);
    }
  }
});

test('rows in order of first start, then as given; tasks that never ran last, empty', () => {
  const svg = parse(tasksAsTimeline([r.never, r.notify, r.upload, r.bad, r.fetch, r.slow]));
  const ids = rowsOf(svg).map((g) => Number(g.attrs['data-task-id']));
  const ran = [r.notify, r.upload, r.bad, r.fetch, r.slow]
    .map((task, given) => ({ task, given, first: task.attempts[0].start }))
    .sort((a, b) => a.first - b.first || a.given - b.given)
    .map((e) => e.task.id);
  assert.deepEqual(ids, [...ran, r.never.id]);
  assert.equal(barsOf(rowsOf(svg).at(-1)).length, 0);
  // Rows stack downwards, a row's height apart.
  const ys = rowsOf(svg).map((g) => Number(all(g, (n) => classes(n).includes('label'))[0].attrs.y));
  ys.slice(1).forEach((y, i) => near(y - ys[i], 20, 0.01, 'row pitch'));
  // A task given twice is drawn once.
  assert.equal(rowsOf(parse(tasksAsTimeline([r.fetch, r.fetch, r.upload]))).length, 2);
});

test('the critical path: from the task that ended last back through the prerequisites that ended last', () => {
  const svg = parse(tasksAsTimeline(r.all));
  const critical = rowsOf(svg).filter((g) => classes(g).includes('critical')).map((g) => Number(g.attrs['data-task-id']));
  // notify ended last; it waited for upload, which waited for fetch. bad
  // and slow are off the path, never did not run.
  assert.deepEqual(new Set(critical), new Set([r.fetch.id, r.upload.id, r.notify.id]));
  for (const row of rowsOf(svg)) {
    const on = classes(row).includes('critical');
    for (const bar of barsOf(row)) {
      assert.equal(classes(bar).includes('critical'), on);
      assert.equal(bar.attrs['stroke-width'], on ? '2' : '0.5', 'a thicker outline on the path');
    }
  }
  // Among the drawn tasks only: without upload, notify's path stops there.
  const cut = parse(tasksAsTimeline([r.fetch, r.notify, r.bad]));
  assert.deepEqual(rowsOf(cut).filter((g) => classes(g).includes('critical')).map((g) => Number(g.attrs['data-task-id'])), [r.notify.id]);
});

test('the critical path picks the prerequisite that ended last, and walks a long chain without recursion', async () => {
  const early = new Task('early', async () => sleep(5));
  const late = new Task('late', async () => sleep(30));
  const join = new Task('join', async () => sleep(5), { requires: [early, late] });
  await makeNow(join);
  const svg = parse(tasksAsTimeline([early, late, join]));
  const critical = rowsOf(svg).filter((g) => classes(g).includes('critical')).map((g) => g.attrs['data-task-id']);
  assert.deepEqual(critical.sort(), [String(late.id), String(join.id)].sort());
  // A chain of 3,000: each on the path.
  const chain = [new Task('c0', () => {})];
  for (let i = 1; i < 3000; i++) chain.push(new Task(`c${i}`, () => {}, { requires: [chain[i - 1]] }));
  await makeNow(chain.at(-1));
  const text = tasksAsTimeline(chain);
  assert.equal(text.match(/class="row critical"/g).length, 3000);
});

test('bar titles say attempt, outcome, duration and the first line of the error', () => {
  const svg = parse(tasksAsTimeline(r.all));
  const titles = barsOf(svg).map(titleOf);
  assert.ok(titles.some((t) => /^upload attempt 1: failed after \d+ ms: HTTP 503$/.test(t)), titles.join('\n'));
  assert.ok(titles.some((t) => /^upload attempt 2: done after \d+ ms$/.test(t)), titles.join('\n'));
  assert.ok(titles.some((t) => /^bad attempt 1: failed after \d+ ms: disk full$/.test(t)), titles.join('\n'));
  assert.ok(titles.some((t) => /^slow attempt 1: timed out after \d+ ms: /.test(t)), titles.join('\n'));
  const slow = barsOf(svg).find((b) => b.attrs['data-task-id'] === String(r.slow.id));
  assert.equal(slow.attrs.fill, 'orange');
});

test('an ongoing attempt is drawn up to now, and grows with it', async () => {
  const before = new Task('before', async () => sleep(10));
  await before.dispatch();
  const gate = deferred();
  const running = new Task('running', () => gate.promise, { requires: [before] });
  const done = running.dispatch();
  await sleep(5);
  const [attempt] = running.attempts;
  assert.equal(attempt.end, undefined);
  const at = (now) => parse(tasksAsTimeline([before, running], { now }));
  const bar = (svg) => barsOf(svg).find((b) => b.attrs['data-task-id'] === String(running.id));
  const soon = at(attempt.start + 50);
  const later = at(new Date(attempt.start + 500)); // a Date works too
  for (const [svg, now] of [[soon, attempt.start + 50], [later, attempt.start + 500]]) {
    const b = bar(svg);
    assert.deepEqual(classes(b), ['bar', 'running', 'ongoing', 'critical']);
    assert.equal(b.attrs['data-outcome'], 'running');
    assert.equal(b.attrs.fill, palette.outcomes.running.fill);
    assert.equal(b.attrs['data-end'], undefined);
    assert.equal(Number(svg.attrs['data-until']), now, 'the axis ends at now');
    assert.equal(Number(svg.attrs['data-now']), now);
    const s = scaleOf(svg);
    near(Number(b.attrs.width), (now - attempt.start) * s.perMs, 0.01, 'width');
    assert.equal(titleOf(b), `running attempt 1: running for ${now - attempt.start} ms`);
    assert.equal(all(svg, (n) => classes(n).includes('now')).length, 1, 'a line at now');
  }
  assert.ok(Number(bar(later).attrs.width) > Number(bar(soon).attrs.width) + 100, 'a later now, a wider bar');
  // By default now is the clock's.
  const s = scaleOf(parse(tasksAsTimeline([before, running])));
  assert.ok(s.until >= attempt.start && s.until <= Date.now());
  gate.resolve();
  await done;
  assert.equal(barsOf(parse(tasksAsTimeline([running]))).filter((b) => classes(b).includes('ongoing')).length, 0);
});

test('since moves the left edge; bars before it are cut there', () => {
  const since = r.fetch.attempts[0].end;
  const svg = parse(tasksAsTimeline(r.all, { since }));
  const s = scaleOf(svg);
  assert.equal(s.since, since);
  const [fetchBar] = barsOf(rowsOf(svg).find((g) => g.attrs['data-task-id'] === String(r.fetch.id)));
  near(Number(fetchBar.attrs.x), s.plotX, 0.01, 'cut at the left edge');
  assert.ok(Number(fetchBar.attrs.width) <= 1, 'what is left of it: a pixel at most');
  assert.equal(barsOf(svg).length, r.all.reduce((n, t) => n + t.attempts.length, 0), 'every attempt still has its bar');
});

test('names and errors are escaped', async () => {
  const name = `<b a="1"> & 'x'`;
  const t = new Task(name, () => {
    throw new Error('<oops> & "more"');
  });
  await t.dispatch();
  const text = tasksAsTimeline([t]);
  assert.ok(!text.includes('<b') && !text.includes('<oops'), text);
  const svg = parse(text);
  const [row] = rowsOf(svg);
  assert.equal(titleOf(row), name);
  assert.equal(all(row, (n) => classes(n).includes('label'))[0].text, name);
  assert.match(titleOf(barsOf(row)[0]), /^<b a="1"> & 'x' attempt 1: failed after \d+ ms: <oops> & "more"$/);
  // A long name is cut in its row and whole in its title.
  const long = new Task('x'.repeat(300), () => {});
  const [longRow] = rowsOf(parse(tasksAsTimeline([long])));
  assert.equal(titleOf(longRow), 'x'.repeat(300));
  assert.match(all(longRow, (n) => classes(n).includes('label'))[0].text, /^x+…$/);
});

test('the same tasks give the same string; a finished run does not read the clock', async () => {
  const one = tasksAsTimeline(r.all);
  await sleep(5);
  assert.equal(tasksAsTimeline(r.all), one);
  assert.equal(tasksAsTimeline(r.all, { now: 0 }), one, 'now matters only to ongoing attempts');
  assert.equal(tasksAsTimeline(new Set(r.all)), one, 'any iterable');
  assert.notEqual(tasksAsTimeline(r.all, { width: 900 }), one);
});

test('no tasks, or none that ran: a small valid SVG', () => {
  const empty = parse(tasksAsTimeline([]));
  assert.equal(rowsOf(empty).length, 0);
  assert.ok(Number(empty.attrs.height) > 0 && Number(empty.attrs.width) === 800);
  assert.equal(empty.attrs['data-since'], undefined);
  const idle = new Task('idle', () => {});
  const svg = parse(tasksAsTimeline(idle)); // a lone Task, as elsewhere
  assert.equal(rowsOf(svg).length, 1);
  assert.equal(barsOf(svg).length, 0);
  assert.equal(tasksAsTimeline(idle), tasksAsTimeline(idle));
});

test('bad tasks and options are errors naming them', () => {
  const t = new Task('t', () => {});
  const cases = [
    [() => tasksAsTimeline(5), TypeError, /^tasksAsTimeline\(tasks\) must be a Task or an iterable of Tasks$/],
    [() => tasksAsTimeline([t, 'x']), TypeError, /^tasksAsTimeline\(tasks\) must contain only Tasks, got 'x'$/],
    [() => tasksAsTimeline([t], 5), TypeError, /^tasksAsTimeline options must be an object, got number 5$/],
    [() => tasksAsTimeline([t], { colour: 'red' }), TypeError, /^unknown tasksAsTimeline option 'colour' \(known: now, since, width, rowHeight\)$/],
    [() => tasksAsTimeline([t], { width: '800' }), TypeError, /width must be a number \(px\), got '800'/],
    [() => tasksAsTimeline([t], { width: 10 }), RangeError, /width must be from 200 to 100000 \(px\), got number 10/],
    [() => tasksAsTimeline([t], { width: NaN }), RangeError, /width must be .*got number NaN/],
    [() => tasksAsTimeline([t], { rowHeight: 0 }), RangeError, /rowHeight must be from 8 to 200 \(px\), got number 0/],
    [() => tasksAsTimeline([t], { rowHeight: null }), TypeError, /rowHeight must be a number \(px\), got null/],
    [() => tasksAsTimeline([t], { now: 'now' }), TypeError, /now must be a time \(ms since the epoch, or a Date\), got 'now'/],
    [() => tasksAsTimeline([t], { now: new Date(NaN) }), RangeError, /now must be a finite time, got an invalid Date/],
    [() => tasksAsTimeline([t], { since: Infinity }), RangeError, /since must be a finite time, got number Infinity/],
  ];
  for (const [call, type, message] of cases) assert.throws(call, (e) => e instanceof type && message.test(e.message), String(message));
});

test('1,000 tasks in a random DAG: a row and a bar each', async (t) => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const tasks = [];
  for (let i = 0; i < 1000; i++) {
    const requires = i === 0 ? [] : [tasks[Math.floor(random() * i)]];
    if (i > 1 && random() < 0.5) requires.push(tasks[Math.floor(random() * i)]);
    tasks.push(new Task(`t${i}`, () => {}, { requires: [...new Set(requires)] }));
  }
  await makeNow(tasks);
  const started = performance.now();
  const text = tasksAsTimeline(tasks);
  const ms = performance.now() - started;
  t.diagnostic(`1,000 tasks: ${text.length} characters in ${ms.toFixed(1)} ms`);
  const svg = parse(text);
  assert.equal(rowsOf(svg).length, 1000);
  assert.equal(barsOf(svg).length, 1000);
  assert.ok(rowsOf(svg).some((g) => classes(g).includes('critical')));
});

test('the palette: frozen, every state and outcome, the colours tasksAsSvg paints', () => {
  assert.ok(Object.isFrozen(palette) && Object.isFrozen(palette.states) && Object.isFrozen(palette.outcomes) && Object.isFrozen(palette.cssVars));
  assert.ok(Object.isFrozen(palette.states.DONE) && Object.isFrozen(palette.cssVars.states));
  const states = ['PREPARE', 'PENDING', 'QUEUED', 'RUNNING', 'DONE', 'FAILED', 'CANCELLED', 'ABORT'];
  assert.deepEqual(Object.keys(palette.states), states);
  assert.deepEqual(Object.keys(palette.cssVars.states), states);
  assert.deepEqual(Object.keys(palette.outcomes), ['running', 'done', 'failed', 'timeout', 'cancelled']);
  assert.deepEqual(Object.keys(palette.cssVars.outcomes), Object.keys(palette.outcomes));
  for (const name of [...Object.values(palette.cssVars.states), ...Object.values(palette.cssVars.outcomes), palette.cssVars.critical]) {
    assert.match(name, /^--tq-[a-z]+$/);
  }
  // The node fills and label colours of tasksAsSvg, state by state.
  for (const state of states) {
    const svg = parse(tasksAsSvg([new Task('t', () => {}, { state })]));
    const [node] = all(svg, (n) => classes(n).includes('node'));
    assert.equal(node.attrs['data-state'], state);
    assert.equal(node.children.find((c) => c.name === 'rect').attrs.fill, palette.states[state].fill, state);
    assert.equal(node.children.find((c) => c.name === 'text').attrs.fill ?? 'black', palette.states[state].text, state);
  }
  // The timeline's stylesheet reads the custom properties, falling back to the palette.
  const text = tasksAsTimeline([]);
  for (const [outcome, { fill }] of Object.entries(palette.outcomes)) {
    assert.ok(text.includes(`.bar.${outcome}){fill:var(${palette.cssVars.outcomes[outcome]},${fill})}`), outcome);
  }
});
