// The wire between the wasm exports and the JS face: the compact answers
// (see src/wasm/wire.rs) read from wasm memory and decoded into plain
// objects and SeriesErrors, and the packer that writes bulk arguments.
// No rule here: the answers carry the core's decisions and messages.

export const GS = '\x1d';
export const RS = '\x1e';
export const US = '\x1f';

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

export function decodeIssues(records) {
  const issues = new Array(records.length - 1);
  for (let i = 1; i < records.length; i++) {
    const [code, field, message] = records[i].split(US);
    issues[i - 1] = { code, field, message };
  }
  return issues;
}

// A validation: `ok US count US start US end`, then one `RS code US field
// US message` record per issue. Read by position, with no array of parts:
// measured, the split-based reading was a third of an invalid series' cost.
export function decodeValidation(text) {
  const a = text.indexOf(US);
  const b = text.indexOf(US, a + 1);
  const c = text.indexOf(US, b + 1);
  let head = text.indexOf(RS, c + 1);
  if (head === -1) head = text.length;
  const count = text.slice(a + 1, b);
  const issues = [];
  for (let at = head; at < text.length;) {
    const codeEnd = text.indexOf(US, at + 1);
    const fieldEnd = text.indexOf(US, codeEnd + 1);
    let next = text.indexOf(RS, fieldEnd + 1);
    if (next === -1) next = text.length;
    issues.push({ code: text.slice(at + 1, codeEnd), field: text.slice(codeEnd + 1, fieldEnd), message: text.slice(fieldEnd + 1, next) });
    at = next;
  }
  const validation = { ok: text.charCodeAt(0) === 49 /* '1' */, count: count === '' ? null : BigInt(count), issues };
  if (count !== '') {
    validation.start = text.slice(b + 1, c);
    validation.end = text.slice(c + 1, head);
  }
  return validation;
}

export function answer(text) {
  if (text.charCodeAt(0) === 49 /* '1' */) return text.slice(2);
  throw failure(text);
}

