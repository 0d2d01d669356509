// Run with --expose-gc by memory.test.mjs: tasks linked by requirements
// live and die together, also after their groups merged. Prints the
// number of live tasks in the core at each point.
import { Task, makeNow, stats } from 'taskqueue-wasm';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
async function collect() {
  for (let i = 0; i < 10; i++) {
    globalThis.gc();
    await settle();
  }
}

const ran = new Set();
function chain(prefix, n) {
  const tasks = [];
  for (let i = 0; i < n; i++) {
    tasks.push(new Task(`${prefix}${i}`, () => ran.add(`${prefix}${i}`)));
    if (i > 0) tasks[i].require(tasks[i - 1]);
  }
  return tasks;
}

// In a function: a block at the top level of an async module may keep
// its variables alive in the suspended module. Each group is built in a
// turn of its own, so that it is watched (as a whole, or a task on its
// own) before it is linked to the others.
async function build() {
  const big = chain('a', 100);
  await settle();
  const small = chain('b', 50);
  const loner = new Task('loner', () => ran.add('loner'));
  new Task('lone', () => {}); // linked to nothing, dropped at once
  await settle();
  small[0].require(big[99]); // the smaller group moves into the larger
  small[10].require(loner); // a task on its own joins them
  return small[25];
}

const out = {};
let kept = await build();
await collect();
out.keptOne = stats().tasks; // the 151 linked tasks live on through one of them
out.made = (await makeNow([kept])).length;
out.ran = ran.size; // a0..a99, b0..b25 and loner
kept = undefined;
await collect();
out.droppedAll = stats().tasks;
console.log(JSON.stringify(out));
