// The JS face of seriesguard, shared by every build (Node CJS and ESM, web).
// It turns the compact answers of the wasm exports (see src/wasm/wire.rs)
// into plain objects and SeriesError throws. It holds no rule: every check
// and every message comes from the Rust core.
//
// This file and its modules in lib/ (wire, validation, signing, csv, index, book,
// stores, profiles, trap) are ES module source; scripts/build.sh writes
// api.cjs from them for require(). Imports stay on one line each.

import { SeriesError, reader } from './lib/wire.js';
import { validation } from './lib/validation.js';
import { signing } from './lib/signing.js';
import { tables } from './lib/csv.js';
import { indexes } from './lib/index.js';
import { books } from './lib/book.js';
import { stores } from './lib/stores.js';
import { platforms } from './lib/profiles.js';
import { guardAll } from './lib/trap.js';

export { SeriesError };

/** Binds the raw wasm exports of the main build into the public API. */
export function bind(raw) {
  return bindBuild(raw, false);
}

/** Binds the server build: the public API, with the platform create flows. */
export function bindServer(raw) {
  return bindBuild(raw, true);
}

function bindBuild(raw, server) {
  const wire = reader(raw);
  const rules = validation(raw, wire);
  const { SeriesIndex, indexRaw, splitSeries } = indexes(raw, wire);
  const { SeriesBook, storeFailure, packSegments } = books(raw, wire);
  const { MemoryStore, localStorageStore, indexedDbStore, httpStore } = stores(raw, wire, packSegments);
  const profiles = platforms(raw, wire, { SeriesIndex, indexRaw, storeFailure }, server);
  const { reset, ...checks } = rules;
  const api = {
    ...checks, splitSeries, ...signing(raw, wire),
    // CSV is in the server build (feature `bulk`), with SeriesBook's planMany and createMany.
    ...(typeof raw.readCsvRaw === 'function' ? tables(raw, wire) : {}),
    SeriesIndex, SeriesBook, MemoryStore, localStorageStore, indexedDbStore, httpStore, profiles, SeriesError,
  };
  guardAll(raw, wire, [wire.reset, reset], api, [SeriesIndex, SeriesBook, MemoryStore], profiles);
  return api;
}
