// Ready-made stores for SeriesBook: in memory, Web Storage and IndexedDB.

import { RS, US, read, decodeId, failure, records } from './wire.js';

// The pools' trail as a store keeps it: declarations and events in
// arrays, their seq their position from 1. What poolTrail(after) answers,
// and appendPool(change)'s compare-and-append (the book's protocol,
// src/lifecycle/book.rs, decides everything else).
const headOf = (trail) => ({ declarations: String(trail.declarations.length), events: String(trail.events.length) });
function trailAfter(trail, after) {
  const from = (list, seq) => list.slice(Number(seq)).map((item, i) => ({ seq: String(Number(seq) + i + 1), item }));
  return {
    declarations: from(trail.declarations, after.declarations).map(({ seq, item }) => ({ seq, declaration: item })),
    events: from(trail.events, after.events).map(({ seq, item }) => ({ seq, event: item })),
    head: headOf(trail),
  };
}
function appendTo(trail, change) {
  const head = headOf(trail);
  if (head.declarations !== change.after.declarations || head.events !== change.after.events) {
    throw Object.assign(new Error('the pools changed since this book looked'), { code: 'STALE' });
  }
  if (change.declaration !== null) trail.declarations.push(change.declaration);
  for (const event of change.events) trail.events.push(event);
  return headOf(trail);
}

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

    #trail = { declarations: [], events: [] };

    /** The pools' trail after `after` (the number lifecycle). */
    poolTrail(after) {
      return trailAfter(this.#trail, after);
    }

    /** Appends a lifecycle change unless the trail moved past `change.after`. */
    appendPool(change) {
      return appendTo(this.#trail, change);
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
    const loadTrail = () => JSON.parse(storage.getItem(`${key}.pools`) ?? '{"declarations":[],"events":[]}');
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
      poolTrail: (after) => trailAfter(loadTrail(), after),
      appendPool: (change) => {
        const trail = loadTrail();
        const head = appendTo(trail, change);
        storage.setItem(`${key}.pools`, JSON.stringify(trail));
        return head;
      },
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
      // Version 2 adds the pools' trail (the number lifecycle): declarations
      // and events, keyed by their seq.
      const opening = factory.open(name, 2);
      opening.onupgradeneeded = (event) => {
        if (event.oldVersion < 1) {
          const store = opening.result.createObjectStore('series', { keyPath: 'id' });
          store.createIndex('pool', 'pools', { multiEntry: true });
        }
        if (event.oldVersion < 2) {
          opening.result.createObjectStore('pool_declarations', { autoIncrement: true });
          opening.result.createObjectStore('pool_events', { autoIncrement: true });
        }
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
      async poolTrail(after) {
        const tx = (await open()).transaction(['pool_declarations', 'pool_events'], 'readonly');
        const read_ = async (name, seq, field) => {
          const store = tx.objectStore(name);
          const range = IDBKeyRange.lowerBound(Number(seq), true);
          const [keys, values] = await Promise.all([request(store.getAllKeys(range)), request(store.getAll(range))]);
          return keys.map((k, i) => ({ seq: String(k), [field]: values[i] }));
        };
        const last = async (name) => {
          const cursor = await request(tx.objectStore(name).openKeyCursor(null, 'prev'));
          return String(cursor?.key ?? 0);
        };
        const [declarations, events, d, e] = await Promise.all([
          read_('pool_declarations', after.declarations, 'declaration'), read_('pool_events', after.events, 'event'),
          last('pool_declarations'), last('pool_events'),
        ]);
        return { declarations, events, head: { declarations: d, events: e } };
      },
      // One readwrite transaction: the head compared, then the change added (tabs race safely).
      async appendPool(change) {
        const tx = (await open()).transaction(['pool_declarations', 'pool_events'], 'readwrite');
        const last = async (name) => String((await request(tx.objectStore(name).openKeyCursor(null, 'prev')))?.key ?? 0);
        const [d, e] = await Promise.all([last('pool_declarations'), last('pool_events')]);
        if (d !== change.after.declarations || e !== change.after.events) {
          tx.abort();
          throw Object.assign(new Error('the pools changed since this book looked'), { code: 'STALE' });
        }
        const adds = [];
        if (change.declaration !== null) adds.push(request(tx.objectStore('pool_declarations').add(change.declaration)));
        for (const event of change.events) adds.push(request(tx.objectStore('pool_events').add(event)));
        const keys = await Promise.all(adds);
        await new Promise((resolve, reject) => {
          tx.oncomplete = resolve;
          tx.onerror = () => reject(tx.error);
          tx.onabort = () => reject(tx.error);
        });
        const declared = change.declaration !== null ? String(keys[0]) : d;
        const lastEvent = change.events.length > 0 ? String(keys.at(-1)) : e;
        return { declarations: declared, events: lastEvent };
      },
    };
  }

  return { MemoryStore, localStorageStore, indexedDbStore };
}
