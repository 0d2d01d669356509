// What the core holds: how many tasks are alive, and the wasm memory size.
import { coreStats } from '../pkg/taskqueue_wasm.js';

export function stats() {
  const [tasks, wasmBytes] = coreStats();
  return { tasks, wasmBytes };
}
