// How the demo page copes with big graphs, as rebuilt on the package's
// view (mountGraph) with the timeline beside it: in headless Chromium,
// for each case the time to build the tasks and mount the view (Reset:
// tasksLayout and the DOM, synchronously), then a run to the end with the
// intervals between animation frames (p50, p95, worst) and the long
// tasks (> 50 ms) seen meanwhile.
//
// Cases: random DAGs of 100, 500 and 2,000 tasks (speed 10, concurrency
// 32), and a wide fan of 2,000 tasks with concurrency 2,000, each task
// waiting about 12 s (speed 0.5), so all 2,000 are RUNNING at once: drawn as 2,000
// nodes (`group=off`, each with its running badge), and as the page draws
// it by default (one group). For the wide fan, "all running" gives the
// frames seen while every one of the 2,000 was RUNNING (the legend's
// count), the steady state the 2,000-at-once goal is about.
//
//   bash scripts/build.sh && node bench/demo-page.mjs
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { serve } from '../scripts/serve.mjs';
import { launchChromium } from '../tests/packaging/browser.mjs';

const CASES = [
  { name: 'random DAG, 100 tasks', query: 'preset=random&n=100&seed=1&speed=10&concurrency=32' },
  { name: 'random DAG, 500 tasks', query: 'preset=random&n=500&seed=1&speed=10&concurrency=32' },
  { name: 'random DAG, 2,000 tasks', query: 'preset=random&n=2000&seed=1&speed=10&concurrency=32' },
  { name: 'wide fan, 2,000 running at once, 2,000 nodes', query: 'preset=wide&n=2000&speed=0.5&concurrency=2000&group=off', wide: 2000 },
  { name: 'wide fan, 2,000 running at once, grouped (default)', query: 'preset=wide&n=2000&speed=0.5&concurrency=2000', wide: 2000 },
];
const only = process.argv[2]; // a substring of a case's name, to run just those
const root = fileURLToPath(new URL('..', import.meta.url));
const server = await serve(root);
const browser = await launchChromium();

async function measure({ query, wide }) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${server.url}/www/?${query}`);
  await page.waitForFunction(() => window.demo !== undefined);
  return page.evaluate(async (all) => {
    const drawStart = performance.now();
    document.getElementById('reset').click(); // builds the tasks and mounts the view, synchronously
    const drawMs = performance.now() - drawStart;
    const longTasks = [];
    new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
    const runningCount = document.querySelector('#legend li[data-state="RUNNING"] .count');
    const frames = [];
    const steady = []; // frames while all `all` tasks were RUNNING
    let maxRunning = 0;
    let last = performance.now();
    let going = true;
    const tick = (now) => {
      const running = Number(runningCount.textContent);
      frames.push(now - last);
      if (all !== undefined && running === all) steady.push(now - last);
      maxRunning = Math.max(maxRunning, running);
      last = now;
      if (going) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    const runStart = performance.now();
    document.getElementById('run').click();
    await new Promise((resolve) => {
      const poll = () => (window.demo.busy ? setTimeout(poll, 20) : resolve());
      setTimeout(poll, 20);
    });
    const runMs = performance.now() - runStart;
    going = false;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stats = (xs) => {
      const s = [...xs].sort((a, b) => a - b);
      return { n: s.length, p50: s[Math.floor(s.length * 0.5)] ?? 0, p95: s[Math.floor(s.length * 0.95)] ?? 0, max: s.at(-1) ?? 0 };
    };
    return { drawMs, runMs, maxRunning, all: stats(frames), steady: stats(steady), longTasks: longTasks.length, longest: Math.max(0, ...longTasks) };
  }, wide).finally(() => page.close());
}

const chromium = (() => {
  try {
    return execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'chromium (version unknown)';
  }
})();
console.log(`demo page, headless ${chromium}, viewport 1440×900, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'})\n`);
console.log('| case | build + mount | run | most RUNNING | frames | p50 frame | p95 frame | worst frame | long tasks | longest | all running: frames, p50 / p95 / worst |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
const ms = (x) => `${x.toFixed(1)} ms`;
for (const c of CASES) {
  if (only !== undefined && !c.name.includes(only)) continue;
  const r = await measure(c);
  const steady = c.wide === undefined ? '—' : `${r.steady.n}, ${ms(r.steady.p50)} / ${ms(r.steady.p95)} / ${ms(r.steady.max)}`;
  console.log(`| ${c.name} | ${ms(r.drawMs)} | ${(r.runMs / 1000).toFixed(1)} s | ${r.maxRunning} | ${r.all.n} | ${ms(r.all.p50)} | ${ms(r.all.p95)} | ${ms(r.all.max)} | ${r.longTasks} | ${ms(r.longest)} | ${steady} |`);
}
await browser.close();
await server.close();
