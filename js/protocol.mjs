// The codes that cross between JS and the wasm core, read from the core
// itself: `protocol()` (src/wasm/protocol.rs, the one source) describes
// them once the wasm is started, and `readProtocol` (called by `start`
// in boundary.mjs) fills in the bindings below. No code is written twice:
// JS names only what it looks for ('RUNNING', 'Cycle', RUN, ...), and
// tests/js/protocol.test.mjs checks that each is described.
//
// Everything here is empty when this module is evaluated and filled at
// start: browser.mjs evaluates every module before the wasm is
// instantiated, so no module may read a code at its top level, only when
// called. Tables are frozen objects; the codes of the hot paths (step
// kinds, outcomes of a run) are also plain numbers in bindings of their
// own, which the modules import: `STEP.RUN` in make's step loop made a
// 100,000-task chain 5-9% slower, imported bindings measure as literals.

/** State names by code (the index in the core's table), and codes by name. */
export const STATES = [];
export const S = {};
/** Event names by code. */
export const EVENTS = [];
/** `extra.because` of a transition the make fired for prerequisites, by code (0: none). */
export const BECAUSE = [];
/** The class and kind of an error from `takeError`, codes by name. */
export const ERROR_CLASS = {};
export const ERROR_KIND = {};
/** The codes that are in no group: `NO_STATE` (not a state), `NONE` (no task, no kind). */
export const CODE = {};

/** Step kinds of `makeSteps`, codes by name, and each in a binding. */
export const STEP = {};
export let WAIT, RUN, ENQUEUE, YIELD, FINISHED, FAILED, DISCOVER;
/** How a run ended, for `taskFinish`, codes by name, and each in a binding. */
export const FINISH = {};
export let RETURNED, RETURNED_CANCEL, THREW, THREW_CANCELLATION;

/** Fills in the codes from the core's description (`protocol()`, JSON); once. */
export function readProtocol(json) {
  const p = JSON.parse(json);
  const byName = (target, names) => {
    names.forEach((name, code) => {
      if (name !== null) target[name] = code;
    });
    return Object.freeze(target);
  };
  const byCode = (target, names) => {
    for (const name of names) target.push(name ?? undefined);
    return Object.freeze(target);
  };
  byCode(STATES, p.states);
  byName(S, p.states);
  byCode(EVENTS, p.events);
  byCode(BECAUSE, p.because);
  byName(ERROR_CLASS, p.class);
  byName(ERROR_KIND, p.kinds);
  CODE.NO_STATE = p.NO_STATE;
  CODE.NONE = p.NONE;
  Object.freeze(CODE);
  byName(STEP, p.step);
  ({ WAIT, RUN, ENQUEUE, YIELD, FINISHED, FAILED, DISCOVER } = STEP);
  byName(FINISH, p.finish);
  ({ RETURNED, RETURNED_CANCEL, THREW, THREW_CANCELLATION } = FINISH);
}

/** Settled: completed or cancelled, what make and join wait for (the last four states). */
export const isSettled = (code) => code >= S.CANCELLED;
