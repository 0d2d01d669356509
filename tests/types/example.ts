// A typed program against the package's declarations; `tsc --noEmit`
// must accept it (tests/js/types.test.mjs runs it).
import {
  BlockedError, CancellationError, FSM, FSMError, Later, Task, TaskError, TaskQueue,
  TimeoutError, make, makeLater, makeNow, setCallbackErrorHandler, setRandom, tasksAsDot, tasksAsSvg, tasksLayout, version,
  type Attempt, type AwaitedTask, type Codec, type Store, type StoreRecord, StoreError, memoryStore, type MakeOptions, type RetryPolicy, type State, type Transition, type TransitionExtra,
} from 'taskqueue-wasm';
import { fileStore } from 'taskqueue-wasm/store/file';
import { indexedDbStore } from 'taskqueue-wasm/store/indexeddb';
import { renderProgress, type Progress, type ProgressOptions, type ProgressStream } from 'taskqueue-wasm/progress';
import { mountGraph, styles, type GraphController } from 'taskqueue-wasm/view';

// `A` and `B` are the same type (not merely assignable either way).
type Same<A, B> = (<G>() => G extends A ? 1 : 2) extends (<G>() => G extends B ? 1 : 2) ? true : false;

// A function with parameters takes them from `args`; one without needs no options.
const fetchUser = new Task('fetchUser', async (id: number) => ({ id, name: 'ada' }), { args: [7] });
const add = new Task('add', (x: number, y: number) => x + y, { args: [1, 2] });
const maybe = new Task('maybe', (x?: number) => x ?? 0);
const rest = new Task('rest', (...xs: string[]) => xs.join(), { args: ['a', 'b'] });
const greet = new Task('greet', function () {
  const user = fetchUser.result;
  if (this.signal.aborted) throw new CancellationError('stopped');
  return `hello ${user?.name ?? '?'}`;
}, { requires: [fetchUser, add] });
const total: Task<[], number> = new Task(function total() { return 42; }, { cancelOnResult: (n) => n < 0 });
greet.require(total);
const report = new Task('report', () => undefined, { requires: new Set([greet, maybe, rest]) });

const state: State = greet.state;
const off = greet.onTransition('*', (task: Task, tr: Transition) => {
  const when: number = tr.when;
  console.log(task.name, tr.oldState, tr.event, tr.newState, when, tr.extra.because, state);
});
off();

// The transitions of a task, and why the make failed it.
function why(task: Task): string {
  const history: Transition[] = task.history;
  const extra: TransitionExtra | undefined = history.at(-1)?.extra;
  const because: 'failed prerequisites' | 'cancelled prerequisites' | 'some prerequisites are not done' | undefined = extra?.because;
  const names: string[] = (extra?.tasks ?? []).map((t) => t.name);
  const mine: unknown = extra?.['attempt']; // keys passed to event(name, extra)
  return `${because ?? ''} ${names.join()} ${String(mine)}`;
}

