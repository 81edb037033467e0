// SeriesBook over host callbacks: sync and async stores, failing stores,
// garbage answers, re-entrant callbacks, and concurrent creates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeriesBook, MemoryStore, SeriesError, validateSeries, fingerprint } from 'seriesguard';

const S1 = { id: 'S1', start: 'V10000051', end: 'V10000060', scope: 'GL438', item_code: 'P7WJEJANkt' };

// A plain store over an array, sync or async: what a host writes.
function arrayStore({ async = false } = {}) {
  const rows = [];
  const answer = (value) => (async ? new Promise((resolve) => setTimeout(() => resolve(value), 1)) : value);
  return {
    rows,
    overlapping: (pool) => answer(rows.filter((r) => r.pool === pool.key)),
    insert: (series) => answer(void series.segments.forEach((s) => rows.push({ id: series.id, pool: s.pool.key, first: s.first, last: s.last }))),
  };
}

for (const async of [false, true]) {
  test(`create over a ${async ? 'Promise-returning' : 'synchronous'} store`, async () => {
    const store = arrayStore({ async });
    const book = new SeriesBook(store);
    const created = await book.create(S1);
    assert.equal(created.count, 10n);
    assert.equal(created.fingerprint, fingerprint(S1));
    assert.deepEqual(created.segments.map((s) => [s.pool.key, s.first, s.last]), [['["V","",8,"none","GL438"]', '10000051', '10000060']]);
    await assert.rejects(book.create({ ...S1, id: 'S2', start: 'V10000055', end: 'V10000070' }), (e) => e instanceof SeriesError
      && e.code === 'OVERLAP' && e.details.conflicts.length === 1 && e.details.conflicts[0].start === 'V10000055');
    await book.create({ ...S1, id: 'S3', start: 'V10000061', end: 'V10000070' });
    // Without an id: the same numbers in another scope are another series, with another id.
    const { id: _, ...noId } = S1;
    const [hub, other] = [await book.create({ ...noId, scope: 'BF074' }), await book.create({ ...noId, scope: 'ZZ1' })];
    assert.notEqual(hub.id, other.id);
    assert.equal(hub.fingerprint, other.fingerprint);
    assert.equal(store.rows.length, 4);
    await assert.rejects(book.create({ start: 'V2', end: 'V1' }), { code: 'START_AFTER_END' });
  });
}

test('a store may return a superset of rows: the book clips them exactly', async () => {
  const book = new SeriesBook({
    overlapping: () => [{ id: 'far', first: '1', last: '9' }, { id: 'near', first: 10000059n, last: 10000100 }],
    insert() {},
  });
  await assert.rejects(book.create(S1), (e) => e.code === 'OVERLAP'
    && JSON.stringify(e.details.conflicts.map((c) => [c.id, c.start, c.end])) === '[["near","V10000059","V10000060"]]');
});

test('throwing, rejecting and missing callbacks are STORE_FAILED with the cause, and the book stays usable', async () => {
  let fail = 'throw';
  const store = new MemoryStore();
  const book = new SeriesBook({
    overlapping: (...args) => {
      if (fail === 'throw') throw new Error('db down');
      if (fail === 'reject') return Promise.reject(new TypeError('timeout'));
      return store.overlapping(...args);
    },
    insert: (series) => store.insert(series),
  });
  await assert.rejects(book.create(S1), (e) => e.code === 'STORE_FAILED' && e.field === 'store' && e.cause.message === 'db down');
  fail = 'reject';
  await assert.rejects(book.create(S1), (e) => e.code === 'STORE_FAILED' && e.cause instanceof TypeError);
  fail = 'none';
  assert.equal((await book.create(S1)).id, 'S1');
  await assert.rejects(book.remove('S1'), (e) => e.code === 'STORE_FAILED' && /remove\(\) is missing/.test(e.message));
  assert.throws(() => new SeriesBook({ overlapping: 1, insert() {} }), { code: 'STORE_INVALID' });
  assert.throws(() => new SeriesBook(null), { code: 'STORE_INVALID' });
  assert.throws(() => new SeriesBook(store, { width: -1 }), { code: 'RULES_INVALID' });
});

