// taskqueue-wasm/store/file: a durable store (SPEC §9) in a journal file.
// See docs/store-file.md.
import type { Store, StoreRecord } from '../index.js';

/** Counters of a fileStore since it was opened. */
export interface FileStoreStats {
  /** append() calls taken (encoded). */
  appends: number;
  /** Records in those calls. */
  records: number;
  /** Writes of appended records: one per group commit. */
  writes: number;
  /** fsync and fdatasync calls of every kind (group commits, creating the journal, compactions, directories). */
  fsyncs: number;
  /** Bytes of records appended to the journal. */
  bytes: number;
  /** Times the journal was rewritten with its live records. */
  compactions: number;
}

/** Options of fileStore(). */
export interface FileStoreOptions {
  /**
   * The journal is rewritten with its live records only once it is bigger
   * than this and than twice their bytes. Default 1 MiB (1048576);
   * `Infinity` never compacts.
   */
  compactMinBytes?: number;
}

/** A store in a journal file. */
export type FileStore = Store & {
  /** Every record kept, oldest first; a torn last line is left out. */
  load(): Promise<StoreRecord[]>;
  /** Appends records in order; resolves once they are durable (group commit). All or nothing. */
  append(records: StoreRecord[]): Promise<void>;
  /** Waits for earlier appends, closes the journal and removes its lock. */
  close(): Promise<void>;
  /** Counters, a fresh copy each time. */
  readonly stats: FileStoreStats;
  /** The journal's path, as given. */
  readonly path: string;
};

/**
 * A store in the journal file `path` (created with its header if missing;
 * its directory must exist). Takes the lock `path + '.lock'` at once:
 * throws a StoreError if another fileStore, in this process or in a live
 * process on this host, has the journal open, or if the file is not a
 * journal of this format.
 */
export function fileStore(path: string, options?: FileStoreOptions): FileStore;
