// The benchmark: `npm run bench` (all sizes) or `npm run bench -- --quick`
// (10k and 100k only). Each case runs in fresh processes, the contenders
// in turn; prints a Markdown table: median µs per task (graph
// construction included), peak RSS of a process that runs the case once,
// and the ratios to the floor and to p-graph; then the .wasm size, the
// makespan table (bench/makespan.mjs), retries and stores.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { cpus } from 'node:os';

const quick = process.argv.includes('--quick');
const option = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
// --workloads=fan,random picks workloads; --sizes=1000000 picks sizes;
// --timeout=SECONDS bounds each case process (p-graph takes many minutes
// on a fan of a million: its sink's million prerequisites).
const WORKLOAD_NAMES = option('workloads', 'chain,fan,random').split(',');
const TIMEOUT_MS = Number(option('timeout', '300')) * 1000;
const SIZES = option('sizes', quick ? '10000,100000' : '10000,100000,1000000').split(',').map(Number);
const RUNS = { 10_000: 7, 100_000: 5, 1_000_000: 3 };
// Processes per contender and case, taken in turn (A B C A B C ...): this
// machine's speed drifts by 15% and more over minutes, and a ratio of two
// numbers measured minutes apart took that drift in. --rounds=K. One
// round for async.auto, a thousand times slower than the rest.
const ROUNDS = option('rounds', undefined);
const roundsFor = (n, contender) => (contender === 'async.auto' ? 1 : Number(ROUNDS ?? (n >= 1_000_000 ? 1 : 3)));
// async.auto is quadratic: only where it finishes in reasonable time.
// --base=PATH (another checkout's js/node.mjs) adds 'base', for an A/B
// of a change in one run; --only=a,b runs only those contenders.
const BASE = option('base', undefined);
if (BASE !== undefined) process.env.TASKQUEUE_BASE = new URL(BASE, `file://${process.cwd()}/`).href;
const ONLY = option('only', undefined)?.split(',');
const CONTENDERS = (n) =>
  ['taskqueue-wasm', ...(BASE ? ['base'] : []), 'floor', 'p-graph', ...(n <= 10_000 ? ['async.auto'] : [])].filter((c) => ONLY === undefined || ONLY.includes(c));
const here = new URL('.', import.meta.url);

function spawnCase(contender, workload, n, kind, runs) {
  const args = ['--max-old-space-size=8192', new URL('case.mjs', here).pathname, contender, workload, n, kind, runs];
  let out;
  try {
    out = execFileSync(process.execPath, args, { encoding: 'utf8', timeout: TIMEOUT_MS, killSignal: 'SIGKILL' });
  } catch (error) {
    throw new Error(error.signal === 'SIGKILL' ? `timeout (${TIMEOUT_MS / 1000} s)` : error.message);
  }
  return JSON.parse(out);
}

// Time: the median of all runs of all rounds, each round a process that
// does several runs (warm). Peak RSS: a process that runs the work once,
// so it measures the memory the work needs, not how much garbage of
// earlier runs V8 has yet to collect.
function runCases(contenders, workload, n, kind) {
  const times = Object.fromEntries(contenders.map((c) => [c, []]));
  const results = {};
  for (let round = 0; round < Math.max(...contenders.map((c) => roundsFor(n, c))); round++) {
    for (const contender of contenders) {
      if (results[contender] || round >= roundsFor(n, contender)) continue; // failed, or done
      try {
        times[contender].push(...spawnCase(contender, workload, n, kind, RUNS[n]).times);
      } catch (error) {
        results[contender] = { failed: String(error.message).split('\n')[0] };
      }
    }
  }
  for (const contender of contenders) {
    if (results[contender]) continue;
    try {
      const sorted = times[contender].sort((a, b) => a - b);
      const { maxRSS } = spawnCase(contender, workload, n, kind, 1);
      results[contender] = { median: sorted[Math.floor(sorted.length / 2)], maxRSS };
    } catch (error) {
      results[contender] = { failed: String(error.message).split('\n')[0] };
    }
  }
  return Object.fromEntries(contenders.map((c) => [c, results[c]])); // rows in contender order
}

