// A worker of the distributed report (see README.md): runs the jobs the
// coordinator adds, on this machine or any other that reaches Redis.
//
//   REDIS_URL=redis://127.0.0.1:6379 node examples/distributed/worker.mjs
//
// Environment (the same on every machine, except CONCURRENCY):
//   REDIS_URL    redis[s]://[[user]:password@]host[:port][/db]
//                (default redis://127.0.0.1:6379; rediss:// is TLS)
//   QUEUE        the BullMQ queue served (default 'taskqueue')
//   CONCURRENCY  jobs at once in this process (default 4)
//
// Prints `ready ...` once connected, then one line per job it ran, and
// closes cleanly on SIGINT or SIGTERM (jobs running are let finish).
import { startWorker } from 'taskqueue-wasm/bullmq';

// startWorker takes the URL as its connection (and refuses one that is
// not redis:// or rediss://).
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const queue = process.env.QUEUE ?? 'taskqueue';
const concurrency = Number(process.env.CONCURRENCY ?? 4);

/** A Redis URL as printed: its password masked. */
function masked(text) {
  const url = new URL(text);
  if (url.password) url.password = '***';
  return url.href;
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

// The fake sources `fetch` reads. Each order is [id, amount in cents,
// currency]; the data is fixed so that the report is always the same.
const SOURCES = {
  rates: { EUR: 1.08, USD: 1, JPY: 0.0067 },
  'orders-eu': [[1, 12_500, 'EUR'], [2, 4_990, 'EUR'], [3, 31_000, 'EUR']],
  'orders-us': [[4, 8_000, 'USD'], [5, 15_250, 'USD']],
  'orders-jp': [[6, 1_200_000, 'JPY'], [7, 455_000, 'JPY'], [8, 98_000, 'JPY']],
};
// Misbehaving sources, deterministically, to show retries and timeouts
// (a handler's context says which attempt of its task it runs):
// 'orders-us' answers 503 to a first attempt; 'orders-jp' hangs on a
// first attempt until the coordinator's timeout cancels it.
const flaky = (source, attempt) => source === 'orders-us' && attempt === 1;
const hangs = (source, attempt) => source === 'orders-jp' && attempt === 1;

const handlers = {
  /** { source } -> the source's data, after a short random delay. */
  async fetch({ source }, { signal, attempt }) {
    if (!(source in SOURCES)) throw Object.assign(new Error(`no such source '${source}'`), { code: 'ENOENT' });
    await sleep(hangs(source, attempt) ? 60_000 : 50 + Math.random() * 250, signal);
    if (flaky(source, attempt)) throw Object.assign(new Error(`HTTP 503 from ${source}`), { code: 'E503' });
    return SOURCES[source];
  },
  /** { region, orders, rates } -> the region's total in US cents. */
  async transform({ region, orders, rates }, { signal }) {
    await sleep(20 + Math.random() * 80, signal);
    const usd = orders.reduce((sum, [, cents, currency]) => sum + Math.round(cents * rates[currency]), 0);
    return { region, orders: orders.length, usd };
  },
  /** { parts } -> the parts and their sum. */
  async merge({ parts }, { signal }) {
    await sleep(20 + Math.random() * 80, signal);
    return { regions: parts, orders: parts.reduce((n, p) => n + p.orders, 0), usd: parts.reduce((sum, p) => sum + p.usd, 0) };
  },
  /** { name, report } -> where the report went (a pretend upload). */
  async publish({ name, report }, { signal }) {
    await sleep(50 + Math.random() * 100, signal);
    return { url: `https://reports.example/${encodeURIComponent(name)}.json`, orders: report.orders, usd: report.usd };
  },
};

/**
 * The handler, printing a line per job with its outcome. What it throws
 * is an Error: its own, or the signal's reason (a CancellationError or
 * TimeoutError) once the coordinator cancelled the task.
 */
function logged(fn) {
  return async (data, context) => {
    const { job } = context;
    const start = Date.now();
    const line = (outcome) => process.stdout.write(`[worker ${process.pid}] ${job.name} ${job.id}: ${outcome} (${Date.now() - start} ms)\n`);
    try {
      const result = await fn(data, context);
      line('done');
      return result;
    } catch (error) {
      line(`${context.signal.aborted ? 'aborted' : 'failed'}: ${error.name}: ${error.message}`);
      throw error;
    }
  };
}

const worker = await startWorker(
  redisUrl,
  Object.fromEntries(Object.entries(handlers).map(([name, fn]) => [name, logged(fn)])),
  { queue, concurrency },
);
process.stdout.write(`[worker ${process.pid}] ready: queue '${queue}' at ${masked(redisUrl)}, concurrency ${concurrency}, handlers ${Object.keys(handlers).join(', ')}\n`);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (closing) process.exit(130); // a second ^C: do not wait
    closing = true;
    process.stdout.write(`[worker ${process.pid}] ${signal}: closing (letting running jobs finish)\n`);
    await worker.close();
    process.stdout.write(`[worker ${process.pid}] closed\n`);
    process.exit(0);
  });
}
