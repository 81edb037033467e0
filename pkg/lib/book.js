// SeriesBook: the core's book flows (src/flow.rs) driven over a host's store.

import { RS, US, Packer, read, decodeConflicts, decodePlan, decodeId, failure, records } from './wire.js';
import { readAnswer, installLifecycle, requestText } from './lifecycle.js';

const REQUEST_KEYS = ['id', 'start', 'end', 'scope', 'item_code', 'type'];
const CHUNK = 2000;
const FS = '\x1c';

// Requests packed for BulkRaw.add: per request `kind` (the text 'object'
// for an object, else the value, which the core refuses) then its fields.
function packRequests(list, from, to) {
  const packer = new Packer((to - from) * 48);
  for (let i = from; i < to; i++) {
    const r = list[i];
    const object = r !== null && typeof r === 'object' && !Array.isArray(r);
    if (i > from) packer.byte(0x1e);
    packer.field(object ? 'object' : r);
    for (const key of REQUEST_KEYS) {
      packer.byte(0x1f);
      packer.field(object ? read(r, key) : undefined);
    }
  }
  return packer.done();
}

// The record a store is handed: the host's own fields, then the series'.
const withExtra = (extra, series) => (extra !== null && typeof extra === 'object' ? { ...extra, ...series } : series);

// Lets a page paint between chunks of a long bulk call.
const yieldToHost = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The SeriesBook class of one instance, and what the stores and profiles share with it. */
export function books(raw, wire) {
  const { take } = wire;

  // ----- SeriesBook: the rules over a host store given as callbacks -----

  // STORE_FAILED for a host callback that threw or rejected, carrying it as cause.
  function storeFailure(operation, cause) {
    const error = failure(take(raw.storeFailed(operation, false)));
    error.cause = cause;
    error.details.cause = cause;
    return error;
  }

  // A flow's last answer, or its refusal thrown (a store failure with the
  // callback's error as its cause).
  function done(text, cause) {
    if (text.charCodeAt(0) === 49 /* '1' */) return text;
    const error = failure(text);
    if (error.code === 'STORE_FAILED' && cause !== undefined) {
      error.cause = cause;
      error.details.cause = cause;
    }
    throw error;
  }

  function decodePrepared(text) {
    const list = records(text).split(RS);
    const [, id, start, end, count, fingerprint, scope, itemCode, type, format] = list[0].split(US);
    const segments = [];
    for (let i = 1; i < list.length; i++) {
      const [key, prefix, suffix, width, scheme, poolScope, first, last] = list[i].split(US);
      segments.push({ pool: { key, prefix, suffix, width: Number(width), scheme, scope: poolScope, format }, first, last });
    }
    return { id: decodeId(id), start, end, count: BigInt(count), fingerprint, scope, item_code: itemCode, type, format, segments };
  }

  // The flows SeriesBook drives (FlowRaw's modes).
  const FLOW = { create: 0, conflicts: 1, plan: 2, createFree: 3 };

  function packSegments(segments) {
    const packer = new Packer(64 * segments.length);
    for (const s of segments) {
      const pool = read(s, 'pool');
      packer.record([read(pool, 'prefix'), read(pool, 'suffix'), read(pool, 'width'), read(pool, 'scheme'), read(pool, 'scope'), read(s, 'first'), read(s, 'last')]);
    }
    return packer.done();
  }

  // A book's lifecycle request, queued behind its other calls.
  let poolsOf;

  /**
   * The library's rules over a host's store. The store is an object of
   * callbacks, each returning a value or a Promise:
   *   overlapping(pool, first, last) -> [{ id, first, last, format }]  stored segments of
   *     `pool` touching serials first..last (decimal strings); a superset is fine;
   *     `format` is the stored series' format ('awb'..., 'plain'): another
   *     format than the request's is RULES_MISMATCH
   *   insert(series)                                         store the created series
   *   remove?(id) -> boolean, list?(poolKey) -> series[], get?(id) -> series | null,
   *   page?({ scope, order: 'start' | 'newest', offset, limit }) -> { series, total },
   *   insertMany?(series[])  store many at once, all or none (createMany)
   * For the number lifecycle (seriesguard/server), a store keeps the pools'
   * trail instead of (or as well as) series:
   *   poolTrail(after) -> { declarations: [{ seq, declaration }], events: [{ seq, event }], head }
   *     what was appended after `after` ({ declarations, events }: seqs), and the head
   *   appendPool(change) -> head   append { declaration, events } atomically unless the
   *     store's head has moved past change.after (then throw an error with code 'STALE');
   *     change.segments, for a store keeping states as rows, are each pool's runs over
   *     the spans the change touched (replace the rows there with them)
   * Creates on one book run one at a time, so two overlapping creates can
   * never both pass the check. A callback may use the library, even this
   * book's prepare(), but must not await this book's create() (it would
   * wait for itself).
   */
  class SeriesBook {
    #raw;
    #store;
    #rules;
    #queue = Promise.resolve();

    constructor(store, rules) {
      const inner = new raw.BookRaw(rules);
      const has = (name) => typeof read(store, name) === 'function';
      const callable = (has('overlapping') && has('insert')) || (has('poolTrail') && has('appendPool'));
      const answer = take(inner.setupIssues(callable));
      if (answer !== '1') {
        inner.free();
        throw failure(answer);
      }
      this.#raw = inner;
      this.#store = store;
      this.#rules = rules;
    }

    /** Validates a request without touching the store: the record create() would insert. */
    prepare(request) {
      return decodePrepared(take(this.#raw.prepare(request)));
    }

    /**
     * Validates, asks the store for overlaps, inserts; resolves to the created series.
     * `extra` (optional) is the host's own data, copied onto the stored record.
     */
    create(request, extra) {
      return this.#serially(() => this.#run(FLOW.create, request, extra));
    }

    /** The stored sub-ranges the request collides with ([] when it is free); inserts nothing. */
    conflicts(request) {
      return this.#serially(() => this.#run(FLOW.conflicts, request));
    }

    /** What creating only the free part would create and skip: { create, skipped, created, requested }. */
    plan(request) {
      return this.#serially(() => this.#run(FLOW.plan, request));
    }

    /**
     * Creates only the free part of a request, as one series stored in one insert (its
     * segments are the free pieces; start, end and count are those of the free part);
     * rejects with OVERLAP when nothing is free.
     */
    createFree(request, extra) {
      return this.#serially(() => this.#run(FLOW.createFree, request, extra));
    }

    /**
     * Checks many requests at once, against the store and against the requests before them,
     * storing nothing (an import's preview): per request, in order, its plan (nothing
     * skipped: it would be created whole; something skipped: only partly free) or the
     * SeriesError it is refused with (OVERLAP when nothing is free). The store is asked once
     * per pool. With `options.free`, partly taken requests are planned as createMany with
     * `free` would create them (their free part, taken from later requests).
     * `options.onProgress({ phase, done, total })` hears of the progress.
     */
    planMany(requests, options) {
      return this.#serially(() => this.#bulk(false, requests, undefined, options));
    }

    /**
     * Creates many requests in one store insertMany(series[]) (all or none): the free ones,
     * and with `options.free` the free part of the partly taken ones. `extra`: the host's
     * fields per request (an object for all, an array, or a function of (request, index)).
     * Resolves to { outcomes (as planMany's), created (the stored series), stored }; a store
     * refusing the insert for an overlap makes the book look again: then `stored` is false,
     * nothing was created, and the outcomes are the new decisions.
     */
    createMany(requests, extra, options) {
      return this.#serially(() => this.#bulk(true, requests, extra, options));
    }

    // Drives the core's bulk flow (src/bulk.rs) over the store.
    async #bulk(create, requests, extra, options) {
      const onProgress = read(options, 'onProgress');
      const report = typeof onProgress === 'function' ? onProgress : null;
      const list = Array.isArray(requests) ? requests : [];
      const extraOf = typeof extra === 'function' ? (i) => extra(list[i], i)
        : Array.isArray(extra) ? (i) => extra[i] : () => extra;
      const flow = new raw.BulkRaw(create, read(options, 'free') === true);
      let cause;
      let created = [];
      try {
        for (let from = 0; from < list.length; from += CHUNK) {
          const to = Math.min(list.length, from + CHUNK);
          flow.add(this.#raw, packRequests(list, from, to));
          if (report !== null) {
            report({ phase: 'checking', done: to, total: list.length });
            await yieldToHost();
          }
        }
        report?.({ phase: 'reading', done: 0, total: list.length });
        let text = take(flow.start(Array.isArray(requests)));
        while (text.charCodeAt(0) === 78 /* 'N': a need */) {
          let reply;
          if (text.charCodeAt(2) === 82 /* 'R': rows */) reply = await this.#rowsAnswer(text);
          else {
            // `N M`, then per record its request's index and the record.
            created = text.split(FS).slice(1).map((part) => {
              const at = part.indexOf(US);
              const series = decodePrepared(`1${part.slice(at)}`);
              return withExtra(extraOf(Number(part.slice(0, at))), series);
            });
            report?.({ phase: 'storing', done: 0, total: created.length });
            reply = await this.#insertAnswer('insertMany', created);
          }
          cause = reply.cause ?? cause;
          text = take(flow.resume(reply.answer));
        }
        done(text, cause);
        const parts = text.split(FS);
        const outcomes = new Array(parts.length - 1);
        for (let i = 1; i < parts.length; i++) {
          outcomes[i - 1] = parts[i].charCodeAt(0) === 49 /* '1' */ ? decodePlan(parts[i]) : failure(parts[i]);
        }
        const stored = parts[0] === `1${US}1`;
        report?.({ phase: 'done', done: list.length, total: list.length });
        return create ? { outcomes, created: stored ? created : [], stored } : outcomes;
      } finally {
        flow.free();
      }
    }

    // The store's overlapping() for a flow's `N R` need, packed as the flow reads it.
    async #rowsAnswer(text) {
      const [, , key, prefix, suffix, width, scheme, scope, format, first, last] = text.split(US);
      const reply = await this.#ask('overlapping', [{ key, prefix, suffix, width: Number(width), scheme, scope, format }, first, last]);
      const answer = new Packer(256);
      if (reply.missing) answer.record(['M']);
      else if (reply.threw) answer.record(['T']);
      else if (!Array.isArray(reply.value)) answer.record(['X']);
      else {
        answer.record(['R']);
        for (const row of reply.value) answer.record([read(row, 'id'), read(row, 'first'), read(row, 'last'), read(row, 'format')]);
      }
      return { answer: answer.done(), cause: reply.threw ? reply.cause : undefined };
    }

    // The store's insert(series) or insertMany(list), its answer packed as the flow reads it.
    async #insertAnswer(operation, value) {
      const reply = await this.#ask(operation, [value]);
      const answer = new Packer(8);
      if (reply.missing) answer.record(['M']);
      // The store's own constraint saw an overlap: the core looks again.
      else if (reply.threw) answer.record([read(reply.cause, 'code') === 'OVERLAP' ? 'O' : 'F']);
      else answer.record(['I']);
      return { answer: answer.done(), cause: reply.threw ? reply.cause : undefined, stored: !reply.missing && !reply.threw };
    }

    /**
     * Checks a series as a store is handed it (by a client that ran the book itself, over
     * HTTP) against this book's rules: its fields valid, its segments inside the pools of
     * its range, in order, from its start to its end, its count theirs. A whole series and
     * the free part of one pass; anything else throws SeriesError INPUT_INVALID.
     */
    verify(series) {
      const segments = read(series, 'segments');
      const packer = new Packer(64);
      for (const g of Array.isArray(segments) ? segments : []) packer.record([read(read(g, 'pool'), 'key'), read(g, 'first'), read(g, 'last')]);
      records(take(this.#raw.verify(series, packer.done(), read(series, 'count'))));
    }

    /** Removes a series through the store's remove(). */
    remove(id) {
      return this.#serially(async () => Boolean(await this.#call('remove', id)));
    }

    /** The store's list(poolKey). */
    list(poolKey) {
      return this.#call('list', poolKey);
    }

    /** The store's get(id): the stored series, or null. */
    get(id) {
      return this.#call('get', id);
    }

    /** The store's page(query): { series, total }, a scope's series by start or newest first. */
    page(query) {
      return this.#call('page', query);
    }

    static {
      poolsOf = (book, text) => book.#serially(() => book.#pools(text));
    }

    // Drives the core's pool book (src/lifecycle/book.rs) over the store:
    // the trail caught up, the request decided, the change appended.
    async #pools(text) {
      let cause;
      let step = take(this.#raw.poolsStart(text));
      while (step.charCodeAt(0) === 78 /* 'N': a need */) {
        const trail = step.charCodeAt(2) === 84 /* 'T' */;
        const reply = await this.#ask(trail ? 'poolTrail' : 'appendPool', [JSON.parse(step.slice(4))]);
        let kind;
        let answer = '';
        if (reply.missing) kind = 4;
        else if (reply.threw) {
          cause = reply.cause;
          kind = !trail && read(cause, 'code') === 'STALE' ? 2 : 3;
        } else {
          kind = trail ? 0 : 1;
          answer = requestText(reply.value);
        }
        step = take(this.#raw.poolsResume(kind, answer));
      }
      return readAnswer(done(step, cause).slice(2));
    }

    #serially(work) {
      const result = this.#queue.then(work, work);
      this.#queue = result.then(() => undefined, () => undefined);
      return result;
    }

    async #call(operation, ...args) {
      const callback = read(this.#store, operation);
      if (typeof callback !== 'function') throw failure(take(raw.storeFailed(operation, true)));
      try {
        return await callback.apply(this.#store, args);
      } catch (cause) {
        throw storeFailure(operation, cause);
      }
    }

    // A store callback's answer: { value }, { missing }, or { cause } when it threw.
    async #ask(operation, args) {
      const callback = read(this.#store, operation);
      if (typeof callback !== 'function') return { missing: true };
      try {
        return { value: await callback.apply(this.#store, args) };
      } catch (cause) {
        return { cause, threw: true };
      }
    }

    // Drives one of the core's book flows (src/flow.rs): each step it needs
    // is carried to the store and the answer fed back; the core decides.
    async #run(mode, request, extra) {
      const flow = new raw.FlowRaw(this.#raw, mode, request);
      let cause;
      let inserted;
      try {
        let text = take(flow.start());
        while (text.charCodeAt(0) === 78 /* 'N': a need */) {
          if (text.charCodeAt(2) === 82 /* 'R': rows */) {
            const rows = await this.#rowsAnswer(text);
            cause = rows.cause ?? cause;
            text = take(flow.resume(rows.answer));
            continue;
          }
          const series = decodePrepared(`1${text.slice(3)}`);
          const record = withExtra(extra, series);
          const insert = await this.#insertAnswer('insert', record);
          cause = insert.cause ?? cause;
          if (insert.stored) inserted = record;
          text = take(flow.resume(insert.answer));
        }
        done(text, cause);
        switch (text.charCodeAt(2)) {
          case 67 /* 'C' */: return inserted;
          case 75 /* 'K' */: return decodeConflicts(text);
          default: return decodePlan(text);
        }
      } finally {
        flow.free();
      }
    }

    /** Frees the wasm side now. */
    free() {
      this.#raw?.free();
      this.#raw = null;
    }
  }

  // Bulk requests are in the server build (feature `bulk`).
  if (typeof raw.BulkRaw !== 'function') {
    delete SeriesBook.prototype.planMany;
    delete SeriesBook.prototype.createMany;
    delete SeriesBook.prototype.verify;
  }

  // The number lifecycle over the store, where the build has it (seriesguard/server).
  if (typeof raw.BookRaw.prototype.poolsStart === 'function') installLifecycle(SeriesBook, (book, text) => poolsOf(book, text));

  return { SeriesBook, storeFailure, packSegments };
}
