// The same API as a CommonJS user requires it, and the same instance as ESM.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const seriesguard = require('seriesguard');

test('require() gives the documented functions', () => {
  assert.equal(seriesguard.countSeries('V10000051', 'V10000060'), 10n);
  assert.equal(seriesguard.validateSeries({ start: 'V10000060', end: 'V10000051' }).issues[0].code, 'START_AFTER_END');
  assert.throws(() => seriesguard.countSeries('', 'V1'), seriesguard.SeriesError);
});

test('import and require share one SeriesError class and one instance', async () => {
  const esm = await import('seriesguard');
  assert.equal(esm.SeriesError, seriesguard.SeriesError);
  assert.equal(esm.countSeries, seriesguard.countSeries);
});
