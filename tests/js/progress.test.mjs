// taskqueue-wasm/progress (SPEC §11): what a user reads. A small make
// (fixtures/progress-child.mjs: a retried upload, a failing step, a task
// failed for it, a long wide name) is shown piped, as plain lines, and
// under a pseudo-terminal (util-linux `script`, 60 columns), where the
// ANSI stream is replayed through a tiny terminal emulator below to get
// the screen a user would see, frame by frame and at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FSMError, Task, make } from 'taskqueue-wasm';
import { renderProgress } from 'taskqueue-wasm/progress';
import { sleep } from './helpers.mjs';

const child = fileURLToPath(new URL('./fixtures/progress-child.mjs', import.meta.url));
const COLUMNS = 60;
const BUILD = '构建 🚀 bundle for all platforms we ship';
const SGR = /\x1b\[[0-9;]*m/;

/** Runs a command; resolves to its output, exit code and wall time. Killed after 8 s. */
function run(command, args, env = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const proc = spawn(command, args, { env: { ...process.env, NO_COLOR: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    proc.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const killer = setTimeout(() => proc.kill('SIGKILL'), 8000);
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ stdout, stderr, code, signal, ms: performance.now() - started });
    });
  });
}

const piped = (mode) => run(process.execPath, [child, mode]);
/** The child on a pseudo-terminal 60 columns wide; what the terminal received. */
const onTerminal = (mode, env) => run('script', ['-qfec', `stty cols ${COLUMNS} rows 40; exec '${process.execPath}' '${child}' ${mode}`, '/dev/null'], env);

const wide = (ch) => /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|\p{Emoji_Presentation}/u.test(ch);

/**
 * A terminal `columns` wide, as tall as needed: printable characters
 * (wide ones take two cells), CR, LF (as CR LF), and the escapes a progress block
 * may use: cursor up (CSI n A), erase to the end of the line (CSI K) and
 * of the screen (CSI J), colours (CSI … m). Anything else, and any line
 * that would wrap, is a problem. Returns the final screen, a snapshot of
 * the screen after each CSI J (each frame drawn), whether colour was used.
 */