test('garbage from overlapping() is STORE_FAILED, never a crash', async () => {
  for (const garbage of [undefined, null, 'rows', 42, {}, [null], [{ id: {}, first: '1', last: '2' }],
    [{ id: 'x', first: 'one', last: '2' }], [{ id: 'x', first: '9', last: '1' }], [{ id: 'x', first: '1', last: '1'.repeat(40) }],
    [{ id: 'x', get first() { throw new Error('getter'); }, last: '1' }]]) {
    const book = new SeriesBook({ overlapping: () => garbage, insert() {} });
    await assert.rejects(book.create(S1), (e) => e.code === 'STORE_FAILED');
  }
  assert.equal(validateSeries({ start: 'V1', end: 'V2' }).ok, true);
});

test('callbacks may call back into the library, even the same book', async () => {
  const store = new MemoryStore();
  const other = new SeriesBook(new MemoryStore());
  let book;
  let calls = 0;
  book = new SeriesBook({
    async overlapping(pool, first, last) {
      assert.equal(validateSeries({ start: 'V1', end: 'V2' }).ok, true);
      assert.equal(book.prepare({ start: 'W1', end: 'W9' }).count, 9n);
      calls += 1;
      await other.create({ start: `X${calls}`, end: `X${calls}` });
      return store.overlapping(pool, first, last);
    },
    insert: (series) => store.insert(series),
  });
  await book.create(S1);
  await book.create({ ...S1, id: 'S2', start: 'V10000061', end: 'V10000062' });
  assert.equal(store.list().length, 2);
});

test('100 concurrent overlapping creates: exactly the non-overlapping ones succeed', async () => {
  const store = new MemoryStore();
  const book = new SeriesBook(store);
  // 100 requests over 50 slots of 10 numbers: request i takes slot floor(i / 2), so each slot is asked twice.
  const requests = Array.from({ length: 100 }, (_, i) => {
    const slot = Math.floor(i / 2);
    return { id: `R${i}`, start: `N${String(1000 + slot * 10)}`, end: `N${String(1000 + slot * 10 + 9)}` };
  });
  const results = await Promise.allSettled(requests.map((r) => book.create(r)));
  const won = results.filter((r) => r.status === 'fulfilled');
  const lost = results.filter((r) => r.status === 'rejected');
  assert.equal(won.length, 50);
  assert.ok(lost.every((r) => r.reason.code === 'OVERLAP'));
  assert.equal(store.list().length, 50);
  const slots = new Set(won.map((r) => r.value.start));
  assert.equal(slots.size, 50, 'one winner per slot');
});

test('the memory store refuses an overlapping insert itself, as a database constraint would', async () => {
  const store = new MemoryStore();
  const book = new SeriesBook(store);
  const created = await book.create(S1);
  assert.throws(() => store.insert({ ...created, id: 'sneaky' }), { code: 'OVERLAP' });
  assert.equal(await book.remove('S1'), true);
  assert.equal((await book.create(S1)).id, 'S1');
  assert.deepEqual((await book.list('["V","",8,"none","GL438"]')).map((s) => s.id), ['S1']);
});

test('two books racing over one store: the loser gets OVERLAP with the conflicts, not STORE_FAILED', async () => {
  const shared = new MemoryStore();
  // Both books ask before either inserts: the store's own check decides.
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  let asked = 0;
  const slow = {
    async overlapping(...args) {
      const rows = shared.overlapping(...args);
      asked += 1;
      if (asked === 2) release();
      await gate;
      return rows;
    },
    insert: (series) => shared.insert(series),
  };
  const a = new SeriesBook(slow);
  const b = new SeriesBook(slow);
  const results = await Promise.allSettled([a.create({ id: 'A', ...S1 }), b.create({ ...S1, id: 'B' })]);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  const lost = results.find((r) => r.status === 'rejected').reason;
  assert.equal(lost.code, 'OVERLAP');
  assert.equal(lost.details.conflicts[0].count, 10n);
  assert.equal(shared.list().length, 1);
});
