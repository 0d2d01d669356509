// A stand-in for fetch(), so the example runs offline: each URL answers
// after a delay, honours an AbortSignal like the real one, and can be
// told to fail its first calls (a 503 from a flaky server).

/** Divides every delay: EXAMPLE_SPEED=10 runs the example ten times faster. */
export const speed = Number(process.env.EXAMPLE_SPEED) > 0 ? Number(process.env.EXAMPLE_SPEED) : 1;

const failuresLeft = new Map();

/** The next `count` calls to `url` answer 503. */
export function failNext(url, count) {
  failuresLeft.set(url, count);
}

/** Resolves to a Response-like `{ ok, status, url, json() }` after `ms`. */
export function fakeFetch(url, { signal, ms = 200, body = {} } = {}) {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      const left = failuresLeft.get(url) ?? 0;
      if (left > 0) failuresLeft.set(url, left - 1);
      const status = left > 0 ? 503 : 200;
      resolve({ ok: status === 200, status, url, json: async () => body });
    }, ms / speed);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
