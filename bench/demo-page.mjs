// How the demo page copes with big graphs: in headless Chromium, for a
// random DAG of each size, the time to build the tasks and draw the SVG
// (one call of tasksAsSvg and one DOM insertion), then a run to the end
// with the frame intervals and long tasks (> 50 ms) seen meanwhile.
//
//   bash scripts/build.sh && node bench/demo-page.mjs
import { fileURLToPath } from 'node:url';
import { serve } from '../scripts/serve.mjs';
import { launchChromium } from '../tests/packaging/browser.mjs';

const SIZES = [100, 500, 2000];
const root = fileURLToPath(new URL('..', import.meta.url));
const server = await serve(root);
const browser = await launchChromium();

async function measure(n) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${server.url}/www/?preset=random&n=${n}&seed=1&speed=10&concurrency=32`);
  await page.waitForFunction(() => window.demo !== undefined);
  return page.evaluate(async () => {
    const drawStart = performance.now();
    document.getElementById('reset').click(); // builds the tasks and draws them, synchronously
    const drawMs = performance.now() - drawStart;
    const longTasks = [];
    new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
    const frames = [];
    let last = performance.now();
    let running = true;
    const tick = (now) => {
      frames.push(now - last);
      last = now;
      if (running) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    const runStart = performance.now();
    document.getElementById('run').click();
    await new Promise((resolve) => {
      const poll = () => (window.demo.busy ? setTimeout(poll, 20) : resolve());
      setTimeout(poll, 20);
    });
    const runMs = performance.now() - runStart;
    running = false;
    await new Promise((resolve) => setTimeout(resolve, 100));
    frames.sort((a, b) => a - b);
    return {
      drawMs,
      runMs,
      frames: frames.length,
      p95: frames[Math.floor(frames.length * 0.95)] ?? 0,
      max: frames.at(-1) ?? 0,
      longTasks: longTasks.length,
      longest: Math.max(0, ...longTasks),
    };
  }).finally(() => page.close());
}

console.log(`demo page, headless Chromium, random DAG, speed 10, concurrency 32, ${new Date().toISOString().slice(0, 10)}\n`);
console.log('| tasks | build + draw | run to the end | frames | p95 frame | worst frame | long tasks | longest |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const n of SIZES) {
  const r = await measure(n);
  const ms = (x) => `${x.toFixed(0)} ms`;
  console.log(`| ${n} | ${ms(r.drawMs)} | ${(r.runMs / 1000).toFixed(1)} s | ${r.frames} | ${ms(r.p95)} | ${ms(r.max)} | ${r.longTasks} | ${ms(r.longest)} |`);
}
await browser.close();
await server.close();
