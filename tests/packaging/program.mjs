// The program each consumer project runs; `api` is the package as that
// project imported it. Its result must be the same everywhere.
export async function program(api) {
  const { Task, TaskError, FSMError, makeNow, tasksAsDot } = api;
  const out = [];
  const track = (t, tr) => out.push(`${t.name} ${tr.oldState}->${tr.event}->${tr.newState}`);
  const t1 = new Task('t1', () => out.push('doing t1'), { track });
  const t2 = t1.then('t2', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    out.push('doing t2');
    return 'ok';
  }, { track });
  const made = await makeNow([t2]);
  const a = new Task('a', () => {});
  const b = a.then('b', () => {});
  let cycle = 'no error';
  try {
    a.require(b);
  } catch (e) {
    cycle = `${e instanceof TaskError && e instanceof FSMError && e instanceof Error} ${e.message} ${e.cycle[1] === b}`;
  }
  return {
    out,
    made: made.map(String),
    same: made[0] === t2,
    result: t2.result,
    dotLines: tasksAsDot([t1], 'g', { followBlocking: true }).split('\n').length,
    cycle,
  };
}

export const expected = {
  out: [
    't1 PENDING->dispatch->RUNNING',
    'doing t1',
    't1 RUNNING->done->DONE',
    't2 PENDING->dispatch->RUNNING',
    'doing t2',
    't2 RUNNING->done->DONE',
  ],
  made: ['Task:t2:DONE'],
  same: true,
  result: 'ok',
  dotLines: 5,
  cycle: 'true requirement would close a cycle: a -> b -> a true',
};
