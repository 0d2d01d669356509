// Counts the user code that may have run, so that the core need not
// read the time again when none has.
//
// The core reads the clock once per call from JS (`Graph::tick`): on this
// machine Date.now costs more than the rest of a transition. A make's
// next call may keep the time of the call before when no user code ran
// in between (`fresh`): `clock.user` counts the user code that may have
// run (the functions and callbacks we call; a make resumed from a
// microtask of its own or by its caller), `clock.timed` its value at the
// last call into the core that read the time. Only a make woken directly
// by a task's outcome, in the same promise reaction, keeps the time.
//
// Whoever calls user code counts it with `clock.user++` in place: an
// object's field, not a function, on the path of every task.

export const clock = { user: 0, timed: -1 };

/** A call into the core has just read the time (or kept it). */
export function markTimed() {
  clock.timed = clock.user;
}

/** Whether user code may have run since the core last read the time. */
export const fresh = () => clock.user !== clock.timed;
