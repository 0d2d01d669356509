// fileStore(): the durable store of SPEC §9 in one append-only file, a
// journal (docs/store-file.md). A header line, then one record per line
// as JSON. Appends that overlap are written together (group commit: one
// write, one fdatasync); a torn last line, what a crash mid-write leaves,
// is ignored and cut away before the next append; the journal is
// rewritten with its live records only when it has grown to twice their
// size; `path + '.lock'` keeps a second store, in this process or
// another, from opening the same journal.
//
// Imports only node: modules and ../errors.mjs (no wasm): it can be
// loaded on its own.

import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { promisify } from 'node:util';
import { StoreError } from '../errors.mjs';

const VERSION = 1;
const HEADER = `{"taskqueue-wasm":"journal","version":${VERSION}}\n`;
const HEADER_BYTES = Buffer.from(HEADER);
const DEFAULT_COMPACT_MIN_BYTES = 2 ** 20;
const OPTIONS = new Set(['compactMinBytes']);

const write = promisify(fs.write);
const fdatasync = promisify(fs.fdatasync);
const fsync = promisify(fs.fsync);
const ftruncate = promisify(fs.ftruncate);
const fstat = promisify(fs.fstat);
const read = promisify(fs.read);
const open = promisify(fs.open);
const close = promisify(fs.close);
const rename = promisify(fs.rename);
const unlink = promisify(fs.unlink);

// The journals open in this process (absolute paths), shared by every
// copy of the package loaded in it, like the error classes.
const OPEN_KEY = Symbol.for('taskqueue-wasm.fileStore.open.v1');
globalThis[OPEN_KEY] ??= new Set();
const openJournals = globalThis[OPEN_KEY];

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A store (SPEC §9) in the journal file `path`, created with its header
 * if missing (its directory must exist). Takes the lock `path + '.lock'`
 * at once: throws a StoreError if another fileStore, in this process or
 * a live one on this host, has the journal open; a lock left by a process
 * that is gone is taken over.
 *
 * @param {string} path the journal file
 * @param {{ compactMinBytes?: number }} [options] `compactMinBytes`: the
 *   journal is rewritten with its live records only once it is bigger
 *   than this (default 1 MiB) and than twice their bytes
 * @returns {import('./file.d.ts').FileStore}
 */
