// Whether a value is a Task, for the modules below task.mjs. They need
// to tell a Task from anything else (to refuse a plain object or another
// class with a clear TypeError) but nothing more of the class; importing
// Task for `instanceof` made them and task.mjs import each other. So
// task.mjs marks its prototype with a symbol only this module holds, and
// the check looks for it: true where `instanceof Task` is (Task.prototype
// is on the value's chain), and of nothing made without the class.

const TASK = Symbol('taskqueue-wasm Task');

/** Marks `cls`, Task, so that its instances are tasks (task.mjs calls it once). */
export function brandTaskClass(cls) {
  Object.defineProperty(cls.prototype, TASK, { value: true });
}

/** Whether `value` is a Task (an instance of Task or of a subclass). */
export function isTask(value) {
  return value !== null && value !== undefined && value[TASK] === true;
}
