// The number lifecycle through seriesguard/server's SeriesIndex: bad input
// from JS gets coded errors (never a trap, never a silent default), answers
// are exact (bigint counts), and the main entry does not carry it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as main from 'seriesguard';
import { SeriesIndex, SeriesError } from 'seriesguard/server';

const at = '2026-11-27T19:00:00Z';

function hq() {
  const index = new SeriesIndex();
  index.declarePool({ pool: 'HQ', at, blocks: [{ start: 'V0001', end: 'V0100' }], cooling: 1, lowAt: '10%' });
  return index;
}

const code = (fn) => {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof SeriesError, `${error}`);
    return error.code;
  }
  assert.fail('no SeriesError thrown');
};

test('a reservation from reserve to confirm to release, with bigint counts and ISO instants', () => {
  const index = hq();
  const held = index.reserve({ pool: 'HQ', quantity: 10n, owner: 'shop', ttl: 30 * 60_000, key: 'order-1', at: new Date(at) });
  assert.deepEqual(held.reservation, {
    key: 'order-1', pool: 'HQ', owner: 'shop', start: 'V0001', end: 'V0010', count: 10n,
    expiresAt: '2026-11-27T19:30:00.000Z', status: 'reserved',
  });
  assert.equal(held.events[0].count, 10n);
  assert.equal(index.confirm({ key: 'order-1', at: Date.parse(at) + 1000 }).reservation.status, 'assigned');
  const released = index.release({ pool: 'HQ', start: 'V0001', end: 'V0010', at });
  assert.equal(released.events[0].until, '2026-11-28T19:00:00.000Z');
  const report = index.poolReport('HQ');
  assert.equal(report.counts.cooling, 10n);
  assert.equal(report.capacity, 100n);
  assert.equal(index.expire({ at: '2026-11-28T19:00:00Z' }).events[0].to, 'available');
});

test('bad input from JS is a coded SeriesError, and the index keeps working', () => {
  const index = hq();
  const cyclic = { op: 'expire', at };
  cyclic.self = cyclic;
  const throwing = { pool: 'HQ', at, get key() { throw new Error('getter'); } };
  const cases = [
    [() => index.reserve(null), 'REQUEST_INVALID'],
    [() => index.reserve(42), 'REQUEST_INVALID'],
    [() => index.reserve([1, 2]), 'REQUEST_INVALID'],
    [() => index.lifecycle(cyclic), 'REQUEST_INVALID'],
    [() => index.reserve(throwing), 'REQUEST_INVALID'],
    [() => index.lifecycle({ op: 'nope' }), 'REQUEST_INVALID'],
    [() => index.reserve({ pool: 'HQ', quantity: NaN, ttl: 1, key: 'k', at }), 'QUANTITY_OUT_OF_RANGE'],
    [() => index.reserve({ pool: 'HQ', quantity: -1, ttl: 1, key: 'k', at }), 'QUANTITY_OUT_OF_RANGE'],
    [() => index.reserve({ pool: 'HQ', quantity: 1.5, ttl: 1, key: 'k', at }), 'QUANTITY_OUT_OF_RANGE'],
    [() => index.reserve({ pool: 'HQ', quantity: 1, ttl: Infinity, key: 'k', at }), 'TIME_INVALID'],
    [() => index.reserve({ pool: 'HQ', quantity: 1, ttl: 1, key: 'k', at: new Date(NaN) }), 'TIME_INVALID'],
    [() => index.reserve({ pool: 'HQ', quantity: 1, ttl: 1, key: 'k' }), 'TIME_INVALID'],
    [() => index.reserve({ pool: 'H'.repeat(1_000_000), quantity: 1, ttl: 1, key: 'k', at }), 'POOL_INVALID'],
    [() => index.reserve({ pool: 'HQ', start: 'V０００1', end: 'V0002', ttl: 1, key: 'k', at }), 'START_INVALID'],
    [() => index.reserve({ pool: 'HQ', quantity: 1, ttl: 1, key: 7, at }), 'KEY_INVALID'],
    [() => index.declarePool({ pool: 'X', at, blocks: 'V1-V9' }), 'POLICY_INVALID'],
    [() => index.reserve({ pool: 'HQ', quantity: 101, ttl: 1, key: 'k', at }), 'POOL_EXHAUSTED'],
  ];
  for (const [fn, expected] of cases) assert.equal(code(fn), expected, fn.toString());
  assert.equal(index.reserve({ pool: 'HQ', quantity: 1, ttl: 1, key: 'k', at }).reservation.start, 'V0001');
});

test('counts past 2^53 stay exact', () => {
  const index = new SeriesIndex();
  index.declarePool({ pool: 'BIG', at, blocks: [{ start: '0'.repeat(38), end: '9'.repeat(38) }] });
  const taken = index.assign({ pool: 'BIG', quantity: 12345678901234567890123456789n, at });
  assert.equal(taken.range.count, 12345678901234567890123456789n);
  assert.equal(index.poolReport('BIG').counts.available, 10n ** 38n - 12345678901234567890123456789n);
});

