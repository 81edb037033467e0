// The browser build (seriesguard/web), instantiated from bytes as a page
// that already holds them would: initSync, then the same answers as Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import init, { initSync, countSeries, validateSeries, SeriesError } from 'seriesguard/web';

const require = createRequire(import.meta.url);
const wasmPath = require.resolve('seriesguard/package.json').replace(/package\.json$/, 'dist/web/seriesguard_bg.wasm');

test('initSync from bytes, then the web build answers like Node', async () => {
  assert.equal(typeof init, 'function');
  initSync({ module: await readFile(wasmPath) });
  assert.equal(countSeries('V10000051', 'V10000060'), 10n);
  assert.deepEqual(validateSeries({}).issues.map((i) => i.code), ['START_REQUIRED', 'END_REQUIRED']);
  assert.throws(() => countSeries('V2', 'V1'), SeriesError);
});
