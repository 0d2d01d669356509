// The demo page: pick a job graph, run it with make, watch it live.
// URL parameters (also for the browser tests): preset=pipeline|seed|
// random|wide|custom, n (random, wide) and seed (random), speed (a factor
// on every duration, e.g. speed=20), concurrency (above the slider's 32 it
// raises the slider's end), order (critical-path: the make's `order`
// option, each task's expected duration its `estimate`), group (off:
// every task its own node, no groups; a number: group siblings from that
// many on).
//
// The graph is the package's own live view (`mountGraph`, ../js/view.mjs,
// as a user's page would have it); beside it, the run's timeline
// (`tasksAsTimeline`), redrawn while the run goes on.
//
// "Keep the run" (on by default) gives the make an IndexedDB store
// (SPEC §9): the run's database is named in localStorage until the run
// has made every task DONE, so a reload finds it, restores the tasks it
// recorded (DONE ones are not run again) and goes on.
import { make, tasksAsDot, tasksAsSvg, tasksAsTimeline, version } from '../js/browser.mjs';
import { indexedDbStore } from '../js/store/indexeddb.mjs';
import { mountGraph } from '../js/view.mjs';
import { pipelineGraph, randomGraph, seedGraph, wideGraph } from './graphs.mjs';
import { buildTasks } from './jobs.mjs';
import { Counts, Details, Log, seconds } from './panels.mjs';
import { EXAMPLE, parseGraph } from './parse.mjs';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

let speed = Number(params.get('speed')) > 0 ? Number(params.get('speed')) : 1;
let graph; // { spec, tasks, byId, history }
let epoch = Date.now();
let runStart;
const makes = new Set(); // the AbortControllers of makes under way
const calls = new Map(); // task name -> calls of its function in this page's life
let calledOrder = []; // names of the tasks whose function was called, in order, since the last Run
let restored = []; // names of the tasks the last resume restored from IndexedDB
let resumedNote = ''; // said in the status line after a resume
const KEPT = 'taskqueue-demo:run'; // localStorage: { graph, db } of the run kept
const dirty = new Set();
let logged = [];
let frame = 0;
let view; // the mountGraph controller of the graph shown
const grouping = groupOption(params.get('group'));

// The timeline beside the graph. tasksAsTimeline writes a whole SVG
// document, and putting it in costs in proportion to its rows; so while a
// run goes on it is redrawn at most every TIMELINE_MS (ongoing bars grow
// at 2 Hz), not at all while the tab is hidden, and with at most
// TIMELINE_ROWS rows: the tasks that started last (those running, and
// the ones just before them), on the axis of the whole run (`since`).
// Each redraw then costs about the same with 50 tasks or 5,000. Once
// the run ends it is drawn once more, with the same cap.
const TIMELINE_MS = 500;
const TIMELINE_ROWS = 120;
const started = new Set(); // tasks of the graph shown, in the order they last went RUNNING
let timelineTimer;
let timelineSince;
const counts = new Counts($('legend'), $('progress'), $('progress-text'));
const log = new Log($('log'));
const details = new Details($('details'), { onSelect: select });

function status(text, kind = '') {
  $('status').textContent = text;
  $('status').className = `panel status ${kind}`;
}

// Transitions arrive many per frame with a big graph. The view redraws
// its changed nodes once per animation frame by itself; the page does the
// same for its read-outs (counts, log, the selected task's details).
function onTransition(task, tr) {
  if (graph?.byId.get(task.id) !== task) return; // a task of a graph no longer shown
  if (tr.newState === 'RUNNING') {
    started.delete(task);
    started.add(task);
    timelineSince ??= tr.when;
  }
  dirty.add(task);
  logged.push({ at: tr.when - epoch, task, tr });
  if (frame === 0) frame = requestAnimationFrame(flush);
}

function flush() {
  cancelAnimationFrame(frame);
  frame = 0;
  if (details.task && dirty.has(details.task)) details.show(details.task, graph.history.get(details.task), epoch);
  dirty.clear();
  log.append(logged);
  logged = [];
  refreshCounts();
}

