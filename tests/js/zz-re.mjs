import { Task, makeNow, make, tasksAsDot, TaskQueue } from 'taskqueue-wasm';
const noop = () => {};
// 1. auto-retry from a callback
let n = 0;
const flaky = new Task('flaky', () => { if (++n < 3) throw new Error('x'); return 'ok'; });
flaky.onTransition('FAILED', (t) => t.event('retry'));
const dep = flaky.then('dep', () => 'dep');
const made = await Promise.race([makeNow([dep]), new Promise((r) => setTimeout(() => r('TIMEOUT'), 1000))]);
console.log('1', made === 'TIMEOUT' ? made : made.map(String), n, String(flaky), String(dep));
// 2. callback that starts a make, dispatches, draws
const a = new Task('a', noop);
const b = new Task('b', noop);
a.onTransition('RUNNING', () => { makeNow([b]); tasksAsDot([a, b]); new TaskQueue([a, b]).get(); });
console.log('2', (await makeNow([a])).map(String), String(b));
await new Promise((r) => setTimeout(r, 10));
console.log('2b', String(b));
// 3. callback that dispatches the same task again (twice)
const c = new Task('c', noop);
let err;
c.onTransition('RUNNING', (t) => { t.dispatch().catch((e) => { err = e; }); });
await makeNow([c]);
await new Promise((r) => setTimeout(r, 10));
console.log('3', String(c), err?.name, err?.message);
// 4. callback adds requirement to a dependent mid-make, and cancels another given task
const d = new Task('d', async () => { await new Promise((r) => setTimeout(r, 2)); });
const e = new Task('e', noop);
const f = d.then('f', noop);
const g = new Task('g', async () => { await new Promise((r) => setTimeout(r, 5)); });
d.onTransition('DONE', () => { f.require(e); g.cancel(); });
console.log('4', (await makeNow([f, g])).map(String), String(e));
// 5. make inside the function of a task of the same make, awaiting itself -> deadlock unless signal
const h = new Task('h', async function () { const ac = new AbortController(); setTimeout(() => ac.abort(), 20); return (await makeNow([this], { signal: ac.signal })).length; });
console.log('5', (await makeNow([h])).map(String), h.result);
// 6. iterator next() called concurrently
const i1 = new Task('i1', async () => 1); const i2 = new Task('i2', async () => 2);
const it = make([i1, i2]);
const rs = await Promise.all([it.next(), it.next(), it.next(), it.next()]);
console.log('6', rs.map((r) => r.done ? 'done' : String(r.value)));
// 7. return() during pending next
const j = new Task('j', () => new Promise((r) => setTimeout(r, 20)));
const it2 = make([j]);
const p = it2.next();
await new Promise((r) => setTimeout(r, 1));
console.log('7', await it2.return(), await Promise.race([p, new Promise((r) => setTimeout(() => r('TIMEOUT'), 500))]));
