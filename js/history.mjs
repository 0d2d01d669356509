// `task.history`: a task's transitions, made into objects when asked
// for. The core keeps every transition of every task in one log of
// numbers (src/graph/history.rs); what the user passed to `event(name,
// extra)` stays in JS (`notes`, written by noteUserExtra in
// transitions.mjs) and is merged in here.

import { taskHistory } from '../pkg/taskqueue_wasm.js';
import { BECAUSE, EVENTS, STATES } from './protocol.mjs';
import { check } from './boundary.mjs';
import { taskInComponent } from './registry.mjs';

/**
 * The task's transitions, oldest first, made into objects now from the
 * core's records (`Graph::history_raw`): per transition `when` as an
 * f64's two 32-bit halves, a code, and the tasks its `because` names.
 */
export function historyOf(task) {
  const data = check(taskHistory(task._id), task);
  const when = new Float64Array(1);
  const halves = new Uint32Array(when.buffer);
  const notes = task._extras?.notes;
  const history = [];
  for (let i = 0; i < data.length; ) {
    halves[0] = data[i];
    halves[1] = data[i + 1];
    const code = data[i + 2];
    const n = data[i + 3];
    const extra = {};
    const because = BECAUSE[(code >> 12) & 3];
    if (because !== undefined) {
      extra.because = because;
      extra.tasks = Array.from(data.subarray(i + 4, i + 4 + n), (id) => taskInComponent(task, id));
    }
    const note = notes?.get(history.length);
    if (note !== undefined) Object.assign(extra, note);
    history.push({ oldState: STATES[code & 15], newState: STATES[(code >> 4) & 15], event: EVENTS[(code >> 8) & 15], when: when[0], extra });
    i += 4 + n;
  }
  return history;
}