export function fileStore(path, options) {
  if (typeof path !== 'string' || path === '') {
    throw new TypeError('fileStore: path must be a non-empty string');
  }
  const compactMinBytes = readOptions(options);
  const absolute = nodePath.resolve(path);
  if (openJournals.has(absolute)) {
    throw new StoreError(`journal ${path} is already open in this process (close() the other fileStore first)`, { path });
  }
  const lockPath = `${path}.lock`;
  const stats = { appends: 0, records: 0, writes: 0, fsyncs: 0, bytes: 0, compactions: 0 };

  takeLock(path, lockPath, absolute);
  openJournals.add(absolute);
  let fd;
  try {
    fd = openJournal(path, stats);
    // A rewrite that a crash interrupted: the journal itself is whole.
    fs.rmSync(`${path}.compact`, { force: true });
  } catch (error) {
    if (fd !== undefined) fs.closeSync(fd);
    releaseLock(lockPath, absolute);
    throw error;
  }

  // What is known of the file once scanned: `size` is where the records
  // end (what follows is a torn tail, or a write that failed), `fileEnd`
  // the file's length if known (-1: unknown, truncate before writing).
  let scanned = false;
  let size = 0;
  let fileEnd = -1;
  // Bytes of the live records, for each key and in all.
  let live = new Map();
  let liveBytes = 0;
  // No compaction before the journal reaches this (raised after a
  // compaction failed, so that a full disk is not retried every commit).
  let compactFloor = 0;

  // Every operation on the file runs in turn on this chain. Appends join
  // `batch` until its flush starts; appends made while it runs form the
  // next batch.
  let chain = Promise.resolve();
  let batch = null;
  let closed = false;
  let closing = null;

  const schedule = (work) => {
    const run = chain.then(work);
    chain = run.catch(() => {});
    return run;
  };
  const after = (what) => {
    if (closed) return Promise.reject(new StoreError(`fileStore: ${what} after close() of journal ${path}`, { path }));
    return null;
  };

  const scan = async () => {
    const { size: length } = await fstat(fd);
    const buffer = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await read(fd, buffer, got, length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    const parsed = parseJournal(buffer.subarray(0, got), path);
    scanned = true;
    size = parsed.end;
    fileEnd = got;
    live = new Map();
    liveBytes = 0;
    for (const entry of parsed.entries) count(entry.record.key, entry.record.state !== undefined, entry.end - entry.start);
    return { buffer, entries: parsed.entries };
  };

  // A record of `key` is kept: from a key's last record with a state on,
  // its records are live.
  const count = (key, hasState, bytes) => {
    const before = live.get(key) ?? 0;
    const now = hasState ? bytes : before + bytes;
    live.set(key, now);
    liveBytes += now - before;
  };

  const wantsCompaction = () => size > compactMinBytes && size > 2 * (HEADER_BYTES.length + liveBytes) && size > compactFloor;

  const compact = async ({ buffer, entries }) => {
    const keep = liveEntries(entries);
    const tmp = `${path}.compact`;
    let tmpFd;
    try {
      tmpFd = await open(tmp, 'w+');
      const parts = [HEADER_BYTES, ...keep.map((e) => buffer.subarray(e.start, e.end))];
      const data = Buffer.concat(parts);
      await writeAll(tmpFd, data, 0);
      await fsync(tmpFd);
      stats.fsyncs++;
      await rename(tmp, path);
      await syncDirectory(path, stats);
      const old = fd;
      fd = tmpFd;
      tmpFd = undefined;
      await close(old).catch(() => {});
      size = data.length;
      fileEnd = data.length;
      stats.compactions++;
      compactFloor = 0;
      return keep;
    } catch {
      // The journal is untouched (the rename is the only change to it).
      if (tmpFd !== undefined) await close(tmpFd).catch(() => {});
      await unlink(tmp).catch(() => {});
      compactFloor = size * 2;
      return null;
    }
  };

  const flush = async (b) => {
    if (batch === b) batch = null;
    try {
      if (!scanned) await scan();
      if (fileEnd !== size) {
        await ftruncate(fd, size);
        fileEnd = size;
      }
      const data = Buffer.from(b.text.join(''));
      fileEnd = -1;
      await writeAll(fd, data, size);
      stats.writes++;
      await fdatasync(fd);
      stats.fsyncs++;
      size += data.length;
      fileEnd = size;
      stats.bytes += data.length;
      // meta: key, then the line's length (negative: the record has a state).
      for (let i = 0; i < b.meta.length; i += 2) count(b.meta[i], b.meta[i + 1] < 0, Math.abs(b.meta[i + 1]));
    } catch (error) {
      const failure = error instanceof StoreError ? error : new StoreError(`fileStore: cannot append to journal ${path}: ${error.message}`, { path, cause: error });
      for (const w of b.waiters) w.reject(failure);
      return;
    }
    for (const w of b.waiters) w.resolve();
    // Compaction failing leaves the journal as it was: nothing to report.
    if (wantsCompaction()) await scan().then(compact, () => {});
  };

  const store = {
    /**
     * Every record of the journal, oldest first (a torn last line left
     * out). Rewrites the journal first if it is due for compaction: then
     * these are its live records.
     * @returns {Promise<object[]>}
     */
    load() {
      const refused = after('load()');
      if (refused) return refused;
      batch = null;
      return schedule(async () => {
        let scanResult;
        try {
          scanResult = await scan();
        } catch (error) {
          if (error instanceof StoreError) throw error;
          throw new StoreError(`fileStore: cannot read journal ${path}: ${error.message}`, { path, cause: error });
        }
        if (wantsCompaction()) {
          const kept = await compact(scanResult);
          if (kept) return kept.map((e) => e.record);
        }
        return scanResult.entries.map((e) => e.record);
      });
    },

    /**
     * Appends records in order; resolves once they are durable (after
     * the fdatasync that covers them). All or nothing.
     * @param {object[]} records
     * @returns {Promise<void>}
     */
    append(records) {
      const refused = after('append()');
      if (refused) return refused;
      if (!Array.isArray(records)) return Promise.reject(new TypeError('fileStore: append() takes an array of records'));
      let text = '';
      const meta = [];
      for (let i = 0; i < records.length; i++) {
        const record = records[i];
        let line;
        try {
          if (record === null || typeof record !== 'object' || Array.isArray(record)) throw new Error('not an object');
          if (typeof record.key !== 'string') throw new Error('its key is not a string');
          line = JSON.stringify(record);
          if (typeof line !== 'string' || line[0] !== '{') throw new Error('it does not encode to a JSON object');
        } catch (cause) {
          const key = typeof record?.key === 'string' ? record.key : undefined;
          return Promise.reject(new StoreError(`fileStore: record ${i} cannot be encoded: ${cause.message}`, { path, key, cause }));
        }
        text += line + '\n';
        // Its length in UTF-16 units, not bytes: the live count only
        // decides when to compact, and is exact for ASCII.
        meta.push(record.key, record.state !== undefined ? -(line.length + 1) : line.length + 1);
      }
      stats.appends++;
      stats.records += records.length;
      if (records.length === 0) return schedule(() => {});
      if (!batch) {
        const b = { text: [], meta: [], waiters: [] };
        batch = b;
        schedule(() => flush(b));
      }
      batch.text.push(text);
      for (let i = 0; i < meta.length; i++) batch.meta.push(meta[i]);
      return new Promise((resolve, reject) => batch.waiters.push({ resolve, reject }));
    },

    /**
     * Waits for the appends made before it, closes the journal and
     * removes the lock. Later calls reject; a second close() is fine.
     * @returns {Promise<void>}
     */
    close() {
      if (closing) return closing;
      closed = true;
      batch = null;
      closing = schedule(async () => {
        try {
          await close(fd);
        } finally {
          releaseLock(lockPath, absolute);
        }
      });
      return closing;
    },

    /** Counters: append() calls and records taken, writes, fsyncs (all kinds), bytes appended, compactions. */
    get stats() {
      return { ...stats };
    },

    /** The journal's path, as given. */
    get path() {
      return path;
    },
  };
  return store;
}

function readOptions(options) {
  if (options === undefined) return DEFAULT_COMPACT_MIN_BYTES;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError('fileStore: options must be an object');
  }
  for (const name of Object.keys(options)) {
    if (!OPTIONS.has(name)) throw new TypeError(`fileStore: unknown option ${JSON.stringify(name)} (known: compactMinBytes)`);
  }
  const value = options.compactMinBytes;
  if (value === undefined) return DEFAULT_COMPACT_MIN_BYTES;
  if (typeof value !== 'number') throw new TypeError('fileStore: option compactMinBytes must be a number');
  if (Number.isNaN(value) || value < 0) throw new RangeError(`fileStore: option compactMinBytes must be a non-negative number, got ${value}`);
  return value;
}

