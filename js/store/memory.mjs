// memoryStore(): the store of SPEC §9 in memory, for tests and as the
// reference of the interface (docs/stores.md). Records are kept as JSON
// text, so what a make appends must survive JSON as a file would need,
// and what load() hands back is a fresh copy each time.

import { StoreError } from '../errors.mjs';

/** A store in memory: `records` (copies) shows what was appended, in order. */
export function memoryStore() {
  const batches = []; // JSON text of each append's records
  let closed = false;
  const open = (what) => {
    if (closed) throw new StoreError(`memoryStore: ${what} after close()`);
  };
  return {
    async load() {
      open('load()');
      return batches.flatMap((batch) => JSON.parse(batch));
    },
    async append(records) {
      open('append()');
      if (!Array.isArray(records)) throw new TypeError('memoryStore: append() takes an array of records');
      // All or nothing: the call's records encoded at once, then kept.
      batches.push(JSON.stringify(records));
    },
    async close() {
      closed = true;
    },
    get records() {
      return batches.flatMap((batch) => JSON.parse(batch));
    },
  };
}
