// Types of taskqueue-wasm. Written by hand: the public classes are ES
// modules (see js/), which wasm-bindgen does not see. tests/js/types.test.mjs
// checks that every runtime export is declared here and nothing else is,
// and tests/types/example.ts must type-check against this file.

/** A task's state. */
export type State = 'PREPARE' | 'PENDING' | 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED' | 'CANCELLED' | 'ABORT';

/** An event of the task state machine. */
export type TaskEvent = 'prepared' | 'dispatch' | 'queue' | 'cancel' | 'error' | 'abort' | 'done' | 'except' | 'retry';

/**
 * Details of a transition: `{}`, or, for one the make fired because of
 * prerequisites, `because` and `tasks`; plus the keys of the object passed
 * to `event(name, extra)`.
 */
export interface TransitionExtra {
  /** Why the make fired the event. */
  because?: 'failed prerequisites' | 'cancelled prerequisites' | 'some prerequisites are not done';
  /** The prerequisites concerned. */
  tasks?: Task[];
  /** Whatever was passed to `event(name, extra)`. */
  [key: string]: unknown;
}

/** One transition of a task. */
export interface Transition {
  oldState: State;
  newState: State;
  event: TaskEvent;
  /** Milliseconds since the Unix epoch. */
  when: number;
  extra: TransitionExtra;
}

/** One transition of a general FSM. */
export interface FSMTransition<S extends string = string> {
  oldState: S;
  newState: S;
  event: string;
  when: number;
  extra: object;
}

export type TaskCallback = (task: Task, transition: Transition) => void;

export interface TaskOptions<Args extends unknown[] = unknown[], R = unknown> {
  /** Arguments passed to the function; required when it takes parameters (default `[]`). */
  args?: Args;
  /** Prerequisites: the new task requires each, in order. */
  requires?: Iterable<Task>;
  /** Initial state (default 'PENDING'); any state, to resume a saved run. */
  state?: State;
  /** A throwing function cancels the task instead of failing it. */
  cancelOnException?: boolean;
  /** Called with the returned value; true cancels the task. */
  cancelOnResult?: (value: Awaited<R>) => boolean;
  /**
   * true prints `NAME OLD->EVENT->NEW` per transition, and for a task
   * with `retry` or `timeout` a line per failed attempt
   * (`upload attempt 1 failed: HTTP 503; next in 400 ms`); a function is
   * called per transition.
   */
  track?: boolean | TaskCallback;
  /**
   * Attempts in all (at least 1), or a policy (SPEC §8). A failed
   * attempt is followed by another while attempts remain; the task stays
   * RUNNING meanwhile, so its dependents wait.
   */
  retry?: number | RetryPolicy;
  /**
   * Ms per attempt: then the attempt's `signal` aborts with a
   * `TimeoutError` and the attempt counts as failed (its late result is
   * ignored).
   */
  timeout?: number;
  /**
   * 'done' (default, the seed's rule): runs once every prerequisite is
   * DONE. 'settled': once every prerequisite is completed or cancelled,
   * whatever the outcome (cleanup, teardown, notify).
   */
  runIf?: 'done' | 'settled';
  /** What identifies the task in a store (default its name). */
  key?: string;
  /** How its result is kept in a store (default the make's, else JSON). */
  codec?: Codec<Awaited<R>>;
  /**
   * Slots of the make's `concurrency` (and of its pool) the task holds
   * while it runs: a positive integer, default 1. Heavier than the
   * concurrency: an error when the make starts.
   */
  weight?: number;
  /** Higher first among ready tasks (a finite number, default 0); ties keep the make's order. */
  priority?: number;
  /** The pool it runs in: it starts only while the make's `pools` give that pool room. */
  pool?: string;
  /**
   * Its expected duration in ms (finite, at least 0; default 1), for
   * `order: 'critical-path'`: ready tasks with the longest sum of
   * estimates ahead of them (through the tasks that need them) go first.
   */
  estimate?: number;
}

/** At most `limit` starts in any window of `interval` ms (SPEC §12). */
export interface RateLimit {
  /** A positive integer. */
  limit: number;
  /** Milliseconds, finite and above 0. */
  interval: number;
}

