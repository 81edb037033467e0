// SeriesIndex: an in-memory index of stored series in wasm memory.

import { readAnswer, installLifecycle } from './lifecycle.js';
import { RS, US, read, startOf, endOf, scopeOf, decodeConflicts, decodeHits, decodePlan, decodePieces, decodeId, failure, records, packSeries, packSnapshot, BulkPacker } from './wire.js';

// Bytes as the binding takes them: a Uint8Array (or any view or buffer);
// anything else is no snapshot, which the core refuses as SNAPSHOT_INVALID.
function bytesOf(value) {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return new Uint8Array(0);
}

/** The SeriesIndex class of one instance, and the IndexRaw behind an index. */
export function indexes(raw, wire) {
  const { take } = wire;

  // Forgotten indexes and books are freed by wasm-bindgen's own
  // FinalizationRegistry on their inner objects (which also skips objects
  // of an instance recreated after a trap); free() releases them at once.

  // The IndexRaw behind a SeriesIndex, for the platform flows that read one.
  let indexRaw;
  // An IndexRaw made by a static constructor, for the next `new SeriesIndex` to take.
  let adopting = null;
  // Whether an addMany is packing into the bulk buffer.
  let bulkBusy = false;
  // Series per part of a bulk load: about 2 MB packed.
  const BULK_PART = 65536;
  const NO_BYTES = new Uint8Array(0);

  // The numbers of the last answer that has some (src/wasm/wire.rs
  // emit_numbers), read in place through views renewed when wasm memory has
  // grown (the old ones are then empty) or the instance was recreated.
  let hitMemory = null;
  let hitWords = null;
  let hitNumbers = null;
  let hitsAt = -1;
  // Where the numbers of the last answer start (an index into hitNumbers).
  function numbersAt() {
    const memory = wire.memory();
    if (memory !== hitMemory || hitNumbers.length === 0) {
      hitMemory = memory;
      hitWords = new Uint32Array(memory.buffer);
      hitNumbers = new Float64Array(memory.buffer);
      hitsAt = raw.numbersAtAddress() >>> 2;
    }
    return hitWords[hitsAt] >>> 3;
  }

  // The conflicts of one query answered with numbers (0: none).
  function hits(length, start, end) {
    if (length === 0) return [];
    // `1` alone: every conflict is numbers (no text to read).
    const text = length === 1 ? null : records(take(length));
    const at = numbersAt();
    return decodeHits(hitNumbers, at, text, start, end);
  }

  // Throws why an IndexRaw could not be made (after freeing it).
  function checked(inner) {
    const answer = take(inner.rulesIssues());
    if (answer !== '1') {
      inner.free();
      throw failure(answer);
    }
    return inner;
  }

  /** An in-memory index of stored series: overlaps, gaps, plans, allocation. */
  class SeriesIndex {
    #raw;

    static {
      indexRaw = (index) => index.#raw;
    }

    /** rules: as for validateSeries; options.mergeAdjacent joins touching ranges of one id. */
    constructor(rules, options) {
      if (adopting !== null) {
        this.#raw = adopting;
        adopting = null;
        return;
      }
      this.#raw = checked(new raw.IndexRaw(rules, read(options, 'mergeAdjacent') === true));
    }

    /** Stores { id, start, end, scope? }; throws SeriesError (OVERLAP with details.conflicts). */
    add(series) {
      records(take(this.#raw.add(series)));
    }

    /** Stores many series in one crossing, all or none. */
    addMany(list) {
      const isList = Array.isArray(list);
      if (!isList || bulkBusy) {
        const packed = isList ? packSeries(list) : new Uint8Array(0);
        records(take(this.#raw.addMany(packed, undefined, true, true, isList ? list.length : 0, list)));
        return;
      }
      // Packed straight into wasm memory a part at a time (src/wasm/index.rs
      // BULK). The bulk buffer is one per instance: a load that a host
      // getter starts during this one's packing takes the path above.
      bulkBusy = true;
      let length;
      try {
        const n = list.length;
        const packer = new BulkPacker(raw, wire.memory, Math.min(n, BULK_PART) * 32);
        for (let from = 0; ; from += BULK_PART) {
          const to = Math.min(from + BULK_PART, n);
          packer.at = 0;
          const part = packSeries(list, true, undefined, undefined, packer, from, to);
          length = this.#raw.addMany(NO_BYTES, part, from === 0, to === n, n, list);
          if (to === n) break;
        }
      } finally {
        bulkBusy = false;
      }
      records(take(length));
    }

    /** Every stored sub-range colliding with the series, with its holder's id. */
    overlaps(series) {
      const start = startOf(series);
      const end = endOf(series);
      const scope = scopeOf(series) ?? '';
      const strings = typeof start === 'string' && typeof end === 'string' && typeof scope === 'string';
      if (!strings) return decodeConflicts(records(take(this.#raw.overlaps(series))));
      const length = wire.writeScratch(start, end, scope) ? this.#raw.overlapsScratch(start.length, end.length, scope.length)
        : this.#raw.overlapsStrings(start, end, scope);
      return hits(length, start, end);
    }

    /**
     * overlaps() of many queries in one crossing: per query, in order, its conflicts, or the
     * SeriesError overlaps() would throw for it.
     */
    overlapsMany(queries) {
      // Each query's numbers follow the last one's: how many conflicts, two numbers each.
      let at = -1;
      return this.#many(queries, 'overlapsMany', (part, start, end) => {
        if (at === -1) at = numbersAt();
        const conflicts = decodeHits(hitNumbers, at, part.length === 1 ? null : part, start, end);
        at += 1 + 2 * hitNumbers[at];
        return conflicts;
      });
    }

    /**
     * plan() of many queries in one crossing: per query, in order, its plan, or the
     * SeriesError plan() would throw for it.
     */
    planMany(queries) {
      return this.#many(queries, 'planMany', decodePlan);
    }

    // Many queries in one crossing; per query its answer decoded (given the
    // query's start and end as read), or its SeriesError.
    #many(queries, method, decode) {
      const isList = Array.isArray(queries);
      const list = isList ? queries : [];
      const starts = new Array(list.length);
      const ends = new Array(list.length);
      const packed = packSeries(list, false, starts, ends);
      const parts = records(take(this.#raw[method](packed, isList))).split('\x1c');
      const out = new Array(parts.length - 1);
      for (let i = 1; i < parts.length; i++) {
        const part = parts[i];
        out[i - 1] = part.charCodeAt(0) === 49 /* '1' */ ? decode(part, starts[i - 1], ends[i - 1]) : failure(part);
      }
      return out;
    }

    /** true when the series collides with anything stored; allocates nothing in wasm. */
    hasOverlap(series) {
      const start = startOf(series);
      const end = endOf(series);
      const scope = scopeOf(series) ?? undefined;
      if (typeof start === 'string' && typeof end === 'string' && (scope === undefined || typeof scope === 'string')) {
        const scoped = scope !== undefined;
        const answer = wire.writeScratch(start, end, scoped ? scope : '')
          ? this.#raw.hasOverlapScratch(start.length, end.length, scoped ? scope.length : 0, scoped)
          : this.#raw.hasOverlap(start, end, scope);
        if (answer >= 0) return answer === 1;
      }
      return this.overlaps(series).length > 0;
    }

    /** The free sub-ranges inside the series. */
    gaps(series) {
      return decodePieces(records(take(this.#raw.gaps(series))));
    }

    /** MOR-style partial creation: { create, skipped, created, requested }. */
    plan(series) {
      return decodePlan(records(take(this.#raw.plan(series))));
    }

    /**
     * The first free block of `quantity` in pool { width, first, last, prefix?, suffix?, scheme?, scope? },
     * reserved under `id` when given; null when no gap is large enough.
     */
    allocate(pool, quantity, id) {
      const text = records(take(this.#raw.allocate(pool, quantity, id)));
      if (text.length === 1) return null;
      const [, start, end, count] = text.split(US);
      return { start, end, count: BigInt(count) };
    }

    /** Removes every range stored under id; false when there was none. */
    remove(id) {
      return this.#raw.remove(id);
    }

    /** Bytes of wasm heap the stored ranges and their ids occupy. */
    heldBytes() {
      return this.#raw.heldBytes();
    }

    /** How many ranges are stored. */
    get size() {
      return this.#raw.size();
    }

    /** { ranges, numbers, pools: [{ prefix, suffix, width, scheme, scope, ranges, numbers }] } */
    stats() {
      const list = records(take(this.#raw.stats())).split(RS);
      const [, ranges, numbers] = list[0].split(US);
      const pools = list.slice(1).map((record) => {
        const [prefix, suffix, width, scheme, scope, n, held] = record.split(US);
        return { prefix, suffix, width: Number(width), scheme, scope, ranges: Number(n), numbers: BigInt(held) };
      });
      return { ranges: Number(ranges), numbers: numbers === '' ? null : BigInt(numbers), pools };
    }

    /** Every stored range in order: { id, start, end, count, scope }. */
    entries() {
      const list = records(take(this.#raw.entries())).split(RS);
      const out = [];
      for (let i = 1; i < list.length; i++) {
        const [id, start, end, count, scope] = list[i].split(US);
        out.push({ id: decodeId(id), start, end, count: BigInt(count), scope });
      }
      return out;
    }

    /** The snapshot (serials as decimal strings); JSON.stringify(index) writes it. */
    toJSON() {
      return JSON.parse(take(this.#raw.toJson()));
    }

    /** Loads a snapshot (object or JSON text) in one crossing, all or none. */
    loadJSON(snapshot) {
      records(take(this.#raw.loadPacked(packSnapshot(snapshot))));
    }

    /** A new index holding a snapshot. */
    static fromJSON(snapshot, rules) {
      const data = typeof snapshot === 'string' ? (() => { try { return JSON.parse(snapshot); } catch { return null; } })() : snapshot;
      // Without rules, the index takes the format the snapshot was written under.
      const stored = read(read(data, 'rules'), 'format');
      const index = new SeriesIndex(rules ?? (stored === undefined ? undefined : { format: stored }), { mergeAdjacent: read(data, 'mergeAdjacent') === true });
      index.loadJSON(data ?? snapshot);
      return index;
    }

    /**
     * The binary snapshot: the index's columns as bytes (36 bytes a range), with the format its
     * series were validated under and a checksum. SeriesIndex.fromBytes reads it back.
     */
    toBytes() {
      return this.#raw.toBytes();
    }

    /**
     * A new index holding a binary snapshot; without rules, under the format it was written
     * under, and with its mergeAdjacent. Corrupted or cut bytes throw SNAPSHOT_INVALID.
     */
    static fromBytes(bytes, rules) {
      adopting = checked(raw.IndexRaw.fromBytes(bytesOf(bytes), rules));
      return new SeriesIndex();
    }

    /** Frees the wasm memory now (later calls throw). */
    free() {
      if (this.#raw === null) return;
      this.#raw.free();
      this.#raw = null;
    }

    [Symbol.dispose ?? Symbol.for('Symbol.dispose')]() {
      this.free();
    }
  }

  /** start..end in chunks of at most maxPerChunk members, as identifiers (not in seriesguard/form). */
  function splitSeries(start, end, maxPerChunk, rules) {
    return decodePieces(records(take(raw.splitRaw(start, end, maxPerChunk, rules))));
  }

  // The number lifecycle, where the build has it (seriesguard/server): the
  // index's own pools, in memory.
  if (typeof raw.IndexRaw.prototype.lifecycle === 'function') {
    installLifecycle(SeriesIndex, (index, text) => readAnswer(records(take(indexRaw(index).lifecycle(text))).slice(2)));
    Object.defineProperty(SeriesIndex.prototype, 'replayPools', {
      /** Adds pools from their declare requests and applies events, in order: { pools, events } applied. */
      value(pools, events) { return this.lifecycle({ op: 'replay', pools, events }); },
      writable: true,
      configurable: true,
    });
  }

  return { SeriesIndex, indexRaw, splitSeries };
}
