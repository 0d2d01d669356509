// The demo page: pick a job graph, run it with make, watch it live.
// URL parameters (also for the browser tests): preset=pipeline|seed|
// random|custom, n and seed (random), speed (a factor on every duration,
// e.g. speed=20), concurrency.
//
// "Keep the run" (on by default) gives the make an IndexedDB store
// (SPEC §9): the run's database is named in localStorage until the run
// has made every task DONE, so a reload finds it, restores the tasks it
// recorded (DONE ones are not run again) and goes on.
import { make, tasksAsDot, tasksAsSvg, version } from '../js/browser.mjs';
import { indexedDbStore } from '../js/store/indexeddb.mjs';
import { pipelineGraph, randomGraph, seedGraph } from './graphs.mjs';
import { buildTasks } from './jobs.mjs';
import { Counts, Details, Log, seconds } from './panels.mjs';
import { EXAMPLE, parseGraph } from './parse.mjs';
import { GraphView } from './render.mjs';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

let speed = Number(params.get('speed')) > 0 ? Number(params.get('speed')) : 1;
let graph; // { spec, tasks, byId, history }
let epoch = Date.now();
let runStart;
const makes = new Set(); // the AbortControllers of makes under way
const calls = new Map(); // task name -> calls of its function in this page's life
let restored = []; // names of the tasks the last resume restored from IndexedDB
let resumedNote = ''; // said in the status line after a resume
const KEPT = 'taskqueue-demo:run'; // localStorage: { graph, db } of the run kept
const dirty = new Set();
let logged = [];
let frame = 0;

const view = new GraphView($('viewport'), { onSelect: select });
const counts = new Counts($('legend'), $('progress'), $('progress-text'));
const log = new Log($('log'));
const details = new Details($('details'), { onSelect: select });

function status(text, kind = '') {
  $('status').textContent = text;
  $('status').className = `panel status ${kind}`;
}

// Transitions arrive many per frame with a big graph; the page redraws
// once per animation frame, touching only the nodes that changed.
function onTransition(task, tr) {
  if (graph?.byId.get(task.id) !== task) return; // a task of a graph no longer shown
  dirty.add(task);
  logged.push({ at: tr.when - epoch, task, tr });
  if (frame === 0) frame = requestAnimationFrame(flush);
}

function flush() {
  cancelAnimationFrame(frame);
  frame = 0;
  for (const task of dirty) view.setState(task.id, task.state);
  if (details.task && dirty.has(details.task)) details.show(details.task, graph.history.get(details.task), epoch);
  dirty.clear();
  log.append(logged);
  logged = [];
  refreshCounts();
}

function refreshCounts() {
  const c = counts.show(graph.tasks);
  $('retry').disabled = c.FAILED + c.CANCELLED === 0;
  if (makes.size > 0) status(`running… ${seconds(Date.now() - runStart)}, ${c.RUNNING} at once (concurrency ${concurrency()})${resumedNote}`, 'busy');
}

function select(id) {
  const task = graph.byId.get(id);
  view.select(id);
  details.show(task, task ? graph.history.get(task) : [], epoch);
}

/** Builds a graph's tasks and draws it once; later changes update nodes only. */
function load(spec) {
  for (const controller of makes) controller.abort();
  graph = { spec, ...buildTasks(spec, { speed: () => speed, onTransition, onCall: (name) => calls.set(name, (calls.get(name) ?? 0) + 1) }) };
  epoch = Date.now();
  dirty.clear();
  logged = [];
  log.clear();
  $('graph-title').textContent = `${spec.title} · ${graph.tasks.length} tasks`;
  view.show(tasksAsSvg(graph.tasks, 'jobs'));
  select(undefined);
  refreshCounts();
  status(`${graph.tasks.length} tasks, all PENDING. Run makes them, prerequisites first.`);
}

const concurrency = () => Number($('concurrency').value);

/** The run kept in IndexedDB for the graph shown, if any: its database's name. */
function keptRun() {
  try {
    const kept = JSON.parse(localStorage.getItem(KEPT) ?? 'null');
    return kept?.graph === graph.spec.title ? kept.db : undefined;
  } catch {
    return undefined;
  }
}