/** A pool of a make: its capacity (default Infinity), its rate limit, or both. */
export interface PoolOptions {
  /** A positive integer or Infinity: most weight of its tasks running at once. */
  capacity?: number;
  rate?: RateLimit;
}

/** How a task retries (the `retry` option). */
export interface RetryPolicy {
  /** Attempts in all, at least 1. */
  attempts: number;
  /** Ms before the second attempt (default 0). */
  delay?: number;
  /** Each wait is `factor` times the one before (default 2, at least 1). */
  factor?: number;
  /** No wait is longer (ms, default Infinity). */
  maxDelay?: number;
  /** 0..1: the fraction of each wait drawn at random and taken off (default 0; see `setRandom`). */
  jitter?: number;
  /** Asked after a failed attempt while attempts remain; false ends the task FAILED with that error. */
  retryOn?: (error: unknown, attempt: number) => boolean;
}

/** One attempt of a task's run (`task.attempts`). */
export interface Attempt {
  /** 1 for the run's first attempt. */
  number: number;
  /** When it began and ended (ms since the epoch); `end` undefined while it runs. */
  start: number;
  end: number | undefined;
  /** How it ended; undefined while it runs. */
  outcome: 'done' | 'failed' | 'timeout' | 'cancelled' | undefined;
  /** What a failed or timed-out attempt threw (a `TimeoutError` for a timeout). */
  error: unknown;
}

export interface DotOptions {
  /** Draw the tasks the given ones block too, transitively. */
  followBlocking?: boolean;
  /** Draw the prerequisites of the given tasks too, transitively. */
  followRequired?: boolean;
  /** What joins the lines (default a newline). */
  sep?: string;
}

/**
 * @deprecated Tasks handed back by Promises and async iterators are typed as
 * the task itself now; this is that type.
 */
export type AwaitedTask<T extends Task = Task> = T;

/** A task function: runs with the task as `this`. */
export type TaskFunction<Args extends unknown[] = unknown[], R = unknown> = (this: Task<Args, R>, ...args: Args) => R;

/**
 * The options argument of `new Task`: optional for a function that can be
 * called without arguments, else required, with `args`.
 */
export type TaskOptionsArg<Args extends unknown[], R> = [] extends Args
  ? [options?: TaskOptions<Args, R>]
  : [options: TaskOptions<Args, R> & { args: Args }];

/**
 * A task. Typed without its `then(task)` / `then(name, func, options)`
 * (they work at run time): TypeScript takes any object with a callable
 * `then` for a promise and cannot type one that resolves to itself, so a
 * typed `then` would keep Promises and `for await` from handing back the
 * task. Use `requires` or `require` instead.
 */
export class Task<Args extends unknown[] = unknown[], R = unknown> {
  constructor(name: string, func: TaskFunction<Args, R>, ...options: TaskOptionsArg<Args, R>);
  /** The name is `func.name`. */
  constructor(func: TaskFunction<Args, R>, ...options: TaskOptionsArg<Args, R>);
  /** Stable id, also the DOT node id. */
  readonly id: number;
  readonly name: string;
  /** What identifies the task in a store: the `key` option, else the name. */
  readonly key: string;
  readonly state: State;
  /** Value of the attempt that ended DONE. */
  readonly result: Awaited<R> | undefined;
  /** What the attempt that ended FAILED threw, as thrown. */
  readonly error: unknown;
  /** Prerequisites. */
  readonly required: Task[];
  /** Dependents. */
  readonly blocking: Task[];
  /** Every transition since the task was made, oldest first (a new array on each read). */
  readonly history: Transition[];
  /** Aborted when the running attempt is cancelled or times out; each attempt has its own. */
  readonly signal: AbortSignal;
  /** The attempts of the current (or last) run, oldest first (copies). */
  readonly attempts: Attempt[];
  /** This task may not run before `other` is completed. */
  require(other: Task): void;
  /** `other` may not run before this task is completed. */
  block(other: Task): void;
  /**
   * Untyped here (see the class). At run time `then(next)` does
   * `next.require(this)` and returns `next`; `then([name,] func, options)`
   * returns a new task requiring this one (typed: `requires: [this]`).
   * Called as Promises call it, it fulfils with the task: `await task` is the task.
   */
  readonly then: unknown;
  /** DONE, FAILED or ABORT. */
  isCompleted(): boolean;
  isBlocked(): boolean;
  /** Prerequisites not yet completed. */
  blockers(): Task[];
  /** Runs the task now; resolves to it once its function ended; rejects with BlockedError when blocked. */
  dispatch(): Promise<this>;
  /** Cancels the task; a running one cooperatively (its `signal` aborts). */
  cancel(): void;
  /** Fires an event, e.g. 'retry' (this task only); returns the new state. */
  event(name: TaskEvent, extra?: object): State;
  /**
   * Fires 'retry' on this task (FAILED or CANCELLED, else TaskError) and on
   * every dependent, transitively, that failed or was cancelled because of
   * its prerequisites; returns them, this task first.
   */
  retry(): Task[];
  /** Calls `callback` after transitions into `state` ('*': any); returns a function that removes it. */
  onTransition(state: State | '*', callback: TaskCallback): () => void;
  /**
   * Calls `callback` when each attempt begins and ends, from the next on;
   * returns a function that removes it. What it throws is printed (console.error).
   */
  onAttempt(callback: (task: Task, attempt: Attempt) => void): () => void;
  /** Settles when the task next completes or is cancelled (at once if it is). */
  join(): Promise<this>;
  /** Makes this task; resolves to whether it is completed (DONE, FAILED or ABORT). */
  make(options?: MakeOptions): Promise<boolean>;
  asDot(name?: string, options?: DotOptions): string;
  /** `Task:NAME:STATE` */
  toString(): string;
}

