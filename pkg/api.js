// The JS face of seriesguard, shared by every build (Node CJS and ESM, web).
// It turns the compact answers of the wasm exports (see src/wasm/wire.rs)
// into plain objects and SeriesError throws. It holds no rule: every check
// and every message comes from the Rust core.
//
// This file is ES module source; scripts/build.sh writes api.cjs from it for
// require(). Keep `export function bind` the only export.

const GS = '\x1d';
const RS = '\x1e';
const US = '\x1f';

/** Coded error thrown by seriesguard. `code` is stable; branch on it. */
export class SeriesError extends Error {
  constructor(code, message, field, details) {
    super(message);
    this.name = 'SeriesError';
    this.code = code;
    if (field !== undefined) this.field = field;
    if (details !== undefined) this.details = details;
  }
}

function decodeIssues(records) {
  const issues = new Array(records.length - 1);
  for (let i = 1; i < records.length; i++) {
    const [code, field, message] = records[i].split(US);
    issues[i - 1] = { code, field, message };
  }
  return issues;
}

function decodeValidation(text) {
  const records = text.split(RS);
  const [ok, count, start, end] = records[0].split(US);
  const validation = { ok: ok === '1', count: count === '' ? null : BigInt(count), issues: decodeIssues(records) };
  if (count !== '') {
    validation.start = start;
    validation.end = end;
  }
  return validation;
}

function answer(text) {
  if (text.charCodeAt(0) === 49 /* '1' */) return text.slice(2);
  throw failure(text);
}

// The parameters joined, when every one already is a string: one string then
// crosses into wasm instead of one per parameter. Anything else (numbers,
// bad values, proxies) takes the general path, which types and reports it.
function joinStrings(params) {
  try {
    if (!Array.isArray(params)) return null;
    let joined = '';
    for (let i = 0; i < params.length; i++) {
      const param = params[i];
      if (typeof param !== 'string') return null;
      joined += param;
    }
    return joined;
  } catch {
    return null;
  }
}

function fail(issues, conflicts) {
  const first = issues[0];
  const details = conflicts === undefined ? { issues } : { issues, conflicts };
  return new SeriesError(first.code, first.message, first.field, details);
}

// A failed answer: issues, then after GS the conflicts of an OVERLAP.
function failure(text) {
  const [main, conflicts] = text.split(GS);
  return fail(decodeIssues(main.split(RS)), conflicts === undefined ? undefined : decodeConflicts(conflicts));
}

// Throws unless the answer is a success; returns its records after the head.
function records(text) {
  if (text.charCodeAt(0) !== 49 /* '1' */) throw failure(text);
  return text;
}

function decodeId(field) {
  return field.charCodeAt(0) === 110 /* 'n' */ ? Number(field.slice(1)) : field.slice(1);
}

// Records of `id US start US end US count` (the first, empty or a head, skipped).
function decodeConflicts(text) {
  const list = text.split(RS);
  const out = [];
  for (let i = 1; i < list.length; i++) {
    const [id, start, end, count] = list[i].split(US);
    out.push({ id: decodeId(id), start, end, count: BigInt(count) });
  }
  return out;
}

// A plan: a head ending in `created US requested`, pieces, then after GS the skipped conflicts.
function decodePlan(text) {
  const [main, skipped] = text.split(GS);
  const head = main.split(RS)[0].split(US);
  return {
    create: decodePieces(main),
    skipped: decodeConflicts(skipped),
    created: BigInt(head.at(-2)),
    requested: BigInt(head.at(-1)),
  };
}

// Records of `tag US start US end US count`.
function decodePieces(text) {
  const list = text.split(RS);
  const out = [];
  for (let i = 1; i < list.length; i++) {
    const [, start, end, count] = list[i].split(US);
    out.push({ start, end, count: BigInt(count) });
  }
  return out;
}

