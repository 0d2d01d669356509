// indexedDbStore(name): the store of SPEC §9 in a browser's IndexedDB,
// so that a durable run survives a page reload (docs/store-indexeddb.md).
//
// One database per store, named `name`, with two object stores:
//   meta     one record under the key 'format': { format, version }, our
//            marker; a database without it is not ours and is never written
//   records  the StoreRecords, auto-increment keys, so that getAll() gives
//            them back in the order they were appended
// A Web Lock named `taskqueue-wasm:indexeddb:<name>` is held from the first
// call to close(), so that two pages cannot write one run.
//
// This module imports nothing but the error classes: no wasm, no API.

import { StoreError } from '../errors.mjs';

const FORMAT = 'taskqueue-wasm';
const FORMAT_VERSION = 1;
const META = 'meta';
const RECORDS = 'records';
const MARKER_KEY = 'format';
const LOCK_PREFIX = 'taskqueue-wasm:indexeddb:';
const OPTIONS = new Set(['compactMinRecords']);

/** The name of the Web Lock a store of database `name` holds while in use. */
export function indexedDbLockName(name) {
  return `${LOCK_PREFIX}${name}`;
}

/**
 * A store (SPEC §9) in the IndexedDB database `name` of this origin.
 *
 * Returns at once; the lock is taken and the database opened (created
 * when absent) on the first call, whose promise rejects with a
 * `StoreError` when that fails: IndexedDB missing or refused, the
 * database not a taskqueue-wasm store or of a newer format, or the store
 * in use by another page. A failed open is tried again on the next call.
 *
 * `load()` gives every record kept, oldest first; `append(records)` keeps
 * them in one transaction (all or nothing) and resolves once it
 * committed, with calls kept in call order; `close()` waits for the
 * appends under way, closes the database and releases the lock.
 *
 * @param {string} name the database's name, not empty
 * @param {{ compactMinRecords?: number }} [options] `compactMinRecords`
 *   (default 10,000, an integer >= 0 or Infinity): below this count of
 *   records no compaction happens
 * @returns {import('../index.js').Store & { readonly name: string }}
 */