async function main(): Promise<void> {
  const progress: MakeOptions['onTransition'] = (task, tr) => console.log(task.name, tr.event);

  // Tasks handed back are the very Task type: Set, Map, includes, and `result` keep working.
  const all: Task[] = await makeNow(greet, { signal: AbortSignal.timeout(1000), onTransition: progress });
  const seen = new Set<Task>();
  const order = new Map<Task, number>();
  for await (const t of make([greet, fetchUser], { failFast: true, concurrency: 4, onTransition: (task, tr) => order.set(task, tr.when) })) {
    seen.add(t);
    console.log(all.includes(t), order.get(t), String(t));
  }
  const joined = await fetchUser.join();
  const exact: Same<typeof joined, typeof fetchUser> = true;
  const id: number | undefined = joined.result?.id;
  seen.add(joined);
  console.log(all.includes(joined), order.get(joined), id, exact);
  const dispatched = await total.dispatch();
  const result: number | undefined = dispatched.result;
  const awaited: Same<Awaited<typeof total>, typeof total> = true;
  const itself: Task<[], number> = await total; // a task fulfils with itself
  const [u, g] = await Promise.all([fetchUser.join(), greet.join()]);
  const name: string | undefined = u.result?.name;
  const text: string | undefined = g.result;
  const old: AwaitedTask<typeof greet> = g; // deprecated alias of the task type
  console.log(result, awaited, itself === total, name, text, old === greet);

  const done: boolean = await greet.make({ failFast: true, concurrency: 2, onTransition: progress });
  const retried: Task[] = fetchUser.retry();
  console.log(retried.includes(greet), why(greet));
  const later = new Later(2);
  const doubled: number = await later.defer((x: number) => x * 2, 21);
  makeLater(later, [greet], { failFast: true, onTransition: progress });
  const q = new TaskQueue(all, { runDependentTasks: true });
  for await (const t of q.run({ once: true, signal: AbortSignal.timeout(1000) })) q.add(t);
  const dot: string = tasksAsDot(all, 'g', { followBlocking: true }) + q.asDot() + greet.asDot();
  const up: string = tasksAsDot([report], { followRequired: true }) + tasksAsSvg([report], 'g', { followRequired: true, followBlocking: true })
    + report.asDot('r', { followRequired: true }) + q.asDot('q', { followRequired: true });
  const fsm = new FSM<'ON' | 'OFF'>('OFF', { OFF: { on: 'ON' }, ON: { off: 'OFF' } }, { history: true });
  const next: 'ON' | 'OFF' = fsm.event('on');
  try {
    await greet.dispatch();
  } catch (e) {
    if (e instanceof BlockedError) console.log(e.blockingTask.name, e.task.name);
    else if (e instanceof TaskError) console.log(e.cycle?.length);
    else if (e instanceof FSMError) console.log(e.fsm);
  }
  const drawing = tasksLayout(all, { followBlocking: true, followRequired: true });
  const first: Task | undefined = drawing.nodes[0]?.task;
  const tip: number = drawing.edges[0]?.arrow[0].x ?? drawing.width;
  const grouped = tasksLayout(all, { followBlocking: true, group: 12, expand: [report] });
  for (const n of grouped.nodes) {
    if ('group' in n) console.log(n.id.startsWith('g'), n.counts.DONE ?? 0, n.tasks.length, n.members[0]?.task.name);
    else console.log(n.task.name);
  }
  const groupedSvg: string = tasksAsSvg(all, 'g', { group: true, followBlocking: true });
  const fsmSvg: string = FSM.transitionsAsSvg({ A: { go: 'B' } }, 'machine');
  const event: string | undefined = FSM.transitionsLayout({ A: { go: 'B' } }).edges[0]?.event;
  console.log(first?.name, tip, fsmSvg.length, drawing.edges[0]?.path, event, up.length);
  setCallbackErrorHandler((error, task, tr) => console.error(error, task.id, tr.newState));
  console.log(done, doubled, dot.length, next, fsm.history?.length, FSM.transitionsAsDot({ A: { go: 'B' } }), version());
}
// Attempts, retry and timeouts (SPEC §8).
const policy: RetryPolicy = { attempts: 3, delay: 100, factor: 2, maxDelay: 1000, jitter: 0.2, retryOn: (e, n) => !(e instanceof TypeError) && n < 3 };
const upload = new Task('upload', async function () {
  return this.signal.aborted ? 0 : 1;
}, { retry: policy, timeout: 800, track: true });
const cleanup = new Task('cleanup', () => undefined, { requires: [upload], runIf: 'settled', retry: 2 });
const stop = upload.onAttempt((task: Task, a: Attempt) => {
  const outcome: 'done' | 'failed' | 'timeout' | 'cancelled' | undefined = a.outcome;
  const ms: number | undefined = a.end === undefined ? undefined : a.end - a.start;
  if (a.error instanceof TimeoutError) console.log(a.error.timeout, a.error.task.name);
  console.log(task.name, a.number, outcome, ms);
});
stop();
const tries: number = cleanup.attempts.length;
setRandom(() => 0.5);
setRandom();
console.log(tries);

