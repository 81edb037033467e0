// The server entry as an ES module over the web build (Deno, workers):
// call the default export `init()` once (or `initSync({ module })`) first.
import init, { initSync } from './dist/server-web/seriesguard.js';
import * as raw from './dist/server-web/seriesguard.js';
import { bindServer } from './api.js';

export const {
  validateSeries, validateMany, countSeries, parseSerial, checkDigit, verifyCheckDigit, inWords,
  morHash, verifyMorHash, hmacSha256, verifyHmacSha256, fingerprint, splitSeries, readCsv, writeCsv,
  memoryBytes, SeriesIndex, SeriesBook, MemoryStore, localStorageStore, indexedDbStore, httpStore, profiles, SeriesError,
} = bindServer(raw);
export { initSync };
export default init;
