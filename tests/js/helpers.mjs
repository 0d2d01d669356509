// Shared helpers of the JS tests.

/** Runs `fn` with console.log captured; resolves to the printed lines. */
export async function captureLog(fn) {
  const lines = [];
  const original = console.log;
  console.log = (...args) => lines.push(args.join(' '));
  try {
    await fn();
  } finally {
    console.log = original;
  }
  return lines;
}

/**
 * Adds the requirements `[a, b]` (task a requires task b) among `tasks`,
 * skipping indices out of range; one that would close a cycle is
 * refused with a TaskError and skipped.
 */
export function requireEdges(tasks, edges, assert) {
  for (const [a, b] of edges) {
    if (a >= tasks.length || b >= tasks.length) continue;
    try {
      tasks[a].require(tasks[b]);
    } catch (error) {
      assert.equal(error.name, 'TaskError');
    }
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A promise with its resolve and reject exposed. */
export function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