// Durable runs (SPEC §9).
async function durable(): Promise<void> {
  const store: Store = memoryStore();
  const dates: Codec<Date> = { encode: (d) => d.toISOString(), decode: (s: string) => new Date(s) };
  const stamp = new Task('stamp', () => new Date(), { key: 'release/stamp', codec: dates });
  const key: string = stamp.key;
  try {
    await makeNow(stamp, { store, codec: { encode: (v) => v, decode: (v) => v } });
    for await (const t of new TaskQueue([stamp]).run({ store })) console.log(t.name, key);
  } catch (e) {
    if (e instanceof StoreError) console.log(e.key, e.path);
  }
  const records: StoreRecord[] = await store.load();
  const mine: Store = { load: () => records, append: async (rs: StoreRecord[]) => { records.push(...rs); }, close: () => undefined };
  await stamp.make({ store: mine });
  const file = fileStore('run.journal', { compactMinBytes: 2 ** 20 });
  const fsyncs: number = file.stats.fsyncs;
  const idb: Store = indexedDbStore('run', { compactMinRecords: 1000 });
  await makeNow(stamp, { store: file });
  console.log(fsyncs, file.path, idb === file);
  await file.close();
}
void durable();

// Progress in a terminal (SPEC §11): a make, or tasks until stop().
async function progress(): Promise<void> {
  const chunks: string[] = [];
  const stream: ProgressStream = { write: (text: string) => chunks.push(text), isTTY: true, columns: 60, rows: 20 };
  const run = make([greet], { concurrency: 2 });
  const given: Task[] = run.tasks;
  const shown: Progress = renderProgress(run, { stream, title: 'greet', interval: 50, colour: false });
  for await (const t of run) shown.log(`made ${t}`);
  const end = await run.ended;
  const how: 'finished' | 'failed' | 'aborted' | 'stopped' = end.how;
  await shown.done;
  const options: ProgressOptions = { stream: { write: () => true }, color: true, width: 80, live: false };
  const plain = renderProgress(new Set([greet, total]), options);
  renderProgress(total).stop();
  plain.stop();
  console.log(given.length, how, end.reason, chunks.length);
}
function view(element: HTMLElement): void {
  const graph: GraphController = mountGraph(element, [greet], { theme: 'dark', group: 12, onSelect: (task) => console.log(task?.name) });
  graph.select(greet);
  const picked: Task | null = graph.selected;
  graph.zoom(1.5);
  graph.fit();
  const revealed: boolean | undefined = graph.reveal(total);
  const readable: GraphController = mountGraph(element, greet, { initialView: 'readable' });
  readable.destroy();
  const opened: boolean | undefined = graph.expand(total);
  graph.update([greet, total]);
  const svg: SVGSVGElement = graph.element;
  graph.destroy();
  console.log(picked, opened, revealed, svg.id, styles.length);
}
void progress();
void main();
void view;

// Scheduling (SPEC §12): weights, pools, priorities.
async function scheduling(): Promise<void> {
  const gpu = new Task('train', async () => 1, { weight: 2, pool: 'gpu', priority: 5 });
  const done: boolean = await gpu.make({ concurrency: 4, pools: { gpu: 2 } });
  await makeNow([gpu], { pools: { gpu: 4, io: 1 } });
  const fetcher = new Task('fetch', async () => 1, { pool: 'api', estimate: 250 });
  await makeNow([fetcher, gpu], {
    order: 'critical-path',
    rate: { limit: 10, interval: 1000 },
    pools: { gpu: 2, api: { capacity: 4, rate: { limit: 5, interval: 1000 } }, io: { rate: { limit: 1, interval: 50 } } },
  });
  makeLater(new Later(2), [fetcher], { pools: { api: 1 }, order: 'seed' });
  console.log(done);
}
void scheduling();
