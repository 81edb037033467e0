// The server entry for Node's import: the same instance as require('seriesguard/server').
import api from './server.cjs';

export const {
  validateSeries, validateMany, countSeries, parseSerial, checkDigit, verifyCheckDigit, inWords,
  morHash, verifyMorHash, hmacSha256, verifyHmacSha256, fingerprint, splitSeries, readCsv, writeCsv,
  memoryBytes, SeriesIndex, SeriesBook, MemoryStore, localStorageStore, indexedDbStore, httpStore, profiles, SeriesError,
} = api;
export default api;