/** Draws the timeline now; keeps redrawing every TIMELINE_MS while a make runs. */
function drawTimeline() {
  clearTimeout(timelineTimer);
  timelineTimer = undefined;
  if (makes.size > 0) timelineTimer = setTimeout(drawTimeline, TIMELINE_MS);
  if (document.hidden) return; // visibilitychange draws it when the tab shows again
  const box = $('timeline');
  const shown = [...started].slice(-TIMELINE_ROWS);
  if (shown.length === 0) {
    box.replaceChildren();
    $('timeline-note').textContent = 'Run the graph: each attempt shows here as a bar.';
    return;
  }
  const width = Math.max(200, Math.min(box.clientWidth - 4 || 400, 2000));
  box.innerHTML = tasksAsTimeline(shown, { now: Date.now(), since: timelineSince, width, rowHeight: 16 });
  $('timeline-note').textContent = started.size > shown.length ? `the ${shown.length} tasks started last, of ${started.size}` : `${started.size} tasks started`;
}

function refreshCounts() {
  const c = counts.show(graph.tasks);
  $('retry').disabled = c.FAILED + c.CANCELLED === 0;
  if (makes.size > 0) status(`running… ${seconds(Date.now() - runStart)}, ${c.RUNNING} at once (concurrency ${concurrency()})${resumedNote}`, 'busy');
}

/** Selects a task by id (undefined: none): in the view, and its details. */
function select(id) {
  const task = graph.byId.get(id);
  view.select(task ?? null);
  showDetails(task);
}

function showDetails(task) {
  details.show(task, task ? graph.history.get(task) : [], epoch);
}

/** `group=off|false|0` → false, `group=N` → N, anything else: the view's default. */
function groupOption(value) {
  if (value === null) return undefined;
  if (['off', 'false', '0', 'no'].includes(value)) return false;
  const n = Number(value);
  return Number.isInteger(n) && n >= 2 ? n : undefined;
}

/**
 * Builds a graph's tasks and mounts the view on them: it lays them out
 * once and then updates the nodes that change, once per frame.
 */
function load(spec) {
  for (const controller of makes) controller.abort();
  graph = { spec, ...buildTasks(spec, { speed: () => speed, onTransition, onCall: (name) => {
    calls.set(name, (calls.get(name) ?? 0) + 1);
    calledOrder.push(name);
  } }) };
  epoch = Date.now();
  dirty.clear();
  logged = [];
  log.clear();
  started.clear();
  timelineSince = undefined;
  $('graph-title').textContent = `${spec.title} · ${graph.tasks.length} tasks`;
  view?.destroy();
  // A graph too big to read when fitted opens readable, on its first
  // rows; past 1,000 tasks it opens fitted (its text hidden until you
  // zoom in): with every label painted, a 2,000-task run's p95 frame
  // went from 33 to 50 ms (bench/demo-page.mjs).
  const initialView = graph.tasks.length > 1000 ? 'fit' : 'readable';
  const options = { onSelect: (task) => showDetails(task ?? undefined), initialView };
  if (grouping !== undefined) options.group = grouping;
  view = mountGraph($('viewport'), graph.tasks, options);
  select(undefined);
  drawTimeline();
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
  if (timelineTimer === undefined) drawTimeline();
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
    const running = make(tasks, { concurrency: concurrency(), order: $('order').value, signal: controller.signal, store });
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
  drawTimeline();
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
  calledOrder = [];
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
  else if (preset === 'wide') loadWide();
  else loadCustom();
}

function loadWide() {
  const n = Math.min(5000, Math.max(2, Math.round(Number($('wide-n').value) || 200)));
  $('wide-n').value = n;
  load(wideGraph(n));
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
  $('wide-n').addEventListener('change', loadWide);
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
    if (!id) return;
    select(id);
    const task = graph.byId.get(id);
    if (task !== undefined) view.reveal(task);
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
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) drawTimeline();
  });
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
  if (params.has('n')) {
    $('random-n').value = params.get('n');
    $('wide-n').value = params.get('n');
  }
  if (params.has('seed')) $('random-seed').value = params.get('seed');
  if (params.get('order') === 'critical-path') $('order').value = 'critical-path';
  if (params.has('concurrency')) {
    const slider = $('concurrency');
    const wanted = Math.round(Number(params.get('concurrency')));
    if (wanted > Number(slider.max)) slider.max = String(wanted);
    slider.value = params.get('concurrency');
  }
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
  /** Names of the tasks whose function was called since the last Run, in order. */
  get called() { return calledOrder; },
  /** The graph's spec: its jobs, with their expected durations (`ms`). */
  get spec() { return graph.spec; },
  /** Names of the tasks the last resume restored from IndexedDB. */
  get restored() { return restored; },
  select,
};
