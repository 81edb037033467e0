// The browser stores (localStorage and IndexedDB) under SeriesBook, in a
// real browser: they persist across a reload and refuse overlaps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from '../../scripts/serve.mjs';
import { launch } from './browser.mjs';

let server;
let browser;
let page;

before(async () => {
  server = await serve(0);
  browser = await launch();
  page = await browser.context.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 15000 });
});

after(async () => {
  await browser?.close();
  server?.close();
});

for (const kind of ['localStorageStore', 'indexedDbStore']) {
  test(`SeriesBook over ${kind} persists and refuses overlaps`, async () => {
    const run = (step) => page.evaluate(async ([kind, step]) => {
      const lib = await import('/pkg/web.js');
    await lib.default();
      await lib.default();
      const book = new lib.SeriesBook(lib[kind]());
      if (step === 'create') {
        const created = await book.create({ id: 'S1', start: 'V10000051', end: 'V10000060', scope: 'GL438' });
        return String(created.count);
      }
      try {
        await book.create({ id: 'S2', start: 'V10000055', end: 'V10000070', scope: 'GL438' });
        return 'created';
      } catch (e) {
        const listed = await book.list();
        return `${e.code} ${e.details.conflicts[0].start} ${listed.length}`;
      }
    }, [kind, step]);
    assert.equal(await run('create'), '10');
    await page.reload();
    await page.waitForSelector('html[data-ready="true"]');
    assert.equal(await run('again'), 'OVERLAP V10000055 1');
  });
}

// Paging, lookups, bulk inserts and ranged overlap queries: every built-in
// store answers the same (MemoryStore in the page too, as the reference).
for (const kind of ['MemoryStore', 'localStorageStore', 'indexedDbStore']) {
  test(`${kind}: get, page (by start and newest first), insertMany all or none, overlapping answers the colliding rows`, async () => {
    const got = await page.evaluate(async ([kind, name]) => {
      const lib = await import('/pkg/web.js');
    await lib.default();
      await lib.default();
      const store = kind === 'MemoryStore' ? new lib.MemoryStore()
        : kind === 'indexedDbStore' ? lib.indexedDbStore(name) : lib.localStorageStore(localStorage, name);
      const book = new lib.SeriesBook(store);
      // Stored out of order: V3, V1, V5 (blocks of ten), another scope, then one as its own insert.
      const prepared = ['V30..V39', 'V10..V19', 'V50..V59'].map((r) => {
        const [start, end] = r.split('..');
        return book.prepare({ start, end, scope: 'A' });
      });
      await store.insertMany([...prepared, book.prepare({ start: 'V20', end: 'V29', scope: 'B' })]);
      await book.create({ start: 'V70', end: 'V79', scope: 'A' });
      const pageOf = async (q) => {
        const p = await book.page(q);
        return [p.total, p.series.map((s) => s.start)];
      };
      let refused = null;
      try {
        await store.insertMany([book.prepare({ start: 'V80', end: 'V89', scope: 'A' }), prepared[0]]);
      } catch (e) {
        refused = 'refused';
      }
      const overlapping = (first, last) => book.conflicts({ start: first, end: last, scope: 'A' })
        .then((c) => c.map((x) => `${x.start}..${x.end}`));
      return {
        byStart: await pageOf({ scope: 'A' }),
        second: await pageOf({ scope: 'A', offset: 2, limit: 2 }),
        newest: await pageOf({ scope: 'A', order: 'newest', limit: 2 }),
        other: await pageOf({ scope: 'B' }),
        none: await pageOf({ scope: 'C' }),
        get: (await book.get(prepared[1].id))?.start ?? null,
        missing: await book.get('nope'),
        refused,
        afterRefusal: (await book.page({ scope: 'A' })).total,
        hits: await overlapping('V15', 'V55'),
        edge: await overlapping('V19', 'V19'),
        gap: await overlapping('V60', 'V69'),
      };
    }, [kind, `paging-${kind}`]);
    assert.deepEqual(got, {
      byStart: [4, ['V10', 'V30', 'V50', 'V70']],
      second: [4, ['V50', 'V70']],
      newest: [4, ['V70', 'V50']],
      other: [1, ['V20']],
      none: [0, []],
      get: 'V10',
      missing: null,
      refused: 'refused',
      afterRefusal: 4,
      hits: ['V15..V19', 'V30..V39', 'V50..V55'],
      edge: ['V19..V19'],
      gap: [],
    });
  });
}

test('indexedDbStore: a database of version 2 is indexed on opening, its series kept', async () => {
  const got = await page.evaluate(async () => {
    const lib = await import('/pkg/web.js');
    await lib.default();
    const name = 'upgrade-from-2';
    // A version-2 database as the previous release wrote it.
    const old = new lib.SeriesBook(lib.MemoryStore ? new lib.MemoryStore() : null);
    const series = old.prepare({ start: 'V100', end: 'V199', scope: 'A' });
    await new Promise((resolve, reject) => {
      const open = indexedDB.open(name, 2);
      open.onupgradeneeded = () => {
        const store = open.result.createObjectStore('series', { keyPath: 'id' });
        store.createIndex('pool', 'pools', { multiEntry: true });
        open.result.createObjectStore('pool_declarations', { autoIncrement: true });
        open.result.createObjectStore('pool_events', { autoIncrement: true });
        store.add({ ...series, count: String(series.count), pools: series.segments.map((g) => g.pool.key) });
      };
      open.onsuccess = () => {
        open.result.close();
        resolve();
      };
      open.onerror = () => reject(open.error);
    });
    const book = new lib.SeriesBook(lib.indexedDbStore(name));
    const conflicts = await book.conflicts({ start: 'V150', end: 'V250', scope: 'A' });
    const listed = await book.page({ scope: 'A' });
    return [conflicts.map((c) => `${c.start}..${c.end}`), listed.total, Object.keys(listed.series[0]).includes('spans')];
  });
  assert.deepEqual(got, [['V150..V199'], 1, false]);
});

test('indexedDbStore: two tabs creating the same series at once: one stores it, the other is told what holds the range', async () => {
  const other = await page.context().newPage();
  await other.goto(page.url());
  await other.waitForSelector('html[data-ready="true"]');
  // Both books look (the range is free), then both insert: the same id twice.
  const race = (p) => p.evaluate(async () => {
    const lib = await import('/pkg/web.js');
    await lib.default();
    const store = lib.indexedDbStore('race-db');
    const slow = { ...store, overlapping: async (...args) => { const rows = await store.overlapping(...args); await new Promise((r) => setTimeout(r, 300)); return rows; } };
    try {
      await new lib.SeriesBook(slow).create({ start: 'W100', end: 'W199', scope: 'S' });
      return 'created';
    } catch (e) {
      return `${e.code} ${e.details.conflicts?.map((c) => `${c.start}..${c.end}`).join(',') ?? ''}`;
    }
  });
  const outcomes = await Promise.all([race(page), race(other)]);
  assert.deepEqual(outcomes.sort(), ['OVERLAP W100..W199', 'created']);
  await other.close();
});
