// Memory: tasks JS drops are freed on the Rust side, and 200,000 tasks
// made in batches leave neither wasm memory nor the JS heap growing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const probe = fileURLToPath(new URL('./memory-probe.mjs', import.meta.url));

test('200,000 tasks in batches: wasm memory and JS heap stop growing', () => {
  const rows = JSON.parse(execFileSync(process.execPath, ['--expose-gc', probe], { encoding: 'utf8' }));
  const MB = 2 ** 20;
  const table = rows.map((r) => `${r.batch}: ${r.liveTasks} tasks, wasm ${(r.wasmBytes / MB).toFixed(1)} MB, heap ${(r.heapUsed / MB).toFixed(1)} MB`).join('\n');
  for (const row of rows) assert.ok(row.liveTasks < 10_000, `dropped tasks are freed in Rust\n${table}`);
  const warm = rows[4];
  const last = rows.at(-1);
  assert.equal(last.wasmBytes, warm.wasmBytes, `wasm memory grew after warm-up\n${table}`);
  assert.ok(last.heapUsed < warm.heapUsed + 4 * MB, `JS heap grew after warm-up\n${table}`);
});

test('linked tasks live while any of them is reachable, also after their groups merged', () => {
  const probe = fileURLToPath(new URL('./liveness-probe.mjs', import.meta.url));
  const [big, small, kept] = [100, 50, 25];
  const args = ['--expose-gc', probe, big, small, kept].map(String);
  const out = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' }));
  assert.deepEqual(out, {
    keptOne: big + small + 1, // both chains and the loner, linked: all live
    made: 1,
    ran: big + (kept + 1) + 1, // what the kept task requires, itself, the loner
    droppedAll: 0,
  });
});