function terminal(output, columns) {
  const rows = [[]];
  let row = 0;
  let col = 0;
  let colour = false;
  const problems = [];
  const frames = [];
  const at = (r) => {
    while (rows.length <= r) rows.push([]);
    return rows[r];
  };
  const text = () => {
    const lines = rows.map((cells) => cells.join('').trimEnd());
    while (lines.length > 0 && lines.at(-1) === '') lines.pop();
    return lines;
  };
  for (let i = 0; i < output.length;) {
    const ch = output[i];
    if (ch === '\x1b') {
      const m = /^\x1b\[([0-9;]*)([A-Za-z])/.exec(output.slice(i, i + 16));
      if (m === null) throw new Error(`an escape the emulator does not know at ${i}: ${JSON.stringify(output.slice(i, i + 10))}`);
      const [all, param, kind] = m;
      i += all.length;
      if (kind === 'A') row = Math.max(0, row - (param === '' ? 1 : Number(param)));
      else if (kind === 'K' && param === '') at(row).length = Math.min(at(row).length, col);
      else if (kind === 'J' && param === '') {
        at(row).length = Math.min(at(row).length, col);
        rows.length = row + 1;
        frames.push(text());
      } else if (kind === 'm') colour ||= param !== '' && param !== '0';
      else problems.push(`unexpected escape ${JSON.stringify(all)}`);
      continue;
    }
    if (ch === '\r') {
      col = 0;
      i++;
      continue;
    }
    if (ch === '\n') {
      // As a pty delivers it (onlcr): a new line, from its first column.
      row++;
      col = 0;
      at(row);
      i++;
      continue;
    }
    const s = String.fromCodePoint(output.codePointAt(i));
    i += s.length;
    const w = wide(s) ? 2 : 1;
    if (col + w > columns) {
      problems.push(`line ${row} wraps: ${text()[row]}`);
      row++;
      col = 0;
    }
    const cells = at(row);
    while (cells.length < col) cells.push(' ');
    cells[col] = s;
    if (w === 2) cells[col + 1] = '';
    col += w;
  }
  return { lines: text(), frames, colour, problems };
}

/** The child's own last lines: every callback removed, no interval left, a prompt exit. */
function assertCleanExit(lines, result, mode) {
  const [listeners, intervals, exit] = lines.slice(-3);
  const [, added, removed] = /^listeners (\d+) (\d+)$/.exec(listeners) ?? [];
  assert.ok(Number(added) > 0 && added === removed, `${mode}: every callback added is removed: ${listeners}`);
  assert.equal(intervals, 'intervals 0', `${mode}: no interval left`);
  const afterDone = Number(/^exit (\d+) ms after done$/.exec(exit)?.[1]);
  assert.ok(afterDone < 500, `${mode}: the process exits promptly once the display is done and the tasks settled: ${exit}`);
  assert.ok(result.ms < 6000, `${mode}: took ${result.ms} ms`);
  assert.equal(result.code, 0, `${mode}: ${result.stderr}`);
}

test('piped: one plain line per event (started, done, an attempt failed with the wait, failed with the first line of its error), the summary, no ANSI code', async () => {
  const result = await piped('finish');
  const { stdout } = result;
  assert.ok(!stdout.includes('\x1b'), `no ANSI code at all:\n${stdout}`);
  const lines = stdout.trimEnd().split('\n');
  // Every line of the display starts with the time since it began.
  const shown = lines.filter((l) => /^ +\d+\.\d\ds {2}/.test(l)).map((l) => l.replace(/^ +\d+\.\d\ds {2}/, ''));
  const has = (pattern) => assert.ok(shown.some((l) => pattern.test(l)), `${pattern}\n-- in --\n${stdout}`);
  assert.equal(shown[0], 'demo: 5 tasks');
  for (const name of ['fetch', 'upload', 'broken step', BUILD]) assert.equal(shown.filter((l) => l === `${name} started`).length, 1, `${name} started once`);
  has(/^fetch done in 0\.\d\ds$/);
  has(/^upload attempt 1\/3 failed: HTTP 503; next in 60 ms$/);
  has(/^upload done in 0\.\d\ds \(attempt 2\/3\)$/);
  has(/^broken step failed in 0\.\d\ds: disk full$/); // the first line of the error only
  has(/^notify failed: failed prerequisites \(broken step\)$/);
  assert.ok(!stdout.includes('at write'), 'no stack lines');
  const order = (a, b) => assert.ok(shown.findIndex((l) => a.test(l)) < shown.findIndex((l) => b.test(l)), `${a} before ${b}`);
  order(/^upload attempt 1\/3 failed/, /^upload done/);
  order(/^broken step failed/, /^notify failed/);
  assert.match(shown.at(-1), /^demo: finished in 0\.\d\ds; 5 tasks: 3 done, 2 failed$/);
  assert.ok(lines.includes('made Task:notify:FAILED') && lines.includes(`made Task:${BUILD}:DONE`), 'log() lines among them');
  assertCleanExit(lines, result, 'piped');
});

test('piped, tasks rather than a make: shown until stop(), which writes the summary', async () => {
  const result = await piped('tasks');
  assert.ok(!result.stdout.includes('\x1b'));
  const lines = result.stdout.trimEnd().split('\n');
  assert.match(lines.at(-4), /^ +0\.\d\ds {2}demo: stopped after 0\.\d\ds; 5 tasks: 3 done, 2 failed$/);
  assertCleanExit(lines, result, 'tasks');
});

test('on a terminal: a block redrawn in place within 60 columns, coloured; the last frame and the summary stay, nothing of earlier frames', async () => {
  const result = await onTerminal('finish');
  const { lines, frames, colour, problems } = terminal(result.stdout, COLUMNS);
  assert.deepEqual(problems, [], 'no line wider than the terminal, no unknown escape');
  assert.ok(colour, 'colour on a terminal without NO_COLOR');
  assert.ok(frames.length > 5, `redrawn: ${frames.length} frames`);
  const screen = lines.join('\n');
  assert.equal(lines[0], 'made Task:notify:FAILED', screen);
  assert.equal(lines[1], `made Task:${BUILD}:DONE`, screen);
  assert.match(lines[2], /^demo {2}\[[#x]{30}\] {2}5\/5 {2}0\.\d\ds$/, screen);
  assert.equal(lines[3], '  3 done, 2 failed', screen);
  assert.equal(lines[4], '  x broken step: disk full', screen);
  assert.equal(lines[5], '  x notify: failed prerequisites (broken step)', screen);
  assert.match(lines[6], /^demo: finished in 0\.\d\ds$/, screen);
  assert.equal(lines.length, 10, `the final block, the log lines and the child's three lines, nothing else:\n${screen}`);
  assertCleanExit(lines, result, 'terminal');

  // While it ran: one block at a time, the running tasks with their time and attempt.
  for (const frame of frames) {
    assert.ok(frame.filter((l) => l.startsWith('demo  [')).length <= 1, `one block on screen:\n${frame.join('\n')}`);
  }
  const seen = (pattern) => assert.ok(frames.some((f) => f.some((l) => pattern.test(l))), `${pattern} in some frame`);
  seen(/^ {2}\d running, \d pending(, \d done)?$/);
  seen(/^ {2}> fetch\s+0\.\d\ds$/);
  seen(/^ {2}> upload\s+0\.\d\ds {2}attempt 1\/3$/);
  seen(/^ {2}> upload\s+0\.\d\ds {2}attempt 2\/3 in 0\.\d\ds( \(HTTP 503\)| \(.*…)?$/); // waiting for its next attempt (why, if it fits)
  seen(/^ {2}> upload\s+0\.\d\ds {2}attempt 2\/3$/);
  seen(/^ {2}> 构建 🚀 bundle for all platfo… {3}0\.\d\ds$/); // cut to half the width, by columns
});

test('on a terminal with NO_COLOR=1: no colour code, the block still redrawn in place', async () => {
  const result = await onTerminal('finish', { NO_COLOR: '1' });
  assert.ok(!SGR.test(result.stdout), 'no SGR sequence');
  assert.match(result.stdout, /\x1b\[\d+A/, 'cursor moves still');
  const { lines, colour, problems } = terminal(result.stdout, COLUMNS);
  assert.deepEqual(problems, []);
  assert.equal(colour, false);
  assert.equal(lines[3], '  3 done, 2 failed');
  assert.match(lines[6], /^demo: finished in 0\.\d\ds$/);
  assertCleanExit(lines, result, 'NO_COLOR');
});

test('on a terminal, a make aborted by its signal or left with break: the last frame says so, and the process exits promptly', async () => {
  const [aborted, broken] = await Promise.all([onTerminal('abort'), onTerminal('break')]);

  let { lines, problems } = terminal(aborted.stdout, COLUMNS);
  let screen = lines.join('\n');
  assert.deepEqual(problems, []);
  assert.equal(lines[0], 'the make threw: user pressed ctrl-c', screen);
  assert.match(lines[1], /^demo {2}\[[#x~.]{30}\] {2}4\/5 {2}0\.\d\ds$/, screen);
  assert.equal(lines[2], '  1 pending, 1 done, 1 failed, 2 cancelled', screen);
  assert.equal(lines[3], '  x broken step: disk full', screen);
  assert.match(lines[4], /^demo: aborted after 0\.\d\ds \(user pressed ctrl-c\)$/, screen);
  assert.equal(lines.length, 8, screen);
  assertCleanExit(lines, aborted, 'abort');

  ({ lines, problems } = terminal(broken.stdout, COLUMNS));
  screen = lines.join('\n');
  assert.deepEqual(problems, []);
  assert.equal(lines[0], 'made Task:notify:FAILED', screen);
  assert.match(lines[1], /^demo {2}\[[#x>.]{30}\] {2}4\/5 {2}0\.\d\ds$/, screen);
  assert.equal(lines[2], '  1 running, 2 done, 2 failed', screen); // the long build runs on
  assert.match(lines.at(-4), /^demo: stopped early after 0\.\d\ds$/, screen);
  assert.ok(!lines.some((l) => l.startsWith('  > ')), 'no running list in the last frame');
  assertCleanExit(lines, broken, 'break');
});

test('a long list is cut to the terminal: "… and N more", every line within the width, the block within its rows', async () => {
  const chunks = [];
  const stream = { write: (text) => chunks.push(text), isTTY: true, columns: 40, rows: 10 };
  const jobs = Array.from({ length: 12 }, (_, i) => new Task(`job ${i} with a name too long to fit`, () => sleep(120)));
  const bad = Array.from({ length: 8 }, (_, i) => new Task(`bad ${i}`, () => {
    throw new Error(`no ${i}\nsecond line`);
  }));
  const run = make([...bad, ...jobs]);
  const progress = renderProgress(run, { stream, interval: 20, colour: false });
  for await (const task of run) if (task.name === 'bad 0') progress.log('a line of mine');
  await progress.done;
  progress.stop(); // once ended, nothing more
  const { lines, frames, problems } = terminal(chunks.join(''), 40);
  assert.deepEqual(problems, []);
  assert.ok(frames.some((f) => f.some((l) => /^ {2}… and \d+ more running$/.test(l))), 'running tasks elided');
  assert.ok(frames.every((f) => f.filter((l) => l !== 'a line of mine').length <= 9), 'the block keeps within rows - 1');
  assert.equal(lines[0], 'a line of mine');
  assert.match(lines[1], /^\[[#x]+\] {2}20\/20 {2}0\.\d\ds$/);
  assert.equal(lines[2], '  12 done, 8 failed');
  assert.deepEqual(lines.slice(3, 8), ['  x bad 0: no 0', '  x bad 1: no 1', '  x bad 2: no 2', '  x bad 3: no 3', '  x bad 4: no 4']);
  assert.equal(lines[8], '  … and 3 more failed');
  assert.match(lines[9], /^finished in 0\.\d\ds$/);
  assert.equal(lines.length, 10);
});

test('MakeRun#ended says how a make ended; MakeRun#tasks are the given tasks', async () => {
  const a = new Task('a', () => 1);
  const finished = make([a]);
  assert.deepEqual(finished.tasks, [a]);
  assert.notEqual(finished.tasks, finished.tasks, 'a new array each time');
  for await (const _ of finished); // eslint-disable-line no-unused-vars
  assert.deepEqual(await finished.ended, { how: 'finished' });

  const controller = new AbortController();
  const reason = new Error('enough');
  const slow = new Task('slow', function () {
    return new Promise((resolve) => this.signal.addEventListener('abort', resolve));
  });
  const aborted = make([slow], { signal: controller.signal });
  const ended = aborted.ended; // asked for before it ends
  setTimeout(() => controller.abort(reason), 10);
  await assert.rejects(async () => {
    for await (const _ of aborted); // eslint-disable-line no-unused-vars
  }, reason);
  assert.deepEqual(await ended, { how: 'aborted', reason });

  const b = new Task('b', () => 1);
  const c = new Task('c', () => 1);
  const left = make([b, c]);
  for await (const _ of left) break; // eslint-disable-line no-unused-vars
  assert.deepEqual(await left.ended, { how: 'stopped' });
  const never = make([new Task('d', () => 1)]);
  await never.return();
  assert.deepEqual(await never.ended, { how: 'stopped' });

  const prepare = new Task('p', () => 1, { state: 'PREPARE' });
  const failed = make([prepare]);
  await assert.rejects(failed.next(), FSMError);
  const end = await failed.ended;
  assert.equal(end.how, 'failed');
  assert.ok(end.reason instanceof FSMError);
});

test('bad input is a TypeError naming the argument or option, and nothing is added to the tasks', () => {
  const t = new Task('t', () => 1);
  const stream = { write() {} };
  const cases = [
    [() => renderProgress(42), /renderProgress\(tasksOrMake\) must be an iterable of tasks or what make\(\) returns, got number 42/],
    [() => renderProgress(Promise.resolve([t])), /got Promise \(a Promise: pass the tasks given to makeNow, or what make\(\) returns\)/],
    [() => renderProgress([t, 'u']), /renderProgress\(tasksOrMake\): item 1 is not a Task, got 'u'/],
    [() => renderProgress([t], 'fast'), /renderProgress options must be an object, got 'fast'/],
    [() => renderProgress([t], { colours: true }), /unknown renderProgress option 'colours' \(known: stream, colour, color, width, interval, title, live\)/],
    [() => renderProgress([t], { stream: {} }), /renderProgress option 'stream' must have a write\(text\) method, got Object/],
    [() => renderProgress([t], { stream, colour: 'yes' }), /renderProgress option 'colour' must be a boolean, got 'yes'/],
    [() => renderProgress([t], { stream, color: 1 }), /renderProgress option 'color' must be a boolean, got number 1/],
    [() => renderProgress([t], { stream, colour: true, color: false }), /options 'colour' and 'color' disagree/],
    [() => renderProgress([t], { stream, live: 'auto' }), /renderProgress option 'live' must be a boolean/],
    [() => renderProgress([t], { stream, width: 12 }), /renderProgress option 'width' must be an integer of at least 20 \(columns\), got number 12/],
    [() => renderProgress([t], { stream, interval: 0 }), /renderProgress option 'interval' must be a number of ms, at least 10, got number 0/],
    [() => renderProgress([t], { stream, title: ['x'] }), /renderProgress option 'title' must be a string, got Array/],
  ];
  let added = 0;
  const original = t.onTransition;
  t.onTransition = (...args) => {
    added++;
    return original.apply(t, args);
  };
  for (const [call, message] of cases) assert.throws(call, (error) => error instanceof TypeError && message.test(error.message), String(message));
  assert.equal(added, 0);
});
