// Run with --expose-gc by memory.test.mjs: tasks linked by requirements
// live and die together, also after their groups merged. Prints the
// number of live tasks in the core at each point. Arguments: the sizes
// of the big and the small chain, and which task of the small one is
// kept.
import { Task, makeNow, stats } from 'taskqueue-wasm';

const [BIG, SMALL, KEPT] = process.argv.slice(2).map(Number);

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
  const big = chain('a', BIG);
  await settle();
  const small = chain('b', SMALL);
  const loner = new Task('loner', () => ran.add('loner'));
  new Task('lone', () => {}); // linked to nothing, dropped at once
  await settle();
  small[0].require(big[BIG - 1]); // the smaller group moves into the larger
  small[Math.floor(KEPT / 2)].require(loner); // a task on its own joins them
  return small[KEPT];
}

const out = {};
let kept = await build();
await collect();
out.keptOne = stats().tasks; // all linked tasks live on through one of them
out.made = (await makeNow([kept])).length;
out.ran = ran.size; // the big chain, the small one up to the kept task, the loner
kept = undefined;
await collect();
out.droppedAll = stats().tasks;
console.log(JSON.stringify(out));
