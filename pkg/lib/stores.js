// Ready-made stores for SeriesBook: in memory, Web Storage and IndexedDB.

import { RS, US, read, decodeId, failure, records } from './wire.js';

/** The stores of one instance; `packSegments` is the book's. */
export function stores(raw, wire, packSegments) {
  const { take } = wire;

  /**
   * The in-memory store (a SeriesIndex inside): the default for tests and
   * single-process hosts. Its insert() refuses overlaps itself too.
   */
  class MemoryStore {
    #index = new raw.IndexRaw(undefined, false);
    #series = new Map();
    // One stored row per pool key, answered when a request's format differs.
    #pools = new Map();

    overlapping(pool, first, last) {
      const list = records(take(this.#index.storedIn(packSegments([{ pool, first, last }])))).split(RS);
      const rows = [];
      for (let i = 1; i < list.length; i++) {
        const [id, a, b] = list[i].split(US);
        const key = decodeId(id);
        rows.push({ id: key, first: a, last: b, format: this.#series.get(key)?.format });
      }
      const other = this.#pools.get(read(pool, 'key'));
      if (other !== undefined && other.format !== read(pool, 'format')) rows.push(other);
      return rows;
    }

    insert(series) {
      records(take(this.#index.insertSegments(read(series, 'id'), packSegments(read(series, 'segments') ?? []))));
      this.#series.set(series.id, series);
      for (const g of series.segments) {
        if (!this.#pools.has(g.pool.key)) this.#pools.set(g.pool.key, { id: series.id, first: g.first, last: g.last, format: series.format });
      }
    }

    remove(id) {
      const series = this.#series.get(id);
      this.#series.delete(id);
      for (const g of series?.segments ?? []) {
        if (this.#pools.get(g.pool.key)?.id !== id) continue;
        this.#pools.delete(g.pool.key);
        for (const other of this.#series.values()) {
          const seg = other.segments.find((o) => o.pool.key === g.pool.key);
          if (seg) {
            this.#pools.set(g.pool.key, { id: other.id, first: seg.first, last: seg.last, format: other.format });
            break;
          }
        }
      }
      return this.#index.remove(id);
    }

    list(poolKey) {
      const all = [...this.#series.values()];
      return poolKey === undefined ? all : all.filter((s) => s.segments.some((g) => g.pool.key === poolKey));
    }

    /** Frees the wasm side now. */
    free() {
      this.#index?.free();
      this.#index = null;
      this.#series.clear();
    }
  }

  // A series as JSON can hold it (its count as a decimal string).
  const storable = (series) => ({ ...series, count: String(series.count) });

  // Every stored segment of a pool, as overlapping() rows: a superset of
  // the colliding ones, which the book clips exactly.
  const rowsOf = (all, pool) => all.flatMap((s) => s.segments
    .filter((g) => g.pool.key === pool.key)
    .map((g) => ({ id: s.id, first: g.first, last: g.last, format: s.format })));

  /** A store in a Web Storage (localStorage by default), under one key: a few lines over the contract. */
  function localStorageStore(storage = globalThis.localStorage, key = 'seriesguard.series') {
    if (!storage || typeof storage.getItem !== 'function') throw failure(take(raw.storeInvalid()));
    const load = () => JSON.parse(storage.getItem(key) ?? '[]');
    const save = (all) => storage.setItem(key, JSON.stringify(all));
    return {
      overlapping: (pool) => rowsOf(load(), pool),
      insert: (series) => save([...load(), storable(series)]),
      remove: (id) => {
        const all = load();
        const kept = all.filter((s) => s.id !== id);
        save(kept);
        return kept.length !== all.length;
      },
      list: (poolKey) => load().filter((s) => poolKey === undefined || s.segments.some((g) => g.pool.key === poolKey)),
    };
  }

  /** A store in IndexedDB (the demo's default), one object store keyed by id. */
  function indexedDbStore(name = 'seriesguard', factory = globalThis.indexedDB) {
    if (!factory || typeof factory.open !== 'function') throw failure(take(raw.storeInvalid()));
    const request = (r) => new Promise((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    let db = null;
    const open = () => {
      if (db) return db;
      const opening = factory.open(name, 1);
      opening.onupgradeneeded = () => {
        const store = opening.result.createObjectStore('series', { keyPath: 'id' });
        store.createIndex('pool', 'pools', { multiEntry: true });
      };
      db = request(opening);
      return db;
    };
    const objects = async (mode) => (await open()).transaction('series', mode).objectStore('series');
    return {
      async overlapping(pool) {
        return rowsOf(await request((await objects('readonly')).index('pool').getAll(pool.key)), pool);
      },
      async insert(series) {
        const record = { ...storable(series), pools: series.segments.map((g) => g.pool.key) };
        await request((await objects('readwrite')).add(record));
      },
      async remove(id) {
        const store = await objects('readwrite');
        const found = await request(store.count(id));
        await request(store.delete(id));
        return found > 0;
      },
      async list(poolKey) {
        const store = await objects('readonly');
        return request(poolKey === undefined ? store.getAll() : store.index('pool').getAll(poolKey));
      },
    };
  }

  return { MemoryStore, localStorageStore, indexedDbStore };
}