// The parameters joined, when every one already is a string: one string then
// crosses into wasm instead of one per parameter. Anything else (numbers,
// bad values, proxies) takes the general path, which types and reports it.
export function joinStrings(params) {
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

export function fail(issues, conflicts) {
  const first = issues[0];
  const details = conflicts === undefined ? { issues } : { issues, conflicts };
  return new SeriesError(first.code, first.message, first.field, details);
}

// A failed answer: issues, then after GS the conflicts of an OVERLAP.
export function failure(text) {
  const [main, conflicts] = text.split(GS);
  return fail(decodeIssues(main.split(RS)), conflicts === undefined ? undefined : decodeConflicts(conflicts));
}

// Throws unless the answer is a success; returns its records after the head.
export function records(text) {
  if (text.charCodeAt(0) !== 49 /* '1' */) throw failure(text);
  return text;
}

export function decodeId(field) {
  return field.charCodeAt(0) === 110 /* 'n' */ ? Number(field.slice(1)) : field.slice(1);
}

// Records of `id US start US end US count` (what comes before the first,
// empty or a head, skipped). Read by position, with no arrays of parts.
// An empty start or end is the query's own, as given (`start`, `end`).
export function decodeConflicts(text, start, end) {
  const out = [];
  for (let at = text.indexOf(RS); at !== -1;) {
    const a = text.indexOf(US, at + 1);
    const b = text.indexOf(US, a + 1);
    const c = text.indexOf(US, b + 1);
    const next = text.indexOf(RS, c + 1);
    const count = text.slice(c + 1, next === -1 ? text.length : next);
    out.push({
      id: decodeId(text.slice(at + 1, a)),
      start: b === a + 1 ? start : text.slice(a + 1, b),
      end: c === b + 1 ? end : text.slice(b + 1, c),
      // Through a double when it has at most 15 digits (below 2^53, so
      // exact): measured twice as fast as BigInt(text), which was a tenth
      // of a query answering one conflict.
      count: count.length <= 15 ? BigInt(+count) : BigInt(count),
    });
    at = next;
  }
  return out;
}

// Conflicts as src/wasm/index.rs push_overlaps gives them with numbers:
// `numbers` from `at` (how many, then per conflict its id and count, or -1
// where the conflict is a record of `text`, as decodeConflicts reads it);
// a conflict of numbers has the query's own `start` and `end`.
export function decodeHits(numbers, at, text, start, end) {
  const others = text === null ? null : decodeConflicts(text, start, end);
  const k = numbers[at++];
  // Every conflict a record of text (none holds the whole query): those as read.
  if (others !== null && others.length === k) return others;
  const out = [];
  for (let i = 0, o = 0; i < k; i++, at += 2) {
    const id = numbers[at];
    out.push(id < 0 ? others[o++] : { id, start, end, count: BigInt(numbers[at + 1]) });
  }
  return out;
}

// A plan: a head ending in `created US requested`, pieces, then after GS the skipped conflicts.
export function decodePlan(text) {
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
export function decodePieces(text) {
  const list = text.split(RS);
  const out = [];
  for (let i = 1; i < list.length; i++) {
    const [, start, end, count] = list[i].split(US);
    out.push({ start, end, count: BigInt(count) });
  }
  return out;
}

// Writes the digits of `n` (a safe integer, at least 0) at `at`, from the
// last: the place after them. Below 2^31 in integer arithmetic (ids are): a
// double division and floor per digit measured a fifth of packing a
// million series.
function digitsAt(bytes, at, n) {
  const small = n < 0x80000000;
  let end = at + 1;
  for (let m = n; m >= 10; m = small ? (m / 10) | 0 : Math.floor(m / 10)) end++;
  for (let i = end, m = n; i > at; ) {
    const q = small ? (m / 10) | 0 : Math.floor(m / 10);
    bytes[--i] = 48 + (m - q * 10);
    m = q;
  }
  return end;
}

// Bulk records are written as UTF-8 bytes straight into one growing buffer:
// no string per series, so a million series make no garbage to collect
// (measured: packing through strings spent most of a 2 s load in the GC).
// Records are split by RS, fields by US; a field starts with its JS type
// (see src/wasm/index.rs unpack). A separator inside a value is written as
// DEL, which every reader refuses as a control character, at the same place.
export const SEPARATORS = /[\x1d\x1e\x1f]/g;
export const textEncoder = new TextEncoder();
export class Packer {
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
    this.at = digitsAt(this.bytes, this.at, n);
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

// A Packer writing into wasm's bulk buffer (src/wasm/index.rs `bulk`):
// the records are not copied across, and the JS heap holds no buffer of
// their size (measured: a million series packed in JS were 32 MB of
// external memory besides wasm's growth, which together started V8's
// marking of the host's whole heap in the middle of a load). ensure() comes before
// every write and no host code runs between the two, so a view detached
// by a host getter that grew wasm memory is renewed before it is written.
export class BulkPacker extends Packer {
  constructor(raw, memory, size) {
    super(0);
    this.raw = raw;
    this.memory = memory;
    this.size = 0;
    this.view(Math.max(size, 64));
  }

  view(size) {
    const at = this.raw.bulk(size);
    this.size = size;
    this.bytes = new Uint8Array(this.memory().buffer, at, size);
  }

  ensure(n) {
    if (this.at + n <= this.bytes.length) return;
    // Detached (length 0): the same size again, else twice as much.
    this.view(Math.max(this.at + n, this.bytes.length === 0 ? this.size : this.size * 2));
  }

  done() {
    return this.at;
  }
}

// Reads a property without letting a throwing getter escape.
export function read(object, key) {
  try {
    return object === undefined || object === null ? undefined : object[key];
  } catch {
    return Symbol.for('seriesguard.unreadable');
  }
}

// A series' start, end and scope as read() reads them, by named loads:
// read()'s keyed load sees every key of the package and is megamorphic
// (measured: a tenth of a query's or a batch's time in JS).
export function startOf(series) {
  try {
    return series === undefined || series === null ? undefined : series.start;
  } catch {
    return read(series, 'start');
  }
}
export function endOf(series) {
  try {
    return series === undefined || series === null ? undefined : series.end;
  } catch {
    return read(series, 'end');
  }
}
export function scopeOf(series) {
  try {
    return series === undefined || series === null ? undefined : series.scope;
  } catch {
    return read(series, 'scope');
  }
}

function idOf(series) {
  try {
    return series === undefined || series === null ? undefined : series.id;
  } catch {
    return read(series, 'id');
  }
}

// A series record as packSeries() writes it, in one pass with the
// buffer's place in a local, when it is the common one: ends (and a scope,
// if any) of printable ASCII, and an id, if `withId`, below 2^31 (as
// field() writes it: digits). False, with nothing kept, for any other,
// which goes field by field. Measured: about a third less time than
// field() to pack a million series. Not a Packer method, so the form
// entry, which packs no series, ships without it.
function plainSeries(packer, withId, id, start, end, scope) {
  if (typeof start !== 'string' || typeof end !== 'string') return false;
  const hasScope = typeof scope === 'string';
  if (!hasScope && scope !== undefined && scope !== null) return false;
  if (withId && !(id >= 0 && id < 0x80000000 && Number.isInteger(id))) return false;
  packer.ensure(start.length + end.length + (hasScope ? scope.length : 0) + 20);
  const bytes = packer.bytes;
  let at = packer.at;
  if (withId) {
    bytes[at++] = 110; // n
    at = digitsAt(bytes, at, id);
    bytes[at++] = 0x1f;
  }
  bytes[at++] = 115; // s
  at = plainText(bytes, at, start);
  if (at < 0) return false;
  bytes[at++] = 0x1f;
  bytes[at++] = 115; // s
  at = plainText(bytes, at, end);
  if (at < 0) return false;
  bytes[at++] = 0x1f;
  if (hasScope) {
    bytes[at++] = 115; // s
    at = plainText(bytes, at, scope);
    if (at < 0) return false;
  } else {
    bytes[at++] = 117; // u
  }
  packer.at = at;
  return true;
}

// Writes `text` at `at` if it is printable ASCII: the place after it, else -1.
function plainText(bytes, at, text) {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return -1;
    bytes[at++] = c;
  }
  return at;
}

// Records of series, field by field by named loads (no array per object):
// `id US start US end US scope` to store (withId), or `start US end US
// scope` to ask about. `starts` and `ends`, when given, receive each
// item's start and end as read, for answers that leave them to the host.
// `packer`: where to write (a BulkPacker, or by default a new Packer);
// `from` and `to`: the part of the list to pack.
export function packSeries(list, withId = true, starts = undefined, ends = undefined, packer = new Packer(list.length * 32), from = 0, to = list.length) {
  for (let i = from; i < to; i++) {
    const s = list[i];
    const start = startOf(s);
    const end = endOf(s);
    if (starts !== undefined) {
      starts[i] = start;
      ends[i] = end;
    }
    if (i > from) packer.byte(0x1e);
    const id = withId ? idOf(s) : undefined;
    const scope = scopeOf(s);
    if (plainSeries(packer, withId, id, start, end, scope)) continue;
    if (withId) {
      packer.field(id);
      packer.byte(0x1f);
    }
    packer.field(start);
    packer.byte(0x1f);
    packer.field(end);
    packer.byte(0x1f);
    packer.field(scope);
  }
  return packer.done();
}

// A snapshot as toJSON() writes it, packed for one crossing. Shapes that do
// not match are packed as they are and refused, with a message, in Rust.
export function packSnapshot(snapshot) {
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

/**
 * Reads answers in place from one instance's wasm memory. The memory is
 * looked up on first use (a web build is instantiated after bind) and the
 * view renewed whenever the memory has grown; reset() forgets both (after
 * a trap recreated the instance).
 */
export function reader(raw) {
  // TextDecoder (measured 50 ns vs 85 ns for 42 bytes); browsers use TextDecoder.
  const NodeBuffer = typeof globalThis.Buffer === 'function' ? globalThis.Buffer : null;
  const decoder = new TextDecoder();
  let memory = null;
  let view = null;
  let words = null;
  let outAt = -1;
  // A view is renewed when wasm memory has grown: growing detaches the old
  // buffer, whose views then have length 0 (cheaper to test than reading
  // memory.buffer on every call, measured). Where the answer starts is a
  // word in wasm memory, read without a call (measured: a call each time
  // was 12 ns of every answer).
  function take(length) {
    if (view === null || view.length === 0) {
      const buffer = memory_().buffer;
      view = NodeBuffer ? NodeBuffer.from(buffer) : new Uint8Array(buffer);
      words = new Uint32Array(buffer);
      if (outAt === -1) outAt = raw.outAtAddress() >>> 2;
    }
    const start = words[outAt];
    return NodeBuffer ? view.utf8Slice(start, start + length) : decoder.decode(view.subarray(start, start + length));
  }
  function memory_() {
    if (memory === null) memory = raw.wasmMemory();
    return memory;
  }

  // Short ASCII arguments written end to end into wasm's scratch buffer:
  // no allocation and no encoder per call (measured: passing two strings
  // cost more than validating or hashing them). False, with nothing to
  // undo, when they are long or not ASCII: the caller takes the general path.
  let bytes = null;
  function put(text, at) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) return false;
      bytes[at + i] = c;
    }
    return true;
  }
  // Makes the scratch buffer at least `total` bytes long; answers where it
  // starts. The core moves it only when asked for more than it has (it
  // never shrinks), so its place is asked once per size, not per call
  // (measured: the call was a twentieth of a yes/no query).
  let scratchAt = 0;
  let scratchSize = 0;
  function scratch(total) {
    if (total > scratchSize) scratchAt = raw.scratch(scratchSize = total);
    if (bytes === null || bytes.length === 0) bytes = new Uint8Array(memory_().buffer);
    return scratchAt;
  }
  function writeScratch(a, b, c = '') {
    const total = a.length + b.length + c.length;
    if (total > 1024) return false;
    const at = scratch(total);
    return put(a, at) && put(b, at + a.length) && put(c, at + a.length + b.length);
  }

  function reset() {
    memory = null;
    view = null;
    words = null;
    outAt = -1;
    bytes = null;
    scratchSize = 0;
  }

  return { take, memory: memory_, writeScratch, scratch, put, reset };
}
