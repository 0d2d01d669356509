// The Node example (examples/pipeline.mjs, `npm run example`) run as a
// pipe would run it: plain transition lines, no ANSI codes, at most three
// stages at once, the upload's 503 absorbed by its retry policy, the CDN
// purge failing both its attempts and repaired by hand with retry(), and
// graph.svg and graph.dot written at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('the Node example releases with retried attempts and a repair by hand, printing plain lines and writing graph.svg and graph.dot', () => {
  const out = mkdtempSync(join(tmpdir(), 'taskqueue-wasm-example-'));
  try {
    const stdout = execFileSync(process.execPath, ['examples/pipeline.mjs'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, EXAMPLE_SPEED: '10', EXAMPLE_OUT: out },
    });
    assert.ok(!stdout.includes('\x1b'), 'no ANSI codes when stdout is not a terminal');
    const lines = stdout.trim().split('\n');
    const transitions = lines.map((l) => /^\s*\d+\.\d\ds {2}(.+) (\w+)->(\w+)->(\w+)( \(.*\))?$/.exec(l)).filter(Boolean);
    // 13 stages start and end once (the upload's second attempt is inside
    // its one run); purge starts, fails, is retried by hand, starts and
    // ends; announce fails for it, is retried, starts and ends.
    assert.equal(transitions.length, 13 * 2 + 5 + 4, stdout);

    let running = 0;
    let most = 0;
    for (const [, , from, , to] of transitions) {
      if (to === 'RUNNING') most = Math.max(most, ++running);
      if (from === 'RUNNING') running--;
    }
    assert.equal(most, 3, 'concurrency 3 is reached and never passed');

    const has = (line) => assert.ok(lines.includes(line), `${line}\n-- in --\n${stdout}`);
    const after = (first, second) => assert.ok(lines.indexOf(first) < lines.indexOf(second), `${first} before ${second}`);
    const line = (text) => lines.find((l) => l.endsWith(`  ${text}`)) ?? text;
    has(line('upload bundle attempt 1 failed: https://registry.example/upload: HTTP 503'));
    has(line('upload bundle RUNNING->done->DONE'));
    after(line('upload bundle attempt 1 failed: https://registry.example/upload: HTTP 503'), line('upload bundle RUNNING->done->DONE'));
    has(line('purge cdn cache attempt 1 failed: https://registry.example/cdn/purge: HTTP 503'));
    has(line('purge cdn cache RUNNING->except->FAILED'));
    has(line('announce release PENDING->error->FAILED (failed prerequisites)'));
    has('made Task:announce release:FAILED (a prerequisite failed)');
    has('failed: purge cdn cache (https://registry.example/cdn/purge: HTTP 503), announce release');
    has('retried by hand: purge cdn cache, announce release');
    has(line('purge cdn cache FAILED->retry->PENDING'));
    has(line('purge cdn cache RUNNING->done->DONE'));
    has('made Task:announce release:DONE');
    after(line('purge cdn cache RUNNING->except->FAILED'), line('purge cdn cache RUNNING->done->DONE'));
    const starts = (name) => transitions.filter(([, n, , , to]) => n === name && to === 'RUNNING').length;
    assert.equal(starts('download core'), 1, 'what succeeded is not run again');
    assert.equal(starts('upload bundle'), 1, 'one run of two attempts');
    assert.equal(starts('purge cdn cache'), 2);

    const dot = readFileSync(join(out, 'graph.dot'), 'utf8');
    assert.match(dot, /^digraph release \{\n/);
    assert.equal(dot.match(/fillcolor=green/g)?.length, 15);
    const svg = readFileSync(join(out, 'graph.svg'), 'utf8');
    assert.match(svg, /^<svg /);
    assert.equal(svg.match(/class="node"/g)?.length, 15);
    assert.equal(svg.match(/data-state="DONE"/g)?.length, 15);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
