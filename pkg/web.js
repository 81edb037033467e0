// Browser entry (ES module). Call the default export `init()` once (it fetches
// seriesguard_bg.wasm next to the build), or `initSync({ module })` with the
// bytes, before any other function.
import init, { initSync } from './dist/web/seriesguard.js';
import * as raw from './dist/web/seriesguard.js';
import { bind } from './api.js';

export const {
  validateSeries, validateMany, countSeries, parseSerial, checkDigit, verifyCheckDigit, inWords,
  morHash, verifyMorHash, hmacSha256, verifyHmacSha256, fingerprint, splitSeries,
  memoryBytes, SeriesIndex, SeriesBook, MemoryStore, localStorageStore, indexedDbStore, httpStore, profiles, SeriesError,
} = bind(raw);
export { initSync };
export default init;
