// Each line is a mistake the declarations must catch (types.test.mjs
// counts the errors).
import { FSM, Later, Task, make, makeLater, tasksAsDot, tasksLayout } from 'taskqueue-wasm';
const t = new Task('t', () => 1);
new Task(42, () => 1);
new Task('x', () => 1, { args: 'no' });
new Task('x', () => 1, { state: 'SLEEPING' });
t.require('other');
t.event('explode');
t.onTransition('NOPE', () => {});
const n: number = t.name;
make(t, { concurrency: 'lots' });
tasksAsDot([t], 'g', { sep: 1 });
new FSM<'A' | 'B'>('C', { A: { go: 'B' }, B: {} });
new Task('a', (x: number) => x);
new Task('a', (x: number) => x, {});
new Task('a', (x: number) => x, { args: ['s'] });
new Task(function named(x: number) { return x; });
t.retry(true);
t.history = [];
const because: number | undefined = t.history[0]?.extra.because;
make(t, { onTransition: (task: string) => task });
t.make({ onTransition: 'log' });
makeLater(new Later(1), t, { onTransition: (task, tr) => tr.extra.because === 'nope' });
new Task('x', () => 1, { requires: t });
tasksAsDot([t], { followRequired: 'yes' });
tasksLayout([t], { followRequired: 1 });