export interface MakeOptions {
  /**
   * Stop as soon as a task the make takes up (given or prerequisite) ends
   * in a state other than DONE; its dependents are left as they are.
   * Running tasks finish; nothing new starts.
   */
  failFast?: boolean;
  /** Hand each ready task to a queue instead of running it, e.g. `pQueue.add.bind(pQueue)`. */
  queue?: (run: () => Promise<Task>) => unknown;
  /** At most this many tasks running at once (default: no limit); counts weights. */
  concurrency?: number;
  /**
   * Capacities by pool name (positive integers): the tasks of a pool this
   * make started hold at most that much weight at once. A task naming a
   * pool not given here is an error when the make starts.
   */
  pools?: Record<string, number | PoolOptions>;
  /**
   * Which ready task starts first, after priority: 'seed' (default: the
   * order they became ready) or 'critical-path' (the longest remaining
   * path by `estimate` first; it shortens whole runs when slots are scarce).
   */
  order?: 'seed' | 'critical-path';
  /** At most `limit` task starts of this make in any `interval` ms. */
  rate?: RateLimit;
  /**
   * Aborting stops the make (running tasks are cancelled, nothing new
   * starts), then it rejects, or `for await` throws, with `signal.reason`.
   */
  signal?: AbortSignal;
  /** Called for every transition of every task the make touches, prerequisites included. */
  onTransition?: TaskCallback;
  /**
   * Keep the run in a store (SPEC §9): tasks recorded settled are
   * restored as they were (DONE with its result, not run again); every
   * transition is durable before the make acts on it.
   */
  store?: Store;
  /** How results are kept in the store (default: JSON, strictly); with `store` only. */
  codec?: Codec;
}

/** Turns a task's result into JSON-able data for a store, and back. */
export interface Codec<R = any> {
  encode(value: R): unknown;
  decode(stored: any): R;
}

/** How a make ended (`MakeRun#ended`). */
export interface MakeEnd {
  /**
   * 'finished': nothing left to do (or failFast stopped it); 'failed': the
   * make itself failed, or its store did; 'aborted': its signal aborted;
   * 'stopped': `return()` was called (`break` in `for await`).
   */
  how: 'finished' | 'failed' | 'aborted' | 'stopped';
  /** 'failed': the error; 'aborted': the signal's reason. */
  reason?: unknown;
}

/** What `make` returns: an async iterator of the given tasks as each completes or is cancelled. */
export interface MakeRun extends AsyncIterableIterator<Task> {
  /** The tasks given to make (a new array; their prerequisites are not in it). */
  readonly tasks: Task[];
  /**
   * Resolves (never rejects) once the make has ended, however it ended;
   * for progress displays (taskqueue-wasm/progress). A make left
   * unfinished without `return()` never ends.
   */
  readonly ended: Promise<MakeEnd>;
}

