// Graphviz `dot`, the reference of the layout benchmark: installed from
// Debian when missing (as scripts/setup.sh installs chromium), run as a
// child process on the same graph, timed, its peak RSS read through
// GNU time.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const TIME = '/usr/bin/time';

function found(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

/**
 * Whether `dot` can be run, installing Debian's graphviz once if it is
 * missing (with sudo unless root). Says why when it cannot.
 */
export function ensureDot(log = console.error) {
  if (found('dot')) return true;
  if (!found('apt-get')) {
    log('layout bench: no dot and no apt-get: the dot columns show —');
    return false;
  }
  log("layout bench: installing Debian's graphviz (once) for the comparison");
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const run = (args) => {
    const [command, ...rest] = [...sudo, ...args];
    spawnSync(command, rest, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  };
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', 'graphviz']);
  if (found('dot')) return true;
  log('layout bench: graphviz could not be installed: the dot columns show —');
  return false;
}

/** `dot -V`'s version line, e.g. "dot - graphviz version 2.43.0 (0)". */
export function dotVersion() {
  return spawnSync('dot', ['-V'], { encoding: 'utf8' }).stderr.trim();
}

/**
 * Runs `dot -Tsvg input -o output` once: wall time in ms (process start
 * included, as a user of dot pays it), peak RSS in bytes (null without
 * GNU time), or `{ timeout: true }`. coreutils' `timeout` does the
 * killing: it kills its whole process group, so no dot is left running
 * behind a killed GNU time.
 */
export function runDot(input, output, timeoutMs) {
  const withTime = existsSync(TIME);
  const dot = ['dot', '-Tsvg', input, '-o', output];
  const measured = withTime ? [TIME, '-f', '%M', ...dot] : dot;
  const [command, ...args] = found('timeout') ? ['timeout', '-s', 'KILL', String(timeoutMs / 1000), ...measured] : measured;
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: timeoutMs + 5000, killSignal: 'SIGKILL' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.error?.code === 'ETIMEDOUT' || r.signal === 'SIGKILL' || r.status === 137) return { timeout: true };
  if (r.status !== 0) return { failed: (r.stderr || String(r.error)).trim().split('\n').pop() };
  // GNU time writes its figure (KB) as the last line of stderr.
  const kb = withTime ? Number(r.stderr.trim().split('\n').pop()) : NaN;
  return { ms, maxRSS: Number.isFinite(kb) ? kb * 1024 : null };
}

/**
 * The DOT text given to dot: tasksAsDot's, with box nodes, and — when our
 * drawing is known — each node fixed at the size our layout gave it, so
 * widths and heights compare at equal node sizes (points to inches: /72).
 */
export function dotInput(dotText, ourBoxes) {
  const lines = dotText.split('\n');
  const close = lines.lastIndexOf('}');
  const sizes = ourBoxes
    ? [...ourBoxes].map(([id, b]) => `  ${id}[width=${((b.x1 - b.x0) / 72).toFixed(4)},height=${((b.y1 - b.y0) / 72).toFixed(4)}];`)
    : [];
  const defaults = ourBoxes ? '  node[shape=box,fixedsize=true];' : '  node[shape=box];';
  return [lines[0], defaults, ...lines.slice(1, close), ...sizes, ...lines.slice(close)].join('\n');
}
