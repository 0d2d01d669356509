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
    // Attempts (SPEC §8; see run.mjs and attempts.mjs):
    recorded: false, // runs keep a record per attempt (retry, timeout or onAttempt)
    policy: undefined, // the retry policy, as readRetry returns it
    timeout: undefined, // ms per attempt
    track: false, // track: true, which also prints failed attempts
    attempts: undefined, // the records of the current run
    attemptCallbacks: undefined, // onAttempt callbacks
    endRun: undefined, // resolves the promise of the recorded run under way
    retryTimer: undefined, // the wait before the next attempt
    nextDelay: undefined, // ms of that wait, set as the failed attempt's end is told (progress.mjs reads it)
    timeoutTimer: undefined, // the current attempt's timeout
    byMake: false, // the run was started by a make (not by dispatch())
    // Stores (SPEC §9; see durable.mjs):
    key: undefined, // the key option (else the name is the key)
    codec: undefined, // the codec option
  });
}