/** Completes the tasks, prerequisites first, yielding each given task as it completes or is cancelled. */
export function make(tasks: Task | Iterable<Task>, options?: MakeOptions): MakeRun;
/** Runs make to the end; resolves to the yielded tasks in order. */
export function makeNow(tasks: Task | Iterable<Task>, options?: MakeOptions): Promise<Task[]>;
/** Starts make in the background with `later.defer` as the queue; returns at once. */
export function makeLater(later: Later, tasks: Task | Iterable<Task>, options?: Pick<MakeOptions, 'failFast' | 'onTransition' | 'pools' | 'order' | 'rate'>): void;

/** A capacity-limited executor. */
export class Later {
  constructor(capacity: number);
  readonly capacity: number;
  defer<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Promise<Awaited<R>>;
}

export class TaskQueue {
  constructor(tasks?: Iterable<Task>, options?: { runDependentTasks?: boolean });
  /** The queue's tasks, in the order they joined. */
  readonly tasks: Task[];
  add(task: Task): void;
  get(): Task | undefined;
  /**
   * Gets and runs tasks, yielding each; stops when none is left, after one
   * with `once`, or when `signal` aborts (then it throws `signal.reason`).
   */
  run(options?: { signal?: AbortSignal; once?: boolean; store?: Store; codec?: Codec }): AsyncIterableIterator<Task>;
  asDot(name?: string, options?: DotOptions): string;
}

export function tasksAsDot(tasks: Iterable<Task>, name?: string, options?: DotOptions): string;
export function tasksAsDot(tasks: Iterable<Task>, options: DotOptions): string;
/** The same graph as an SVG document, laid out inside the library (no Graphviz). */
export function tasksAsSvg(tasks: Iterable<Task>, name?: string, options?: SvgOptions): string;
export function tasksAsSvg(tasks: Iterable<Task>, options: SvgOptions): string;

/** Grouped fans (SPEC §11), for `tasksAsSvg`, `tasksLayout` and views. */
export interface GroupOptions {
  /**
   * Draw siblings (tasks with the same prerequisites and the same
   * dependents) as one group: `true` from 10 of them on, a number from
   * that many on; default false (every task its own box).
   */
  group?: boolean | number;
  /** Tasks whose groups are drawn expanded (members in a grid inside the frame). */
  expand?: Iterable<Task>;
}

export interface SvgOptions extends DotOptions, GroupOptions {}

/** The options of `tasksAsTimeline`. */
export interface TimelineOptions {
  /** Where ongoing attempts end (ms since the epoch, or a Date); default `Date.now()`. Redraw with a later one and they grow. */
  now?: number | Date;
  /** The left edge of the time axis (ms since the epoch, or a Date); default the earliest start. */
  since?: number | Date;
  /** Width of the SVG in px, 200 to 100000; default 800. */
  width?: number;
  /** Height of a row in px, 8 to 200; default 20. */
  rowHeight?: number;
}

/**
 * The tasks' attempts on a time axis, as an SVG document: a row per task
 * (by first start; tasks that never ran last), a bar per attempt of
 * `task.attempts` filled by outcome (`data-task-id`, `data-attempt`,
 * `data-outcome`; class `ongoing` up to `now`), the critical path with
 * class `critical`.
 */
export function tasksAsTimeline(tasks: Iterable<Task>, options?: TimelineOptions): string;

/** A fill and the colour of text written on it (SVG named colours). */
export interface PaletteEntry<Fill extends string = string, Text extends string = string> {
  readonly fill: Fill;
  readonly text: Text;
}

/**
 * The colours of the drawings (frozen): a task's fill by state (as
 * `tasksAsSvg` paints nodes), an attempt's by outcome (`running` while it
 * runs, as `tasksAsTimeline` paints bars), and the CSS custom properties a
 * page sets to restyle them (a state and the outcome of the same meaning
 * share one).
 */
