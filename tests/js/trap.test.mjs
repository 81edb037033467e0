// If the instance ever traps (a bug: no input can make it), the wrapper
// reports it as a coded SeriesError, recreates the instance, and the module
// answers correctly again. Also: freeing indexes and books returns memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as seriesguard from 'seriesguard';

const { validateSeries, countSeries, SeriesIndex, SeriesBook, MemoryStore, SeriesError, memoryBytes } = seriesguard;

test('a trap is reported as INTERNAL_TRAP and the module recovers', async () => {
  const rules = { width: 8 };
  assert.equal(validateSeries({ start: 'V10000051', end: 'V10000060' }, rules).ok, true);
  const before = new SeriesIndex();
  before.add({ id: 1, start: 'V1', end: 'V5' });
  assert.throws(() => seriesguard.default?.__trapForTests?.() ?? seriesguard.__trapForTests(), (e) => e instanceof SeriesError
    && e.code === 'INTERNAL_TRAP' && /trapped and was recreated/.test(e.message) && e.cause instanceof WebAssembly.RuntimeError);
  // The same cached rules object, the scratch buffer and the output buffer all work again.
  assert.equal(validateSeries({ start: 'V10000051', end: 'V10000060' }, rules).ok, true);
  assert.equal(countSeries('00000000000000000001', '99999999999999999999'), 99999999999999999999n);
  const after = new SeriesIndex();
  after.add({ id: 1, start: 'V1', end: 'V5' });
  assert.equal(after.overlaps({ start: 'V3', end: 'V9' })[0].count, 3n);
  assert.throws(() => before.size, /previous Wasm instance/, 'objects of the trapped instance say so');
  const book = new SeriesBook(new MemoryStore());
  assert.equal((await book.create({ start: 'V1', end: 'V2' })).count, 2n);
});

test('creating and freeing 100,000 indexes and books leaves wasm memory flat', () => {
  const churn = (n) => {
    for (let i = 0; i < n; i++) {
      const index = new SeriesIndex();
      index.add({ id: i, start: 'V10000051', end: 'V10000060' });
      index.free();
      const store = new MemoryStore();
      const book = new SeriesBook(store);
      book.free();
      store.free();
    }
  };
  churn(20_000);
  const settled = memoryBytes();
  churn(100_000);
  assert.equal(memoryBytes(), settled, 'no growth after the first 20,000');
});

test('a range of 10^37 members validates, counts, overlaps and plans (walking it would never end)', () => {
  const start = '1' + '0'.repeat(37);
  const end = '2' + '0'.repeat(37);
  assert.equal(countSeries(start, end), 10n ** 37n + 1n);
  const index = new SeriesIndex();
  index.add({ id: 'huge', start, end });
  const mid = '15' + '0'.repeat(36);
  assert.equal(index.overlaps({ start: mid, end: '3' + '0'.repeat(37) })[0].count, 5n * 10n ** 36n + 1n);
  const plan = index.plan({ start: '0' + '9'.repeat(37), end: '3' + '0'.repeat(37) });
  assert.equal(plan.requested, 2n * 10n ** 37n + 2n);
  assert.equal(plan.created, plan.requested - (10n ** 37n + 1n));
  index.free();
});