test('replayPools rebuilds the same state from the declarations and the events', () => {
  const index = hq();
  const declared = [{ pool: 'HQ', at, blocks: [{ start: 'V0001', end: 'V0100' }], cooling: 1, lowAt: '10%' }];
  const events = [];
  const fresh = new SeriesIndex();
  events.push(...fresh.declarePool(declared[0]).events);
  for (const change of [
    fresh.reserve({ pool: 'HQ', quantity: 5, ttl: 1000, key: 'a', at }),
    fresh.assign({ pool: 'HQ', quantity: 3, at }),
    fresh.expire({ at: '2026-11-27T19:00:01Z' }),
    fresh.block({ pool: 'HQ', start: 'V0050', end: 'V0060', at }),
  ]) events.push(...change.events);
  const rebuilt = new SeriesIndex();
  assert.deepEqual(rebuilt.replayPools(declared, events), { pools: 1, events: events.length });
  assert.deepEqual(rebuilt.poolState(), fresh.poolState());
  assert.notDeepEqual(rebuilt.poolState(), index.poolState());
  // Only HQ's runs touching V0007..V0008 (serials 7..8): the assigned run, whole.
  assert.deepEqual(fresh.lifecycle({ op: 'state', pool: 'HQ', first: '7', last: '8' }).pools.HQ.map((r) => [r.start, r.end, r.state]),
    [['V0006', 'V0008', 'assigned']]);
});

test('the lifecycle is in seriesguard/server only', () => {
  const index = new main.SeriesIndex();
  for (const name of ['lifecycle', 'declarePool', 'reserve', 'poolReport', 'replayPools']) {
    assert.equal(index[name], undefined, name);
    assert.equal(typeof new SeriesIndex()[name], 'function', name);
  }
});

test('SeriesBook runs the lifecycle over a store that keeps the trail: two books, one store', async () => {
  const { SeriesBook, MemoryStore } = await import('seriesguard/server');
  const store = new MemoryStore();
  const [a, b] = [new SeriesBook(store), new SeriesBook(store)];
  await a.declarePool({ pool: 'HQ', at, blocks: [{ start: 'V0001', end: 'V0100' }] });
  const reserve = (book, key) => book.reserve({ pool: 'HQ', quantity: 10, ttl: 60_000, key, at });
  assert.equal((await reserve(a, 'a1')).reservation.start, 'V0001');
  // b catches up on the trail; a's next change is decided on a stale picture, refused, decided again.
  assert.equal((await reserve(b, 'b1')).reservation.start, 'V0011');
  assert.equal((await reserve(a, 'a2')).reservation.start, 'V0021');
  // Both books at once: one store, no number twice.
  const many = await Promise.all(Array.from({ length: 6 }, (_, i) => reserve(i % 2 ? a : b, `m${i}`)));
  const starts = many.map((r) => r.reservation.start);
  assert.equal(new Set(starts).size, 6);
  assert.equal((await b.poolReport('HQ')).counts.reserved, 90n);
  const trail = store.poolTrail({ declarations: '0', events: '0' });
  assert.equal(trail.head.events, String(trail.events.length));
  const fresh = new SeriesBook(store);
  assert.deepEqual(await fresh.poolState(), await a.poolState());
});

test('a pool store that fails is STORE_FAILED with its cause, and the book rebuilds afterwards', async () => {
  const { SeriesBook, MemoryStore } = await import('seriesguard/server');
  const memory = new MemoryStore();
  let failing = false;
  const store = {
    poolTrail: (after) => memory.poolTrail(after),
    appendPool: (change) => {
      if (failing) throw new Error('disk full');
      return memory.appendPool(change);
    },
  };
  const book = new SeriesBook(store);
  await book.declarePool({ pool: 'HQ', at, blocks: [{ start: 'V0001', end: 'V0100' }] });
  failing = true;
  await assert.rejects(book.assign({ pool: 'HQ', quantity: 5, at }), (e) => e.code === 'STORE_FAILED' && e.cause.message === 'disk full');
  failing = false;
  assert.equal((await book.assign({ pool: 'HQ', quantity: 5, at })).range.start, 'V0001');
  await assert.rejects(new SeriesBook({ poolTrail: () => ({}) , appendPool: () => null }).poolReport('HQ'), (e) => e.code === 'STORE_FAILED');
  await assert.rejects(new SeriesBook({ overlapping: () => [], insert() {} }).poolReport('HQ'), (e) => e.code === 'STORE_FAILED' && /poolTrail\(\) is missing/.test(e.message));
  assert.throws(() => new SeriesBook({}), (e) => e.code === 'STORE_INVALID');
});
