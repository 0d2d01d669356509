// Each line is a mistake the bullmq declarations must catch.
import { Task } from 'taskqueue-wasm';
import { redisStore, remote, startWorker } from 'taskqueue-wasm/bullmq';
remote(42);
redisStore({ host: 'h' }, 'run', { lockTTL: 5 });
remote('x', {}, { jobOptions: { attempts: 3 } });
const r: Task<[], number> = new Task('r', remote<string>('x'));
startWorker({ host: 'h' }, { a: 1 });
startWorker({ host: 'h' }, {}, { queues: ['a'] });