export const palette: {
  readonly states: {
    readonly PREPARE: PaletteEntry<'white', 'black'>;
    readonly PENDING: PaletteEntry<'white', 'black'>;
    readonly QUEUED: PaletteEntry<'white', 'black'>;
    readonly RUNNING: PaletteEntry<'yellow', 'black'>;
    readonly DONE: PaletteEntry<'green', 'black'>;
    readonly FAILED: PaletteEntry<'red', 'white'>;
    readonly CANCELLED: PaletteEntry<'gray', 'black'>;
    readonly ABORT: PaletteEntry<'darkred', 'white'>;
  };
  readonly outcomes: {
    readonly running: PaletteEntry<'yellow', 'black'>;
    readonly done: PaletteEntry<'green', 'black'>;
    readonly failed: PaletteEntry<'red', 'white'>;
    readonly timeout: PaletteEntry<'orange', 'black'>;
    readonly cancelled: PaletteEntry<'gray', 'black'>;
  };
  readonly cssVars: {
    readonly states: {
      readonly PREPARE: '--tq-prepare';
      readonly PENDING: '--tq-pending';
      readonly QUEUED: '--tq-queued';
      readonly RUNNING: '--tq-running';
      readonly DONE: '--tq-done';
      readonly FAILED: '--tq-failed';
      readonly CANCELLED: '--tq-cancelled';
      readonly ABORT: '--tq-abort';
    };
    readonly outcomes: {
      readonly running: '--tq-running';
      readonly done: '--tq-done';
      readonly failed: '--tq-failed';
      readonly timeout: '--tq-timeout';
      readonly cancelled: '--tq-cancelled';
    };
    /** The outline of the critical path's bars. */
    readonly critical: '--tq-critical';
  };
};

/** A point of the layout, in the SVG's units (CSS pixels). */
export interface Point {
  x: number;
  y: number;
}

