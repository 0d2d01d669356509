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
