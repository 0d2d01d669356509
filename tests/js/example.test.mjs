// The Node example (examples/pipeline.mjs, `npm run example`) run as a
// pipe would run it: the plain lines of taskqueue-wasm/progress, no ANSI
// codes, at most three stages at once, the upload's 503 absorbed by its
// retry policy, the CDN purge failing both its attempts and repaired by
// hand with retry(), and graph.svg and graph.dot written at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('the Node example releases with retried attempts and a repair by hand, printing plain progress lines and writing graph.svg and graph.dot', () => {
  const out = mkdtempSync(join(tmpdir(), 'taskqueue-wasm-example-'));
  try {
    const stdout = execFileSync(process.execPath, ['examples/pipeline.mjs'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, EXAMPLE_SPEED: '10', EXAMPLE_OUT: out },
    });
    assert.ok(!stdout.includes('\x1b'), 'no ANSI codes when stdout is not a terminal');
    const lines = stdout.trim().split('\n');
    // The progress lines of taskqueue-wasm/progress: the time, then the task and what happened.
    const events = lines.map((l) => /^ +\d+\.\d\ds {2}(.+)$/.exec(l)?.[1]).filter(Boolean);
    const started = (name) => events.filter((e) => e === `${name} started`).length;
    const ended = (e) => /^.+ (done|failed|cancelled) in \d/.test(e);
    // 14 stages start once in the first make (announce fails for its
    // prerequisite instead); purge and announce once more in the second.
    assert.equal(events.filter((e) => e.endsWith(' started')).length, 14 + 2, stdout);
    assert.equal(events.filter(ended).length, 14 + 2, stdout);

    let running = 0;
    let most = 0;
    for (const event of events) {
      if (event.endsWith(' started')) most = Math.max(most, ++running);
      if (ended(event)) running--;
    }
    assert.equal(most, 3, 'concurrency 3 is reached and never passed');

    const find = (pattern) => {
      const i = lines.findIndex((l) => (typeof pattern === 'string' ? l === pattern || l.endsWith(`  ${pattern}`) : pattern.test(l)));
      assert.ok(i >= 0, `${pattern}\n-- in --\n${stdout}`);
      return i;
    };
    const before = (first, second) => assert.ok(find(first) < find(second), `${first} before ${second}`);
    before(/ {2}upload bundle attempt 1\/3 failed: https:\/\/registry\.example\/upload: HTTP 503; next in \d+ ms$/, / {2}upload bundle done in \S+ \(attempt 2\/3\)$/);
    before(/ {2}purge cdn cache attempt 1\/2 failed: https:\/\/registry\.example\/cdn\/purge: HTTP 503; next in 10 ms$/,
      / {2}purge cdn cache failed in \S+ \(attempt 2\/2\): https:\/\/registry\.example\/cdn\/purge: HTTP 503$/);
    before('announce release failed: failed prerequisites (purge cdn cache)', 'made Task:announce release:FAILED (a prerequisite failed)');
    before('made Task:announce release:FAILED (a prerequisite failed)', /^ +\S+ {2}release, 3 at a time: finished in \S+; 15 tasks: 13 done, 2 failed$/);
    before(/: 13 done, 2 failed$/, 'failed: purge cdn cache (https://registry.example/cdn/purge: HTTP 503), announce release');
    before('failed: purge cdn cache (https://registry.example/cdn/purge: HTTP 503), announce release', 'retried by hand: purge cdn cache, announce release');
    before('retried by hand: purge cdn cache, announce release', 'after the CDN is back: 15 tasks');
    before('after the CDN is back: 15 tasks', / {2}purge cdn cache done in \S+$/);
    before(/ {2}purge cdn cache done in \S+$/, 'made Task:announce release:DONE');
    before('made Task:announce release:DONE', /^ +\S+ {2}after the CDN is back: finished in \S+; 15 tasks: 15 done$/);
    assert.equal(started('download core'), 1, 'what succeeded is not run again');
    assert.equal(started('upload bundle'), 1, 'one run of two attempts');
    assert.equal(started('purge cdn cache'), 2);
    assert.equal(started('announce release'), 1);

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
