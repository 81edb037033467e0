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

// Serials as index keys that sort as numbers (a serial has at most 39 digits).
const sortable = (serial) => String(serial).padStart(40, '0');
// Where a series sorts among its scope's: its first segment's pool, then serial.
const startKey = (series) => {
  const g = series.segments?.[0];
  return g === undefined ? '' : `${g.pool.key}\x1f${sortable(g.first)}`;
};
// A page query as every store reads it: its scope, order, offset and limit (1..1000).
function pageQuery(query) {
  const whole = (value, fallback) => (Number.isSafeInteger(value) && value >= 0 ? value : fallback);
  return {
    scope: String(read(query, 'scope') ?? ''),
    order: read(query, 'order') === 'newest' ? 'newest' : 'start',
    offset: whole(read(query, 'offset'), 0),
    limit: Math.min(Math.max(whole(read(query, 'limit'), 50), 1), 1000),
  };
}
// One page of a scope's series from a list in the order they were stored.
function pageOf(all, query) {
  const { scope, order, offset, limit } = pageQuery(query);
  const mine = all.filter((s) => s.scope === scope);
  if (order === 'newest') mine.reverse();
  else mine.sort((a, b) => (startKey(a) < startKey(b) ? -1 : startKey(a) > startKey(b) ? 1 : 0));
  return { series: mine.slice(offset, offset + limit), total: mine.length };
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

    /** The stored series of an id, or null. */
    get(id) {
      return this.#series.get(id) ?? null;
    }

    /** A page of a scope's series: { series, total }, by start or newest first. */
    page(query) {
      return pageOf([...this.#series.values()], query);
    }

    /** Stores many series, all or none (the index refuses any overlap among them). */
    insertMany(list) {
      const added = [];
      try {
        for (const series of list) {
          this.insert(series);
          added.push(series.id);
        }
      } catch (error) {
        for (const id of added) this.remove(id);
        throw error;
      }
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
      get: (id) => load().find((s) => s.id === id) ?? null,
      page: (query) => pageOf(load(), query),
      // All or none: an id stored twice refuses the whole list.
      insertMany: (list) => {
        const all = load();
        const ids = new Set(all.map((s) => s.id));
        for (const s of list) {
          if (ids.has(s.id)) throw Object.assign(new Error(`series ${s.id} is already stored`), { code: 'DUPLICATE' });
          ids.add(s.id);
        }
        save([...all, ...list.map(storable)]);
      },
      poolTrail: (after) => trailAfter(loadTrail(), after),
      appendPool: (change) => {
        const trail = loadTrail();
        const head = appendTo(trail, change);
        storage.setItem(`${key}.pools`, JSON.stringify(trail));
        return head;
      },
    };
  }

  // A series as IndexedDB keeps it, with the keys its indexes read: `spans`
  // ([pool, last] per segment, so overlapping() walks only the colliding
  // ones), `byStart` ([scope, start key]) and `byNewest` ([scope, when
  // stored, place in its batch]).
  const indexed = (series, stored = Date.now(), place = 0) => ({
    ...storable(series),
    pools: series.segments.map((g) => g.pool.key),
    spans: series.segments.map((g) => [g.pool.key, sortable(g.last)]),
    byStart: [series.scope ?? '', startKey(series)],
    byNewest: [series.scope ?? '', stored, place],
  });
  // The record as the store's callers see it (no index keys).
  const plain = (record) => {
    if (record === undefined || record === null) return null;
    const { pools, spans, byStart, byNewest, ...series } = record;
    return series;
  };

  // An id stored already (another tab created the same series a moment
  // before) is refused as an overlap: the book looks again and answers
  // OVERLAP with what holds the range.
  const held = (work) => work.catch((error) => {
    if (error?.name !== 'ConstraintError') throw error;
    throw Object.assign(new Error('the series is stored already', { cause: error }), { code: 'OVERLAP' });
  });

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
      // and events, keyed by their seq. Version 3 indexes spans (overlaps
      // without reading a pool's every series) and the two list orders.
      const opening = factory.open(name, 3);
      opening.onupgradeneeded = (event) => {
        const series = event.oldVersion < 1
          ? opening.result.createObjectStore('series', { keyPath: 'id' })
          : opening.transaction.objectStore('series');
        if (event.oldVersion < 1) series.createIndex('pool', 'pools', { multiEntry: true });
        if (event.oldVersion < 2) {
          opening.result.createObjectStore('pool_declarations', { autoIncrement: true });
          opening.result.createObjectStore('pool_events', { autoIncrement: true });
        }
        if (event.oldVersion < 3) {
          series.createIndex('span', 'spans', { multiEntry: true });
          series.createIndex('byStart', 'byStart');
          series.createIndex('byNewest', 'byNewest');
          // Series stored before version 3 get their index keys.
          series.openCursor().onsuccess = (e) => {
            const cursor = e.target.result;
            if (!cursor) return;
            cursor.update(indexed(plain(cursor.value), 0));
            cursor.continue();
          };
        }
      };
      db = request(opening);
      return db;
    };
    const objects = async (mode) => (await open()).transaction('series', mode).objectStore('series');
    return {
      // The pool's segments ending at or after `first`, in order, up to the
      // first one starting after `last` (a pool's segments never overlap, so
      // they end in the order they start), and one segment of the pool,
      // whose format says whether the request's is the pool's.
      async overlapping(pool, first, last) {
        const store = await objects('readonly');
        const key = read(pool, 'key');
        const rows = [];
        const from = IDBKeyRange.bound([key, sortable(first)], [key, []]);
        const until = sortable(last);
        await new Promise((resolve, reject) => {
          const walk = store.index('span').openCursor(from);
          walk.onerror = () => reject(walk.error);
          walk.onsuccess = () => {
            const cursor = walk.result;
            if (!cursor) return resolve();
            const s = cursor.value;
            const g = s.segments.find((x) => x.pool.key === key && sortable(x.last) === cursor.key[1]);
            if (g === undefined || sortable(g.first) > until) return resolve();
            rows.push({ id: s.id, first: g.first, last: g.last, format: s.format });
            cursor.continue();
          };
        });
        const any = await request(store.index('pool').get(key));
        if (any !== undefined && !rows.some((r) => r.id === any.id)) rows.push(...rowsOf([any], { key }).slice(0, 1));
        return rows;
      },
      async insert(series) {
        await held(request((await objects('readwrite')).add(indexed(series))));
      },
      /** Stores many series in one transaction: all or none. */
      async insertMany(list) {
        const tx = (await open()).transaction('series', 'readwrite');
        const store = tx.objectStore('series');
        const stored = Date.now();
        const done = new Promise((resolve, reject) => {
          tx.oncomplete = resolve;
          tx.onerror = () => reject(tx.error);
          tx.onabort = () => reject(tx.error);
        });
        // A failed add (an id stored twice) aborts the transaction: nothing is stored.
        list.forEach((series, i) => store.add(indexed(series, stored, i)));
        await held(done);
      },
      async get(id) {
        return plain(await request((await objects('readonly')).get(id)));
      },
      /** A page of a scope's series, by start or newest first: { series, total }. */
      async page(query) {
        const { scope, order, offset, limit } = pageQuery(query);
        const index = (await objects('readonly')).index(order === 'newest' ? 'byNewest' : 'byStart');
        const range = IDBKeyRange.bound([scope], [scope, []]);
        const total = await request(index.count(range));
        const series = [];
        await new Promise((resolve, reject) => {
          const walk = index.openCursor(range, order === 'newest' ? 'prev' : 'next');
          let skipped = offset === 0;
          walk.onerror = () => reject(walk.error);
          walk.onsuccess = () => {
            const cursor = walk.result;
            if (!cursor) return resolve();
            if (!skipped) {
              skipped = true;
              return cursor.advance(offset);
            }
            series.push(plain(cursor.value));
            if (series.length >= limit) return resolve();
            cursor.continue();
          };
        });
        return { series, total };
      },
      async remove(id) {
        const store = await objects('readwrite');
        const found = await request(store.count(id));
        await request(store.delete(id));
        return found > 0;
      },
      async list(poolKey) {
        const store = await objects('readonly');
        return (await request(poolKey === undefined ? store.getAll() : store.index('pool').getAll(poolKey))).map(plain);
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

  /**
   * A store over HTTP: the store contract as the reference server (examples/server) serves
   * it under `base` ('/api/store'), so pages in several browsers share one inventory. Each
   * write is checked by the server's library again (SeriesBook.verify) and guarded by its
   * database; a refused overlap throws code 'OVERLAP', so the book looks again.
   *   POST base/overlapping {pool, first, last} -> rows
   *   POST base/series {series}; POST base/series/many {series: [...]} (all or none)
   *   GET base/series/:id (404: none); DELETE base/series/:id -> {removed}
   *   GET base/page?scope&order&offset&limit -> {series, total}
   */
  function httpStore(base, fetchImpl = globalThis.fetch) {
    if (typeof base !== 'string' || typeof fetchImpl !== 'function') throw failure(take(raw.storeInvalid()));
    async function call(method, path, body) {
      const response = await fetchImpl(`${base}${path}`, body === undefined ? { method } : {
        method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
      const data = await response.json().catch(() => null);
      if (response.ok) return data;
      if (response.status === 404 && method === 'GET' && path.startsWith('/series/')) return null;
      const error = new Error(data?.error?.message ?? `the server answered ${response.status}`);
      throw Object.assign(error, { code: data?.error?.code ?? `HTTP_${response.status}`, status: response.status });
    }
    const id = (value) => `/series/${encodeURIComponent(String(value))}`;
    return {
      overlapping: (pool, first, last) => call('POST', '/overlapping', { pool, first, last }),
      insert: (series) => call('POST', '/series', { series: storable(series) }),
      insertMany: (list) => call('POST', '/series/many', { series: list.map(storable) }),
      get: (key) => call('GET', id(key)),
      remove: async (key) => Boolean((await call('DELETE', id(key)))?.removed),
      page: (query) => {
        const { scope, order, offset, limit } = pageQuery(query);
        const q = new URLSearchParams({ scope, order, offset: String(offset), limit: String(limit) });
        return call('GET', `/page?${q}`);
      },
    };
  }

  return { MemoryStore, localStorageStore, indexedDbStore, httpStore };
}