/** Opens the journal, creating it or repairing a torn header; checks the header. */
function openJournal(path, stats) {
  let fd;
  let created = false;
  try {
    fd = fs.openSync(path, 'r+');
  } catch (error) {
    if (error.code !== 'ENOENT') throw cannotOpen(path, error);
    try {
      fd = fs.openSync(path, 'wx+');
      created = true;
    } catch (error2) {
      throw cannotOpen(path, error2);
    }
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new StoreError(`journal ${path} is not a file`, { path });
    const head = Buffer.alloc(Math.min(st.size, 4096));
    const got = head.length ? fs.readSync(fd, head, 0, head.length, 0) : 0;
    const first = head.subarray(0, got);
    const newline = first.indexOf(10);
    if (got === st.size && newline === -1 && HEADER_BYTES.subarray(0, got).equals(first)) {
      // Empty, or a header cut short by a crash as the journal was made:
      // no record can follow, so (re)write the header.
      if (got > 0) fs.ftruncateSync(fd, 0);
      fs.writeSync(fd, HEADER_BYTES, 0, HEADER_BYTES.length, 0);
      fs.fsyncSync(fd);
      stats.fsyncs++;
      if (created) stats.fsyncs += syncDirectorySync(path);
      return fd;
    }
    checkHeader(path, newline === -1 ? null : first.subarray(0, newline));
    return fd;
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
}

function cannotOpen(path, error) {
  if (error instanceof StoreError) return error;
  const dir = nodePath.dirname(path);
  if (error.code === 'ENOENT') return new StoreError(`fileStore: cannot create journal ${path}: directory ${dir} does not exist`, { path, cause: error });
  return new StoreError(`fileStore: cannot open journal ${path}: ${error.message}`, { path, cause: error });
}

function checkHeader(path, line) {
  let header;
  try {
    header = line === null ? null : JSON.parse(utf8.decode(line));
  } catch {
    header = null;
  }
  const version = header?.['taskqueue-wasm'] === 'journal' ? header.version : undefined;
  if (!Number.isInteger(version) || version < 1) {
    throw new StoreError(`${path} is not a taskqueue-wasm journal (its first line is not the journal header)`, { path });
  }
  if (version > VERSION) {
    throw new StoreError(`journal ${path} has format version ${version}, newer than version ${VERSION} that this taskqueue-wasm reads (upgrade taskqueue-wasm)`, { path });
  }
}

/** A parsed line is a record if it is an object with a string key. */
function asRecord(bytes) {
  try {
    const value = JSON.parse(utf8.decode(bytes));
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof value.key === 'string') return value;
  } catch {
    // not a record
  }
  return undefined;
}

/**
 * The records of a journal's bytes and where they end. Lines that are
 * not records after the last record, and an unterminated last line, are
 * a torn tail; a line that is not a record followed by one is corruption.
 */