// Bulk records are written as UTF-8 bytes straight into one growing buffer:
// no string per series, so a million series make no garbage to collect
// (measured: packing through strings spent most of a 2 s load in the GC).
// Records are split by RS, fields by US; a field starts with its JS type
// (see src/wasm/index.rs unpack). A separator inside a value is written as
// DEL, which every reader refuses as a control character, at the same place.
const SEPARATORS = /[\x1d\x1e\x1f]/g;
const textEncoder = new TextEncoder();
class Packer {
  constructor(size) {
    this.bytes = new Uint8Array(Math.max(size, 64));
    this.at = 0;
  }

  ensure(n) {
    if (this.at + n <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.at + n));
    next.set(this.bytes.subarray(0, this.at));
    this.bytes = next;
  }

  byte(b) {
    this.ensure(1);
    this.bytes[this.at++] = b;
  }

  text(s) {
    this.ensure(s.length * 3);
    const bytes = this.bytes;
    let at = this.at;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        const rest = s.slice(i).replace(SEPARATORS, '\x7f');
        at += textEncoder.encodeInto(rest, bytes.subarray(at)).written;
        break;
      }
      bytes[at++] = c === 0x1d || c === 0x1e || c === 0x1f ? 0x7f : c;
    }
    this.at = at;
  }

  digits(n) {
    this.ensure(16);
    const bytes = this.bytes;
    let i = this.at;
    do {
      bytes[i++] = 48 + (n % 10);
      n = Math.floor(n / 10);
    } while (n > 0);
    // Reverse in place (no subarray: a million of them would be garbage).
    for (let a = this.at, b = i - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
    this.at = i;
  }

  field(value) {
    if (value === undefined || value === null) {
      this.byte(117); // u
      return;
    }
    switch (typeof value) {
      case 'string':
        this.byte(115); // s
        this.text(value);
        return;
      case 'number':
        this.byte(110); // n
        if (Number.isSafeInteger(value) && value >= 0) this.digits(value);
        else this.text(String(value));
        return;
      case 'bigint':
        this.byte(98); // b
        this.text(String(value));
        return;
      default:
        this.byte(120); // x
        this.text(Array.isArray(value) ? 'array' : typeof value);
    }
  }

  // One record: RS before all but the first, US between fields.
  record(values) {
    if (this.at > 0) this.byte(0x1e);
    for (let i = 0; i < values.length; i++) {
      if (i > 0) this.byte(0x1f);
      this.field(values[i]);
    }
  }

  done() {
    return this.bytes.subarray(0, this.at);
  }
}

// Reads a property without letting a throwing getter escape.
function read(object, key) {
  try {
    return object === undefined || object === null ? undefined : object[key];
  } catch {
    return Symbol.for('seriesguard.unreadable');
  }
}

function packSeries(list) {
  const packer = new Packer(list.length * 40);
  for (let i = 0; i < list.length; i++) {
    const s = list[i];
    // Field by field, not through record([...]): no array per series.
    if (i > 0) packer.byte(0x1e);
    packer.field(read(s, 'id'));
    packer.byte(0x1f);
    packer.field(read(s, 'start'));
    packer.byte(0x1f);
    packer.field(read(s, 'end'));
    packer.byte(0x1f);
    packer.field(read(s, 'scope'));
  }
  return packer.done();
}

// A snapshot as toJSON() writes it, packed for one crossing. Shapes that do
// not match are packed as they are and refused, with a message, in Rust.
function packSnapshot(snapshot) {
  let data = snapshot;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      data = null;
    }
  }
  const packer = new Packer(1024);
  packer.record(['H', read(data, 'format'), read(data, 'version'), read(read(data, 'rules'), 'format')]);
  const pools = read(data, 'pools');
  for (const pool of Array.isArray(pools) ? pools : [pools]) {
    packer.record(['P', ...['prefix', 'suffix', 'width', 'scheme', 'scope'].map((k) => read(pool, k))]);
    const ranges = read(pool, 'ranges');
    for (const range of Array.isArray(ranges) ? ranges : [ranges]) {
      packer.record(Array.isArray(range) && range.length === 3 ? ['R', ...range] : [range]);
    }
  }
  return packer.done();
}

