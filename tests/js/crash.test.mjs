// SPEC §9's promise, tested the hard way: a child process makes a
// 200-task DAG with a file store and is killed with SIGKILL at random
// moments, ten times, each time started again on the same journal; then
// the journal is cut by hand in the middle of a record, and a last run
// finishes. Every task ends DONE with the right result; the functions
// ran 200 times plus at most the tasks running at each kill; no task
// whose DONE was in the journal at a kill ran again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileStore } from 'taskqueue-wasm/store/file';
import { dag, expectedResults } from './fixtures/crash-dag.mjs';

const child = fileURLToPath(new URL('./fixtures/crash-child.mjs', import.meta.url));
const SEED = Number(process.env.CRASH_SEED ?? 20261204);
const KILLS = 10;
const CONCURRENCY = 4; // as in the child

let x = SEED;
const random = () => {
  x = (Math.imul(x, 1103515245) + 12345) >>> 0;
  return x / 2 ** 32;
};

/** Runs the child; kills it after `killAfter` ms (undefined: lets it finish). */
function life(journal, log, killAfter) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, journal, log, String(SEED)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (err += d));
    const timer = killAfter === undefined ? undefined : setTimeout(() => proc.kill('SIGKILL'), killAfter);
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err });
    });
  });
}

/** The keys whose last record with a state is DONE, read as a restart would. */
async function doneInJournal(journal) {
  const store = fileStore(journal);
  try {
    const last = new Map();
    for (const record of await store.load()) if (record.state !== undefined) last.set(record.key, record.state);
    return new Set([...last].filter(([, state]) => state === 'DONE').map(([key]) => key));
  } finally {
    await store.close();
  }
}

/** `start`/`done` lines of the log from `from` on: [kind, key] pairs. */
function logLines(log, from) {
  let text;
  try {
    text = readFileSync(log, 'utf8');
  } catch {
    return { lines: [], end: from };
  }
  const lines = text.slice(from).split('\n').filter(Boolean).map((l) => l.split(' '));
  return { lines, end: text.length };
}

test('a 200-task make with a file store, SIGKILLed ten times at random moments and cut by hand, finishes with every task DONE once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'taskqueue-wasm-crash-'));
  const journal = join(dir, 'run.journal');
  const log = join(dir, 'functions.log');
  const { prereqs } = dag(SEED);
  let logAt = 0;
  let killedWhileRunning = 0;
  let kills = 0;
  let durableDone = new Set();
  try {
    for (let k = 0; k < KILLS; k++) {
      const { signal, out, err } = await life(journal, log, 80 + Math.floor(random() * 250));
      const { lines, end } = logLines(log, logAt);
      logAt = end;
      // Nothing whose DONE was in the journal at an earlier kill started again.
      const again = lines.filter(([kind, key]) => kind === 'start' && durableDone.has(key));
      assert.deepEqual(again, [], `life ${k}: started again though recorded DONE`);
      if (signal !== 'SIGKILL') {
        // It finished before the kill: the test goes on to the end.
        assert.match(out, /finished/, err);
        break;
      }
      kills++;
      durableDone = await doneInJournal(journal);
      // Cut short: started in this life and not recorded DONE at the kill
      // (still running, or ended with its record not yet durable).
      const started = new Set(lines.filter(([kind]) => kind === 'start').map(([, key]) => key));
      const cut = [...started].filter((key) => !durableDone.has(key));
      const running = cut.filter((key) => !lines.some(([kind, k2]) => kind === 'done' && k2 === key));
      assert.ok(running.length <= CONCURRENCY, `life ${k}: ${running.length} functions running at the kill`);
      assert.ok(cut.length <= 2 * CONCURRENCY, `life ${k}: ${cut.length} tasks cut short`);
      killedWhileRunning += cut.length;
    }
    // A journal cut by hand in the middle of its last record still loads.
    const size = statSync(journal).size;
    if (size > 200) truncateSync(journal, size - 7);
    const last = await life(journal, log, undefined);
    assert.equal(last.code, 0, last.err);
    const { lines } = logLines(log, logAt);
    assert.deepEqual(lines.filter(([kind, key]) => kind === 'start' && durableDone.has(key)), [], 'the last life ran no task recorded DONE');
    const outcome = JSON.parse(last.out.trim().split('\n').at(-1));
    const expected = expectedResults(prereqs);
    assert.deepEqual(outcome.map(([state]) => state), prereqs.map(() => 'DONE'));
    assert.deepEqual(outcome.map(([, result]) => result), expected, 'results flowed through restored prerequisites');
    // Every function ran, at most once more for each time it was cut short.
    const all = logLines(log, 0).lines;
    const starts = all.filter(([kind]) => kind === 'start').length;
    const finished = new Set(all.filter(([kind]) => kind === 'done').map(([, key]) => key));
    assert.equal(finished.size, 200);
    assert.ok(starts >= 200, `${starts} starts`);
    // The record cut by hand (a DONE, most likely) may run its task once more.
    assert.ok(starts <= 200 + killedWhileRunning + 1, `${starts} starts, ${killedWhileRunning} cut short at ${kills} kills`);
    assert.ok(kills >= 5, `only ${kills} kills landed mid-run`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
