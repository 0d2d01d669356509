// Waking the makes. A make that has nothing to do sleeps until some task
// changes; every change of state ends in `changed`, which first tells
// callbacks (flush) and then wakes the sleeping makes.

import { clock } from './clock.mjs';
import { flush } from './transitions.mjs';

// Makes waiting for a change: functions to call at the next one. The
// first is kept apart: usually one make waits, and a fresh array per
// wake (a new backing store at each push) was most of what a chain of
// async tasks allocated beyond the functions' own promises.
let sleeper;
let moreSleepers = [];

/** Calls `wake` once, at the next change of any task. */
export function sleep(wake) {
  if (sleeper === undefined) sleeper = wake;
  else moreSleepers.push(wake);
}

/** A promise that resolves at the next change of any task. */
export function nextChange() {
  return new Promise(sleep);
}

/**
 * Wakes the sleeping makes, in the order they fell asleep. `direct` when
 * called from a promise reaction of ours (a task function's outcome
 * arriving), where no user code is on the stack: the makes go on at
 * once, saving a promise and a turn of the microtask queue per task.
 * Otherwise each goes on in a microtask of its own, so that a make never
 * runs functions inside a caller's code (an event() call, a sync task
 * function of another make).
 */
function wake(direct) {
  const first = sleeper;
  if (first === undefined) return;
  const more = moreSleepers.length > 0 ? moreSleepers : undefined;
  sleeper = undefined;
  if (more !== undefined) moreSleepers = [];
  if (!direct) clock.user++; // other code may run before they resume
  if (direct) first();
  else queueMicrotask(first);
  if (more === undefined) return;
  for (const resume of more) {
    if (direct) resume();
    else queueMicrotask(resume);
  }
}

let changes = 0;

/** How many changes so far: a make compares it to know whether to sleep. */
export function changeCount() {
  return changes;
}

/** After any change of state: tell callbacks, then makes. */
export function changed(direct = false) {
  changes++;
  flush();
  wake(direct);
}
