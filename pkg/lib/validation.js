// Validation, counting, parsing and check digits: the core's
// answers through the cheapest crossing (rules typed once, short ASCII
// arguments written straight into wasm's scratch buffer).

import { GS, RS, US, Packer, read, startOf, endOf, decodeValidation, decodeIssues, answer, fail, records } from './wire.js';

// Array.isArray, false where it throws (a revoked proxy).
function isArray(value) {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

// What validateScratch answers for a series refused only for its start
// after its end (src/wasm/mod.rs AFTER_END): no answer is this long.
const AFTER_END = 0xffffffff;

/** The validation functions of one instance (`wire`: its reader). */
export function validation(raw, wire) {
  const { take } = wire;
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

  // A series refused only for its start after its end (the core answers
  // AFTER_END, no text): its validation from the core's template, read
  // once, with the ends the caller holds in the places the core marked.
  let afterEndIssue = null;
  let afterEndParts = null;
  function afterEnd(start, end) {
    if (afterEndIssue === null) {
      afterEndIssue = decodeValidation(take(raw.afterEndTemplate())).issues[0];
      afterEndParts = afterEndIssue.message.split(/([\x01\x02])/);
    }
    let message = '';
    for (let i = 0; i < afterEndParts.length; i++) {
      const part = afterEndParts[i];
      message += part === '\x01' ? start : part === '\x02' ? end : part;
    }
    return { ok: false, count: null, issues: [{ code: afterEndIssue.code, field: afterEndIssue.field, message }] };
  }

  // Validates two strings under compiled rules by the cheapest path.
  function validateTwo(start, end, compiled) {
    if (wire.writeScratch(start, end)) {
      const length = raw.validateScratch(start.length, end.length, compiled);
      if (length === 0) return { ok: true, count: BigInt(raw.lastCount()), issues: [], start, end };
      if (length === AFTER_END) return afterEnd(start, end);
      return decodeGiven(take(length), start, end);
    }
    return decodeGiven(take(raw.validateStrings(start, end, compiled)), start, end);
  }

  /** Validates a series for a form: never throws, reports every issue. */
  function validateSeries(input, rules) {
    const start = startOf(input);
    const end = endOf(input);
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
      starts[i] = startOf(inputs[i]);
      ends[i] = endOf(inputs[i]);
      if (i > 0) packer.byte(0x1e);
      packer.field(starts[i]);
      packer.byte(0x1f);
      packer.field(ends[i]);
      // An item that is no object: its kind, for the core to refuse it as
      // validateSeries does (INPUT_INVALID), not as a series without ends.
      const item = inputs[i];
      if (typeof item !== 'object' ? item !== undefined : isArray(item)) {
        packer.byte(0x1f);
        packer.field(item);
      }
    }
    const parts = records(take(raw.validateManyRaw(packer.done(), isList, compile(rules)))).split(GS);
    // Counts of the common case in an f64 array in wasm memory; -1: the
    // next text part; -2: refused only for its start after its end.
    const counts = new Float64Array(wire.memory().buffer, raw.countsPtr(), n);
    const out = new Array(n);
    for (let i = 0, j = 1; i < n; i++) {
      const count = counts[i];
      out[i] = count >= 0
        ? { ok: true, count: BigInt(count), issues: [], start: starts[i], end: ends[i] }
        : count === -2 ? afterEnd(starts[i], ends[i]) : decodeGiven(parts[j++], starts[i], ends[i]);
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

  /**
   * An issue's message as a page shows it: field names in words ("Item code is
   * required"), API sentences in words. The API's `message` is unchanged.
   */
  function inWords(issue) {
    return raw.inWordsRaw(read(issue, 'code'), read(issue, 'field'), read(issue, 'message'));
  }

  /** Bytes of wasm memory in use by this instance (it grows, never shrinks). */
  function memoryBytes() {
    return wire.memory().buffer.byteLength;
  }

  // Forgets what pointed into an instance a trap replaced.
  function reset() {
    defaultRules = null;
    compiledRules = new WeakMap();
    lastRules = undefined;
  }

  return {
    validateSeries, validateMany, countSeries, parseSerial, checkDigit, verifyCheckDigit,
    inWords, memoryBytes, reset,
  };
}
