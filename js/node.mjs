// Entry point for Node (both `import` and `require`, Node >= 20.19): the
// .wasm is read and instantiated synchronously, so there is nothing to
// await and no top-level await.
import { readFileSync } from 'node:fs';
import { initSync } from '../pkg/taskqueue_wasm.js';
import { start } from './boundary.mjs';

initSync({ module: readFileSync(new URL('../pkg/taskqueue_wasm_bg.wasm', import.meta.url)) });
start();

export * from './api.mjs';