/** Binds the raw wasm exports of one build into the public API. */
export function bind(raw) {
  // Answers are read in place from wasm memory (see src/wasm/wire.rs). The
  // memory is looked up on first use (a web build is instantiated after
  // bind) and the view renewed whenever the memory has grown.
  // Node's Buffer decodes a short UTF-8 slice in about half the time of
  // TextDecoder (measured 50 ns vs 85 ns for 42 bytes); browsers use TextDecoder.
  const NodeBuffer = typeof globalThis.Buffer === 'function' ? globalThis.Buffer : null;
  const decoder = new TextDecoder();
  let memory = null;
  let view = null;
  function take(length) {
    if (memory === null) memory = raw.wasmMemory();
    if (view === null || view.buffer !== memory.buffer) {
      view = NodeBuffer ? NodeBuffer.from(memory.buffer) : new Uint8Array(memory.buffer);
    }
    const start = raw.outPtr();
    return NodeBuffer ? view.utf8Slice(start, start + length) : decoder.decode(view.subarray(start, start + length));
  }

  // Rules typed once per rules object, renewed when an option's value
  // changes (so mutating a rules object is seen). Values that are not plain
  // objects take the general path, which reports them.
  const RULE_KEYS = ['width', 'prefix', 'maxCount', 'numericOnly', 'scheme', 'format'];
  let compiledRules = new WeakMap();
  let lastRules;
  let defaultRules = null;
  function compile(rules) {
    if (rules === undefined || rules === null) {
      if (defaultRules === null) defaultRules = new raw.RulesRaw(undefined);
      return defaultRules;
    }
    // Not an object: typed (and reported) by Rust, not cached.
    if (typeof rules !== 'object' || Array.isArray(rules)) return new raw.RulesRaw(rules);
    const values = RULE_KEYS.map((key) => read(rules, key));
    const same = (entry) => entry !== undefined && entry.values.every((v, i) => Object.is(v, values[i]));
    let entry = compiledRules.get(rules);
    if (!same(entry)) {
      // Rules written inline (`{ width: 8 }` on every call) are new objects
      // with the last one's values: reuse its compilation.
      entry = same(lastRules) ? lastRules : { values, handle: new raw.RulesRaw(rules) };
      compiledRules.set(rules, entry);
    }
    lastRules = entry;
    return entry.handle;
  }

  // A validation of two strings the caller holds: empty echoes mean unchanged.
  function decodeGiven(text, start, end) {
    const validation = decodeValidation(text);
    if (validation.count !== null) {
      if (validation.start === '') validation.start = start;
      if (validation.end === '') validation.end = end;
    }
    return validation;
  }

  // Writes two short ASCII strings into wasm's scratch buffer; false (and
  // nothing to undo) when either is long or not ASCII.
  let scratchView = null;
  function writeScratch(start, end) {
    const total = start.length + end.length;
    if (total > 256) return false;
    const at = raw.scratch(total);
    if (memory === null) memory = raw.wasmMemory();
    if (scratchView === null || scratchView.buffer !== memory.buffer) scratchView = new Uint8Array(memory.buffer);
    for (let i = 0; i < start.length; i++) {
      const c = start.charCodeAt(i);
      if (c >= 0x80) return false;
      scratchView[at + i] = c;
    }
    const base = at + start.length;
    for (let i = 0; i < end.length; i++) {
      const c = end.charCodeAt(i);
      if (c >= 0x80) return false;
      scratchView[base + i] = c;
    }
    return true;
  }

  // Validates two strings under compiled rules by the cheapest path.
  function validateTwo(start, end, compiled) {
    if (writeScratch(start, end)) {
      const length = raw.validateScratch(start.length, end.length, compiled);
      if (length === 0) return { ok: true, count: BigInt(raw.lastCount()), issues: [], start, end };
      return decodeGiven(take(length), start, end);
    }
    return decodeGiven(take(raw.validateStrings(start, end, compiled)), start, end);
  }

  /** Validates a series for a form: never throws, reports every issue. */
  function validateSeries(input, rules) {
    const start = read(input, 'start');
    const end = read(input, 'end');
    const compiled = typeof start === 'string' && typeof end === 'string'
      && typeof input === 'object' && !Array.isArray(input) ? compile(rules) : null;
    if (compiled !== null) return validateTwo(start, end, compiled);
    return decodeValidation(take(raw.validateRaw(input, rules)));
  }

  /** Validates many series in one crossing: an array of Validations, in order. */
  function validateMany(inputs, rules) {
    const isList = Array.isArray(inputs);
    const n = isList ? inputs.length : 0;
    const packer = new Packer(n * 24);
    const starts = new Array(n);
    const ends = new Array(n);
    for (let i = 0; i < n; i++) {
      starts[i] = read(inputs[i], 'start');
      ends[i] = read(inputs[i], 'end');
      if (i > 0) packer.byte(0x1e);
      packer.field(starts[i]);
      packer.byte(0x1f);
      packer.field(ends[i]);
    }
    const parts = records(take(raw.validateManyRaw(packer.done(), isList, compile(rules)))).split(GS);
    const out = new Array(parts.length - 1);
    for (let i = 1; i < parts.length; i++) {
      const part = parts[i];
      out[i - 1] = part.charCodeAt(0) === 61 /* '=' */
        ? { ok: true, count: BigInt(part.slice(1)), issues: [], start: starts[i - 1], end: ends[i - 1] }
        : decodeGiven(part, starts[i - 1], ends[i - 1]);
    }
    return out;
  }

  /** The exact count of start..end as a bigint; throws SeriesError when invalid. */
  function countSeries(start, end, rules) {
    const compiled = typeof start === 'string' && typeof end === 'string' ? compile(rules) : null;
    const validation = compiled !== null
      ? validateTwo(start, end, compiled)
      : decodeValidation(take(raw.countRaw(start, end, rules)));
    if (!validation.ok) throw fail(validation.issues);
    return validation.count;
  }

  /** Reads one identifier into its parts; throws SeriesError when invalid. */
  function parseSerial(text, rules) {
    const records = take(raw.parseRaw(text, rules)).split(RS);
    const [ok, normalized, prefix, body, suffix, check] = records[0].split(US);
    if (ok !== '1') throw fail(decodeIssues(records));
    const serial = { text: normalized, prefix, body, width: body.length, suffix };
    if (check !== '') serial.checkDigit = check;
    return serial;
  }

  /** The check digit a scheme or format gives a serial (digits only); throws SeriesError. */
  function checkDigit(scheme, body) {
    return answer(take(raw.checkDigitRaw(scheme, body)));
  }

  /** True when `id` is well formed with a right check digit; throws only for a bad scheme or a non-string id. */
  function verifyCheckDigit(scheme, id) {
    return answer(take(raw.verifyCheckDigitRaw(scheme, id))) === 'true';
  }

  /** MOR request hash: lowercase hex SHA-1 of the params in order, then the secret. */
  function morHash(params, secret) {
    const joined = joinStrings(params);
    return answer(
      joined !== null && typeof secret === 'string'
        ? take(raw.morHashStrings(joined, secret))
        : take(raw.morHashRaw(params, secret)),
    );
  }

  /** Constant-time check of a MOR hash; false for any wrong, short, uppercase or non-hex hash. */
  function verifyMorHash(params, secret, hash) {
    const joined = joinStrings(params);
    return answer(
      joined !== null && typeof secret === 'string' && typeof hash === 'string'
        ? take(raw.verifyMorHashStrings(joined, secret, hash))
        : take(raw.verifyMorHashRaw(params, secret, hash)),
    ) === 'true';
  }

  /** HMAC-SHA256 of message under key (UTF-8), as 'hex' (default) or 'base64url'. */
  function hmacSha256(key, message, encoding) {
    return answer(take(raw.hmacSha256Raw(key, message, encoding)));
  }

  /** Constant-time check of an HMAC-SHA256 signature given in hex or base64url. */
  function verifyHmacSha256(key, message, signature) {
    return answer(take(raw.verifyHmacSha256Raw(key, message, signature))) === 'true';
  }

  /** Canonical SHA-256 of a series (pool, first, last, item code, type): an idempotency key. */
  function fingerprint(series, rules) {
    return answer(take(raw.fingerprintRaw(series, rules)));
  }

  /** Bytes of wasm memory in use by this instance (it grows, never shrinks). */
  function memoryBytes() {
    if (memory === null) memory = raw.wasmMemory();
    return memory.buffer.byteLength;
  }

  /** start..end in chunks of at most maxPerChunk members, as identifiers. */
  function splitSeries(start, end, maxPerChunk, rules) {
    return decodePieces(records(take(raw.splitRaw(start, end, maxPerChunk, rules))));
  }

  // Forgotten indexes and books are freed by wasm-bindgen's own
  // FinalizationRegistry on their inner objects (which also skips objects
  // of an instance recreated after a trap); free() releases them at once.

  // The IndexRaw behind a SeriesIndex, for the platform flows that read one.
  let indexRaw;

  /** An in-memory index of stored series: overlaps, gaps, plans, allocation. */
  class SeriesIndex {
    #raw;

    static {
      indexRaw = (index) => index.#raw;
    }

    /** rules: as for validateSeries; options.mergeAdjacent joins touching ranges of one id. */
    constructor(rules, options) {
      const inner = new raw.IndexRaw(rules, read(options, 'mergeAdjacent') === true);
      const answer = take(inner.rulesIssues());
      if (answer !== '1') {
        inner.free();
        throw failure(answer);
      }
      this.#raw = inner;
    }

    /** Stores { id, start, end, scope? }; throws SeriesError (OVERLAP with details.conflicts). */
    add(series) {
      records(take(this.#raw.add(series)));
    }

    /** Stores many series in one crossing, all or none. */
    addMany(list) {
      const isList = Array.isArray(list);
      records(take(this.#raw.addMany(isList ? packSeries(list) : new Uint8Array(0), isList, list)));
    }

    /** Every stored sub-range colliding with the series, with its holder's id. */
    overlaps(series) {
      const start = read(series, 'start');
      const end = read(series, 'end');
      const scope = read(series, 'scope') ?? '';
      const text = typeof start === 'string' && typeof end === 'string' && typeof scope === 'string'
        ? take(this.#raw.overlapsStrings(start, end, scope))
        : take(this.#raw.overlaps(series));
      return decodeConflicts(records(text));
    }

    /** true when the series collides with anything stored; allocates nothing in wasm. */
    hasOverlap(series) {
      const start = read(series, 'start');
      const end = read(series, 'end');
      const scope = read(series, 'scope') ?? undefined;
      if (typeof start === 'string' && typeof end === 'string' && (scope === undefined || typeof scope === 'string')) {
        const answer = this.#raw.hasOverlap(start, end, scope);
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

  // ----- SeriesBook: the rules over a host store given as callbacks -----

  // STORE_FAILED for a host callback that threw or rejected, carrying it as cause.
  function storeFailure(operation, cause) {
    const error = failure(take(raw.storeFailed(operation, false)));
    error.cause = cause;
    error.details.cause = cause;
    return error;
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

  /**
   * The library's rules over a host's store. The store is an object of
   * callbacks, each returning a value or a Promise:
   *   overlapping(pool, first, last) -> [{ id, first, last, format }]  stored segments of
   *     `pool` touching serials first..last (decimal strings); a superset is fine;
   *     `format` is the stored series' format ('awb'..., 'plain'): another
   *     format than the request's is RULES_MISMATCH
   *   insert(series)                                         store the created series
   *   remove?(id) -> boolean, list?(poolKey) -> series[]
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
      const callable = typeof read(store, 'overlapping') === 'function' && typeof read(store, 'insert') === 'function';
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
        if (text.charCodeAt(0) !== 49 /* '1' */) {
          const error = failure(text);
          if (error.code === 'STORE_FAILED' && cause !== undefined) {
            error.cause = cause;
            error.details.cause = cause;
          }
          throw error;
        }
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

  // ----- Platform profiles: the core's checks and replies, the host's answers awaited between -----

  // A header by name, from a plain object (any case) or a fetch Headers.
  function headerValue(headers, name) {
    try {
      if (headers && typeof headers.get === 'function') return headers.get(name) ?? undefined;
      if (headers && typeof headers === 'object') {
        for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return headers[key];
      }
    } catch {
      // unreadable headers: no header
    }
    return undefined;
  }

  // `R status US body [US xml]`.
  function reply(text) {
    const [head, body, xml] = text.split(US);
    return { status: Number(head.slice(1)), text: body, xml };
  }

  function jsonReply(text) {
    const r = reply(text);
    const out = { status: r.status, body: JSON.parse(r.text), text: r.text };
    if (r.xml !== undefined) out.xml = r.xml;
    return out;
  }

  // A host's answer: a value as it is (never awaited: awaiting reads
  // `then`, which a hostile value may make throw), or a function's value or
  // Promise, awaited. A callback that throws or rejects is STORE_FAILED.
  function ask(callback, ...args) {
    return typeof callback === 'function' ? askCallback(callback, args) : { value: callback };
  }

  async function askCallback(callback, args) {
    try {
      return { value: await callback(...args) };
    } catch (cause) {
      throw storeFailure('callback', cause);
    }
  }

  // A platform flow's answers (ProfileFlowRaw.resume's kinds).
  const ANSWER = { no: 0, yes: 1, failed: 2, value: 3, done: 4, refused: 5, held: 6 };

  // A host's answer for a platform flow, as the core reads it: the value
  // (a callback's, awaited), or failed when the callback threw or rejected.
  async function answerOf(callback, ...args) {
    try {
      return [ANSWER.value, (await ask(callback, ...args)).value];
    } catch {
      return [ANSWER.failed];
    }
  }

  // Drives one of the core's platform flows (src/profiles): each need is
  // carried to `host` (need letter, fields) and its answer fed back; the
  // core decides, and its reply ends the flow.
  async function driveProfile(flow, host) {
    try {
      let text = take(flow.start());
      while (text.charCodeAt(0) === 78 /* 'N': a need */) {
        const [, need, ...fields] = text.split(US);
        const [kind, value, code = '', message = ''] = await host(need, fields);
        text = take(kind === ANSWER.held ? flow.resumeHeld(value) : flow.resume(kind, value, code, message));
      }
      return jsonReply(text);
    } finally {
      flow.free();
    }
  }

  const shipsy = {
    /**
     * The dashboard form's Validation: every issue at once (customer, type, service types,
     * series, item code), with the count and `customer` (client_code, else hub_code, else null).
     */
    validate(body, rules) {
      const types = read(body, 'service_types');
      const count = types === undefined ? -1 : Array.isArray(types) ? types.length : -2;
      const [text, customer] = take(raw.shipsyValidate(body, count, rules)).split(GS);
      const validation = decodeValidation(text);
      validation.customer = customer ?? null;
      return validation;
    },

    /**
     * POST /api/client/integration/virtualseries/create: { status, body, text } exactly as
     * Shipsy answers. options: { apiKeyValid (boolean or function of the key), book (creates
     * the series; none: nothing is stored), rules }.
     */
    async create(body, headers, options) {
      const flow = raw.ProfileFlowRaw.shipsy(headerValue(headers, 'authorization'), body, read(options, 'rules'));
      return driveProfile(flow, async (need, fields) => {
        if (need === 'K') return answerOf(read(options, 'apiKeyValid'), fields[0]);
        const [scope, start, end, itemCode, type] = fields;
        const book = read(options, 'book');
        try {
          if (book) await book.create({ start, end, scope, item_code: itemCode, type });
          return [ANSWER.done];
        } catch (error) {
          // The book's refusal is answered as it is; anything else is the host failing.
          return error instanceof SeriesError ? [ANSWER.refused, undefined, error.code, error.message] : [ANSWER.failed];
        }
      });
    },
  };

  const mor = {
    /**
     * /billing/api/calling_cards_create: { ok, xml, plan, from, till, scope, options } (from and
     * till: the accepted range, canonical). options: { secret,
     * role (the user's MOR role; or userAllowed), canManageCards, group }. The group is the
     * host's { id, numberLength, pinLength?, existing? } (existing: a SeriesIndex of its cards,
     * an array of { start, end } numbers or { first, last } serials, or a function of
     * (from, till, scope) returning either); `scope` is where the group's cards are stored.
     */
    async cardsCreate(params, options) {
      const group = read(options, 'group');
      const flow = raw.ProfileFlowRaw.mor(params, read(options, 'secret'), options, group);
      try {
        let text = take(flow.start());
        let from, till, scope;
        if (text.charCodeAt(0) === 78 /* 'N': the group's cards */) {
          [, , from, till, scope] = text.split(US);
          const { value: existing } = await ask(read(group, 'existing') ?? [], from, till, scope);
          // The group's cards as the host holds them: an index (its stored cards
          // in from..till), or a list of { start, end } numbers or { first, last } serials.
          const held = existing instanceof SeriesIndex ? existing.overlaps({ start: from, end: till }) : existing;
          if (Array.isArray(held)) {
            const packer = new Packer(256);
            for (const card of held) {
              if (read(card, 'first') !== undefined) packer.record(['S', read(card, 'first'), read(card, 'last')]);
              else packer.record(['C', read(card, 'start'), read(card, 'end')]);
            }
            text = take(flow.resumeCards(packer.done()));
          } else {
            text = take(flow.resume(ANSWER.failed, undefined, '', ''));
          }
        }
        if (text.charCodeAt(0) === 82 /* 'R': MOR's error page */) {
          const [, xml, error] = text.split(US);
          return { ok: false, xml, error, plan: null };
        }
        if (text.charCodeAt(0) !== 80 /* 'P' */) throw failure(text);
        const [head, plan] = text.split('\x1c');
        const [, xml, batchNumber, minBalance, distributorId, language] = head.split(US);
        return {
          ok: true, xml, plan: decodePlan(records(plan)), from, till, scope,
          options: { batch_number: batchNumber, min_balance: minBalance, distributor_id: distributorId, language },
        };
      } finally {
        flow.free();
      }
    },

    /** The scope a card group's cards are stored under (`card_group:7`). */
    scope(groupId) {
      return take(raw.morScope(String(groupId)));
    },
  };

  const abillity = {
    /**
     * POST api/order/Service/{OrderServiceID}/StockNumber: { status, body, text, xml }.
     * options: { pools: [{ areaCode, first, last }], serviceId (the path's OrderServiceID),
     * serviceFound and isQuote (boolean or function), index (a SeriesIndex that remembers
     * reservations, or a function (areaCode, attempt) giving one), stockNumberId (number or
     * function), save (function of the view; a rejection with code OVERLAP looks again),
     * maxQuantity (default 1000) }.
     */
    async stockNumber(body, options) {
      const serviceId = String(read(options, 'serviceId') ?? '');
      const pools = read(options, 'pools');
      const areas = new Packer(64);
      for (const pool of Array.isArray(pools) ? pools : []) areas.record([read(pool, 'areaCode'), read(pool, 'first'), read(pool, 'last')]);
      const flow = raw.ProfileFlowRaw.stockNumber(serviceId, body, areas.done(), read(options, 'maxQuantity'));
      let index = null;
      return driveProfile(flow, async (need, fields) => {
        switch (need) {
          case 'F': return answerOf(read(options, 'serviceFound'));
          case 'Q': return answerOf(read(options, 'isQuote'));
          case 'I': return answerOf(read(options, 'stockNumberId') ?? 1);
          case 'L': {
            const source = read(options, 'index') ?? new SeriesIndex();
            const [kind, value] = await answerOf(source, fields[0], Number(fields[1]));
            index = value instanceof SeriesIndex ? value : null;
            return index ? [ANSWER.held, indexRaw(index)] : [kind === ANSWER.failed ? kind : ANSWER.value];
          }
          default: {
            const [id, areaCode, quantity, first = null, last = null] = fields;
            const view = { stockNumberId: Number(id), areaCode, quantity: Number(quantity), first, last };
            const save = read(options, 'save');
            try {
              if (typeof save === 'function') await save(view);
            } catch (error) {
              return [read(error, 'code') === 'OVERLAP' ? ANSWER.refused : ANSWER.failed, undefined, 'OVERLAP', ''];
            }
            // The index the block was found in remembers it.
            if (first !== null) index.add({ id: view.stockNumberId, start: first, end: last, scope: areaCode });
            return [ANSWER.done];
          }
        }
      });
    },

    /** Splits a quantity into request bodies of at most `max` numbers each (the configured maximum; default and cap 1000). */
    requests(areaCode, quantity, max) {
      const [size, full, rest] = answer(take(raw.abillityRequests(String(quantity), String(max ?? ''))))
        .split(US).map(Number);
      const body = (q) => ({ AreaCode: areaCode, Quantity: q });
      const list = Array.from({ length: full }, () => body(size));
      if (rest > 0) list.push(body(rest));
      return list;
    },
  };

  const crm = {
    /** Whether item_code names a TRACEABLE physical good of the host's catalog (the documented list or its `data`). */
    traceableItem(catalog, itemCode) {
      return decodeValidation(take(raw.crmTraceable(catalog, itemCode)));
    },
  };

  const profiles = { shipsy, mor, abillity, crm };

  // ----- Traps -----
  // No input can make the core panic (fuzzed and tested); if a bug ever does,
  // wasm traps, which would leave the instance unusable. Every entry point
  // below is guarded: a trap recreates the instance, drops what pointed into
  // the old one, and throws SeriesError INTERNAL_TRAP with the trap as cause.
  function recover(error) {
    if (!(error instanceof WebAssembly.RuntimeError) || typeof raw.__wbg_reset_state !== 'function') throw error;
    raw.__wbg_reset_state();
    memory = null;
    view = null;
    scratchView = null;
    defaultRules = null;
    compiledRules = new WeakMap();
    lastRules = undefined;
    const report = failure(take(raw.trapReport()));
    report.cause = error;
    throw report;
  }

  function guard(fn) {
    return function guarded(...args) {
      try {
        const result = fn.apply(this, args);
        return result instanceof Promise ? result.catch(recover) : result;
      } catch (error) {
        return recover(error);
      }
    };
  }

  for (const type of [SeriesIndex, SeriesBook, MemoryStore]) {
    for (const name of Object.getOwnPropertyNames(type.prototype)) {
      const descriptor = Object.getOwnPropertyDescriptor(type.prototype, name);
      if (name === 'constructor') continue;
      if (typeof descriptor.value === 'function') descriptor.value = guard(descriptor.value);
      if (typeof descriptor.get === 'function') descriptor.get = guard(descriptor.get);
      Object.defineProperty(type.prototype, name, descriptor);
    }
  }
  for (const profile of Object.values(profiles)) {
    for (const [name, fn] of Object.entries(profile)) profile[name] = guard(fn);
  }

  const api = {
    validateSeries, validateMany, countSeries, parseSerial, checkDigit, verifyCheckDigit,
    morHash, verifyMorHash, hmacSha256, verifyHmacSha256, fingerprint, splitSeries,
    memoryBytes, SeriesIndex, SeriesBook, MemoryStore, localStorageStore, indexedDbStore, profiles, SeriesError,
  };
  for (const [name, value] of Object.entries(api)) {
    if (typeof value === 'function' && !/^[A-Z]/.test(name)) api[name] = guard(value);
  }
  // Test hook: traps the instance on purpose (tests/js/trap.test.mjs).
  Object.defineProperty(api, '__trapForTests', { value: guard(() => raw.trapForTests()) });
  return api;
}
