// Types of taskqueue-wasm/store/indexeddb (SPEC §9): a store in the
// browser's IndexedDB. See docs/store-indexeddb.md.
import type { Store } from '../index.js';

/** Options of {@link indexedDbStore}. */
export interface IndexedDbStoreOptions {
  /**
   * No compaction while the database holds this many records or fewer
   * (default 10,000; an integer >= 0, or Infinity for never). Above it,
   * records that are no longer live are deleted once they outnumber the
   * live ones.
   */
  compactMinRecords?: number;
}

/**
 * A store in the IndexedDB database `name` of this origin, created when
 * absent. Returns at once; the first call takes the Web Lock
 * {@link indexedDbLockName}(name) and opens the database, and rejects with
 * a `StoreError` when the store is in use by another page, the database
 * is not a taskqueue-wasm store or of a newer format, or IndexedDB is
 * missing or refuses. `append()` commits one transaction per call, with
 * durability 'strict', in call order; `close()` waits for the appends
 * under way, then closes the database and releases the lock.
 *
 * @throws TypeError when `name` is not a non-empty string or an option is unknown or not a number
 * @throws RangeError when `compactMinRecords` is negative or not an integer
 */
export function indexedDbStore(name: string, options?: IndexedDbStoreOptions): Store & { readonly name: string };

/** The name of the Web Lock a store of database `name` holds from its first call to `close()`. */
export function indexedDbLockName(name: string): string;
