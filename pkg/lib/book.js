// SeriesBook: the core's book flows (src/flow.rs) driven over a host's store.

import { RS, US, Packer, read, decodeConflicts, decodePlan, decodeId, failure, records } from './wire.js';
import { readAnswer, installLifecycle, requestText } from './lifecycle.js';

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
          const answer = new Packer(256);
          if (text.charCodeAt(2) === 82 /* 'R': rows */) {
            const [, , key, prefix, suffix, width, scheme, scope, format, first, last] = text.split(US);
            const reply = await this.#ask('overlapping', [{ key, prefix, suffix, width: Number(width), scheme, scope, format }, first, last]);
            if (reply.missing) answer.record(['M']);
            else if (reply.threw) {
              cause = reply.cause;
              answer.record(['T']);
            } else if (!Array.isArray(reply.value)) answer.record(['X']);
            else {
              answer.record(['R']);
              for (const row of reply.value) answer.record([read(row, 'id'), read(row, 'first'), read(row, 'last'), read(row, 'format')]);
            }
          } else {
            const series = decodePrepared(`1${text.slice(3)}`);
            const record = extra !== null && typeof extra === 'object' ? { ...extra, ...series } : series;
            const reply = await this.#ask('insert', [record]);
            if (reply.missing) answer.record(['M']);
            else if (reply.threw) {
              cause = reply.cause;
              // The store's own constraint saw an overlap: the core looks again.
              answer.record([read(cause, 'code') === 'OVERLAP' ? 'O' : 'F']);
            } else {
              inserted = record;
              answer.record(['I']);
            }
          }
          text = take(flow.resume(answer.done()));
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

  // The number lifecycle over the store, where the build has it (seriesguard/server).
  if (typeof raw.BookRaw.prototype.poolsStart === 'function') installLifecycle(SeriesBook, (book, text) => poolsOf(book, text));

  return { SeriesBook, storeFailure, packSegments };
}
