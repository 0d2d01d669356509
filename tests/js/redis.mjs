// A real redis-server for the BullMQ tests (SPEC §10): Debian's, which
// scripts/setup.sh installs, started on a free port in a temporary
// directory of its own, stopped (or killed) by the test. Not a test file.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A port nothing listens on now (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Sends one inline command and resolves to the first reply line. */
export function redisCommand(port, command) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(2000, () => socket.destroy(new Error('redis did not answer')));
    socket.on('error', reject);
    socket.on('data', (data) => {
      reply += data;
      if (reply.includes('\r\n')) {
        socket.end();
        resolve(reply.slice(0, reply.indexOf('\r\n')));
      }
    });
    socket.write(`${command}\r\n`);
  });
}

/**
 * Starts redis-server on a free port in a new temporary directory.
 * `persist`: an append-only file (fsync every second), so a restarted
 * server keeps what it had; else nothing is saved. Resolves once it
 * answers PING, to `{ port, connection, dir, stop(), kill(), restart() }`.
 */
export async function startRedis({ persist = false, dir = mkdtempSync(join(tmpdir(), 'taskqueue-wasm-redis-')) } = {}) {
  for (let tries = 0; ; tries++) {
    const port = await freePort();
    const args = [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
      '--save', '', '--appendonly', persist ? 'yes' : 'no',
      '--maxmemory-policy', 'noeviction', '--daemonize', 'no', '--protected-mode', 'yes',
    ];
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    proc.stdout.on('data', (d) => (log += d));
    proc.stderr.on('data', (d) => (log += d));
    const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
    const ready = await waitForPing(port, exited);
    if (ready) {
      const server = {
        port,
        dir,
        connection: { host: '127.0.0.1', port },
        log: () => log,
        /** Stops it (SIGTERM) and removes its directory unless `keepDir`. */
        async stop({ keepDir = false } = {}) {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
          await exited;
          if (!keepDir) rmSync(dir, { recursive: true, force: true });
        },
        /** Kills it (SIGKILL), keeping its directory. */
        async kill() {
          proc.kill('SIGKILL');
          await exited;
        },
        /** A new server on the same directory (and so, with persist, the same data). */
        restart() {
          return startRedis({ persist, dir });
        },
      };
      return server;
    }
    proc.kill('SIGKILL');
    await exited;
    if (tries >= 3) throw new Error(`redis-server did not start:\n${log}`);
  }
}

async function waitForPing(port, exited) {
  let gone = false;
  exited.then(() => (gone = true));
  for (let i = 0; i < 100 && !gone; i++) {
    try {
      if ((await redisCommand(port, 'PING')) === '+PONG') return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