export function indexedDbStore(name, options = undefined) {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`indexedDbStore: name must be a non-empty string, got ${describe(name)}`);
  }
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TypeError(`indexedDbStore: options must be an object, got ${describe(options)}`);
  }
  for (const option of Object.keys(options ?? {})) {
    if (!OPTIONS.has(option)) throw new TypeError(`indexedDbStore: unknown option "${option}" (known: compactMinRecords)`);
  }
  const compactMinRecords = options?.compactMinRecords ?? 10_000;
  if (typeof compactMinRecords !== 'number') {
    throw new TypeError(`indexedDbStore: option compactMinRecords must be a number, got ${describe(compactMinRecords)}`);
  }
  if (!(compactMinRecords >= 0) || !(Number.isInteger(compactMinRecords) || compactMinRecords === Infinity)) {
    throw new RangeError(`indexedDbStore: option compactMinRecords must be an integer >= 0 or Infinity, got ${compactMinRecords}`);
  }
  const label = `IndexedDB store "${name}"`;
  const lockName = indexedDbLockName(name);

  let state = 'idle'; // 'idle' | 'opening' | 'open'
  let accepting = true; // false once close() was called or the database went away
  let lost = false;
  let closedWhy = 'close()';
  let opening = null; // the open under way
  let db = null;
  let releaseLock = null;
  // What the first load() can hand out without reading again: the records
  // read as the database opened, while no append was made since.
  let initial = null;
  // Calls made before the database is open wait here, in call order.
  const waiting = [];
  // Every append not yet settled, and the compaction under way, for close().
  const unsettled = new Set();
  let compacting = null;
  let closing = null;
  // The count of records kept and, per key, how many of its last records
  // are live (its last record with a state and the ones after it).
  let count = 0;
  const tails = new Map();
  let live = 0;

  const fail = (message, cause, extra = {}) => new StoreError(`${label}: ${message}`, { ...extra, ...(cause === undefined ? {} : { cause }) });
  const afterClose = (what) => fail(`${what} after ${closedWhy}`);

  function track(record) {
    count += 1;
    live += 1;
    if (record.state !== undefined) {
      live -= tails.get(record.key) ?? 0;
      tails.set(record.key, 1);
    } else {
      tails.set(record.key, (tails.get(record.key) ?? 0) + 1);
    }
  }
  function retrack(records) {
    count = 0;
    live = 0;
    tails.clear();
    for (const record of records) track(record);
  }
  const wantsCompaction = () => count > compactMinRecords && count > 2 * live;

  /** Takes the lock and opens the database; `initial` gets its records. */
  async function open() {
    const idb = globalThis.indexedDB;
    if (idb === undefined || idb === null) throw fail('IndexedDB is not available here');
    releaseLock = await takeLock(lockName, label);
    try {
      db = await openDatabase(idb, name, label);
      const records = await check(db, name, label);
      db.onversionchange = () => lose('another page deleted or upgraded the database');
      db.onclose = () => lose('the browser closed the database');
      retrack(records);
      initial = records;
      if (wantsCompaction()) {
        // A failed compaction loses nothing: the records are all still
        // there, and the next open or append tries again.
        const kept = await compactIn(db);
        if (kept !== null) {
          initial = kept;
          retrack(kept);
        }
      }
    } catch (error) {
      db?.close();
      db = null;
      releaseLock?.();
      releaseLock = null;
      throw error;
    }
  }

  /** Runs `job()` now when open, else once open, in call order. */
  function whenOpen(job) {
    if (state === 'open') return job();
    return new Promise((resolve, reject) => {
      waiting.push({ job, resolve, reject });
      if (state === 'idle') startOpening();
    });
  }

  function startOpening() {
    state = 'opening';
    opening = open().then(
      () => {
        if (lost) return; // lose() rejected the waiting calls
        state = 'open';
        for (const { job, resolve, reject } of waiting.splice(0)) job().then(resolve, reject);
      },
      (error) => {
        state = 'idle'; // the next call tries again
        for (const { reject } of waiting.splice(0)) reject(error);
      },
    );
  }

  /** The database went away under us (deleted, upgraded, closed by the browser). */
  function lose(why) {
    if (lost) return;
    lost = true;
    accepting = false;
    closedWhy = why;
    db?.close(); // transactions under way still complete
    releaseLock?.();
    releaseLock = null;
    state = 'idle';
    for (const { reject } of waiting.splice(0)) reject(afterClose('a call'));
  }

  function startAppend(records) {
    initial = null;
    return new Promise((resolve, reject) => {
      let tx;
      try {
        tx = db.transaction(RECORDS, 'readwrite', { durability: 'strict' });
      } catch (error) {
        reject(fail(`append() could not start a transaction: ${error.message}`, error));
        return;
      }
      let refused = null;
      const store = tx.objectStore(RECORDS);
      for (let i = 0; i < records.length; i += 1) {
        try {
          store.add(records[i]);
        } catch (error) {
          refused = fail(`append() cannot store record ${i} (key ${JSON.stringify(records[i].key)}): ${error.message}`, error, { key: records[i].key });
          break;
        }
      }
      if (refused !== null) {
        // Abort: none of this call's records is kept.
        tx.onabort = () => reject(refused);
        tx.onerror = (event) => event.preventDefault();
        try {
          tx.abort();
        } catch {
          reject(refused);
        }
        return;
      }
      tx.oncomplete = () => {
        for (const record of records) track(record);
        resolve();
        maybeCompact();
      };
      tx.onerror = (event) => event.preventDefault(); // reported by onabort
      tx.onabort = () => {
        const error = tx.error;
        reject(fail(`append() of ${records.length} record(s) failed, none kept: ${error?.name ?? 'AbortError'}: ${error?.message ?? 'transaction aborted'}`, error ?? undefined));
      };
    });
  }

  function maybeCompact() {
    if (compacting !== null || state !== 'open' || lost || !wantsCompaction()) return;
    compacting = compactIn(db).then((kept) => {
      // Appends made after the compaction's transaction complete after it:
      // the count restarts from what it kept, and they add to it.
      if (kept !== null) retrack(kept);
      compacting = null;
    });
  }

  function readAll() {
    if (initial !== null) {
      const records = initial;
      initial = null;
      return Promise.resolve(records);
    }
    return new Promise((resolve, reject) => {
      let tx;
      try {
        tx = db.transaction(RECORDS, 'readonly');
      } catch (error) {
        reject(fail(`load() could not start a transaction: ${error.message}`, error));
        return;
      }
      let records;
      tx.objectStore(RECORDS).getAll().onsuccess = (event) => {
        records = event.target.result;
      };
      tx.oncomplete = () => resolve(records);
      tx.onerror = (event) => event.preventDefault();
      tx.onabort = () => reject(fail(`load() failed: ${tx.error?.name}: ${tx.error?.message}`, tx.error ?? undefined));
    });
  }

  function tracked(promise) {
    unsettled.add(promise);
    const forget = () => unsettled.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  return {
    get name() {
      return name;
    },
    /** Every record kept, oldest first (compacted, see the module's doc). */
    load() {
      if (!accepting) return Promise.reject(afterClose('load()'));
      return whenOpen(readAll);
    },
    /** Keeps `records` in one transaction, after every earlier call's; resolves once committed. */
    append(records) {
      if (!accepting) return Promise.reject(afterClose('append()'));
      if (!Array.isArray(records)) return Promise.reject(new TypeError(`${label}: append() takes an array of records, got ${describe(records)}`));
      for (let i = 0; i < records.length; i += 1) {
        const record = records[i];
        if (record === null || typeof record !== 'object' || typeof record.key !== 'string') {
          return Promise.reject(fail(`append() record ${i} is not a record with a string key: ${describe(record)}`));
        }
      }
      if (records.length === 0) return whenOpen(() => Promise.resolve());
      let batch = records;
      if (state !== 'open') {
        // Kept for later: a copy now, so that what is appended is what was
        // passed, and a record that cannot be cloned fails this call now.
        try {
          batch = structuredClone(records);
        } catch (error) {
          const i = records.findIndex((record) => {
            try {
              structuredClone(record);
              return false;
            } catch {
              return true;
            }
          });
          return Promise.reject(fail(`append() cannot store record ${i} (key ${JSON.stringify(records[i]?.key)}): ${error.message}`, error, { key: records[i]?.key }));
        }
      }
      return tracked(whenOpen(() => startAppend(batch)));
    },
    /** Waits for the appends under way, closes the database and releases the lock. Twice is fine. */
    close() {
      if (closing !== null) return closing;
      const wasOpening = state === 'opening' ? opening : null;
      accepting = false;
      closing = (async () => {
        await wasOpening; // the calls it holds then start, and are waited for
        while (unsettled.size > 0 || compacting !== null) {
          await Promise.allSettled([...unsettled, compacting]);
        }
        db?.close();
        db = null;
        initial = null;
        state = 'idle';
        const release = releaseLock;
        releaseLock = null;
        await release?.();
      })();
      return closing;
    },
  };
}