/** Forgets the kept run (its database too). */
function forgetRun() {
  const db = keptRun();
  if (db === undefined) return;
  localStorage.removeItem(KEPT);
  indexedDB.deleteDatabase(db);
}

/** Runs make over `tasks`; Cancel aborts it through its signal. */
async function run(tasks, { resuming = false } = {}) {
  const controller = new AbortController();
  const shown = graph;
  makes.add(controller);
  if (makes.size === 1) runStart = Date.now();
  buttons();
  let store;
  try {
    if ($('durable').checked) {
      let db = keptRun();
      if (db === undefined) {
        db = `taskqueue-demo-${Date.now()}`;
        localStorage.setItem(KEPT, JSON.stringify({ graph: graph.spec.title, db }));
      }
      store = indexedDbStore(db);
    }
    const running = make(tasks, { concurrency: concurrency(), signal: controller.signal, store });
    let first = true;
    for await (const _ of running) {
      if (first && resuming) saidResumed();
      first = false;
    }
    if (first && resuming) saidResumed();
  } catch (error) {
    status(`make stopped: ${error.message}`, 'bad');
  } finally {
    await store?.close();
    makes.delete(controller);
    if (shown === graph) {
      if (store !== undefined && graph.tasks.every((t) => t.state === 'DONE')) forgetRun();
      finished(controller.signal.aborted);
    } else buttons();
  }
}

/** Says what the resume restored (the tasks' first transitions say so). */
function saidResumed() {
  restored = graph.tasks.filter((t) => t.history[0]?.extra.restored).map((t) => t.name);
  resumedNote = ` · resumed after reload: ${restored.length} tasks restored from IndexedDB`;
}

function finished(aborted) {
  buttons();
  if (makes.size > 0) return;
  flush();
  const c = counts.show(graph.tasks);
  const parts = ['DONE', 'FAILED', 'ABORT', 'CANCELLED', 'PENDING'].filter((s) => c[s] > 0).map((s) => `${c[s]} ${s}`);
  const took = seconds(Date.now() - runStart);
  if (aborted) status(`cancelled after ${took}: ${parts.join(', ')}${resumedNote}`, 'warn');
  else status(`finished in ${took}: ${parts.join(', ')}${c.FAILED + c.CANCELLED ? ' — click a red node, or Retry failed' : ''}${resumedNote}`, c.FAILED ? 'bad' : 'good');
}

function buttons() {
  const busy = makes.size > 0;
  $('run').disabled = busy;
  $('cancel').disabled = !busy;
}

/** Makes every task; once all are completed, a fresh set of the same graph. */
function runAll() {
  if (graph.tasks.every((t) => t.isCompleted())) loadChosen();
  run(graph.tasks);
}

/** Retries what failed or was cancelled, then makes again. */
function retryFailed() {
  const again = graph.tasks.filter((t) => t.state === 'FAILED' || t.state === 'CANCELLED');
  for (const t of again) t.event('retry');
  run(graph.tasks);
}

function retryTask(task) {
  if (task.state === 'FAILED' || task.state === 'CANCELLED') task.event('retry');
  run([task]);
}

/**
 * A click handler that reports what goes wrong in the status line: a
 * task can change state between drawing a button and clicking it.
 */
function guarded(action) {
  return () => {
    try {
      action();
    } catch (error) {
      status(error.message, 'bad');
    }
  };
}

/** The selected task, for its buttons. */
function onSelected(action) {
  return guarded(() => {
    if (details.task) action(details.task);
  });
}

// ---- the job graph chooser

function chosenPreset() {
  return document.querySelector('input[name="preset"]:checked').value;
}

function loadChosen() {
  if (graph !== undefined && makes.size === 0) forgetRun(); // Reset, another graph: a new run
  resumedNote = '';
  const preset = chosenPreset();
  for (const option of document.querySelectorAll('.option')) option.hidden = option.dataset.for !== preset;
  $('custom-error').hidden = true;
  if (preset === 'seed') load(seedGraph());
  else if (preset === 'pipeline') load(pipelineGraph());
  else if (preset === 'random') loadRandom();
  else loadCustom();
}

function loadRandom() {
  const n = Math.min(5000, Math.max(2, Math.round(Number($('random-n').value) || 200)));
  const seed = Math.max(0, Math.round(Number($('random-seed').value) || 0));
  $('random-n').value = n;
  load(randomGraph(n, seed));
}