function parseJournal(buffer, path) {
  const headerEnd = buffer.indexOf(10) + 1;
  if (headerEnd === 0) throw new StoreError(`${path} is not a taskqueue-wasm journal (no header line)`, { path });
  checkHeader(path, buffer.subarray(0, headerEnd - 1));
  const entries = [];
  let end = headerEnd;
  let firstBad = 0;
  let lineNo = 1;
  let pos = headerEnd;
  while (pos < buffer.length) {
    const newline = buffer.indexOf(10, pos);
    if (newline === -1) break;
    lineNo++;
    const record = asRecord(buffer.subarray(pos, newline));
    if (record === undefined) {
      if (!firstBad) firstBad = lineNo;
    } else {
      if (firstBad) {
        throw new StoreError(`journal ${path} is corrupt at line ${firstBad}: it is not a record, and records follow it (the file was changed by something else than a fileStore; nothing was changed)`, { path });
      }
      entries.push({ record, start: pos, end: newline + 1 });
      end = newline + 1;
    }
    pos = newline + 1;
  }
  return { entries, end };
}

/** For each key its last record with a state and its later records (all of a key without one), in order. */
function liveEntries(entries) {
  const lastState = new Map();
  entries.forEach((e, i) => {
    if (e.record.state !== undefined) lastState.set(e.record.key, i);
  });
  return entries.filter((e, i) => i >= (lastState.get(e.record.key) ?? -1));
}

async function writeAll(fd, data, position) {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await write(fd, data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

// fsync of a directory makes a file's creation or rename durable; some
// platforms cannot open or sync a directory: then there is nothing to do.
async function syncDirectory(path, stats) {
  let dirFd;
  try {
    dirFd = await open(nodePath.dirname(path), 'r');
    await fsync(dirFd);
    stats.fsyncs++;
  } catch {
    // not supported here
  } finally {
    if (dirFd !== undefined) await close(dirFd).catch(() => {});
  }
}

function syncDirectorySync(path) {
  let dirFd;
  try {
    dirFd = fs.openSync(nodePath.dirname(path), 'r');
    fs.fsyncSync(dirFd);
    return 1;
  } catch {
    return 0;
  } finally {
    if (dirFd !== undefined) fs.closeSync(dirFd);
  }
}

// The lock: `path.lock` holds {"pid","host"} of its owner.

function takeLock(path, lockPath, absolute) {
  const content = JSON.stringify({ pid: process.pid, host: os.hostname() }) + '\n';
  for (let tries = 0; ; tries++) {
    let fd;
    try {
      fd = fs.openSync(lockPath, 'wx');
    } catch (error) {
      if (error.code !== 'EEXIST') throw cannotOpen(path, error);
      if (tries >= 5) throw new StoreError(`journal ${path} is locked: ${lockPath} keeps coming back`, { path });
      const owner = readLock(lockPath);
      if (owner === 'gone') continue;
      if (!isStale(owner, absolute)) {
        const who = owner ? `process ${owner.pid} on host ${owner.host}` : `an unknown process (${lockPath} cannot be read: remove it if no process uses the journal)`;
        throw new StoreError(`journal ${path} is locked by ${who} (another fileStore has it open)`, { path });
      }
      // Stale: its owner is gone. Remove it if it is still the one judged.
      const again = readLock(lockPath);
      if (again !== 'gone' && again && again.pid === owner.pid && again.host === owner.host) {
        try {
          fs.unlinkSync(lockPath);
        } catch {
          // another process took it over first: try again
        }
      }
      continue;
    }
    try {
      fs.writeSync(fd, content);
    } finally {
      fs.closeSync(fd);
    }
    return;
  }
}

/** The owner in a lock file: an object, null if unreadable, 'gone' if the file is no more. */
function readLock(lockPath) {
  for (let tries = 0; tries < 5; tries++) {
    let text;
    try {
      text = fs.readFileSync(lockPath, 'utf8');
    } catch (error) {
      if (error.code === 'ENOENT') return 'gone';
      return null;
    }
    try {
      const owner = JSON.parse(text);
      if (Number.isInteger(owner?.pid) && typeof owner.host === 'string') return owner;
    } catch {
      // being written right now, or left empty by a crash
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
  return null;
}

function isStale(owner, absolute) {
  if (!owner || owner.host !== os.hostname()) return false;
  // Our own pid in a lock of a journal not open here: a previous process
  // that had the same pid (pids are reused, in containers often at once).
  if (owner.pid === process.pid) return !openJournals.has(absolute);
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return error.code === 'ESRCH';
  }
}

function releaseLock(lockPath, absolute) {
  openJournals.delete(absolute);
  try {
    fs.unlinkSync(lockPath);
  } catch {
    // already gone
  }
}
