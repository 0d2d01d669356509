// The numbers the core uses for states, events and the reasons a make
// gives, and their names on the JS side. Rust sends states, events and
// reasons as small integers (the index in its tables); every module that
// reads them decodes them here, so the names are written once in JS.

/** States and events by their index in the Rust tables. */
export const STATES = ['PREPARE', 'PENDING', 'QUEUED', 'RUNNING', 'CANCELLED', 'FAILED', 'DONE', 'ABORT'];
export const EVENTS = ['prepared', 'dispatch', 'queue', 'cancel', 'error', 'abort', 'done', 'except', 'retry'];
export const S = Object.freeze(Object.fromEntries(STATES.map((s, i) => [s, i])));

/** `extra.because` of a transition the make fired for prerequisites, by its code. */
export const BECAUSE = [undefined, 'failed prerequisites', 'cancelled prerequisites', 'some prerequisites are not done'];

/** Settled: completed or cancelled, what make and join wait for. */
export const isSettled = (code) => code >= S.CANCELLED;