/**
 * Takes the Web Lock `lockName` if free and holds it until the returned
 * release is called (or the page goes away). Without the Web Locks API
 * there is no lock: the release does nothing.
 */
async function takeLock(lockName, label) {
  const locks = globalThis.navigator?.locks;
  if (locks === undefined || typeof locks.request !== 'function') return () => {};
  let release;
  const held = new Promise((resolve) => {
    release = resolve;
  });
  let granted;
  const got = new Promise((resolve) => {
    granted = resolve;
  });
  const cannot = (error) => new StoreError(`${label}: cannot take the Web Lock "${lockName}": ${error?.name}: ${error?.message}`, { cause: error });
  let request;
  try {
    request = locks.request(lockName, { ifAvailable: true }, (lock) => {
      granted(lock !== null);
      return lock === null ? null : held;
    });
  } catch (error) {
    throw cannot(error);
  }
  const refused = request.then(() => false, (error) => {
    throw cannot(error);
  });
  const ok = await Promise.race([got, refused]);
  if (!ok) {
    throw new StoreError(`${label} is in use by another page (or another store of that name in this one): the Web Lock "${lockName}" is held`);
  }
  // Resolves once the lock manager let go of it, so that another page can
  // take it as soon as close() resolved.
  return async () => {
    release();
    await request.catch(() => {});
  };
}

