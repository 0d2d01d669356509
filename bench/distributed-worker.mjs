// A worker process of `npm run bench:distributed` (bench/distributed.mjs):
// `node bench/distributed-worker.mjs PORT CONCURRENCY [QUEUE]`. Serves
// the job 'noop' (returns null) with startWorker, so it runs both our
// remote() tasks and the FlowProducer's tree (its jobs are named 'noop'
// too, on the same queue). Prints `ready` once connected; closes its
// worker and exits on SIGTERM or when its stdin ends (the bench died).
import { startWorker } from 'taskqueue-wasm/bullmq';

const port = Number(process.argv[2]);
const concurrency = Number(process.argv[3] ?? 50);
const queue = process.argv[4] ?? 'taskqueue';
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node bench/distributed-worker.mjs PORT [CONCURRENCY] [QUEUE]');
  process.exit(2);
}

const worker = await startWorker({ host: '127.0.0.1', port }, { noop: () => null }, { queue, concurrency });

let closing;
const close = () => {
  closing ??= worker.close().finally(() => process.exit(0));
  return closing;
};
process.on('SIGTERM', close);
process.stdin.on('end', close);
process.stdin.resume();
process.stdout.write('ready\n');
