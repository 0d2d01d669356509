// The rarely used parts of a task (callbacks, joiners, a signal, an
// error, ...), kept in one object made on first use rather than in
// fields of every Task (`task._extras`). Task, the delivery of
// transitions and the running of functions all use them, so the shape
// is defined here, once.

/** The rarely used parts of a task, made on first use (one shape for all). */
export function extras(task) {
  return (task._extras ??= {
    cancelOnResult: undefined,
    error: undefined,
    callbacks: undefined, // [{ state, callback }]
    waiters: undefined, // resolve functions of join()
    controller: undefined, // AbortController behind task.signal
    cancelRun: 0, // the run whose cancellation was requested
    observed: false,
    notes: undefined, // Map: index in the history -> extra given to event()
  });
}
