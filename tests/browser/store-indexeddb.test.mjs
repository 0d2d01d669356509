// taskqueue-wasm/store/indexeddb (SPEC §9) in headless Chromium: the
// store's rules tried on the real IndexedDB and Web Locks of a page
// (tests/browser/pages/store-indexeddb.html). Each test gets a browser
// context of its own, so its own storage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servedChromium } from './harness.mjs';

const PAGE = '/tests/browser/pages/store-indexeddb.html';
// A store call that never settles fails its test instead of hanging the file.
const LIMIT = { timeout: 15_000 };
const chromium = servedChromium();

/** A new context (fresh storage) and a page of it on the test page; page errors fail the test. */
async function openPage(context) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // A 404 is told by the response handler below, with its address.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console error: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(chromium.server.url + PAGE);
  await page.waitForFunction(() => window.t !== undefined);
  page.problems = problems;
  return page;
}

async function withContext(fn) {
  const context = await chromium.browser.newContext();
  try {
    await fn(context);
  } finally {
    await context.close();
  }
}

test('indexedDbStore() returns at once, checks its arguments, and an open that fails rejects the call with a StoreError', LIMIT, async () => {
  await withContext(async (context) => {
    const page = await openPage(context);
    const checks = await page.evaluate(() => {
      const { indexedDbStore, caught } = window.t;
      const thrown = (f) => {
        try {
          f();
          return null;
        } catch (error) {
          return { name: error.name, message: error.message };
        }
      };
      const store = indexedDbStore('quick');
      return {
        name: store.name,
        methods: ['load', 'append', 'close'].map((m) => typeof store[m]),
        noName: thrown(() => indexedDbStore('')),
        notString: thrown(() => indexedDbStore(42)),
        badOptions: thrown(() => indexedDbStore('x', 'fast')),
        unknownOption: thrown(() => indexedDbStore('x', { compactMinRecord: 5 })),
        notNumber: thrown(() => indexedDbStore('x', { compactMinRecords: '5' })),
        negative: thrown(() => indexedDbStore('x', { compactMinRecords: -1 })),
        fraction: thrown(() => indexedDbStore('x', { compactMinRecords: 0.5 })),
        // Nothing opened yet: returning the store touched no database.
        caught: typeof caught,
      };
    });
    assert.equal(checks.name, 'quick');
    assert.deepEqual(checks.methods, ['function', 'function', 'function']);
    assert.equal(checks.noName.name, 'TypeError');
    assert.match(checks.noName.message, /name/);
    assert.equal(checks.notString.name, 'TypeError');
    assert.equal(checks.badOptions.name, 'TypeError');
    assert.match(checks.badOptions.message, /options/);
    assert.equal(checks.unknownOption.name, 'TypeError');
    assert.match(checks.unknownOption.message, /compactMinRecord"/);
    assert.equal(checks.notNumber.name, 'TypeError');
    assert.match(checks.notNumber.message, /compactMinRecords/);
    assert.equal(checks.negative.name, 'RangeError');
    assert.match(checks.negative.message, /compactMinRecords/);
    assert.equal(checks.fraction.name, 'RangeError');
    assert.deepEqual(await page.evaluate(() => window.t.databases()), [], 'creating the store opened nothing');

    // An opaque origin (a sandboxed frame) may not use IndexedDB nor Web
    // Locks: the first call rejects with a StoreError caused by the
    // browser's DOMException. A module script fetched from an opaque origin
    // needs CORS, which the test server does not send, so the frame gets the
    // two modules' text and imports them from blob: URLs of its own (the
    // store's import of '../errors.mjs' pointed at the errors' blob).
    const failed = await page.evaluate(async () => {
      const text = async (path) => (await fetch(path)).text();
      const sources = JSON.stringify({ store: await text('/js/store/indexeddb.mjs'), errors: await text('/js/errors.mjs') });
      const frame = document.createElement('iframe');
      frame.sandbox = 'allow-scripts';
      frame.srcdoc = `<script type="module">
        try {
          const sources = ${sources.replace(/</g, '\\u003c')};
          const blob = (source) => URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
          const errorsUrl = blob(sources.errors);
          const storeUrl = blob(sources.store.replace("'../errors.mjs'", JSON.stringify(errorsUrl)));
          const { indexedDbStore } = await import(storeUrl);
          const { StoreError } = await import(errorsUrl);
          const out = [];
          const attempt = async (call) => {
            try { await call(); out.push({ ok: true }); }
            catch (e) { out.push({ name: e.name, isStoreError: e instanceof StoreError, message: e.message, cause: e.cause?.name, dom: e.cause instanceof DOMException }); }
          };
          const store = indexedDbStore('sandboxed');
          await attempt(() => store.load());
          await attempt(() => store.append([{ key: 'a', when: 1 }]));
          // Without Web Locks the store goes on without a lock, and
          // indexedDB.open() itself is refused.
          Object.defineProperty(navigator, 'locks', { value: undefined, configurable: true });
          await attempt(() => indexedDbStore('sandboxed').load());
          parent.postMessage(out, '*');
        } catch (e) {
          parent.postMessage([{ frameError: String(e) }], '*');
        }
      <\/script>`;
      const answer = new Promise((resolve) => window.addEventListener('message', (e) => resolve(e.data), { once: true }));
      document.body.append(frame);
      return answer;
    });
    assert.equal(failed.length, 3, JSON.stringify(failed));
    assert.match(failed[0].message, /cannot take the Web Lock/);
    assert.match(failed[2].message, /cannot open the database/);
    for (const result of failed) {
      assert.equal(result.isStoreError, true, JSON.stringify(result));
      assert.equal(result.dom, true, 'the cause is the DOMException');
      assert.equal(result.cause, 'SecurityError');
      assert.match(result.message, /"sandboxed"/, 'the message names the database');
    }
    assert.deepEqual(page.problems, []);
  });
});

test('load() gives the records back in append order, across overlapping appends before and after the database opened', LIMIT, async () => {
  await withContext(async (context) => {
    const page = await openPage(context);
    const out = await page.evaluate(async () => {
      const durabilities = [];
      const transaction = IDBDatabase.prototype.transaction;
      IDBDatabase.prototype.transaction = function (...args) {
        const tx = transaction.apply(this, args);
        if (tx.mode === 'readwrite') durabilities.push(tx.durability);
        return tx;
      };
      const store = window.t.indexedDbStore('order');
      const appends = [];
      const finished = [];
      let n = 0;
      const batch = (size) => Array.from({ length: size }, () => {
        n += 1;
        return { key: `task-${n % 7}`, when: n, ...(n % 3 === 0 ? { state: 'DONE', event: 'done', result: { n } } : {}) };
      });
      // Thirty calls before the database is open (they wait for it) ...
      for (let i = 0; i < 30; i += 1) {
        const p = store.append(batch(1 + (i % 5)));
        p.then(() => finished.push(i));
        appends.push(p);
      }
      const first = await store.load();
      // ... then sixty overlapping calls on the open database, a load among them.
      const middle = [];
      for (let i = 30; i < 90; i += 1) {
        const p = store.append(batch(1 + (i % 4)));
        p.then(() => finished.push(i));
        appends.push(p);
        if (i === 60) middle.push(store.load());
      }
      await Promise.all(appends);
      const all = await store.load();
      await store.close();
      return { n, first: first.map((r) => r.when), middle: (await middle[0]).map((r) => r.when), all, finished, durabilities };
    });
    const whens = (count) => Array.from({ length: count }, (_, i) => i + 1);
    assert.deepEqual(out.all.map((r) => r.when), whens(out.n), 'every record, in the order of the calls');
    assert.deepEqual(out.first, out.first.length === 0 ? [] : whens(out.first.length), 'a load after queued appends sees them all');
    assert.equal(out.first.length, 90, "thirty appends of 1 to 5 records");
    assert.deepEqual(out.middle, whens(out.middle.length), 'a load among appends sees a prefix');
    assert.ok(out.middle.length > out.first.length && out.middle.length < out.n);
    assert.deepEqual(out.finished, Array.from({ length: 90 }, (_, i) => i), 'appends resolve in call order');
    assert.deepEqual(out.all[2], { key: 'task-3', when: 3, state: 'DONE', event: 'done', result: { n: 3 } }, 'records come back as stored');
    assert.ok(out.durabilities.length >= 90);
    assert.ok(out.durabilities.every((d) => d === 'strict'), `durability: ${[...new Set(out.durabilities)]}`);
    assert.deepEqual(page.problems, []);
  });
});

test('records survive a page reload and are read by a new page of the same context', LIMIT, async () => {
  await withContext(async (context) => {
    const page = await openPage(context);
    await page.evaluate(async () => {
      const store = window.t.indexedDbStore('durable');
      await store.load();
      await store.append([{ key: 'fetch', when: 1, state: 'RUNNING', event: 'dispatch' }]);
      await store.append([{ key: 'fetch', when: 2, state: 'DONE', event: 'done', result: { rows: 3 } }, { key: 'parse', when: 3, state: 'RUNNING', event: 'dispatch' }]);
      // Not closed: the reload is the page going away mid-run.
    });
    await page.reload();
    await page.waitForFunction(() => window.t !== undefined);
    const afterReload = await page.evaluate(async () => {
      const store = window.t.indexedDbStore('durable');
      const records = await store.load();
      await store.append([{ key: 'parse', when: 4, state: 'FAILED', event: 'error', error: { name: 'Error', message: 'bad row' } }]);
      await store.close();
      return records;
    });
    assert.deepEqual(afterReload.map((r) => [r.key, r.when, r.state]), [['fetch', 1, 'RUNNING'], ['fetch', 2, 'DONE'], ['parse', 3, 'RUNNING']]);
    assert.deepEqual(afterReload[1].result, { rows: 3 });

    await page.close();
    const second = await openPage(context);
    const onNewPage = await second.evaluate(async () => {
      const store = window.t.indexedDbStore('durable');
      const records = await store.load();
      await store.close();
      return records;
    });
    assert.deepEqual(onNewPage.map((r) => r.when), [1, 2, 3, 4]);
    assert.deepEqual(onNewPage[3].error, { name: 'Error', message: 'bad row' });
    assert.deepEqual(second.problems, []);
  });
});

test('an append with a record that cannot be stored rejects with a StoreError and keeps none of its records', LIMIT, async () => {
  await withContext(async (context) => {
    const page = await openPage(context);
    const out = await page.evaluate(async () => {
      const { indexedDbStore, settle } = window.t;
      const store = indexedDbStore('atomic');
      // Before the database is open (the call is queued) ...
      const early = settle(store.append([{ key: 'a', when: 1, state: 'DONE' }, { key: 'b', when: 2, result: () => 1 }]));
      const good = store.append([{ key: 'c', when: 3, state: 'RUNNING' }]);
      const results = [await early];
      await good;
      // ... and on the open database, overlapping good appends.
      const before = store.append([{ key: 'd', when: 4 }]);
      const bad = settle(store.append([{ key: 'e', when: 5 }, { key: 'f', when: 6, result: Symbol('s') }, { key: 'g', when: 7 }]));
      const afterBad = store.append([{ key: 'h', when: 8 }]);
      await before;
      results.push(await bad);
      await afterBad;
      const notArray = await settle(store.append({ key: 'x', when: 9 }));
      const noKey = await settle(store.append([{ when: 10 }]));
      const records = await store.load();
      await store.close();
      return { results, notArray, noKey, records };
    });
    for (const [i, result] of out.results.entries()) {
      assert.equal(result.ok, false);
      assert.equal(result.error.isStoreError, true, `result ${i}`);
      assert.equal(result.error.cause.name, 'DataCloneError');
      assert.match(result.error.message, /"atomic"/);
    }
    assert.equal(out.results[0].error.key, 'b');
    assert.equal(out.results[1].error.key, 'f');
    assert.equal(out.notArray.error.name, 'TypeError');
    assert.equal(out.noKey.error.isStoreError, true);
    assert.deepEqual(out.records.map((r) => r.key), ['c', 'd', 'h'], 'nothing of the failed appends, everything of the others');
    assert.deepEqual(page.problems, []);
  });
});

test('a database that is not a taskqueue-wasm store is refused and left as it is', LIMIT, async () => {
  await withContext(async (context) => {
    const page = await openPage(context);
    const out = await page.evaluate(async () => {
      const { create, dump, indexedDbStore, settle } = window.t;
      await create('someone-else', 3, { things: [['k', { v: 1 }]] });
      await create('look-alike', 1, { meta: [['format', { format: 'other', version: 1 }]], records: [[1, { key: 'a', when: 1 }]] });
      await create('empty', 1, {});
      await create('extra', 1, { meta: [['format', { format: 'taskqueue-wasm', version: 1 }]], records: [], cache: [] });
      const out = {};
      for (const name of ['someone-else', 'look-alike', 'empty', 'extra']) {
        const before = await dump(name);
        const store = indexedDbStore(name);
        const load = await settle(store.load());
        const append = await settle(store.append([{ key: 'x', when: 1 }]));
        await store.close();
        out[name] = { load, append, before, after: await dump(name) };
      }
      return out;
    });
    for (const [name, { load, append, before, after }] of Object.entries(out)) {
      for (const result of [load, append]) {
        assert.equal(result.ok, false, name);
        assert.equal(result.error.isStoreError, true, name);
        assert.match(result.error.message, new RegExp(`"${name}" is not a taskqueue-wasm store`));
      }
      assert.deepEqual(after, before, `${name} unchanged`);
    }
    assert.match(out['someone-else'].load.error.message, /object stores: things/);
    assert.match(out['look-alike'].load.error.message, /marker/);
    assert.match(out.extra.load.error.message, /cache/);
    assert.deepEqual(page.problems, []);
  });
});

test('a store of a newer format version is refused, naming both versions, and left as it is', LIMIT, async () => {
  await withContext(async (context) => {
    const page = await openPage(context);
    const out = await page.evaluate(async () => {
      const { create, dump, indexedDbStore, settle } = window.t;
      await create('future', 5, {
        meta: [['format', { format: 'taskqueue-wasm', version: 2 }]],
        records: [[1, { key: 'a', when: 1, state: 'DONE', shiny: true }]],
        journal: [],
      });
      const before = await dump('future');
      const store = indexedDbStore('future');
      const load = await settle(store.load());
      await store.close();
      return { load, before, after: await dump('future') };
    });
    assert.equal(out.load.ok, false);
    assert.equal(out.load.error.isStoreError, true);
    assert.match(out.load.error.message, /"future"/);
    assert.match(out.load.error.message, /version 2\b.*version 1\b/);
    assert.deepEqual(out.after, out.before);
    assert.deepEqual(page.problems, []);
  });
});

test('compaction deletes the records that are no longer live, after appends and at load, and the live view stays the same', LIMIT, async () => {
  await withContext(async (context) => {
    const page = await openPage(context);
    const out = await page.evaluate(async () => {
      const { indexedDbStore, dump } = window.t;
      // Many records over few keys: a state every fourth record, an attempt between.
      let n = 0;
      const batch = (size) => Array.from({ length: size }, () => {
        n += 1;
        const key = `k${n % 5}`;
        return n % 4 === 0
          ? { key, when: n, state: n % 8 === 0 ? 'DONE' : 'RUNNING', event: 'done' }
          : { key, when: n, attempt: { number: n, outcome: 'failed', start: n, end: n } };
      });
      const liveView = (records) => {
        const out = [];
        const stated = new Set();
        for (let i = records.length - 1; i >= 0; i -= 1) {
          if (stated.has(records[i].key)) continue;
          out.unshift(records[i]);
          if (records[i].state !== undefined) stated.add(records[i].key);
        }
        return out;
      };
      const countOf = async (name) => (await dump(name)).contents.records.length;

      // After appends, with a low threshold.
      const all = [];
      const store = indexedDbStore('compact', { compactMinRecords: 100 });
      await store.load();
      const appends = [];
      for (let i = 0; i < 60; i += 1) {
        const records = batch(10);
        all.push(...records);
        appends.push(store.append(records));
      }
      await Promise.all(appends);
      const loaded = await store.load();
      await store.close();
      const afterAppends = { appended: all.length, kept: await countOf('compact'), loaded, expected: liveView(all) };

      // At load: written with compaction off, opened again with it on.
      const off = indexedDbStore('compact-at-load', { compactMinRecords: Infinity });
      const all2 = [];
      for (let i = 0; i < 30; i += 1) {
        const records = batch(20);
        all2.push(...records);
        off.append(records);
      }
      await off.close();
      const keptOff = await countOf('compact-at-load');
      const on = indexedDbStore('compact-at-load', { compactMinRecords: 100 });
      const loaded2 = await on.load();
      await on.close();
      const again = indexedDbStore('compact-at-load');
      const loaded3 = await again.load();
      await again.close();
      // Below the threshold nothing is deleted, however dead.
      const high = indexedDbStore('below-threshold');
      const all3 = batch(300);
      await high.append(all3);
      await high.close();
      const atLoad = { appended: all2.length, keptOff, kept: await countOf('compact-at-load'), loaded: loaded2, loaded3, expected: liveView(all2), below: await countOf('below-threshold') };
      return { afterAppends, atLoad };
    });
    const { afterAppends, atLoad } = out;
    assert.equal(afterAppends.appended, 600);
    assert.ok(afterAppends.kept < 200, `kept ${afterAppends.kept} of 600`);
    assert.equal(afterAppends.loaded.length, afterAppends.kept);
    assert.deepEqual(liveOf(afterAppends.loaded), afterAppends.expected, 'the live view is unchanged');
    assert.ok(afterAppends.loaded.length >= afterAppends.expected.length);

    assert.equal(atLoad.keptOff, 600, 'Infinity: no compaction');
    assert.deepEqual(atLoad.loaded, atLoad.expected, 'a compacting load returns exactly the live records');
    assert.equal(atLoad.kept, atLoad.expected.length);
    assert.deepEqual(atLoad.loaded3, atLoad.expected);
    assert.equal(atLoad.below, 300);
    assert.deepEqual(page.problems, []);
  });
});

/** The live view of records: per key, its last record with a state and the ones after it. */
function liveOf(records) {
  const out = [];
  const stated = new Set();
  for (let i = records.length - 1; i >= 0; i -= 1) {
    if (stated.has(records[i].key)) continue;
    out.unshift(records[i]);
    if (records[i].state !== undefined) stated.add(records[i].key);
  }
  return out;
}

test('a store in use by one page is refused to another page of the context until close()', LIMIT, async () => {
  await withContext(async (context) => {
    const first = await openPage(context);
    const second = await openPage(context);
    await first.evaluate(async () => {
      window.store = window.t.indexedDbStore('shared');
      await window.store.append([{ key: 'a', when: 1, state: 'DONE' }]);
    });
    const refused = await second.evaluate(async () => {
      const { indexedDbStore, indexedDbLockName, settle } = window.t;
      window.store = indexedDbStore('shared');
      const load = await settle(window.store.load());
      const held = (await navigator.locks.query()).held.map((l) => l.name);
      return { load, held, lockName: indexedDbLockName('shared') };
    });
    assert.equal(refused.load.ok, false);
    assert.equal(refused.load.error.isStoreError, true);
    assert.match(refused.load.error.message, /"shared" is in use by another page/);
    assert.deepEqual(refused.held, [refused.lockName]);
    assert.equal(refused.lockName, 'taskqueue-wasm:indexeddb:shared');

    await first.evaluate(() => window.store.close());
    const afterClose = await second.evaluate(async () => {
      // The same store object tries again on its next call.
      const records = await window.store.load();
      await window.store.close();
      return records;
    });
    assert.deepEqual(afterClose, [{ key: 'a', when: 1, state: 'DONE' }]);
    assert.deepEqual([...first.problems, ...second.problems], []);
  });
});

test('close() waits for the appends under way; calls after it reject with a StoreError; close() twice is fine', LIMIT, async () => {
  await withContext(async (context) => {
    const page = await openPage(context);
    const out = await page.evaluate(async () => {
      const { indexedDbStore, settle } = window.t;
      const store = indexedDbStore('closing');
      const appends = [];
      for (let i = 0; i < 20; i += 1) appends.push(store.append([{ key: `k${i}`, when: i }]));
      const closed = store.close();
      const again = store.close();
      const results = await Promise.all(appends.map(settle));
      await closed;
      await again;
      const load = await settle(store.load());
      const append = await settle(store.append([{ key: 'late', when: 99 }]));
      const third = await settle(store.close());
      const held = (await navigator.locks.query()).held.length;
      const reopened = indexedDbStore('closing');
      const records = await reopened.load();
      await reopened.close();
      return { results, sameClose: closed === again, load, append, third, held, records };
    });
    assert.ok(out.results.every((r) => r.ok), 'the appends made before close() were kept');
    assert.equal(out.sameClose, true);
    for (const result of [out.load, out.append]) {
      assert.equal(result.ok, false);
      assert.equal(result.error.isStoreError, true);
      assert.match(result.error.message, /"closing".*after close\(\)/);
    }
    assert.equal(out.third.ok, true);
    assert.equal(out.held, 0, 'the lock was released');
    assert.deepEqual(out.records.map((r) => r.when), Array.from({ length: 20 }, (_, i) => i));
    assert.deepEqual(page.problems, []);
  });
});

test('another page deleting the database closes the store instead of blocking it', LIMIT, async () => {
  await withContext(async (context) => {
    const first = await openPage(context);
    const second = await openPage(context);
    await first.evaluate(async () => {
      window.store = window.t.indexedDbStore('doomed');
      await window.store.append([{ key: 'a', when: 1 }]);
    });
    const deleted = await second.evaluate(() => new Promise((resolve) => {
      const request = indexedDB.deleteDatabase('doomed');
      request.onblocked = () => resolve('blocked');
      request.onsuccess = () => resolve('deleted');
      request.onerror = () => resolve(`error ${request.error}`);
    }));
    assert.equal(deleted, 'deleted');
    const out = await first.evaluate(async () => {
      const { settle } = window.t;
      const append = await settle(window.store.append([{ key: 'b', when: 2 }]));
      const close = await settle(window.store.close());
      const held = (await navigator.locks.query()).held.length;
      return { append, close, held };
    });
    assert.equal(out.append.ok, false);
    assert.equal(out.append.error.isStoreError, true);
    assert.match(out.append.error.message, /deleted or upgraded/);
    assert.equal(out.close.ok, true);
    assert.equal(out.held, 0);
    assert.deepEqual([...first.problems, ...second.problems], []);
  });
});
