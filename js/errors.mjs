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

globalThis[KEY] ??= defineErrors();

export const { FSMError, TaskError, BlockedError, CancellationError } = globalThis[KEY];
