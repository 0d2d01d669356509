// Entry point for browsers and bundlers: fetches the .wasm that sits next
// to the glue (bundlers such as Vite emit it as an asset) and waits for it
// with top-level await, so importers can use the API at once.
import init from '../pkg/taskqueue_wasm.js';
import { start } from './boundary.mjs';

await init();
start();

export * from './api.mjs';
