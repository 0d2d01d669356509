// A typed program against taskqueue-wasm/bullmq; `tsc --noEmit` with
// Node's types (bullmq's own declarations need them) must accept it.
import { Task, make } from 'taskqueue-wasm';
import { cancelChannel, cancelKey, redisStore, remote, startWorker, type RemoteError } from 'taskqueue-wasm/bullmq';

async function distributed() {
  const connection = { host: '127.0.0.1', port: 6379 };
  const worker = await startWorker(connection, {
    resize: async (data: { file: string }, { signal, job, attempt, key, runId }) => (signal.aborted ? null : `${job.id}:${data.file}:${attempt ?? 0}:${key}:${runId}`),
  }, { queue: 'images', concurrency: 4, lockDuration: 2000 });
  // Where a cancel of an active job goes, and the mark of a cancelled job.
  const wire: string[] = [cancelChannel('images'), cancelKey('run-key-a1')];
  const other = redisStore('rediss://user:pw@redis.internal:6380/2', 'other');
  await other.close();
  console.log(wire);
  const store = redisStore(connection, 'nightly', { queue: 'images', lockTtl: 5000, jobOptions: { priority: 2 } });
  const resize = new Task('resize', remote<string>('resize', { file: 'a.png' }), { retry: 2, timeout: 10_000 });
  const index = new Task('index', remote('index', (task) => ({ from: task.required.map((t) => t.result) }), { store, jobOptions: { lifo: true } }), { requires: [resize] });
  for await (const t of make([index], { store })) {
    const r: string | undefined = resize.result;
    if (t.error !== undefined && (t.error as RemoteError).remote) console.log((t.error as RemoteError).jobId, r);
  }
  console.log(store.runId, store.queue);
  await store.clear();
  await store.close();
  await worker.close();
}
void distributed();
