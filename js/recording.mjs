// What a task function may ask of the run that records it (SPEC §9),
// without loading the core: the recorders open now, and a task's key.
// taskqueue-wasm/bullmq's remote() finds its run here (the store of the
// make or queue run that records the task).

/** The Recorders (durable.mjs) of the runs with a store under way. */
export const openRecorders = new Set();

/** A task's key in a store: its `key` option, else its name. */
export const keyOf = (task) => task._extras?.key ?? task._name;

/** The recorders of runs under way that have `task`. */
export function* recordersOf(task) {
  for (const recorder of openRecorders) {
    if (recorder.claimed.has(task)) yield recorder;
  }
}
