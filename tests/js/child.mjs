// Node processes for tests that need real ones (workers, coordinators,
// children killed with SIGKILL). Not a test file.
import { spawn } from 'node:child_process';

/** The children started and not yet exited (kill them in `after`). */
export const children = new Set();

/**
 * Runs `node file ...args`; `out()` / `err()` are what it printed so
 * far, `exited` resolves to `{ code, signal }`.
 */
export function spawnNode(file, args = [], { env } = {}) {
  const child = spawn(process.execPath, [file, ...args.map(String)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => {
    children.delete(child);
    resolve({ code, signal });
  }));
  return { child, exited, out: () => out, err: () => err };
}

/** Resolves to `handle` once its output matches `ready`; rejects if it exits first. */
export function whenReady(handle, ready, what) {
  return new Promise((resolve, reject) => {
    const check = () => ready.test(handle.out()) && resolve(handle);
    handle.child.stdout.on('data', check);
    check();
    handle.exited.then(({ code }) => reject(new Error(`${what} exited ${code} before ready:\n${handle.err()}`)));
  });
}

/** SIGKILLs every child still running. */
export function killChildren() {
  for (const child of children) child.kill('SIGKILL');
}
