// A child process for tests/js/store-file.test.mjs.
//   node store-file-child.mjs hold <journal>: opens the journal, prints
//     "ready", and waits to be killed.
//   node store-file-child.mjs append <journal>: loads the journal and goes
//     on numbering records r<n> from its length, appending in overlapping
//     groups; prints "ready", then "acked <n>" for each record once its
//     append resolved, until killed.
import { fileStore } from 'taskqueue-wasm/store/file';

const [mode, journal] = process.argv.slice(2);
const store = fileStore(journal);

if (mode === 'hold') {
  process.stdout.write('ready\n');
  setInterval(() => {}, 60_000);
} else if (mode === 'append') {
  let next = (await store.load()).length;
  process.stdout.write('ready\n');
  const payload = { nested: { list: [1, 2, 3], text: 'ünïcødé ✓' } };
  for (;;) {
    const calls = [];
    for (let c = 1 + Math.floor(Math.random() * 3); c > 0; c--) {
      const records = [];
      for (let r = 1 + Math.floor(Math.random() * 4); r > 0; r--) {
        records.push({ key: `r${next++}`, when: Date.now(), state: 'DONE', result: payload });
      }
      const last = next - 1;
      calls.push(store.append(records).then(() => process.stdout.write(`acked ${last}\n`)));
    }
    await Promise.all(calls);
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
