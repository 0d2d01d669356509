// Everything the package exports, whichever entry point loaded it.
export { Task } from './task.mjs';
export { make, makeNow } from './make.mjs';
export { makeLater, Later } from './later.mjs';
export { TaskQueue } from './queue.mjs';
export { tasksAsDot, tasksAsSvg } from './dot.mjs';
export { tasksLayout } from './layout.mjs';
export { tasksAsTimeline } from './timeline.mjs';
export { palette } from './palette.mjs';
export { FSM } from './fsm.mjs';
export { FSMError, TaskError, BlockedError, CancellationError, TimeoutError, StoreError } from './errors.mjs';
export { memoryStore } from './store/memory.mjs';
export { setRandom } from './attempts.mjs';
export { setCallbackErrorHandler } from './transitions.mjs';
export { version } from '../pkg/taskqueue_wasm.js';
export { stats } from './stats.mjs';
