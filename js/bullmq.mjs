// taskqueue-wasm/bullmq (SPEC §10): task graphs over BullMQ workers,
// coordinated by a make. bullmq (and its ioredis) are peer dependencies:
// only this entry point imports them. The worker side loads nothing of
// the core. The facts the design stands on are in docs/bullmq-notes.md.

export { startWorker } from './bullmq/worker.mjs';
export { remote } from './bullmq/remote.mjs';
export { redisStore } from './bullmq/store.mjs';
export { cancelChannel, cancelKey, DEFAULT_QUEUE, ERROR_PREFIX, errorEnvelope } from './bullmq/wire.mjs';