const rows = [];
console.log(`taskqueue-wasm benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpus()[0].model}, ${cpus().length} cores, Node ${process.version}\n`);
console.log('| workload | tasks | fn | contender | µs/task | peak RSS | × floor | × p-graph |');
console.log('|---|---:|---|---|---:|---:|---:|---:|');
for (const workload of WORKLOAD_NAMES) {
  for (const n of SIZES) {
    for (const kind of ['sync', 'async']) {
      const results = runCases(CONTENDERS(n), workload, n, kind);
      for (const [contender, r] of Object.entries(results)) {
        const ratio = (base) => (r.median && base?.median ? (r.median / base.median).toFixed(2) : '–');
        const cells = r.failed
          ? [`failed: ${r.failed.slice(0, 40)}`, '', '', '']
          : [r.median.toFixed(2), `${(r.maxRSS / 2 ** 20).toFixed(0)} MB`, ratio(results.floor), ratio(results['p-graph'])];
        const line = `| ${workload} | ${n.toLocaleString('en')} | ${kind} | ${contender} | ${cells.join(' | ')} |`;
        console.log(line);
        rows.push({ workload, n, kind, contender, ...r });
      }
    }
  }
}

// Linearity: total time at 1,000,000 tasks over total time at 100,000.
if (SIZES.includes(1_000_000)) {
  console.log('\nLinearity of taskqueue-wasm (total time at 1,000,000 over 100,000; linear = 10×):\n');
  for (const workload of ['chain', 'fan', 'random']) {
    for (const kind of ['sync', 'async']) {
      const at = (n) => rows.find((r) => r.contender === 'taskqueue-wasm' && r.workload === workload && r.kind === kind && r.n === n);
      const big = at(1_000_000);
      const small = at(100_000);
      const ratio = big?.median && small?.median ? `${((10 * big.median) / small.median).toFixed(1)}×` : '–';
      console.log(`- ${workload} ${kind}: ${ratio}`);
    }
  }
}

const wasm = readFileSync(new URL('../pkg/taskqueue_wasm_bg.wasm', here));
console.log(`\n.wasm: ${(wasm.length / 1024).toFixed(1)} KiB raw, ${(gzipSync(wasm, { level: 9 }).length / 1024).toFixed(1)} KiB gzipped`);

// The makespan table (SPEC §12): scheduling orders against the lower bound.
console.log('');
process.stdout.write(execFileSync(process.execPath, [new URL('makespan.mjs', here).pathname], { encoding: 'utf8' }));

console.log('\nRetry: a 10,000-task random DAG, every function failing its first call and retried at once (best of 5)\n');
console.log('| contender | total | per task |');
console.log('|---|---:|---:|');
for (const contender of ['taskqueue-wasm', 'p-graph + p-retry', 'floor + p-retry']) {
  const m = JSON.parse(execFileSync(process.execPath, [new URL('retry.mjs', here).pathname, contender], { encoding: 'utf8' }));
  console.log(`| ${contender} | ${m.ms.toFixed(0)} ms | ${((1000 * m.ms) / 10_000).toFixed(1)} µs |`);
}

console.log('\nStores: the 100,000-task random DAG, async functions, with no store, memoryStore() and fileStore() (best of 3)\n');
console.log('| store | per task | × no store | kept per task |');
console.log('|---|---:|---:|---:|');
const storeRows = ['none', 'memory', 'file'].map((kind) => [kind, JSON.parse(execFileSync(process.execPath, ['--max-old-space-size=8192', new URL('store.mjs', here).pathname, kind], { encoding: 'utf8' }))]);
for (const [kind, m] of storeRows) {
  const ratio = (m.us / storeRows[0][1].us).toFixed(1);
  console.log(`| ${kind} | ${m.us.toFixed(2)} µs | ${ratio}× | ${kind === 'none' ? '–' : `${m.bytes.toFixed(0)} B`} |`);
}
