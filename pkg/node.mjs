// Node entry for import: the same instance as require('seriesguard'), so a
// process that mixes both module systems shares one wasm instance.
import api from './node.cjs';

export const {
  validateSeries, validateMany, countSeries, parseSerial, checkDigit, verifyCheckDigit, inWords,
  morHash, verifyMorHash, hmacSha256, verifyHmacSha256, fingerprint, splitSeries,
  memoryBytes, SeriesIndex, SeriesBook, MemoryStore, localStorageStore, indexedDbStore, httpStore, profiles, SeriesError,
} = api;
export default api;
