// The makes running now, so that a task with a retry policy knows
// whether any make still wants its next attempt (SPEC §8: no retry timer
// outlives the makes that could use it). Held weakly, so that an
// abandoned make iterator stays collectable (`forgotten` in make.mjs).

const active = new Set(); // WeakRefs of MakeRuns

/** A make has started; returns what `makeEnded` takes. */
export function makeStarted(make) {
  const ref = new WeakRef(make);
  active.add(ref);
  return ref;
}

export function makeEnded(ref) {
  active.delete(ref);
}

/** Whether a running make has met the task (given, or as a prerequisite). */
export function wantedByAMake(task) {
  for (const ref of active) {
    const make = ref.deref();
    if (make === undefined) active.delete(ref); // collected unfinished
    else if (make.taskOf(task._id) === task) return true;
  }
  return false;
}