function loadCustom() {
  const error = $('custom-error');
  try {
    load(parseGraph($('custom-text').value));
    error.hidden = true;
  } catch (e) {
    error.textContent = e.message;
    error.hidden = false;
  }
}

// ---- wiring

function speedLabel() {
  return `${speed >= 1 ? speed : `1/${Math.round(1 / speed)}`}×`;
}

function wire() {
  for (const radio of document.querySelectorAll('input[name="preset"]')) radio.addEventListener('change', loadChosen);
  $('random-new').addEventListener('click', () => {
    $('random-seed').value = Number($('random-seed').value) + 1;
    loadRandom();
  });
  $('random-n').addEventListener('change', loadRandom);
  $('random-seed').addEventListener('change', loadRandom);
  $('custom-load').addEventListener('click', loadCustom);
  $('concurrency').addEventListener('input', () => { $('concurrency-out').value = concurrency(); });
  $('speed').addEventListener('input', () => {
    speed = 2 ** Number($('speed').value);
    $('speed-out').value = speedLabel();
  });
  $('run').addEventListener('click', guarded(runAll));
  $('cancel').addEventListener('click', () => { for (const c of makes) c.abort(); });
  $('retry').addEventListener('click', guarded(retryFailed));
  $('reset').addEventListener('click', loadChosen);
  $('d-cancel').addEventListener('click', onSelected((task) => task.cancel()));
  $('d-retry').addEventListener('click', onSelected(retryTask));
  $('d-abort').addEventListener('click', onSelected((task) => task.event('abort')));
  $('log-clear').addEventListener('click', () => log.clear());
  $('log').addEventListener('click', (e) => {
    const id = Number(e.target.closest('li')?.dataset.taskId);
    if (id) {
      select(id);
      view.reveal(id);
    }
  });
  $('zoom-in').addEventListener('click', () => view.zoom(1.25));
  $('zoom-out').addEventListener('click', () => view.zoom(0.8));
  $('zoom-fit').addEventListener('click', () => view.fit());
  $('show-dot').addEventListener('click', () => {
    $('dot-text').textContent = tasksAsDot(graph.tasks, 'jobs');
    $('dot-dialog').showModal();
  });
  $('dot-copy').addEventListener('click', copyDot);
  $('download-svg').addEventListener('click', downloadSvg);
}

function copyDot() {
  const button = $('dot-copy');
  const say = (text) => {
    button.textContent = text;
    setTimeout(() => { button.textContent = 'Copy'; }, 1500);
  };
  if (!navigator.clipboard) say('select and copy');
  else navigator.clipboard.writeText($('dot-text').textContent).then(() => say('Copied'), () => say('select and copy'));
}

function downloadSvg() {
  const blob = new Blob([tasksAsSvg(graph.tasks, 'jobs')], { type: 'image/svg+xml' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = 'taskqueue-graph.svg';
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

function applyParams() {
  const preset = params.get('preset');
  const radio = document.querySelector(`input[name="preset"][value="${CSS.escape(preset ?? '')}"]`);
  if (radio) radio.checked = true;
  if (params.has('n')) $('random-n').value = params.get('n');
  if (params.has('seed')) $('random-seed').value = params.get('seed');
  if (params.has('concurrency')) $('concurrency').value = params.get('concurrency');
  $('concurrency-out').value = concurrency();
  $('speed').value = String(Math.round(Math.log2(speed)));
  $('speed-out').value = speedLabel();
  $('custom-text').value = EXAMPLE;
}

$('version').textContent = `v${version()}`;
applyParams();
wire();
buttons();
loadChosen();
if ($('durable').checked && keptRun() !== undefined) {
  status('resuming the run kept in IndexedDB…', 'busy');
  run(graph.tasks, { resuming: true });
}

// For the browser tests and the curious (open the console): the live tasks.
window.demo = {
  get tasks() { return graph.tasks; },
  get busy() { return makes.size > 0; },
  get history() { return graph.history; },
  /** Calls of each task's function in this page's life, by name. */
  get calls() { return calls; },
  /** Names of the tasks the last resume restored from IndexedDB. */
  get restored() { return restored; },
  select,
};
