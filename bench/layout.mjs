// The layout benchmark of issue 5: `npm run bench:layout` (every case) or
// `npm run bench:layout -- --quick` (no 5,000- or 10,000-node case);
// `--only=random-200,fan-100` runs the cases named; `--timeout=SECONDS`
// bounds each renderer's case (60 by default); `--out=DIR` keeps the
// drawings (CASE.ours.svg, CASE.dot, CASE.in.dot, CASE.dot.svg).
//
// For each case, our renderer (tasksAsSvg, in a fresh Node process:
// median time of several runs, peak RSS) and Graphviz `dot -Tsvg` (same
// graph and labels, box nodes at our sizes) are timed, and both drawings
// measured by svg-metrics.mjs; prints a Markdown table with the ratios to
// dot and the issue's goals (✓, or ✗ and what misses).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASES, caseNamed } from './layout-graphs.mjs';
import { dotInput, dotVersion, ensureDot, runDot } from './layout-dot.mjs';
import { goalsMissed } from './layout-goals.mjs';
import { measureDrawing, parseSvg } from './svg-metrics.mjs';

const option = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = process.argv.includes('--quick');
const only = option('only')?.split(',');
const timeoutMs = Number(option('timeout') ?? 60) * 1000;
const keep = option('out');
const outDir = keep ?? mkdtempSync(join(tmpdir(), 'layout-bench-'));
mkdirSync(outDir, { recursive: true });
const here = new URL('.', import.meta.url);
const cases = only ? only.map(caseNamed) : CASES.filter((c) => !(quick && c.big));

/** Timed runs per case (at most; both renderers stop after 5 s of runs): more for small graphs, whose times are noisy. */
function runsFor(nodes) {
  return nodes <= 300 ? 15 : nodes <= 1000 ? 7 : 3;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function runOurs(name, runs) {
  const r = spawnSync(process.execPath, [new URL('layout-case.mjs', here).pathname, name, String(runs), outDir], { encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1 << 24 });
  if (r.error?.code === 'ETIMEDOUT' || r.signal === 'SIGKILL') return { timeout: true };
  if (r.status !== 0) return { failed: (r.stderr || String(r.error)).trim().split('\n').filter(Boolean).pop() };
  const { times, maxRSS, builtRSS } = JSON.parse(r.stdout);
  return { ms: median(times), maxRSS, builtRSS, drawing: parseSvg(readFileSync(join(outDir, `${name}.ours.svg`), 'utf8')) };
}

function runGraphviz(name, runs, ours, dotText) {
  const boxes = ours.drawing ? ours.drawing.nodes.map((n) => [n.key, n]) : null;
  const input = join(outDir, `${name}.in.dot`);
  const output = join(outDir, `${name}.dot.svg`);
  writeFileSync(input, dotInput(dotText, boxes));
  const results = [];
  const began = Date.now();
  for (let r = 0; r < runs && (r === 0 || Date.now() - began < 5000); r++) {
    const one = runDot(input, output, timeoutMs);
    if (!one.ms) return one;
    results.push(one);
  }
  const rss = results.map((x) => x.maxRSS).filter((x) => x !== null);
  return { ms: median(results.map((x) => x.ms)), maxRSS: rss.length ? Math.max(...rss) : null, drawing: parseSvg(readFileSync(output, 'utf8')) };
}

/** The DOT text of the case, made by our package (tasksAsDot) when our run could not. */
function dotTextOf(name) {
  const path = join(outDir, `${name}.dot`);
  try {
    return readFileSync(path, 'utf8');
  } catch {
    const r = spawnSync(process.execPath, [new URL('layout-case.mjs', here).pathname, name, '0', outDir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cannot write the DOT of ${name}: ${r.stderr}`);
    return readFileSync(path, 'utf8');
  }
}

const fmt = (x, digits = 0) => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const ratio = (a, b) => (a === undefined || b === undefined ? '—' : b === 0 ? (a === 0 ? '1.00' : '∞') : (a / b).toFixed(2));
const mb = (bytes) => (bytes ? (bytes / 2 ** 20).toFixed(0) : '—');

function cells(result, m, ref) {
  if (result.timeout) return [`timeout (> ${timeoutMs / 1000} s)`, '', '', '', '', '', '', '', '', '', ''];
  if (result.failed) return [`failed: ${result.failed.slice(0, 60)}`, '', '', '', '', '', '', '', '', '', ''];
  const rss = result.builtRSS ? `${mb(result.maxRSS)} (+${mb(result.maxRSS - result.builtRSS)})` : mb(result.maxRSS);
  const r = ref && !ref.timeout && !ref.failed ? ref : null;
  return [
    fmt(result.ms, 1),
    rss,
    fmt(m.straightCrossings),
    fmt(m.curveCrossings),
    `${fmt(m.width)}×${fmt(m.height)}`,
    fmt(m.edgesThroughNodes),
    fmt(m.nodeOverlaps),
    r ? ratio(result.ms, r.ms) : '—',
    r ? `${ratio(m.straightCrossings, r.metrics.straightCrossings)} / ${ratio(m.curveCrossings, r.metrics.curveCrossings)}` : '—',
    r ? ratio(m.width, r.metrics.width) : '—',
    r ? ratio(m.height, r.metrics.height) : '—',
  ];
}

const started = Date.now();
const haveDot = ensureDot();
const cpu = cpus();
console.log(`Layout benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpu[0].model}, ${cpu.length} cores, Node ${process.version}, ${haveDot ? dotVersion() : 'no dot'}${quick ? ', --quick' : ''}, load average ${loadavg()[0].toFixed(1)} at the start\n`);
console.log('| case | nodes | edges | renderer | time ms | peak RSS MB | crossings straight | crossings curves | width×height | edges through nodes | node overlaps | × dot time | × dot crossings (str / curves) | × dot width | × dot height | goals |');
console.log('|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const c of cases) {
  const graph = c.make();
  const [nodes, edges] = [graph.nodes.length, graph.edges.length];
  const runs = runsFor(nodes);
  process.stderr.write(`${c.name}: ours… `);
  const ours = runOurs(c.name, runs);
  if (ours.drawing) ours.metrics = measureDrawing(ours.drawing);
  let dot = null;
  if (haveDot) {
    process.stderr.write('dot… ');
    dot = runGraphviz(c.name, runs, ours, dotTextOf(c.name));
    if (dot.drawing) dot.metrics = measureDrawing(dot.drawing);
  }
  process.stderr.write('done\n');
  const head = `| ${c.name} | ${fmt(nodes)} | ${fmt(edges)}`;
  console.log(`${head} | ours | ${cells(ours, ours.metrics, dot).join(' | ')} | ${goalsMissed({ name: c.name, nodes, edges }, ours, dot)} |`);
  const dotCells = dot ? cells(dot, dot.metrics) : Array(11).fill('—');
  console.log(`${head} | dot${dot && !ours.drawing ? ' (own sizes)' : ''} | ${dotCells.join(' | ')} | |`);
}
console.log(`\nTimes: median of up to 15 runs (≤ 300 nodes), 7 (≤ 1,000) or 3, fewer once 5 s have gone by. ours: tasksAsSvg in a fresh Node process after a warm-up; peak RSS of that process (+ what it grew during the layouts). dot: \`dot -Tsvg\`, process start included, box nodes fixed at our sizes.`);
process.stderr.write(`layout bench: ${((Date.now() - started) / 1000).toFixed(0)} s${keep ? `, drawings in ${outDir}` : ''}\n`);
if (!keep) rmSync(outDir, { recursive: true, force: true });