/** A task's box: top-left corner and size. */
export interface LayoutNode {
  task: Task;
  id: number;
  name: string;
  state: State;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An edge from a prerequisite to a task it blocks. */
export interface LayoutEdge {
  from: Task;
  to: Task;
  /** A cubic Bézier spline: start, then control, control, end per piece; it ends at the arrowhead's base. */
  points: Point[];
  /** The same curve as SVG path data (`M… C…`). */
  path: string;
  /** The arrowhead: tip (on the border of `to`), then the two base corners. */
  arrow: [Point, Point, Point];
}

/** The layout of `tasksAsSvg`, for drawing with another renderer. */
export interface TasksLayout {
  width: number;
  height: number;
  nodes: LayoutNode[];
  edges: LayoutEdge[];
}

/** A group of siblings drawn as one box (`group` option). */
export interface LayoutGroup {
  group: true;
  /** `g` and the id of its first member. */
  id: string;
  tasks: Task[];
  /** How many of its tasks are in each state. */
  counts: Partial<Record<State, number>>;
  expanded: boolean;
  /** Expanded: its tasks' boxes, inside its frame; else empty. */
  members: LayoutNode[];
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An edge of a grouped layout: its ends are tasks or groups. */
export interface GroupedLayoutEdge extends Omit<LayoutEdge, 'from' | 'to'> {
  from: Task | LayoutGroup;
  to: Task | LayoutGroup;
}

/** The layout of `tasksAsSvg` with the `group` option. */
export interface GroupedLayout {
  width: number;
  height: number;
  nodes: Array<LayoutNode | LayoutGroup>;
  edges: GroupedLayoutEdge[];
}

type LayoutOptions = Pick<DotOptions, 'followBlocking' | 'followRequired'>;

/** The boxes and edge curves of `tasksAsSvg` as plain objects, in drawing order. */
export function tasksLayout(tasks: Iterable<Task>, options?: LayoutOptions & { group?: false; expand?: Iterable<Task> }): TasksLayout;
export function tasksLayout(tasks: Iterable<Task>, options: LayoutOptions & GroupOptions): GroupedLayout;

export type TransitionTable<S extends string = string> = Record<S, Record<string, S>>;

/** The general state machine. */
export class FSM<S extends string = string> {
  constructor(state: S | undefined, transitions: TransitionTable<S>, options?: { history?: boolean });
  readonly state: S | undefined;
  /** The events valid now. */
  readonly events: string[];
  readonly history: FSMTransition<S>[] | undefined;
  event(name: string, extra?: object): S;
  onTransition(state: S | '*', callback: (fsm: FSM<S>, transition: FSMTransition<S>) => void): () => void;
  static transitionsAsDot(transitions: TransitionTable, name?: string): string;
  /** The table as SVG, laid out inside the library, events as edge labels. */
  static transitionsAsSvg(transitions: TransitionTable, name?: string): string;
  /** The drawing of `transitionsAsSvg` as plain objects. */
  static transitionsLayout(transitions: TransitionTable): TransitionsLayout;
}

/** A state's box: top-left corner and size. */
export interface TransitionsLayoutNode {
  state: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A transition: its curve as in `LayoutEdge`, its event and the centre of its label. */
export interface TransitionsLayoutEdge {
  from: string;
  to: string;
  event: string;
  points: Point[];
  path: string;
  arrow: [Point, Point, Point];
  label: Point;
}

/** The layout of `FSM.transitionsAsSvg`. */
export interface TransitionsLayout {
  width: number;
  height: number;
  nodes: TransitionsLayoutNode[];
  edges: TransitionsLayoutEdge[];
}

export class FSMError extends Error {
  constructor(message: string, options?: { fsm?: unknown; cause?: unknown });
  fsm?: unknown;
}
export class TaskError extends FSMError {
  constructor(message: string, options?: { task?: Task; cycle?: Task[]; cause?: unknown });
  task: Task;
  /** For a refused requirement: the cycle it would close, first task repeated at the end. */
  cycle?: Task[];
}
export class BlockedError extends TaskError {
  constructor(message: string, options?: { task?: Task; blockingTask?: Task });
  blockingTask: Task;
}
/** Throw it from a task function to cancel the task. */
export class CancellationError extends Error {}
/** An attempt ran past its task's `timeout`: its signal's reason and the attempt's error. */
export class TimeoutError extends Error {
  constructor(message: string, options?: { timeout?: number; task?: Task });
  /** The limit, ms. */
  timeout: number;
  task: Task;
}

/** A store cannot be used (SPEC §9): see the message; `key` and `path` when concerned. */
export class StoreError extends Error {
  constructor(message: string, options?: { key?: string; path?: string; task?: Task; cause?: unknown });
  key?: string;
  path?: string;
  task?: Task;
}

/** An error as a store keeps it. */
export interface StoredError {
  name: string;
  message: string;
  stack?: string;
}

/**
 * One record of a store (SPEC §9): a transition or an ended attempt of
 * the task with this key. Plain JSON-able data.
 */
export interface StoreRecord {
  /** The task's key (task option `key`, default its name). */
  key: string;
  /** When it happened, ms since the epoch. */
  when: number;
  /** A transition: the task's new state, and the event. */
  state?: State;
  event?: TaskEvent;
  /** With state DONE: the result as the codec encoded it (absent for `undefined`). */
  result?: unknown;
  /** With state FAILED: what the function threw (absent when it failed for its prerequisites). */
  error?: StoredError;
  /** With a state the make set because of prerequisites: why. */
  because?: TransitionExtra['because'];
  /** An attempt that ended (SPEC §8). */
  attempt?: { number: number; outcome: 'done' | 'failed' | 'timeout' | 'cancelled'; start: number; end: number; error?: StoredError };
}

/**
 * Where a make keeps its tasks' transitions so that a run survives a
 * crash (SPEC §9). Implement it to put runs in your own database.
 */
export interface Store {
  /** Every record kept, oldest first. A make calls it once as it starts. */
  load(): Promise<StoreRecord[]> | StoreRecord[];
  /**
   * Appends records in order; resolves once they are durable. Calls may
   * overlap: records keep the order of the calls. All or nothing.
   */
  append(records: StoreRecord[]): Promise<void> | void;
  /** Makes everything durable and lets go of the store (a lock, a connection). */
  close(): Promise<void> | void;
}

/** A store in memory, for tests: `records` lists what was appended. */
export function memoryStore(): Store & { readonly records: StoreRecord[] };

/**
 * Replaces the random source of the retry jitter (Math.random by
 * default; no argument restores it): returns numbers in [0, 1).
 */
export function setRandom(source?: () => number): void;

/** Where errors thrown by transition callbacks go (console.error by default). */
export function setCallbackErrorHandler(handler: (error: unknown, task: Task, transition: Transition) => void): void;

/** Tasks alive in the core (freed once JS drops them), and the wasm memory size in bytes. */
export function stats(): { tasks: number; wasmBytes: number };

/** The package version. */
export function version(): string;
