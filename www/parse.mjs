// The page's small text format for a job graph: one chain per line,
// `a -> b` meaning b requires a (the arrow points the way work flows, as
// in the drawing). A name ending in `!` fails its first attempt; `#`
// starts a comment. Cycles are left to the library, which refuses them
// with the cycle spelled out (see jobs.mjs).

export const EXAMPLE = `# b requires a: "a -> b"
checkout -> build -> test
build -> docs
test -> upload! -> deploy
# "!": fails its first attempt
`;

const MAX_NAME = 60;
const MAX_JOBS = 5000;

/** A mistake in the text, with its 1-based line number. */
export class GraphSyntaxError extends Error {
  constructor(line, message) {
    super(`line ${line}: ${message}`);
    this.name = 'GraphSyntaxError';
    this.line = line;
  }
}

/** Reads one name of a chain: `upload!` is upload, failing once. */
function readName(raw, lineNo) {
  let name = raw.trim();
  const fails = name.endsWith('!') ? 1 : 0;
  if (fails) name = name.slice(0, -1).trim();
  if (name === '') throw new GraphSyntaxError(lineNo, raw.trim() === '!' ? "'!' must follow a task name" : "a task name is missing next to '->'");
  if (name.length > MAX_NAME) throw new GraphSyntaxError(lineNo, `task name '${name.slice(0, 20)}…' is longer than ${MAX_NAME} characters`);
  if (/[<>\u2192]/.test(name)) throw new GraphSyntaxError(lineNo, `'${name}': write arrows as '->', with a name on each side`);
  return { name, fails };
}

/** A stable pseudo-random duration per name, 300–1500 ms, so reruns look alike. */
function durationOf(name) {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return 300 + ((h >>> 0) % 1200);
}

/**
 * Parses the text into a spec (see graphs.mjs). Each requirement keeps
 * the line it came from (`lines`, parallel to `requires`), so errors the
 * library raises later (a cycle) can point at it.
 */
export function parseGraph(text) {
  const jobs = new Map();
  const jobFor = (name) => {
    let job = jobs.get(name);
    if (job === undefined) {
      if (jobs.size >= MAX_JOBS) throw new GraphSyntaxError(0, `more than ${MAX_JOBS} tasks`);
      job = { name, requires: [], lines: [], ms: durationOf(name), fails: 0 };
      jobs.set(name, job);
    }
    return job;
  };
  text.split('\n').forEach((rawLine, index) => {
    const lineNo = index + 1;
    const line = rawLine.replace(/#.*/, '').trim();
    if (line === '') return;
    let previous;
    for (const part of line.split('->')) {
      const { name, fails } = readName(part, lineNo);
      const job = jobFor(name);
      if (fails) job.fails = 1;
      if (previous !== undefined && !job.requires.includes(previous.name)) {
        job.requires.push(previous.name);
        job.lines.push(lineNo);
      }
      previous = job;
    }
  });
  if (jobs.size === 0) throw new GraphSyntaxError(1, 'no tasks: write one "a -> b" per line');
  return { title: 'your graph', jobs: [...jobs.values()] };
}
