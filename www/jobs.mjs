// Turns a spec (graphs.mjs) into the package's Tasks, each doing simulated
// async work: a timer that honours the task's AbortSignal, failing the
// first attempts the spec asks for.
import { CancellationError, Task, TaskError } from '../js/browser.mjs';
import { GraphSyntaxError } from './parse.mjs';

/** Waits `ms`, then settles as `outcome` says; a cancel ends it at once. */
function simulate(signal, ms, outcome) {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancellationError('cancelled while running'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      if (outcome.error) reject(outcome.error);
      else resolve(outcome.value);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function jobTask(job, speed, onCall) {
  let attempts = 0;
  return new Task(job.name, function work() {
    attempts++;
    onCall?.(job.name);
    const ms = Math.round(job.ms * (0.85 + 0.3 * Math.random()));
    const outcome = attempts <= job.fails
      ? { error: new Error(job.error ?? `simulated failure on attempt ${attempts}`) }
      : { value: `ok after ${ms} ms (attempt ${attempts})` };
    return simulate(this.signal, ms / speed(), outcome);
  }, { estimate: job.ms }); // for order: 'critical-path' (SPEC §12)
}

/**
 * The spec's tasks, linked; `speed()` divides every duration when a task
 * starts, `onTransition(task, transition)` hears every change and
 * `onCall(name)` every call of a task's function. Returns
 * `{ tasks, byId, history }` (history: Task -> its transitions).
 * Requirements are made here so the library's cycle check judges them;
 * its error then names the line of the text format that closed it.
 */
export function buildTasks(spec, { speed, onTransition, onCall }) {
  const byName = new Map();
  const history = new Map();
  for (const job of spec.jobs) {
    if (byName.has(job.name)) throw new Error(`two tasks are named '${job.name}'`);
    const task = jobTask(job, speed, onCall);
    byName.set(job.name, task);
    history.set(task, []);
    task.onTransition('*', (t, tr) => {
      history.get(t).push(tr);
      onTransition(t, tr);
    });
  }
  // In the order they were written, so a cycle is blamed on the line that closed it.
  const edges = spec.jobs.flatMap((job) => job.requires.map((name, i) => ({ job, name, line: job.lines?.[i] })));
  edges.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  for (const { job, name, line } of edges) {
    const other = byName.get(name);
    if (other === undefined) throw new Error(`'${job.name}' requires '${name}', which is not a task`);
    try {
      byName.get(job.name).require(other);
    } catch (error) {
      if (error instanceof TaskError && line !== undefined) throw new GraphSyntaxError(line, error.message);
      throw error;
    }
  }
  const tasks = [...byName.values()];
  return { tasks, byId: new Map(tasks.map((t) => [t.id, t])), history };
}