/** Opens (or creates, with our schema) the database; rejects with a StoreError. */
function openDatabase(idb, name, label) {
  return new Promise((resolve, reject) => {
    let request;
    try {
      request = idb.open(name);
    } catch (error) {
      reject(new StoreError(`${label}: cannot open the database: ${error?.name}: ${error?.message}`, { cause: error }));
      return;
    }
    request.onupgradeneeded = (event) => {
      // open() without a version upgrades only a database that did not exist.
      const created = request.result;
      if (event.oldVersion !== 0) {
        request.transaction.abort();
        return;
      }
      created.createObjectStore(META).put({ format: FORMAT, version: FORMAT_VERSION }, MARKER_KEY);
      created.createObjectStore(RECORDS, { autoIncrement: true });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = (event) => {
      event.preventDefault();
      const error = request.error;
      reject(new StoreError(`${label}: cannot open the database: ${error?.name}: ${error?.message}`, { cause: error }));
    };
  });
}

/** Checks that `db` is ours and of a format we read; resolves with its records. */
function check(db, name, label) {
  const stores = [...db.objectStoreNames];
  const notOurs = (why) => new StoreError(`${label}: the IndexedDB database "${name}" is not a taskqueue-wasm store (${why}); it was left as it is`);
  if (!stores.includes(META)) {
    return Promise.reject(notOurs(`object stores: ${stores.length === 0 ? 'none' : stores.join(', ')}`));
  }
  return new Promise((resolve, reject) => {
    const scope = stores.includes(RECORDS) ? [META, RECORDS] : [META];
    const tx = db.transaction(scope, 'readonly');
    let marker;
    let records;
    tx.objectStore(META).get(MARKER_KEY).onsuccess = (event) => {
      marker = event.target.result;
    };
    if (scope.length === 2) {
      tx.objectStore(RECORDS).getAll().onsuccess = (event) => {
        records = event.target.result;
      };
    }
    tx.oncomplete = () => {
      if (marker === null || typeof marker !== 'object' || marker.format !== FORMAT || typeof marker.version !== 'number') {
        reject(notOurs('no taskqueue-wasm format marker'));
      } else if (marker.version > FORMAT_VERSION) {
        reject(new StoreError(`${label}: the IndexedDB database "${name}" is in store format version ${marker.version}, newer than version ${FORMAT_VERSION} that this taskqueue-wasm reads; it was left as it is`));
      } else if (stores.length !== 2 || records === undefined) {
        reject(notOurs(`object stores: ${stores.join(', ')}`));
      } else {
        resolve(records);
      }
    };
    tx.onerror = (event) => event.preventDefault();
    tx.onabort = () => reject(new StoreError(`${label}: cannot read the database: ${tx.error?.name}: ${tx.error?.message}`, { cause: tx.error ?? undefined }));
  });
}

/**
 * The indexes of the records that are not live: a record is live when no
 * later record of its key has a state (SPEC §9's compaction rule: per key,
 * its last record with a state and every record after it).
 */
function deadIndexes(records) {
  const dead = new Set();
  const seenState = new Set();
  for (let i = records.length - 1; i >= 0; i -= 1) {
    const record = records[i];
    if (seenState.has(record.key)) dead.add(i);
    else if (record.state !== undefined) seenState.add(record.key);
  }
  return dead;
}

/** Key ranges covering the dead records' primary keys, one per run of them. */
function ranges(keys, dead) {
  const out = [];
  let start = -1;
  for (let i = 0; i <= keys.length; i += 1) {
    if (i < keys.length && dead.has(i)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out.push(IDBKeyRange.bound(keys[start], keys[i - 1]));
      start = -1;
    }
  }
  return out;
}

/**
 * Deletes the records that are not live, reading and deleting in one
 * readwrite transaction (so ordered after every transaction made before
 * it, and before every one made after). Resolves with the records kept,
 * or null when the transaction failed (then nothing was deleted).
 */
function compactIn(db) {
  return new Promise((resolve) => {
    let tx;
    try {
      tx = db.transaction(RECORDS, 'readwrite', { durability: 'strict' });
    } catch {
      resolve(null);
      return;
    }
    const store = tx.objectStore(RECORDS);
    let keys;
    let values;
    let kept = null;
    const both = () => {
      if (keys === undefined || values === undefined) return;
      const dead = deadIndexes(values);
      for (const range of ranges(keys, dead)) store.delete(range);
      kept = values.filter((_, i) => !dead.has(i));
    };
    store.getAllKeys().onsuccess = (event) => {
      keys = event.target.result;
      both();
    };
    store.getAll().onsuccess = (event) => {
      values = event.target.result;
      both();
    };
    tx.oncomplete = () => resolve(kept);
    tx.onerror = (event) => event.preventDefault();
    tx.onabort = () => resolve(null);
  });
}

function describe(value) {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
