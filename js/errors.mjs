// The package's error classes. They are kept on globalThis under a
// registered symbol, so that every copy of the package loaded in one
// process (say an ESM and a CommonJS consumer) shares them and
// `instanceof` holds whichever entry point threw.

const KEY = Symbol.for('taskqueue-wasm.errors.v1');

function defineErrors() {
  /** A state machine refused an event, or a make could not start. */
  class FSMError extends Error {
    constructor(message, options = {}) {
      super(message, options.cause === undefined ? undefined : { cause: options.cause });
      this.fsm = options.fsm;
    }
  }
  /** An error concerning a task: `task` is the task. */
  class TaskError extends FSMError {
    constructor(message, options = {}) {
      super(message, { ...options, fsm: options.task });
      this.task = options.task;
      if (options.cycle !== undefined) this.cycle = options.cycle;
    }
  }
  /** Dispatch of a task whose prerequisite `blockingTask` is not completed. */
  class BlockedError extends TaskError {
    constructor(message, options = {}) {
      super(message, options);
      this.blockingTask = options.blockingTask;
    }
  }
  /** Thrown by a task function to cancel its task. */
  class CancellationError extends Error {}
  const classes = { FSMError, TaskError, BlockedError, CancellationError };
  for (const [name, cls] of Object.entries(classes)) {
    Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
  }
  return classes;
}

/**
 * An attempt ran past its task's `timeout` (SPEC §8): the attempt's
 * signal aborts with it and the attempt counts as failed with it.
 * `timeout` is the limit in ms, `task` the task.
 */
function defineTimeoutError() {
  class TimeoutError extends Error {
    constructor(message, options = {}) {
      super(message);
      this.timeout = options.timeout;
      this.task = options.task;
    }
  }
  Object.defineProperty(TimeoutError.prototype, 'name', { value: 'TimeoutError', writable: true, configurable: true });
  return TimeoutError;
}

/**
 * A store (SPEC §9) cannot be used: not a store, unreadable, locked by
 * another process, a journal not ours or from a newer format, a result
 * its codec cannot encode, a write that failed. `key` names the task's
 * key when one is concerned, `path` the file when there is one.
 */
function defineStoreError() {
  class StoreError extends Error {
    constructor(message, options = {}) {
      super(message, options.cause === undefined ? undefined : { cause: options.cause });
      if (options.key !== undefined) this.key = options.key;
      if (options.path !== undefined) this.path = options.path;
      if (options.task !== undefined) this.task = options.task;
    }
  }
  Object.defineProperty(StoreError.prototype, 'name', { value: 'StoreError', writable: true, configurable: true });
  return StoreError;
}

globalThis[KEY] ??= defineErrors();
// Added in 0.2: a copy of 0.1 loaded first made the registry without them.
globalThis[KEY].TimeoutError ??= defineTimeoutError();
globalThis[KEY].StoreError ??= defineStoreError();

export const { FSMError, TaskError, BlockedError, CancellationError, TimeoutError, StoreError } = globalThis[KEY];
