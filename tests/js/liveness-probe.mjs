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
// its variables alive in the suspended module.
function build() {
  const big = chain('a', 100);
  const small = chain('b', 50);
  new Task('lone', () => {}); // linked to nothing, dropped at once
  small[0].require(big[99]); // the smaller group moves into the larger
  return small[25];
}

const out = {};
let kept = build();
await collect();
out.keptOne = stats().tasks; // the 150 linked tasks live on through one of them
out.made = (await makeNow([kept])).length;
out.ran = ran.size; // a0..a99 and b0..b25
kept = undefined;
await collect();
out.droppedAll = stats().tasks;
console.log(JSON.stringify(out));
